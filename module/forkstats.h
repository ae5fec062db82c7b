/* SPDX-License-Identifier: GPL-2.0 */
/*
 * forkstats: interfaces between the module's parts.
 *
 *   main.c         load, unload, module parameters
 *   probes.c       the probe table: registration, hit counts, nmissed
 *   fork_probes.c  kernel_clone / copy_process / copy_page_range / __mmdrop,
 *                  exit_mm_release / exec_mm_release (a vfork's end)
 *   cow_probes.c   do_wp_page and its helpers: COW faults and their outcome
 *   records.c      the accounting: record ring, completion log, aggregates,
 *                  histograms, the mm attribution table
 *   procfs.c       /proc/forkstats
 *   debugfs.c      /sys/kernel/debug/forkstats/
 */
#ifndef FORKSTATS_H
#define FORKSTATS_H

#include <linux/ftrace.h>
#include <linux/kprobes.h>
#include <linux/percpu.h>
#include <linux/types.h>

#include <forkstats/attr.h>
#include <forkstats/cow.h>
#include <forkstats/hist.h>
#include <forkstats/limits.h>
#include <forkstats/record.h>

#include "compat.h"

/* main.c: parameters and state */
extern unsigned int fs_param_records;
extern unsigned int fs_param_max_tracked;
extern unsigned int fs_param_max_active;
extern unsigned int fs_param_max_vforks;
extern bool fs_enabled;

static inline bool fs_on(void)
{
	return READ_ONCE(fs_enabled);
}

/* probes.c */
enum fs_probe_id {
	FS_PROBE_KERNEL_CLONE,
	FS_PROBE_COPY_PROCESS,
	FS_PROBE_COPY_PAGE_RANGE,
	FS_PROBE_MMDROP,
	FS_PROBE_EXIT_MM_RELEASE,
	FS_PROBE_EXEC_MM_RELEASE,
	FS_PROBE_DO_WP_PAGE,
	FS_PROBE_WP_PAGE_COPY,
	FS_PROBE_WP_PAGE_REUSE,
	FS_PROBE_COUNT
};

/*
 * Three kinds of probe: a kretprobe (rp.handler set), a kprobe (kp set), or
 * an entry hook (FS_ENTRY_HOOK below): a callback of the module's own
 * ftrace_ops on the function's entry, the cheapest way in (docs/bench.md),
 * or a kprobe running the same body where ftrace cannot trace the function
 * (an out-of-line copy of an inline function is notrace).
 */
struct fs_probe {
	const char *name;		/* the symbol */
	bool required;			/* the load fails without it */
	bool fallback;			/* only where the probe before it is not attached */
	bool attached;
	bool ftrace;			/* the entry hook is on ftrace */
	struct kprobe kp;		/* for entry probes */
	struct kretprobe rp;		/* for return probes (rp.handler set) */
	ftrace_func_t entry_ftrace;	/* an entry hook's two ways in */
	kprobe_pre_handler_t entry_kprobe;
	struct ftrace_ops ops;
};

/*
 * FS_ENTRY_HOOK(fn) makes the two ways into an entry hook whose body is
 * "static __always_inline void fn(unsigned long arg0)" (arg0: the hooked
 * function's first argument): fn_ftrace, an ftrace callback, and fn_kprobe,
 * a kprobe pre-handler; FS_ENTRY(fn) names both in a struct fs_probe.  The
 * body is inlined into each: no indirect call on the hot path.
 */
