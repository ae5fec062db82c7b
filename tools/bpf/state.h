/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The BPF backend's maps, shared by the BPF programs (*.bpf.c, core.bpf.h) and
 * the loader (../lib/bpf_*.c).  Records and aggregate columns are those of
 * include/forkstats/record.h; this adds only how the backend keeps them.
 */
#ifndef FORKSTATS_BPF_STATE_H
#define FORKSTATS_BPF_STATE_H

#include <forkstats/attr.h>
#include <forkstats/cow.h>
#include <forkstats/hist.h>
#include <forkstats/record.h>

#include "progs.h"

/* Hook chains, best first (docs/bpf.md). */
enum fsb_chain {
	FSB_CHAIN_NONE,
	FSB_CHAIN_FENTRY,		/* fentry/fexit on the module's functions */
	FSB_CHAIN_TRACEPOINT,		/* tp_btf: syscalls, task_newtask, page faults */
	FSB_CHAIN_KPROBE,		/* kprobes/kretprobes on the module's functions */
};

/*
 * Hooks: one hit counter each; names and program types (fentry chain,
 * kprobe chain; the tracepoint chain's are tp_btf) in ../lib/bpf_read.c.
 */
#define FSB_HOOKS(X)									\
	X(KERNEL_CLONE, "kernel_clone", "fentry.fexit", "kprobe.kretprobe")		\
	X(COPY_PROCESS, "copy_process", "fentry.fexit", "kprobe.kretprobe")		\
	X(COPY_PAGE_RANGE, "copy_page_range", "fentry", "kprobe")			\
	X(MMDROP, "__mmdrop", "fentry", "kprobe")					\
	X(DO_WP_PAGE, "do_wp_page", "fentry", "kprobe.kretprobe")			\
	X(WP_PAGE_COPY, "wp_page_copy", "fentry", "kretprobe")				\
	X(WP_PAGE_REUSE, "wp_page_reuse", "fentry", "kprobe")				\
	X(SYS_ENTER, "sys_enter", "tp_btf", "tp_btf")					\
	X(SYS_EXIT, "sys_exit", "tp_btf", "tp_btf")					\
	X(TASK_NEWTASK, "task_newtask", "tp_btf", "tp_btf")				\
	X(EXIT_MMAP, "exit_mmap", "tp_btf", "tp_btf")					\
	X(PAGE_FAULT_USER, "page_fault_user", "tp_btf", "tp_btf")			\
	X(PAGE_FAULT_KERNEL, "page_fault_kernel", "tp_btf", "tp_btf")			\
	X(RSS_STAT, "rss_stat", "tp_btf", "tp_btf")					\
	X(SIGNAL_DELIVER, "signal_deliver", "tp_btf", "tp_btf")

enum fsb_hook {
#define FSB_HOOK_ENUM(e, name, type, ktype) FSB_HOOK_##e,
	FSB_HOOKS(FSB_HOOK_ENUM)
#undef FSB_HOOK_ENUM
	FSB_HOOK_COUNT
};

/*
 * Counters: those of /proc/forkstats, then the backend's own:
 *   huge_wp          write faults on a huge PMD, not counted as COW (the
 *                    tracepoint chain cannot see whether they split)
 *   wp_unclassified  write faults whose VMA could not be looked up
 */
#define FSB_COUNTERS(X)		\
	FS_COUNTERS(X)		\
	X(huge_wp)		\
	X(wp_unclassified)

enum fsb_counter {
#define FSB_CTR_ENUM(name) FSB_CTR_##name,
	FSB_COUNTERS(FSB_CTR_ENUM)
#undef FSB_CTR_ENUM
	FSB_CTR_COUNT
};

/*
 * Per-kind sums, per CPU: the module's (FS_AGG_SUMS, in its order: FS_SUM_*),
 * then the backend's own.
 */
