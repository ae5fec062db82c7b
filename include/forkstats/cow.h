/* SPDX-License-Identifier: GPL-2.0 */
/*
 * COW accounting rules shared by the module, the BPF programs and the tools
 * (docs/design.md): how copies and reuses are derived, how a write-protect
 * fault is classified, and which VMAs fork copies page tables for.  Scalars
 * and flags only: each side reads the kernel's structures itself (the
 * module in compat.h with its conftests, the BPF programs with CO-RE) and
 * hands the results here.
 */
#ifndef FORKSTATS_COW_H
#define FORKSTATS_COW_H

#ifndef __VMLINUX_H__
#include <linux/types.h>
#endif

/*
 * How copies and reuses are told apart on the running kernel: counted
 * directly (the other derived as events minus these), or unknown.
 */
enum fs_split {
	FS_SPLIT_NONE,			/* copies and reuses unknown */
	FS_SPLIT_COUNT_COPIES,		/* copies counted, reuses derived */
	FS_SPLIT_COUNT_REUSES,		/* reuses counted, copies derived */
};

/*
 * The outcome not counted directly is derived: events (cow_parent +
 * cow_child) minus the counted one.  While a fault is between its two
 * probes the difference can be one low; it is clamped at zero.  With
 * FS_SPLIT_NONE both are 0 (and the column is unknown).
 */
static inline void fs_cow_split(unsigned int split, __u64 events, __u64 *copies, __u64 *reuses)
{
	if (split == FS_SPLIT_COUNT_COPIES) {
		*reuses = events > *copies ? events - *copies : 0;
	} else if (split == FS_SPLIT_COUNT_REUSES) {
		*copies = events > *reuses ? events - *reuses : 0;
	} else {
		*copies = 0;
		*reuses = 0;
	}
}

/* A write-protect fault (do_wp_page and its helpers), classified. */
enum fs_wp_class {
	FS_WP_PRIVATE,			/* a COW fault: counted for its mm's call */
	FS_WP_SHARED,			/* a shared mapping's: counter shared_wp */
	FS_WP_ZERO,			/* the shared zero page's: counter zero_page_cow */
	FS_WP_IGNORE,			/* an unshare (FAULT_FLAG_UNSHARE, 5.19+): no write */
};

/*
 * unshare: the fault has FAULT_FLAG_UNSHARE; shared: the VMA has VM_SHARED
 * or VM_MAYSHARE; zero: the faulting PTE maps the zero page.
 */
static inline enum fs_wp_class fs_wp_classify(int unshare, int shared, int zero)
{
	if (unshare)
		return FS_WP_IGNORE;
	if (shared)
		return FS_WP_SHARED;
	if (zero)
		return FS_WP_ZERO;
	return FS_WP_PRIVATE;
}

/*
 * do_wp_page hands the fault to userfaultfd (it does not complete there; its
 * retry does): armed, the VMA registered for write-protect (VM_UFFD_WP) and
 * the PTE marked uffd-wp; unless async, the context resolves it in place
 * (UFFD_FEATURE_WP_ASYNC, 6.7+; read only where armed).
 */
static inline int fs_wp_uffd_handoff(int armed, int async)
{
	return armed && !async;
}

/*
 * copy_page_range(dst_vma, src_vma) copies page tables when one of the
 * child VMA's flags is in dst_mask, one of the parent VMA's in src_mask, or
 * the parent VMA has an anon_vma.  The masks are the kernel's rule, chosen
 * by each side (module/compat.h fs_vma_needs_copy, the BPF programs'
 * page_range_entry):
 *   7.x            dst_mask VM_COPY_ON_FORK, src_mask 0
 *   5.19+          dst_mask VM_UFFD_WP, src_mask VM_PFNMAP | VM_MIXEDMAP
 *   before (5.10)  dst_mask 0, src_mask VM_HUGETLB | VM_PFNMAP | VM_MIXEDMAP
 */
static inline int fs_vma_needs_copy_flags(__u64 dst_flags, __u64 dst_mask, __u64 src_flags,
					  __u64 src_mask, int anon_vma)
{
	return (dst_flags & dst_mask) || (src_flags & src_mask) || anon_vma;
}

#endif /* FORKSTATS_COW_H */
