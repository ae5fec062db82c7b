// SPDX-License-Identifier: GPL-2.0
/*
 * COW-side probes: every write fault on a present, write-protected PTE goes
 * through do_wp_page(), and ends in one of two helpers: wp_page_copy() (a
 * private page copied, the zero page among them) or wp_page_reuse() (a page
 * made writable in place: a private page no one else maps, or a shared
 * mapping's).  Each fault is classified (shared mapping, the shared zero
 * page, or a private page: a COW fault) and attributed by the faulting VMA's
 * mm.  Two ways, by what the running kernel lets us probe:
 *
 *   helpers (6.1: both helpers are functions, and wp_page_copy's result
 *   says whether it copied)
 *     wp_page_copy   kretprobe: a COW fault that copied, counted when it did
 *     wp_page_reuse  kprobe: a COW fault that reused (or a shared write)
 *     one probe per fault; do_wp_page is not probed
 *
 *   do_wp_page (5.10: wp_page_reuse inlined; 6.12: wp_page_copy inlined)
 *     do_wp_page     kretprobe: classifies at entry, counts the event at
 *                    return when the fault succeeded
 *     wp_page_copy   kretprobe (5.10): a COW fault that copied; reuses are
 *                    events minus copies
 *     wp_page_reuse  kprobe (6.12): a COW fault that reused; copies are
 *                    events minus reuses
 *
 * The rules, and why each kernel needs which, are in docs/design.md.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/kernel.h>
#include <linux/kprobes.h>
#include <linux/mm.h>

#include "forkstats.h"

enum wp_class { WP_PRIVATE, WP_SHARED, WP_ZERO, WP_IGNORE };

struct wp_data {
	struct fs_attr attr;	/* valid when attr.seq != 0 */
	enum wp_class class;
};

/* Faults counted by the helpers alone (do_wp_page unregistered). */
static bool fs_by_helpers;

static enum wp_class classify(const struct vm_fault *vmf)
{
	if (fs_vmf_is_unshare(vmf))
		return WP_IGNORE;
	if (vmf->vma->vm_flags & (VM_SHARED | VM_MAYSHARE))
		return WP_SHARED;
	if (is_zero_pfn(pte_pfn(vmf->orig_pte)))
		return WP_ZERO;
	return WP_PRIVATE;
}
NOKPROBE_SYMBOL(classify);

/* do_wp_page(struct vm_fault *vmf) */
static int do_wp_page_entry(struct kretprobe_instance *ri, struct pt_regs *regs)
{
	struct vm_fault *vmf = (void *)regs_get_kernel_argument(regs, 0);
	struct wp_data *d = (void *)ri->data;

	fs_probe_hit(FS_PROBE_DO_WP_PAGE);
	if (!fs_on())
		return 1;
	d->class = classify(vmf);
	if (d->class == WP_IGNORE)
		return 1;
	d->attr.seq = 0;
	/* By the VMA's mm, not current's: GUP and ptrace fault for others. */
	if (d->class == WP_PRIVATE && !fs_mm_lookup(vmf->vma->vm_mm, &d->attr))
		d->attr.seq = 0;
	return 0;
}
NOKPROBE_SYMBOL(do_wp_page_entry);

static int do_wp_page_ret(struct kretprobe_instance *ri, struct pt_regs *regs)
{
	struct wp_data *d = (void *)ri->data;

	if (!fs_wp_fault_done(regs_return_value(regs)))
		return 0;
	switch (d->class) {
	case WP_SHARED:
		fs_count(FS_CTR_shared_wp);
		break;
	case WP_ZERO:
		fs_count(FS_CTR_zero_page_cow);
		break;
	case WP_PRIVATE:
		if (d->attr.seq)
			fs_cow(&d->attr, FS_COW_EVENT);
		else
			fs_count(FS_CTR_cow_unattributed);
		break;
	default:
		break;
	}
	return 0;
}
NOKPROBE_SYMBOL(do_wp_page_ret);

/*
 * wp_page_copy(struct vm_fault *vmf): returns VM_FAULT_WRITE once copied.
 * With do_wp_page probed it counts the copy only; by the helpers it counts
 * the whole fault, the zero page's too.
 */
