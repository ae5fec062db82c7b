// SPDX-License-Identifier: GPL-2.0
/*
 * Fork-side probes: one record per kernel_clone call, and per copy_process
 * made without one (io_uring workers, idle threads).
 *
 *   kernel_clone    kretprobe: total latency, result; marks the task as
 *                   being inside a call (the in-flight table)
 *   copy_process    kretprobe: create latency, the child, its new mm: opens
 *                   the record and attributes parent and child mm to it
 *   copy_page_range kprobe: counts the VMAs whose page tables are copied
 *   __mmdrop        kprobe: an mm is freed, its attribution goes
 *   exit_mm_release, exec_mm_release (7.x: mm_exit_exec_release, both)
 *                   kprobes: a task releases its memory (exit, exec): the
 *                   vfork parent waiting for it, if any, wakes up
 *
 * The in-flight table maps a task inside kernel_clone to its call: before
 * copy_process returns, the value counts VMAs copied so far, or is
 * FS_INFLIGHT_VFORK | the call's entry time for a vfork; afterwards it is
 * FS_INFLIGHT_SEQ | kind << FS_INFLIGHT_KIND_SHIFT | seq.
 *
 * A vfork parent waits in kernel_clone until its child execs or exits,
 * which can be for ever, and thousands of parents can wait at once (a chain
 * of vforks: stress-ng --vforkmany): a kretprobe instance held over the wait
 * would limit them to max_active.  So kernel_clone's kretprobe keeps no
 * instance for a vfork; copy_process's return moves the call to the vfork
 * table (the child -> its call and the call's entry time), and the call is
 * closed when the child releases its parent's memory (mm_release(), which
 * wakes the parent): total_ns runs from kernel_clone's entry to then.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/err.h>
#include <linux/kernel.h>
#include <linux/kprobes.h>
#include <linux/math64.h>
#include <linux/mm.h>
#include <linux/pid.h>
#include <linux/rcupdate.h>
#include <linux/sched.h>
#include <linux/sched/mm.h>
#include <linux/sched/task.h>
#include <linux/string.h>
#include <linux/timekeeping.h>

#include "forkstats.h"
#include "ptrmap.h"

#define FS_INFLIGHT_SEQ		BIT_ULL(63)
#define FS_INFLIGHT_VFORK	BIT_ULL(62)	/* without SEQ: a vfork, its entry time */
#define FS_INFLIGHT_KIND_SHIFT	56
#define FS_INFLIGHT_SEQ_MASK	(BIT_ULL(FS_INFLIGHT_KIND_SHIFT) - 1)

static struct fs_ptrmap fs_inflight;

/*
 * The vfork table: a vfork child whose parent waits -> kind << 56 | seq of
 * the call (fs_vfork_calls), and the call's entry time (fs_vfork_t0).  At
 * most one entry per task: sized as the kernel sizes threads-max.
 */
static struct fs_ptrmap fs_vfork_calls, fs_vfork_t0;
#define FS_VFORKS_MIN	64U
#define FS_VFORKS_MAX	(1U << 22)	/* PID_MAX_LIMIT: no more tasks than pids */

/* Both mm_release hooks attached: vfork calls are closed by them. */
static bool fs_vfork_release;

/* kretprobe instance data of kernel_clone and copy_process */
struct call_data {
	u64 t0;			/* monotonic ns at entry */
	u64 ts;			/* boot clock ns at entry */
	u64 flags;		/* clone flags */
	bool untracked;		/* kernel_clone: no room in the in-flight table */
};

static unsigned int fs_kind(u64 flags, const struct task_struct *child)
{
	BUILD_BUG_ON(FS_CLONE_VM != CLONE_VM || FS_CLONE_VFORK != CLONE_VFORK ||
		     FS_CLONE_THREAD != CLONE_THREAD);
	return fs_kind_of(flags, (current->flags & PF_KTHREAD) ||
			  (child && (child->flags & (PF_KTHREAD | FS_PF_IO_WORKER |
						     FS_PF_USER_WORKER))));
}
NOKPROBE_SYMBOL(fs_kind);

