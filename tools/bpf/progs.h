/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The BPF programs, one row each: the loader's table (../lib/bpf_attach.c
 * fsb_progs[], NPROGS) and the programs' sections (core.bpf.h declares each
 * program with its SEC from here) come from this one list.
 *
 *   X(id, prog, hook, chain, type, target, req, how)
 *
 *   id      the row (FSB_PROG_<id>); the program's name but for a second row
 *           of a program that serves two chains
 *   prog    the program (its function in fentry.bpf.c or tracepoint.bpf.c)
 *   hook    enum fsb_hook (state.h): the hit counter, the probes line
 *   chain   enum fsb_chain: the chain that attaches it
 *   type    the program type, its section's prefix: fentry, fexit, kprobe,
 *           kretprobe, tp_btf
 *   target  the function or tracepoint, its section's rest
 *   req     REQUIRED (the chain fails without it) or OPTIONAL
 *   how     enum attach_how (../lib/bpf_internal.h)
 *
 * Rows in the order the loader attaches them: wp_page_copy's before
 * do_wp_page's (whether it attached picks do_wp_page's program).
 */
#ifndef FORKSTATS_BPF_PROGS_H
#define FORKSTATS_BPF_PROGS_H

#define FSB_PROGS(X)											\
	X(kernel_clone_entry, kernel_clone_entry, KERNEL_CLONE, FENTRY, fentry, "kernel_clone",		\
	  REQUIRED, BY_LIBBPF)										\
	X(kernel_clone_exit, kernel_clone_exit, KERNEL_CLONE, FENTRY, fexit, "kernel_clone",		\
	  REQUIRED, BY_LIBBPF)										\
	X(copy_process_entry, copy_process_entry, COPY_PROCESS, FENTRY, fentry, "copy_process",	\
	  REQUIRED, BY_LIBBPF)										\
	X(copy_process_exit, copy_process_exit, COPY_PROCESS, FENTRY, fexit, "copy_process",		\
	  REQUIRED, BY_LIBBPF)										\
	X(copy_page_range_entry, copy_page_range_entry, COPY_PAGE_RANGE, FENTRY, fentry,		\
	  "copy_page_range", OPTIONAL, BY_LIBBPF)							\
	X(mmdrop_entry, mmdrop_entry, MMDROP, FENTRY, fentry, "__mmdrop", REQUIRED, BY_LIBBPF)	\
	X(wp_page_copy_entry, wp_page_copy_entry, WP_PAGE_COPY, FENTRY, fentry, "wp_page_copy",	\
	  OPTIONAL, BY_LIBBPF)										\
	X(do_wp_page_entry, do_wp_page_entry, DO_WP_PAGE, FENTRY, fentry, "do_wp_page",		\
	  REQUIRED, IF_COPY)										\
	X(do_wp_page_exit, do_wp_page_exit, DO_WP_PAGE, FENTRY, fexit, "do_wp_page",			\
	  REQUIRED, UNLESS_COPY)									\
	X(wp_page_reuse_entry, wp_page_reuse_entry, WP_PAGE_REUSE, FENTRY, fentry,			\
	  "wp_page_reuse", OPTIONAL, BY_LIBBPF)								\
	/* Where the function has no fentry, the kprobe chain's program instead. */		\
	X(wp_page_reuse_fallback, wp_page_reuse_kprobe, WP_PAGE_REUSE, FENTRY, kprobe,		\
	  "wp_page_reuse", OPTIONAL, FALLBACK_KPROBE)							\
	X(sys_enter, sys_enter, SYS_ENTER, TRACEPOINT, tp_btf, "sys_enter", REQUIRED, BY_LIBBPF)	\
	X(sys_exit, sys_exit, SYS_EXIT, TRACEPOINT, tp_btf, "sys_exit", REQUIRED, BY_LIBBPF)		\
	X(task_newtask, task_newtask, TASK_NEWTASK, TRACEPOINT, tp_btf, "task_newtask",		\
	  REQUIRED, BY_LIBBPF)										\
	X(exit_mmap, exit_mmap, EXIT_MMAP, TRACEPOINT, tp_btf, "exit_mmap", REQUIRED, BY_LIBBPF)	\
	X(page_fault_user, page_fault_user, PAGE_FAULT_USER, TRACEPOINT, tp_btf,			\
	  "page_fault_user", REQUIRED, BY_LIBBPF)							\
	X(page_fault_kernel, page_fault_kernel, PAGE_FAULT_KERNEL, TRACEPOINT, tp_btf,		\
	  "page_fault_kernel", REQUIRED, BY_LIBBPF)							\
	X(rss_stat, rss_stat, RSS_STAT, TRACEPOINT, tp_btf, "rss_stat", REQUIRED, BY_LIBBPF)		\
	X(signal_deliver, signal_deliver, SIGNAL_DELIVER, TRACEPOINT, tp_btf, "signal_deliver",	\
	  REQUIRED, BY_LIBBPF)										\
	X(kernel_clone_kprobe, kernel_clone_kprobe, KERNEL_CLONE, KPROBE, kprobe, "kernel_clone",	\
	  REQUIRED, KPROBE_EVENT)									\
	X(kernel_clone_kretprobe, kernel_clone_kretprobe, KERNEL_CLONE, KPROBE, kretprobe,		\
	  "kernel_clone", REQUIRED, KRETPROBE_EVENT)							\
	X(copy_process_kprobe, copy_process_kprobe, COPY_PROCESS, KPROBE, kprobe, "copy_process",	\
	  REQUIRED, KPROBE_EVENT)									\
	X(copy_process_kretprobe, copy_process_kretprobe, COPY_PROCESS, KPROBE, kretprobe,		\
	  "copy_process", REQUIRED, KRETPROBE_EVENT)							\
	X(copy_page_range_kprobe, copy_page_range_kprobe, COPY_PAGE_RANGE, KPROBE, kprobe,		\
	  "copy_page_range", OPTIONAL, KPROBE_EVENT)							\
	X(mmdrop_kprobe, mmdrop_kprobe, MMDROP, KPROBE, kprobe, "__mmdrop", REQUIRED, KPROBE_EVENT)	\
	X(do_wp_page_kprobe, do_wp_page_kprobe, DO_WP_PAGE, KPROBE, kprobe, "do_wp_page",		\
	  REQUIRED, KPROBE_EVENT)									\
	X(do_wp_page_kretprobe, do_wp_page_kretprobe, DO_WP_PAGE, KPROBE, kretprobe, "do_wp_page",	\
	  REQUIRED, KRETPROBE_EVENT)									\
	X(wp_page_copy_kretprobe, wp_page_copy_kretprobe, WP_PAGE_COPY, KPROBE, kretprobe,		\
	  "wp_page_copy", OPTIONAL, KRETPROBE_EVENT)							\
	X(wp_page_reuse_kprobe, wp_page_reuse_kprobe, WP_PAGE_REUSE, KPROBE, kprobe,			\
	  "wp_page_reuse", OPTIONAL, KPROBE_EVENT)

enum fsb_prog {
#define FSB_PROG_ENUM(id, prog, hook, chain, type, target, req, how) FSB_PROG_##id,
	FSB_PROGS(FSB_PROG_ENUM)
#undef FSB_PROG_ENUM
	FSB_PROG_COUNT
};

#endif /* FORKSTATS_BPF_PROGS_H */