static int wp_page_copy_entry(struct kretprobe_instance *ri, struct pt_regs *regs)
{
	struct vm_fault *vmf = (void *)regs_get_kernel_argument(regs, 0);
	struct wp_data *d = (void *)ri->data;

	fs_probe_hit(FS_PROBE_WP_PAGE_COPY);
	if (!fs_on())
		return 1;
	d->class = classify(vmf);
	if (d->class == WP_ZERO && fs_by_helpers)
		return 0;
	if (d->class != WP_PRIVATE)
		return 1;
	if (!fs_mm_lookup(vmf->vma->vm_mm, &d->attr)) {
		if (!fs_by_helpers)
			return 1;
		d->attr.seq = 0;
	}
	return 0;
}
NOKPROBE_SYMBOL(wp_page_copy_entry);

static int wp_page_copy_ret(struct kretprobe_instance *ri, struct pt_regs *regs)
{
	struct wp_data *d = (void *)ri->data;

	if (!fs_wp_copy_done(regs_return_value(regs)))
		return 0;
	if (!fs_by_helpers)
		fs_cow(&d->attr, FS_COW_COPY);
	else if (d->class == WP_ZERO)
		fs_count(FS_CTR_zero_page_cow);
	else if (d->attr.seq)
		fs_cow(&d->attr, FS_COW_EVENT_COPY);
	else
		fs_count(FS_CTR_cow_unattributed);
	return 0;
}
NOKPROBE_SYMBOL(wp_page_copy_ret);

/*
 * wp_page_reuse(struct vm_fault *vmf, ...): also used for shared mappings.
 * It cannot fail.  With do_wp_page probed it counts the reuse only; by the
 * helpers the whole fault, a shared mapping's write too.
 */
static int wp_page_reuse_entry(struct kprobe *kp, struct pt_regs *regs)
{
	struct vm_fault *vmf = (void *)regs_get_kernel_argument(regs, 0);
	enum wp_class class;
	struct fs_attr a;

	fs_probe_hit(FS_PROBE_WP_PAGE_REUSE);
	if (!fs_on())
		return 0;
	class = classify(vmf);
	if (class == WP_SHARED && fs_by_helpers)
		fs_count(FS_CTR_shared_wp);
	if (class != WP_PRIVATE)
		return 0;
	if (fs_mm_lookup(vmf->vma->vm_mm, &a))
		fs_cow(&a, fs_by_helpers ? FS_COW_EVENT : FS_COW_REUSE);
	else if (fs_by_helpers)
		fs_count(FS_CTR_cow_unattributed);
	return 0;
}
NOKPROBE_SYMBOL(wp_page_reuse_entry);

void fs_cow_probes_setup(void)
{
	fs_probes[FS_PROBE_DO_WP_PAGE] = (struct fs_probe) {
		.name = "do_wp_page", .required = true,
		.rp = { .entry_handler = do_wp_page_entry, .handler = do_wp_page_ret,
			.data_size = sizeof(struct wp_data) },
	};
	/* Only where its success can be seen in its return value. */
	if (FS_HAVE_VM_FAULT_WRITE)
		fs_probes[FS_PROBE_WP_PAGE_COPY] = (struct fs_probe) {
			.name = "wp_page_copy",
			.rp = { .entry_handler = wp_page_copy_entry, .handler = wp_page_copy_ret,
				.data_size = sizeof(struct wp_data) },
		};
	fs_probes[FS_PROBE_WP_PAGE_REUSE] = (struct fs_probe) {
		.name = "wp_page_reuse",
		.kp = { .pre_handler = wp_page_reuse_entry },
	};
}

/*
 * Both helpers probed: they count every fault, one probe each, and
 * do_wp_page is unregistered so that no fault pays for it.  Else do_wp_page
 * counts the faults and the helper there is tells them apart.  Runs before
 * the handlers are enabled.
 */
void fs_cow_probes_configure(void)
{
	struct fs_probe *reuse = &fs_probes[FS_PROBE_WP_PAGE_REUSE];
	struct fs_probe *wp = &fs_probes[FS_PROBE_DO_WP_PAGE];

	if (fs_probe_attached(FS_PROBE_WP_PAGE_COPY) && reuse->attached) {
		fs_records_set_split(FS_SPLIT_COUNT_COPIES);
		fs_by_helpers = true;
		unregister_kretprobe(&wp->rp);
		wp->attached = false;
	} else if (fs_probe_attached(FS_PROBE_WP_PAGE_COPY)) {
		fs_records_set_split(FS_SPLIT_COUNT_COPIES);
	} else if (reuse->attached) {
		fs_records_set_split(FS_SPLIT_COUNT_REUSES);
	} else {
		fs_records_set_split(FS_SPLIT_NONE);
	}
}
