/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The per-call record and the aggregate columns: the one definition shared by
 * the kernel module, the BPF backend and the CLI.
 *
 * The text forms (debugfs "calls" and "events", /proc/forkstats) are derived
 * from the column lists below, so a column's name, order and type are
 * defined here and nowhere else.  docs/interfaces.md describes each column
 * and its unit.
 */
#ifndef FORKSTATS_RECORD_H
#define FORKSTATS_RECORD_H

#ifndef __VMLINUX_H__
#include <linux/types.h>
#endif

/* Version of the /proc/forkstats format (its first line: "forkstats <n> ..."). */
#define FS_PROC_FORMAT_VERSION	2

/* Kinds of call, in the order /proc/forkstats lists them. */
#define FS_KINDS(X)			\
	X(FORK, "fork")			\
	X(VFORK, "vfork")		\
	X(THREAD, "thread")		\
	X(CLONE, "clone")		\
	X(KTHREAD, "kthread")

enum fs_kind {
#define FS_KIND_ENUM(e, s) FS_KIND_##e,
	FS_KINDS(FS_KIND_ENUM)
#undef FS_KIND_ENUM
	FS_KIND_COUNT
};

static inline const char *fs_kind_name(unsigned int kind)
{
	switch (kind) {
#define FS_KIND_CASE(e, s) case FS_KIND_##e: return s;
	FS_KINDS(FS_KIND_CASE)
#undef FS_KIND_CASE
	}
	return "?";
}

/* The clone flags that decide a kind (values of the uapi CLONE_*). */
#define FS_CLONE_VM	0x00000100ULL
#define FS_CLONE_VFORK	0x00004000ULL
#define FS_CLONE_THREAD	0x00010000ULL

/*
 * The kind of a call, from its clone flags; kthread: the caller is a kernel
 * thread, or the child a kernel thread or a kernel-made worker (io_uring).
 */
static inline unsigned int fs_kind_of(__u64 flags, int kthread)
{
	if (kthread)
		return FS_KIND_KTHREAD;
	if (flags & FS_CLONE_VFORK)
		return FS_KIND_VFORK;
	if (flags & FS_CLONE_THREAD)
		return FS_KIND_THREAD;
	if (flags & FS_CLONE_VM)
		return FS_KIND_CLONE;
	return FS_KIND_FORK;
}

#define FS_COMM_LEN	16

struct fs_record {
	__u64 seq;		/* call number since load, from 1 */
	__u64 ts_ns;		/* CLOCK_BOOTTIME at entry, ns */
	__u64 flags;		/* clone flags */
	__u64 create_ns;	/* copy_process duration, ns */
	__u64 total_ns;		/* kernel_clone duration, ns */
	__u64 pgtable_bytes;	/* page-table bytes of the child's new mm after the copy */
	__u64 rss_pages;	/* pages mapped in the child after the copy */
	__u64 cow_parent;	/* COW faults in the parent's mm attributed to this call */
	__u64 cow_child;	/* COW faults in the child's mm attributed to this call */
	__u64 cow_copies;	/* of those, faults that copied the page */
	__u64 cow_reuses;	/* of those, faults that reused it */
	__s32 parent_tgid;
	__s32 parent_pid;
	__s32 child_pid;	/* 0 when the call failed */
	__s32 err;		/* 0, or the negative errno of a failed call */
	__u32 vmas;		/* VMAs of the child's mm */
	__u32 vmas_copied;	/* VMAs whose page tables were copied */
	__u32 kind;		/* enum fs_kind */
	__u32 done;		/* 1 once kernel_clone returned */
	__u32 unknown;		/* bit per column (enum fs_record_column) this
				 * record cannot give, printed "-" */
	__u32 reserved;
	char comm[FS_COMM_LEN];	/* the calling task's comm */
};

/*
 * Column types of the text forms:
 *   U64, U32, S32  decimal
 *   HEX            0x-prefixed hexadecimal
 *   KIND           a name from FS_KINDS
 *   COMM           a task name, escaped: bytes outside 0x21-0x7e, and '\',
 *                  as \xHH, so that no field ever contains whitespace
 * A value the running kernel cannot give exactly is printed as "-".
 */
#define FS_RECORD_COLUMNS(X)		\
	X(seq, U64)			\
	X(ts_ns, U64)			\
	X(kind, KIND)			\
	X(flags, HEX)			\
	X(parent_tgid, S32)		\
	X(parent_pid, S32)		\
	X(comm, COMM)			\
	X(child_pid, S32)		\
	X(err, S32)			\
	X(create_ns, U64)		\
	X(total_ns, U64)		\
	X(pgtable_bytes, U64)		\
	X(vmas, U32)			\
	X(vmas_copied, U32)		\
	X(rss_pages, U64)		\
	X(cow_parent, U64)		\
	X(cow_child, U64)		\
	X(cow_copies, U64)		\
	X(cow_reuses, U64)

enum fs_record_column {
#define FS_COL_ENUM(name, type) FS_COL_##name,
	FS_RECORD_COLUMNS(FS_COL_ENUM)
#undef FS_COL_ENUM
	FS_COL_COUNT
};

/* Columns of the per-kind table of /proc/forkstats (all decimal). */
#define FS_AGG_COLUMNS(X)		\
	X(calls)			\
	X(failed)			\
	X(create_avg_ns)		\
	X(total_avg_ns)			\
	X(pgtable_bytes)		\
	X(vmas_copied)			\
	X(cow_parent)			\
	X(cow_child)			\
	X(cow_copies)			\
	X(cow_reuses)			\
	X(create_ns_sum)		\
	X(total_ns_sum)			\
	X(returned)			\
	X(rss_pages)

enum fs_agg_column {
#define FS_AGG_ENUM(name) FS_AGG_##name,
	FS_AGG_COLUMNS(FS_AGG_ENUM)
#undef FS_AGG_ENUM
	FS_AGG_COUNT
};

/*
 * What the module and the BPF programs sum per kind, from which the
 * columns above are computed (create_avg_ns = create_ns / calls, ...).
 * Both keep them in this order (module/records.c, tools/bpf/state.h).
 */
#define FS_AGG_SUMS(X)			\
	X(calls)			\
	X(failed)			\
	X(create_ns)			\
	X(total_ns)			\
	X(closed)			\
	X(pgtable_bytes)		\
	X(vmas_copied)			\
	X(cow_parent)			\
	X(cow_child)			\
	X(cow_copies)			\
	X(cow_reuses)			\
	X(rss_pages)

enum fs_agg_sum {
#define FS_SUM_ENUM(name) FS_SUM_##name,
	FS_AGG_SUMS(FS_SUM_ENUM)
#undef FS_SUM_ENUM
	FS_SUM_COUNT
};

/* The "name value" counters that follow the table in /proc/forkstats. */
#define FS_COUNTERS(X)			\
	X(zero_page_cow)		\
	X(shared_wp)			\
	X(cow_unattributed)		\
	X(records_overwritten)		\
	X(mm_table_overflow)		\
	X(inflight_overflow)		\
	X(vfork_overflow)

enum fs_counter {
#define FS_CTR_ENUM(name) FS_CTR_##name,
	FS_COUNTERS(FS_CTR_ENUM)
#undef FS_CTR_ENUM
	FS_CTR_COUNT
};

#endif /* FORKSTATS_RECORD_H */
