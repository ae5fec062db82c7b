// SPDX-License-Identifier: GPL-2.0
/*
 * COW-side probes: every write fault on a present, write-protected PTE goes
 * through do_wp_page(), and ends in one of two helpers: wp_page_copy() (a
 * private page copied, the zero page among them) or wp_page_reuse() (a page
 * made writable in place: a private page no one else maps, or a shared
 * mapping's).  Each fault is classified (shared mapping, the shared zero
 * page, or a private page: a COW fault) and attributed by the faulting VMA's
 * mm.
 *
 * Entry hooks only (ftrace_ops, probes.c), one per function a fault passes:
 *
 *   do_wp_page     every fault: classified and counted when it starts
 *   wp_page_copy   a COW fault that copies (5.10, 6.1); reuses are faults
 *                  minus copies
 *   wp_page_reuse  a COW fault that reuses, where wp_page_copy is inlined
 *                  (6.12); copies are faults minus reuses.  Not hooked where
 *                  wp_page_copy is: ftrace cannot trace it (its out-of-line
 *                  copy is notrace), and a kprobe costs three times as much.
 *
 * A copy fault passes two hooks, a reuse fault one.  Counting at entry
 * counts a fault that will not complete; the ones that are not rare are
 * known at entry and skipped (a PTE armed for userfaultfd, an unshare);
 * what remains (out of memory, a copy abandoned because another thread
 * changed the PTE first) is in docs/design.md.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/kernel.h>
#include <linux/kprobes.h>
#include <linux/mm.h>

#include "forkstats.h"

static pteval_t wp_zero_bits;		/* fs_present_pte_is_zero() */

/* The fault's flags read here, the rule in <forkstats/cow.h>. */
static __always_inline enum fs_wp_class classify(const struct vm_fault *vmf)
{
	return fs_wp_classify(fs_vmf_is_unshare(vmf),
			      !!(vmf->vma->vm_flags & (VM_SHARED | VM_MAYSHARE)),
			      fs_present_pte_is_zero(vmf->orig_pte, READ_ONCE(wp_zero_bits)));
}

/* do_wp_page(struct vm_fault *vmf) */
static __always_inline void do_wp_page_entry(unsigned long arg0)
{
	const struct vm_fault *vmf = (const void *)arg0;

	fs_probe_hit(FS_PROBE_DO_WP_PAGE);
	if (!fs_on() || fs_wp_to_userfaultfd(vmf))
		return;
	switch (classify(vmf)) {
	case FS_WP_SHARED:
		fs_count(FS_CTR_shared_wp);
		break;
	case FS_WP_ZERO:
		fs_count(FS_CTR_zero_page_cow);
		break;
	case FS_WP_PRIVATE:
		/* By the VMA's mm, not current's: GUP and ptrace fault for others. */
		fs_cow_fault(vmf->vma->vm_mm, FS_COW_EVENT);
		break;
	default:
		break;
	}
}
FS_ENTRY_HOOK(do_wp_page_entry);

/* wp_page_copy(struct vm_fault *vmf), wp_page_reuse(struct vm_fault *vmf, ...) */
static __always_inline void helper_entry(unsigned long arg0, enum fs_cow_outcome o)
{
	const struct vm_fault *vmf = (const void *)arg0;

	if (fs_on() && classify(vmf) == FS_WP_PRIVATE)
		fs_cow_fault(vmf->vma->vm_mm, o);
}

static __always_inline void wp_page_copy_entry(unsigned long arg0)
{
	fs_probe_hit(FS_PROBE_WP_PAGE_COPY);
	helper_entry(arg0, FS_COW_COPY);
}
FS_ENTRY_HOOK(wp_page_copy_entry);

static __always_inline void wp_page_reuse_entry(unsigned long arg0)
{
	fs_probe_hit(FS_PROBE_WP_PAGE_REUSE);
	helper_entry(arg0, FS_COW_REUSE);
}
FS_ENTRY_HOOK(wp_page_reuse_entry);

void fs_cow_probes_setup(void)
{
	wp_zero_bits = fs_zero_pte_bits();
	fs_probes[FS_PROBE_DO_WP_PAGE] = (struct fs_probe) {
		.name = "do_wp_page", .required = true, FS_ENTRY(do_wp_page_entry),
	};
	fs_probes[FS_PROBE_WP_PAGE_COPY] = (struct fs_probe) {
		.name = "wp_page_copy", FS_ENTRY(wp_page_copy_entry),
	};
	/* Not armed where wp_page_copy is: no text patched for nothing. */
	fs_probes[FS_PROBE_WP_PAGE_REUSE] = (struct fs_probe) {
		.name = "wp_page_reuse", .fallback = true, FS_ENTRY(wp_page_reuse_entry),
	};
}

/*
 * One helper tells copies from reuses: wp_page_copy where it attached (a
 * hook on ftrace), else wp_page_reuse.  Runs before the handlers are enabled.
 */
void fs_cow_probes_configure(void)
{
	if (fs_probe_attached(FS_PROBE_WP_PAGE_COPY))
		fs_records_set_split(FS_SPLIT_COUNT_COPIES);
	else if (fs_probe_attached(FS_PROBE_WP_PAGE_REUSE))
		fs_records_set_split(FS_SPLIT_COUNT_REUSES);
	else
		fs_records_set_split(FS_SPLIT_NONE);
}
