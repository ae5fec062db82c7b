/* SPDX-License-Identifier: GPL-2.0 */
/*
 * bpfcount: the programs' slots in the per-CPU "counts" array, shared by
 * the BPF programs (bpfcount.bpf.c) and the loader (bpfcount.c).
 */
#ifndef BPFCOUNT_H
#define BPFCOUNT_H

enum bc_prog {
	BC_KERNEL_CLONE_ENTRY,
	BC_KERNEL_CLONE_EXIT,
	BC_COPY_PROCESS_ENTRY,
	BC_COPY_PROCESS_EXIT,
	BC_COPY_PAGE_RANGE_ENTRY,
	BC_MMDROP_ENTRY,
	BC_WP_PAGE_COPY_ENTRY,		/* before do_wp_page's: it picks which */
	BC_DO_WP_PAGE_ENTRY,
	BC_DO_WP_PAGE_EXIT,
	BC_WP_PAGE_REUSE_ENTRY,
	BC_WP_PAGE_REUSE_KPROBE,
	BC_NPROGS
};

#endif /* BPFCOUNT_H */
