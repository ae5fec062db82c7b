// SPDX-License-Identifier: GPL-2.0
/*
 * forkstats BPF backend, the tracepoint chain (tp_btf only: kernels that
 * refuse fentry): the module's per-call records and COW attribution from
 * tracepoints.  The loader (../lib/bpf_attach.c) opens this object when the
 * fentry chain cannot attach.
 *
 *     sys_enter/sys_exit   clone, fork, vfork, clone3: latency, result
 *     task_newtask         the child and its new mm (copy_process succeeded)
 *     exit_mmap            an mm's last user is gone, its attribution goes
 *     page_fault_user/_kernel  a write fault on a present page, classified
 *                          by its VMA (x86)
 *     rss_stat, signal_deliver  tell a zero-page COW from a page COW
 *
 * The rules, and what the chain cannot give, are in docs/bpf.md; what the
 * chains share is in core.bpf.h.
 */
#include "core.bpf.h"

char LICENSE[] SEC("license") = "GPL";

/*
 * Ends the zero-page window of t's write fault.  Called on every syscall:
 * a lookup (lock-free) first, the delete (bucket lock) only when there is one.
 */
static __always_inline void wp_forget(__u32 t)
{
	if (bpf_map_lookup_elem(&wp_pending, &t))
		bpf_map_delete_elem(&wp_pending, &t);
}

int BPF_PROG(sys_enter, struct pt_regs *regs, long id)
{
	__u64 flags = 0;
	__u32 t = tid();

	/* A new syscall: no write fault of this task is in progress. */
	wp_forget(t);
	if (id != NR_clone && id != NR_fork && id != NR_vfork && id != NR_clone3)
		return 0;
	if (!enter(FSB_HOOK_SYS_ENTER))
		return 0;
	if (id == NR_clone)
		flags = BPF_CORE_READ(regs, di);
	else if (id == NR_fork)
		flags = SIGCHLD;
	else if (id == NR_vfork)
		flags = FS_CLONE_VFORK | FS_CLONE_VM | SIGCHLD;
	else
		bpf_probe_read_user(&flags, sizeof(flags), (void *)BPF_CORE_READ(regs, di));
	call_begin(t, flags, FSB_IN_SYSCALL);
	return 0;
}

int BPF_PROG(sys_exit, struct pt_regs *regs, long ret)
{
	struct fsb_state *s;
	struct fsb_call *c;
	__u32 t = tid();

	c = bpf_map_lookup_elem(&inflight, &t);
	if (!c || c->state != FSB_IN_SYSCALL)
		return 0;
	s = enter(FSB_HOOK_SYS_EXIT);
	if (!s) {
		bpf_map_delete_elem(&inflight, &t);
		return 0;
	}
	/* A failed call: no task was created, its create latency not seen. */
	call_end(s, c, t, ret, 1u << FS_COL_create_ns);
	return 0;
}

int BPF_PROG(task_newtask, struct task_struct *child, __u64 clone_flags)
{
	struct fsb_state *s = enter(FSB_HOOK_TASK_NEWTASK);
	struct mm_struct *mm;
	struct fsb_call *c;
	struct fs_record r;
	__u32 t = tid();
	__u64 seq, now;

	if (!s)
		return 0;
	now = bpf_ktime_get_ns();
	c = bpf_map_lookup_elem(&inflight, &t);
	if (c && (c->state != FSB_IN_SYSCALL || c->seq))
		c = NULL;
	fill_parent(&r, c ? c->ts : bpf_ktime_get_boot_ns(), clone_flags);
	if (c)
		r.create_ns = now - c->t0;
	else
		r.unknown = 1u << FS_COL_create_ns | 1u << FS_COL_total_ns;
	mm = fill_child(s, &r, child);
	seq = call_open(s, &r);
	if (!seq)
		return 0;
	if (mm)
		attribute_pair(mm, seq, r.kind);
	if (c) {
		c->seq = seq;
		c->kind = r.kind;
	} else {
		call_close(s, seq, r.kind, (__u64)-1);
	}
	return 0;
}

int BPF_PROG(exit_mmap, struct mm_struct *mm)
{
	__u64 key = (__u64)mm;

	enter(FSB_HOOK_EXIT_MMAP);
	/* Always: the VMA caches hold mms that have no attribution too. */
	bpf_map_delete_elem(&mms, &key);
	mms_changed();
	return 0;
}

struct vma_info {
	unsigned long flags, start, end;
	int anon;
};

static long vma_cb(struct task_struct *task, struct vm_area_struct *vma, void *data)
{
	struct vma_info *vi = data;

	vi->flags = vma->vm_flags;
	vi->start = vma->vm_start;
	vi->end = vma->vm_end;
	vi->anon = vma->vm_ops == NULL;
	return 0;
}