static void fill_parent(struct fs_record *r, u64 ts, u64 flags)
{
	memset(r, 0, sizeof(*r));
	r->ts_ns = ts;
	r->flags = flags;
	r->parent_tgid = current->tgid;
	r->parent_pid = current->pid;
	memcpy(r->comm, current->comm, min(sizeof(r->comm), sizeof(current->comm)));
}
NOKPROBE_SYMBOL(fill_parent);

/*
 * Entry of kernel_clone and copy_process: both take the kernel_clone_args,
 * as argument argn.  Returns false when the module is disabled.
 */
static bool call_entry(struct kretprobe_instance *ri, struct pt_regs *regs,
		       enum fs_probe_id id, unsigned int argn)
{
	struct kernel_clone_args *args = (void *)regs_get_kernel_argument(regs, argn);
	struct call_data *d = (void *)ri->data;

	fs_probe_hit(id);
	if (!fs_on())
		return false;
	d->t0 = ktime_get_ns();
	d->ts = ktime_get_boottime_ns();
	d->flags = args->flags;
	return true;
}
NOKPROBE_SYMBOL(call_entry);

/* kernel_clone(struct kernel_clone_args *args) */
static int kernel_clone_entry(struct kretprobe_instance *ri, struct pt_regs *regs)
{
	struct call_data *d = (void *)ri->data;

	if (!call_entry(ri, regs, FS_PROBE_KERNEL_CLONE, 0))
		return 1;
	/*
	 * A vfork keeps no instance over its wait: copy_process's return takes
	 * the call over (vfork_wait()).  Untracked, copy_process records it
	 * alone, as any call.  ktime_get_ns() < 2^62: 146 years of uptime.
	 */
	if ((d->flags & CLONE_VFORK) && fs_vfork_release) {
		if (fs_ptrmap_set(&fs_inflight, current, FS_INFLIGHT_VFORK | d->t0))
			fs_count(FS_CTR_inflight_overflow);
		return 1;
	}
	/* Untracked, copy_process records the call alone, and only it. */
	d->untracked = fs_ptrmap_set(&fs_inflight, current, 0);
	if (d->untracked)
		fs_count(FS_CTR_inflight_overflow);
	return 0;
}
NOKPROBE_SYMBOL(kernel_clone_entry);

/*
 * The pid nr of the caller's pid namespace (what kernel_clone returns) in
 * the initial one, as every record gives pids; 0 when no task has it any
 * more (the child already exited and was reaped).
 */
static pid_t init_ns_pid(pid_t nr)
{
	struct pid *pid;
	pid_t ret = 0;

	rcu_read_lock();
	pid = find_vpid(nr);
	if (pid)
		ret = pid_nr(pid);
	rcu_read_unlock();
	return ret;
}
NOKPROBE_SYMBOL(init_ns_pid);

static int kernel_clone_ret(struct kretprobe_instance *ri, struct pt_regs *regs)
{
	struct call_data *d = (void *)ri->data;
	long ret = regs_return_value(regs);
	u64 total = ktime_get_ns() - d->t0, v;
	struct fs_record r;

	if (d->untracked)
		return 0;
	if (fs_ptrmap_del(&fs_inflight, current, &v) && (v & FS_INFLIGHT_SEQ)) {
		fs_call_close(v & FS_INFLIGHT_SEQ_MASK,
			      (v & ~FS_INFLIGHT_SEQ) >> FS_INFLIGHT_KIND_SHIFT, total);
		return 0;
	}
	/*
	 * No copy_process ran (an early error), or its return was missed: the
	 * call as kernel_clone returns it.
	 */
	fill_parent(&r, d->ts, d->flags);
	r.kind = fs_kind(d->flags, NULL);
	r.err = ret < 0 ? ret : 0;
	if (ret > 0) {
		r.child_pid = init_ns_pid(ret);
		if (!r.child_pid)
			r.unknown |= BIT(FS_COL_child_pid);
	}
	fs_call_close(fs_call_open(&r), r.kind, total);
	return 0;
}
NOKPROBE_SYMBOL(kernel_clone_ret);

