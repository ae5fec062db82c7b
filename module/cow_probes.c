// SPDX-License-Identifier: GPL-2.0
/*
 * COW-side probes: every write fault on a present, write-protected PTE goes
 * through do_wp_page(); its outcome is told apart with whichever helper the
 * running kernel has as a symbol.
 *
 *   do_wp_page     kretprobe: classifies the fault at entry (shared mapping,
 *                  the shared zero page, or a private page: a COW fault),
 *                  looks up the attribution of the faulting VMA's mm, and
 *                  counts the event at return when the fault succeeded
 *   wp_page_copy   kretprobe (5.10, 6.1): a COW fault that copied the page;
 *                  reuses are events minus copies
 *   wp_page_reuse  kprobe (6.12, where wp_page_copy is inlined): a COW fault
 *                  that reused the page; copies are events minus reuses
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

/* wp_page_copy(struct vm_fault *vmf): returns VM_FAULT_WRITE once copied. */
static int wp_page_copy_entry(struct kretprobe_instance *ri, struct pt_regs *regs)
{
	struct vm_fault *vmf = (void *)regs_get_kernel_argument(regs, 0);
	struct wp_data *d = (void *)ri->data;

	fs_probe_hit(FS_PROBE_WP_PAGE_COPY);
	if (!fs_on() || classify(vmf) != WP_PRIVATE)
		return 1;
	if (!fs_mm_lookup(vmf->vma->vm_mm, &d->attr))
		return 1;
	return 0;
}
NOKPROBE_SYMBOL(wp_page_copy_entry);

static int wp_page_copy_ret(struct kretprobe_instance *ri, struct pt_regs *regs)
{
	struct wp_data *d = (void *)ri->data;

	if (fs_wp_copy_done(regs_return_value(regs)))
		fs_cow(&d->attr, FS_COW_COPY);
	return 0;
}
NOKPROBE_SYMBOL(wp_page_copy_ret);

/* wp_page_reuse(struct vm_fault *vmf, ...): also used for shared mappings. */
static int wp_page_reuse_entry(struct kprobe *kp, struct pt_regs *regs)
{
	struct vm_fault *vmf = (void *)regs_get_kernel_argument(regs, 0);
	struct fs_attr a;

	fs_probe_hit(FS_PROBE_WP_PAGE_REUSE);
	if (!fs_on() || classify(vmf) != WP_PRIVATE)
		return 0;
	if (fs_mm_lookup(vmf->vma->vm_mm, &a))
		fs_cow(&a, FS_COW_REUSE);
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
 * Count copies where wp_page_copy can be probed (exact, also when a copy is
 * abandoned because the PTE changed); otherwise count reuses.  The probe not
 * needed is unregistered so that no fault pays for it.
 */
void fs_cow_probes_configure(void)
{
	struct fs_probe *reuse = &fs_probes[FS_PROBE_WP_PAGE_REUSE];

	if (fs_probe_attached(FS_PROBE_WP_PAGE_COPY)) {
		fs_records_set_split(FS_SPLIT_COUNT_COPIES);
		if (reuse->attached) {
			unregister_kprobe(&reuse->kp);
			reuse->attached = false;
		}
	} else if (reuse->attached) {
		fs_records_set_split(FS_SPLIT_COUNT_REUSES);
	} else {
		fs_records_set_split(FS_SPLIT_NONE);
	}
}