enum {
	FSB_R_CREATE_N = FS_SUM_COUNT,	/* calls whose create_ns is known */
	FSB_R_RSS_UNKNOWN,		/* calls whose child's rss_pages is unknown */
	FSB_R_COUNT
};
struct fsb_pcpu {
	__u64 agg[FS_KIND_COUNT][FSB_R_COUNT];
	__u64 ctr[FSB_CTR_COUNT];
	__u64 hist[FS_KIND_COUNT][2][FS_HIST_BUCKETS];
	__u64 hits[FSB_HOOK_COUNT];
	/* The CPU's last "mms" lookup, valid while state's mm_gen is gen. */
	struct {
		__u64 mm, attr, gen;	/* attr 0: mm has none */
	} mm_cache;
	/*
	 * Tracepoint chain: the VMA of the CPU's last write fault, valid while
	 * state's mm_gen is gen (an mm freed bumps it) and the mm's
	 * mm_lock_seq is seq (every mmap write lock moves it, 6.13+).
	 */
	struct {
		__u64 mm, gen, start, end, flags;
		__u32 seq, anon;
	} vma_cache;
};


/*
 * The layout of the pinned maps (struct fsb_state, fsb_pcpu with the order
 * of its sums, fs_record, fsb_done): one more on every change of any of them,
 * so that a binary never reads a backend another version attached.
 */
#define FSB_LAYOUT	2

/* The one element of the "state" map. */
struct fsb_state {
	__u64 next_seq;		/* the last seq handed out */
	__u64 done_n;		/* completions ever logged */
	__u64 reset_after;	/* calls up to this seq are ignored */
	__u64 unknown;		/* bit per enum fs_record_column the hooks cannot give */
	__u64 approx;		/* bit per column given approximately */
	__u64 mm_gen;		/* bumped after every change of "mms" (mm_cache) */
	__u32 nrecords;		/* entries of "records" and "done_log" */
	__u32 enabled;
	__u32 split;		/* enum fs_split */
	__u32 chain;		/* enum fsb_chain */
	__u32 ncpus;		/* possible CPUs (per-CPU RSS counters) */
	__u32 copy_by_pte;	/* copies seen in the PTE after do_wp_page (no helper hook) */
	__u32 hooks;		/* bit per enum fsb_hook attached */
	__u32 hooks_kprobe;	/* of those, by a kprobe program (fentry chain fallback) */
	__u32 kprobe_pid;	/* kprobe chain: its events are group forkstats_<pid> */
	__u32 holder_pid;	/* kprobe chain without BPF perf links: the process holding them */
	__u32 maxactive;	/* kprobe chain: kretprobe instances per function */
	__u32 uffd_wp_fork_copy; /* fork copies a VMA whose child keeps uffd-wp (5.19+) */
	__u64 copy_on_fork;	/* 7.x: the child VMA's flags fork copies for (VM_COPY_ON_FORK) */
	__u32 layout;		/* FSB_LAYOUT of the loader that attached */
	__u32 pad;
};

/* One entry of the completion log: pos1 = position + 1 once written. */
struct fsb_done {
	__u64 pos1;
	__u64 seq;
};

/* A task inside a call, by thread id ("inflight" map). */
struct fsb_call {
	__u64 t0;		/* monotonic ns at kernel_clone / syscall entry */
	__u64 ts;		/* boot clock ns at entry */
	__u64 flags;
	__u64 t_copy;		/* monotonic ns at copy_process entry */
	__u64 seq;		/* the record, once copy_process returned */
	__u32 vmas_copied;
	__u32 kind;
	__u32 state;		/* enum fsb_call_state */
	__u32 pad;
};

enum fsb_call_state {
	FSB_IN_CLONE = 1,	/* inside kernel_clone (fentry chain) */
	FSB_IN_COPY,		/* inside copy_process without kernel_clone */
	FSB_IN_SYSCALL,		/* inside a clone/fork/vfork/clone3 syscall */
};

/* mm attribution ("mms" map, by mm address): fs_attr_pack(seq, kind, side) */

/* A write fault in progress on the tracepoint chain ("wp_pending", by tid). */
struct fsb_wp {
	__u64 mm;
	__u64 attr;
};

#endif /* FORKSTATS_BPF_STATE_H */