/* copy_process(struct pid *, int trace, int node, struct kernel_clone_args *) */
static int copy_process_entry(struct kretprobe_instance *ri, struct pt_regs *regs)
{
	return call_entry(ri, regs, FS_PROBE_COPY_PROCESS, 3) ? 0 : 1;
}
NOKPROBE_SYMBOL(copy_process_entry);

/*
 * A vfork call whose copy_process returned (at now): the parent waits until
 * child releases its memory (vfork_release()), unless the call failed.  A
 * call the vfork table cannot hold is closed now, without its wait.
 */
static void vfork_wait(struct task_struct *child, u64 seq, unsigned int kind, u64 t0, u64 now)
{
	if (!IS_ERR_OR_NULL(child)) {
		if (!fs_ptrmap_set(&fs_vfork_t0, child, t0)) {
			if (!fs_ptrmap_set(&fs_vfork_calls, child,
					   (u64)kind << FS_INFLIGHT_KIND_SHIFT | seq))
				return;
			fs_ptrmap_del(&fs_vfork_t0, child, NULL);
		}
		fs_count(FS_CTR_vfork_overflow);
	}
	fs_call_close(seq, kind, now - t0);
}
NOKPROBE_SYMBOL(vfork_wait);

static int copy_process_ret(struct kretprobe_instance *ri, struct pt_regs *regs)
{
	struct task_struct *child = (void *)regs_return_value(regs);
	struct call_data *d = (void *)ri->data;
	u64 now = ktime_get_ns(), v = 0, seq;
	struct mm_struct *mm = NULL;
	bool in_clone, vfork;
	struct fs_record r;

	in_clone = fs_ptrmap_get(&fs_inflight, current, &v) && !(v & FS_INFLIGHT_SEQ);
	/* (CLONE_VFORK: not create_io_thread() after a vfork whose return was missed.) */
	vfork = in_clone && (v & FS_INFLIGHT_VFORK) && (d->flags & CLONE_VFORK);
	fill_parent(&r, d->ts, d->flags);
	r.create_ns = now - d->t0;
	if (IS_ERR_OR_NULL(child)) {
		r.err = child ? PTR_ERR(child) : -ENOMEM;
		r.kind = fs_kind(d->flags, NULL);
	} else {
		r.child_pid = child->pid;
		r.kind = fs_kind(d->flags, child);
		/* A new address space: a fork-like copy of the caller's. */
		if (child->mm && child->mm != current->mm) {
			mm = child->mm;
			r.pgtable_bytes = mm_pgtables_bytes(mm);
			r.vmas = mm->map_count;
			/* A vfork's entry counts no VMA (CLONE_VFORK without CLONE_VM). */
			r.vmas_copied = in_clone && !vfork ? v : 0;
			if (vfork)
				r.unknown |= BIT(FS_COL_vmas_copied);
			r.rss_pages = fs_mm_rss_pages(mm);
		}
	}
	seq = fs_call_open(&r);
	if (mm) {
		fs_mm_attribute(mm, seq, r.kind, FS_SIDE_CHILD);
		if (current->mm)
			fs_mm_attribute(current->mm, seq, r.kind, FS_SIDE_PARENT);
	}
	if (vfork) {
		fs_ptrmap_del(&fs_inflight, current, NULL);
		vfork_wait(child, seq, r.kind, v & ~FS_INFLIGHT_VFORK, now);
	} else if (in_clone) {
		fs_ptrmap_set(&fs_inflight, current, FS_INFLIGHT_SEQ |
			      (u64)r.kind << FS_INFLIGHT_KIND_SHIFT | seq);
	} else {
		fs_call_close(seq, r.kind, r.create_ns);
	}
	return 0;
}
NOKPROBE_SYMBOL(copy_process_ret);