#define FS_ENTRY_HOOK(fn)							\
static void notrace fn##_ftrace(unsigned long ip, unsigned long parent_ip,	\
				struct ftrace_ops *op, FS_FTRACE_REGS *regs)	\
{										\
	fn(fs_ftrace_arg0(regs));						\
}										\
static int fn##_kprobe(struct kprobe *kp, struct pt_regs *regs)		\
{										\
	fn(regs_get_kernel_argument(regs, 0));					\
	return 0;								\
}										\
NOKPROBE_SYMBOL(fn##_kprobe)

#define FS_ENTRY(fn)	.entry_ftrace = fn##_ftrace, .entry_kprobe = fn##_kprobe

struct fs_probe_stat {
	const char *name;
	const char *type;		/* "kprobe", "kretprobe" or "ftrace" */
	bool attached;
	u64 hits;
	unsigned long missed;		/* kprobe nmissed + kretprobe nmissed */
};

extern struct fs_probe fs_probes[FS_PROBE_COUNT];
int fs_probes_register(void);
void fs_probes_unregister(void);
void fs_probe_detach(enum fs_probe_id id);
void fs_probe_stat(enum fs_probe_id id, struct fs_probe_stat *st);

DECLARE_PER_CPU(u64, fs_hits[FS_PROBE_COUNT]);
static __always_inline void fs_probe_hit(enum fs_probe_id id)
{
	this_cpu_inc(fs_hits[id]);
}
/* Bytes register_kretprobe() allocated for the kretprobes (compat.h). */
size_t fs_probes_memory(void);
static inline bool fs_probe_attached(enum fs_probe_id id)
{
	return fs_probes[id].attached;
}

/*
 * fork_probes.c, cow_probes.c: _setup() fills in their entries of
 * fs_probes[] before registration; _configure() adapts to what attached.
 */
int fs_fork_probes_init(void);
void fs_fork_probes_exit(void);
size_t fs_fork_probes_memory(void);
void fs_fork_probes_setup(void);
void fs_fork_probes_configure(void);
void fs_cow_probes_setup(void);
void fs_cow_probes_configure(void);

/* records.c: the accounting */
/* enum fs_side: <forkstats/attr.h>; enum fs_split: <forkstats/cow.h> */
enum fs_cow_outcome {
	FS_COW_EVENT,			/* a COW fault completed */
	FS_COW_COPY,			/* ... and copied the page */
	FS_COW_REUSE,			/* ... and reused the page */
};

int fs_records_init(void);
void fs_records_exit(void);
void fs_records_reset(void);
void fs_records_set_split(enum fs_split split);
enum fs_split fs_records_split(void);
void fs_records_set_unknown(enum fs_record_column col);
bool fs_records_unknown(enum fs_record_column col);

/*
 * fs_call_open() gives the call's handle (< 2^56: its seq and its epoch,
 * records.c), which fs_call_close() and fs_mm_attribute() take; r->seq is
 * set to the seq.
 */
u64 fs_call_open(struct fs_record *r);
void fs_call_close(u64 h, unsigned int kind, u64 total_ns);
void fs_count(enum fs_counter c);
u64 fs_counter_read(enum fs_counter c);

int fs_mm_attribute(const struct mm_struct *mm, u64 h, unsigned int kind, enum fs_side side);
void fs_mm_forget(const struct mm_struct *mm);
/*
 * A COW fault in mm: added to the call mm last took part in, if any, as
 * outcome o; a FS_COW_EVENT in an mm of no call counts as cow_unattributed.
 * One function per outcome (no test of it on the hot path).
 */
void fs_cow_event(const struct mm_struct *mm);
void fs_cow_copy(const struct mm_struct *mm);
void fs_cow_reuse(const struct mm_struct *mm);
static __always_inline void fs_cow_fault(const struct mm_struct *mm, enum fs_cow_outcome o)
{
	if (o == FS_COW_EVENT)
		fs_cow_event(mm);
	else if (o == FS_COW_COPY)
		fs_cow_copy(mm);
	else
		fs_cow_reuse(mm);
}

/* Readers */
struct fs_agg {
#define FS_AGG_FIELD(name) u64 name;
	FS_AGG_SUMS(FS_AGG_FIELD)
#undef FS_AGG_FIELD
};
void fs_agg_read(struct fs_agg agg[FS_KIND_COUNT]);
bool fs_record_read(u64 seq, struct fs_record *r);
u64 fs_records_last_seq(void);
unsigned int fs_records_size(void);
void fs_hist_read(unsigned int kind, bool total, u64 buckets[FS_HIST_BUCKETS]);
size_t fs_records_memory(void);
unsigned int fs_mm_tracked(void);

/* The completion log, for the events stream */
u64 fs_done_head(void);
bool fs_done_peek(u64 *pos, u64 *lost, u64 *seq);
extern wait_queue_head_t fs_done_wq;
u64 fs_reset_seq(void);

/* Text output of a record, shared by calls and events. */
void fs_record_header(char *buf, size_t len);
int fs_record_format(const struct fs_record *r, char *buf, size_t len);
#define FS_RECORD_LINE_MAX 512

/* procfs.c, debugfs.c */
int fs_user_command(const char __user *ubuf, size_t len, char *buf, size_t size);
int fs_procfs_init(void);
void fs_procfs_exit(void);
int fs_debugfs_init(void);
void fs_debugfs_exit(void);

#endif /* FORKSTATS_H */