/*
 * The VMA at address: bpf_find_vma, which here (interrupts off) hands its
 * mmap_lock release to an irq_work -- a self-IPI per fault, most of the
 * chain's cost.  Where mm_lock_seq is a sequence count (6.13+: odd while
 * the mmap lock is held for writing, moved by every write section, which
 * every change of a VMA's range or flags needs) the CPU's last answer is
 * reused while the sequence is even and unchanged and no mm was freed since
 * (state's mm_gen: a freed mm's address can come back).  0, or -1 when
 * the VMA could not be looked up.
 */
static __always_inline int vma_of(struct fsb_state *s, struct fsb_pcpu *p,
				  struct task_struct *cur, struct mm_struct *mm,
				  unsigned long address, struct vma_info *vi)
{
	int cacheable = p && bpf_core_field_exists(mm->mm_lock_seq.sequence);
	__u64 gen = s->mm_gen;
	__u32 seq = 0;

	if (cacheable) {
		seq = mm->mm_lock_seq.sequence;
		barrier();
		cacheable = !(seq & 1);
	}
	if (cacheable && p->vma_cache.mm == (__u64)mm && p->vma_cache.gen == gen &&
	    p->vma_cache.seq == seq && address >= p->vma_cache.start &&
	    address < p->vma_cache.end) {
		vi->flags = p->vma_cache.flags;
		vi->anon = p->vma_cache.anon;
		return 0;
	}
	if (bpf_find_vma(cur, address, vma_cb, vi, 0))
		return -1;
	if (cacheable) {
		p->vma_cache.gen = ~0ULL;	/* a program nested meanwhile sees none */
		barrier();
		p->vma_cache.mm = (__u64)mm;
		p->vma_cache.start = vi->start;
		p->vma_cache.end = vi->end;
		p->vma_cache.flags = vi->flags;
		p->vma_cache.anon = vi->anon;
		p->vma_cache.seq = seq;
		barrier();
		p->vma_cache.gen = gen;
	}
	return 0;
}

/* A write fault on a present page of the current task's mm. */
static __always_inline int wp_fault(enum fsb_hook h, unsigned long address,
				    unsigned long error_code)
{
	struct task_struct *cur;
	struct vma_info vi = {};
	struct fsb_state *s;
	struct fsb_pcpu *p;
	struct fsb_wp w;
	struct mm_struct *mm;
	__u32 t = tid();

	wp_forget(t);
	if ((error_code & (X86_PF_PROT | X86_PF_WRITE)) != (X86_PF_PROT | X86_PF_WRITE) ||
	    (error_code & (X86_PF_RSVD | X86_PF_INSTR | X86_PF_PK)) || address >= TASK_SIZE_MAX)
		return 0;
	s = enter_p(h, &p);
	if (!s)
		return 0;
	cur = bpf_get_current_task_btf();
	mm = cur->mm;
	if (!mm)
		return 0;
	if (vma_of(s, p, cur, mm, address, &vi)) {
		count_p(p, FSB_CTR_wp_unclassified);
		return 0;
	}
	if (!(vi.flags & VM_WRITE) || (vi.flags & VM_UFFD_WP))
		return 0;
	if (vi.flags & (VM_SHARED | VM_MAYSHARE)) {
		count_p(p, FS_CTR_shared_wp);
		return 0;
	}
	if (lookup(s, p, (__u64)mm, &w.attr)) {
		cow_p(s, p, w.attr, OUT_EVENT, 1);
	} else {
		w.attr = 0;
		count_p(p, FS_CTR_cow_unattributed);
	}
	/* In an anonymous VMA the fault may prove to be a zero-page COW. */
	if (vi.anon) {
		w.mm = (__u64)mm;
		bpf_map_update_elem(&wp_pending, &t, &w, BPF_ANY);
	}
	return 0;
}

int BPF_PROG(page_fault_user, unsigned long address, struct pt_regs *regs,
	     unsigned long error_code)
{
	return wp_fault(FSB_HOOK_PAGE_FAULT_USER, address, error_code);
}

int BPF_PROG(page_fault_kernel, unsigned long address, struct pt_regs *regs,
	     unsigned long error_code)
{
	return wp_fault(FSB_HOOK_PAGE_FAULT_KERNEL, address, error_code);
}

/*
 * Inside a write fault of an anonymous VMA, only a copy of the shared zero
 * page changes the mm's anonymous page count: the event counted at the
 * fault becomes a zero-page COW.
 */
int BPF_PROG(rss_stat, struct mm_struct *mm, int member)
{
	struct fsb_state *s;
	struct fsb_wp *w;
	__u32 t = tid();

	w = bpf_map_lookup_elem(&wp_pending, &t);
	if (!w)
		return 0;
	s = enter(FSB_HOOK_RSS_STAT);
	if (w->mm != (__u64)mm || member != MM_ANONPAGES)
		return 0;
	if (!w->attr)
		count_add(FS_CTR_cow_unattributed, -1);
	else if (s)
		cow(s, w->attr, OUT_EVENT, -1);
	count(FS_CTR_zero_page_cow);
	bpf_map_delete_elem(&wp_pending, &t);
	return 0;
}

int BPF_PROG(signal_deliver, int sig)
{
	wp_forget(tid());
	return 0;
}