/* copy_page_range(struct vm_area_struct *dst_vma, struct vm_area_struct *src_vma) */
static int copy_page_range_entry(struct kprobe *kp, struct pt_regs *regs)
{
	struct vm_area_struct *dst = (void *)regs_get_kernel_argument(regs, 0);
	struct vm_area_struct *src = (void *)regs_get_kernel_argument(regs, 1);

	BUILD_BUG_ON(!__same_type(&copy_page_range,
				  int (*)(struct vm_area_struct *, struct vm_area_struct *)));
	fs_probe_hit(FS_PROBE_COPY_PAGE_RANGE);
	if (!fs_on() || !fs_vma_needs_copy(dst, src))
		return 0;
	/* One more VMA copied by the call in flight (before its seq is set). */
	fs_ptrmap_add_unless(&fs_inflight, current, 1, FS_INFLIGHT_SEQ | FS_INFLIGHT_VFORK);
	return 0;
}
NOKPROBE_SYMBOL(copy_page_range_entry);

/* __mmdrop(struct mm_struct *mm): the mm_struct is about to be freed. */
static int mmdrop_entry(struct kprobe *kp, struct pt_regs *regs)
{
	fs_probe_hit(FS_PROBE_MMDROP);
	fs_mm_forget((void *)regs_get_kernel_argument(regs, 0));
	return 0;
}
NOKPROBE_SYMBOL(mmdrop_entry);

/*
 * exit_mm_release() and exec_mm_release(struct task_struct *tsk, struct
 * mm_struct *mm), or 7.x's mm_exit_exec_release() for both (the exit hook
 * then, compat.h): tsk exits or execs and releases its memory (mm_release(),
 * which wakes a vfork parent waiting for tsk).  Not gated on fs_on(): calls
 * in flight complete (docs/interfaces.md, control).
 */
static void vfork_release(struct task_struct *tsk, enum fs_probe_id id)
{
	u64 v, t0;

	fs_probe_hit(id);
	/*
	 * A task that exits or execs is inside no kernel_clone: an in-flight
	 * entry left is a vfork's whose copy_process return was missed.
	 */
	if (fs_ptrmap_get(&fs_inflight, tsk, &v))
		fs_ptrmap_del(&fs_inflight, tsk, NULL);
	/* Lockless first: nearly every task is no waited-for vfork child. */
	if (!fs_ptrmap_get(&fs_vfork_calls, tsk, &v) ||
	    !fs_ptrmap_del(&fs_vfork_calls, tsk, &v) || !fs_ptrmap_del(&fs_vfork_t0, tsk, &t0))
		return;
	fs_call_close(v & FS_INFLIGHT_SEQ_MASK, v >> FS_INFLIGHT_KIND_SHIFT, ktime_get_ns() - t0);
}
NOKPROBE_SYMBOL(vfork_release);

static int exit_mm_release_entry(struct kprobe *kp, struct pt_regs *regs)
{
	vfork_release((void *)regs_get_kernel_argument(regs, 0), FS_PROBE_EXIT_MM_RELEASE);
	return 0;
}
NOKPROBE_SYMBOL(exit_mm_release_entry);

static int exec_mm_release_entry(struct kprobe *kp, struct pt_regs *regs)
{
	vfork_release((void *)regs_get_kernel_argument(regs, 0), FS_PROBE_EXEC_MM_RELEASE);
	return 0;
}
NOKPROBE_SYMBOL(exec_mm_release_entry);

/*
 * Vfork calls waiting at once: at most one per task, and tasks are bounded
 * by threads-max, which the kernel sets at boot to RAM / (8 x THREAD_SIZE)
 * (kernel/fork.c, set_max_threads()).  The same from the RAM now, unless
 * max_vforks says otherwise.
 */
static unsigned int fs_vforks_default(void)
{
	u64 threads = div64_u64((u64)totalram_pages() << PAGE_SHIFT, (u64)THREAD_SIZE * 8);

	return clamp_t(u64, threads, FS_VFORKS_MIN, FS_VFORKS_MAX);
}

int fs_fork_probes_init(void)
{
	int ret;

	if (!fs_param_max_vforks)
		fs_param_max_vforks = fs_vforks_default();
	ret = fs_ptrmap_init(&fs_inflight, fs_param_max_active);
	ret = ret ?: fs_ptrmap_init(&fs_vfork_calls, fs_param_max_vforks);
	ret = ret ?: fs_ptrmap_init(&fs_vfork_t0, fs_param_max_vforks);
	if (ret)
		fs_fork_probes_exit();
	return ret;
}

/* The in-flight and vfork tables. */
size_t fs_fork_probes_memory(void)
{
	return fs_ptrmap_bytes(&fs_inflight) + fs_ptrmap_bytes(&fs_vfork_calls) +
	       fs_ptrmap_bytes(&fs_vfork_t0);
}

void fs_fork_probes_exit(void)
{
	fs_ptrmap_destroy(&fs_vfork_t0);
	fs_ptrmap_destroy(&fs_vfork_calls);
	fs_ptrmap_destroy(&fs_inflight);
}

void fs_fork_probes_setup(void)
{
	fs_probes[FS_PROBE_KERNEL_CLONE] = (struct fs_probe) {
		.name = "kernel_clone", .required = true,
		.rp = { .entry_handler = kernel_clone_entry, .handler = kernel_clone_ret,
			.data_size = sizeof(struct call_data) },
	};
	fs_probes[FS_PROBE_COPY_PROCESS] = (struct fs_probe) {
		.name = "copy_process", .required = true,
		.rp = { .entry_handler = copy_process_entry, .handler = copy_process_ret,
			.data_size = sizeof(struct call_data) },
	};
	fs_probes[FS_PROBE_COPY_PAGE_RANGE] = (struct fs_probe) {
		.name = "copy_page_range",
		.kp = { .pre_handler = copy_page_range_entry },
	};
	/* Without it an mm freed and reallocated could inherit an attribution. */
	fs_probes[FS_PROBE_MMDROP] = (struct fs_probe) {
		.name = "__mmdrop", .required = true,
		.kp = { .pre_handler = mmdrop_entry },
	};
	/*
	 * Kprobes, not entry hooks on ftrace_ops of their own: an exit or exec
	 * costs far more than a kprobe, and unregistering an ftrace_ops waits
	 * for an RCU-tasks grace period.
	 */
	fs_probes[FS_PROBE_EXIT_MM_RELEASE] = (struct fs_probe) {
		.name = FS_EXIT_MM_RELEASE,
		.kp = { .pre_handler = exit_mm_release_entry },
	};
	/* No name (not hooked) where one function does both (7.x, compat.h). */
	fs_probes[FS_PROBE_EXEC_MM_RELEASE] = (struct fs_probe) {
		.name = FS_EXEC_MM_RELEASE,
		.kp = { .pre_handler = exec_mm_release_entry },
	};
}

void fs_fork_probes_configure(void)
{
	if (!fs_probe_attached(FS_PROBE_COPY_PAGE_RANGE))
		fs_records_set_unknown(FS_COL_vmas_copied);
	/*
	 * Without both, a vfork's end is not seen: its parent holds
	 * kernel_clone's instance over the wait, as any call.
	 */
	fs_vfork_release = fs_probe_attached(FS_PROBE_EXIT_MM_RELEASE) &&
			   (fs_probe_attached(FS_PROBE_EXEC_MM_RELEASE) ||
			    !fs_probes[FS_PROBE_EXEC_MM_RELEASE].name);
	if (!fs_vfork_release)
		pr_info("vfork parents hold a kretprobe instance while they wait (max_active)\n");
}
