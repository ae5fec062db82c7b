// SPDX-License-Identifier: GPL-2.0
/*
 * forkstats BPF backend, the fentry chain and the kprobe chain: the module's
 * per-call records and COW attribution, gathered by BPF programs (CO-RE) on
 * the functions the module hooks.  The loader (../lib/bpf_attach.c) opens
 * this object for either chain, and autoloads one chain's programs:
 *
 *   fentry chain   (the module's functions, where the kernel allows fentry)
 *     kernel_clone     fentry/fexit: total latency, result
 *     copy_process     fentry/fexit: create latency, the child, its new mm
 *     copy_page_range  fentry: VMAs whose page tables are copied
 *     __mmdrop         fentry: an mm is freed, its attribution goes
 *     do_wp_page       fentry: a write-protect fault, classified and counted
 *                      at its start, as the module counts it; fexit where
 *                      no helper below attaches (6.12): counted when it
 *                      completed, a copy told by the PTE it leaves
 *     wp_page_copy     fentry (5.10, 6.1): a COW fault that copies
 *     wp_page_reuse    fentry, else kprobe, where wp_page_copy is not
 *                      traceable: a COW fault that reuses
 *
 *   kprobe chain (kprobes, neither fentry nor tp_btf): the fentry chain's
 *     programs on the same functions as kprobes and kretprobes; a kretprobe
 *     sees only the return value, so do_wp_page's entry keeps the vm_fault
 *     for the exits of do_wp_page and wp_page_copy
 *
 * The kprobe chain lives here, not in an object of its own: its programs are
 * the fentry chain's bodies on the same functions (ENTRY_PROGS below: one
 * body, two program types), and wp_page_reuse_kprobe serves both chains
 * (the fentry chain's fallback where the function has no fentry).
 *
 * The rules, and what each chain cannot give, are in docs/bpf.md; what the
 * chains share is in core.bpf.h.
 */
#include "core.bpf.h"

char LICENSE[] SEC("license") = "GPL";

static __always_inline int clone_entry(struct kernel_clone_args *args)
{
	if (enter(FSB_HOOK_KERNEL_CLONE))
		call_begin(tid(), BPF_CORE_READ(args, flags), FSB_IN_CLONE);
	return 0;
}

static __always_inline int clone_exit(int ret)
{
	struct fsb_state *s = st();
	struct fsb_call *c;
	__u32 t = tid();

	c = bpf_map_lookup_elem(&inflight, &t);
	if (c && c->state == FSB_IN_CLONE && s)
		call_end(s, c, t, ret, 0);
	return 0;
}

static __always_inline int copy_entry(struct kernel_clone_args *args)
{
	struct fsb_state *s = enter(FSB_HOOK_COPY_PROCESS);
	struct fsb_call *c;
	__u32 t = tid();

	if (!s)
		return 0;
	c = bpf_map_lookup_elem(&inflight, &t);
	if (c && c->state == FSB_IN_CLONE) {
		c->t_copy = bpf_ktime_get_ns();
		c->vmas_copied = 0;
		return 0;
	}
	call_begin(t, BPF_CORE_READ(args, flags), FSB_IN_COPY);
	return 0;
}

static __always_inline int copy_exit(struct task_struct *child)
{
	struct fsb_state *s = st();
	struct mm_struct *mm = NULL;
	struct fsb_call *c;
	struct fs_record r;
	__u32 t = tid();
	__u64 seq, create;

	c = bpf_map_lookup_elem(&inflight, &t);
	if (!c || !s || !c->t_copy || c->seq)
		return 0;
	create = bpf_ktime_get_ns() - c->t_copy;
	fill_parent(&r, c->ts, c->flags);
	r.create_ns = create;
	if ((unsigned long)child >= (unsigned long)-4095L || !child) {
		/*
		 * The verifier does not let the pointer's bits become the errno:
		 * kernel_clone's return value gives it (unknown without one).
		 */
		r.err = -1;
		r.unknown |= 1u << FS_COL_err;
		r.kind = call_kind(r.flags, NULL);
	} else {
		mm = fill_child(s, &r, child);
		if (mm)
			r.vmas_copied = c->state == FSB_IN_CLONE ? c->vmas_copied : 0;
	}
	seq = call_open(s, &r);
	if (seq && mm)
		attribute_pair(mm, seq, r.kind);
	if (c->state == FSB_IN_CLONE) {
		c->seq = seq;
		c->kind = r.kind;
		if (!seq)
			bpf_map_delete_elem(&inflight, &t);
		return 0;
	}
	bpf_map_delete_elem(&inflight, &t);
	if (seq)
		call_close(s, seq, r.kind, create);
	return 0;
}

/* Runs once per VMA of a fork: fentry reads the VMAs directly (direct = 1). */
static __always_inline int page_range_entry(struct vm_area_struct *dst,
					    struct vm_area_struct *src, int direct)
{
	struct fsb_state *s = enter(FSB_HOOK_COPY_PAGE_RANGE);
	unsigned long df, sf, uf, sm = VM_PFNMAP | VM_MIXEDMAP;
	struct fsb_call *c;
	void *anon_vma;
	__u32 t = tid();

	if (!s)
		return 0;
	if (direct) {
		df = dst->vm_flags;
		sf = src->vm_flags;
		anon_vma = src->anon_vma;
	} else {
		df = BPF_CORE_READ(dst, vm_flags);
		sf = BPF_CORE_READ(src, vm_flags);
		anon_vma = BPF_CORE_READ(src, anon_vma);
	}
	/*
	 * copy_page_range's rule (<forkstats/cow.h>), its masks chosen as the
	 * module's compat.h does.  (The pointer tested last, as a comparison:
	 * the verifier refuses a bitwise OR of it.)
	 */
	if (s->copy_on_fork) {
		uf = s->copy_on_fork;	/* 7.x: the child's flags alone */
		sm = 0;
	} else if (s->uffd_wp_fork_copy) {
		uf = VM_UFFD_WP;
	} else {
		uf = 0;
		sm |= VM_HUGETLB;
	}
	if (!fs_vma_needs_copy_flags(df, uf, sf, sm, anon_vma != NULL))
		return 0;
	c = bpf_map_lookup_elem(&inflight, &t);
	if (c && c->state == FSB_IN_CLONE && !c->seq)
		c->vmas_copied++;
	return 0;
}

static __always_inline int mmdrop(struct mm_struct *mm)
{
	__u64 key = (__u64)mm;

	enter(FSB_HOOK_MMDROP);
	forget(key);
	return 0;
}

/*
 * An entry hook as two programs: the fentry chain's (fentry_name) and the
 * kprobe chain's (kprobe_name), both running body with the arguments.  In
 * body, "direct" is 1 in the fentry program (its pointer arguments are BTF
 * pointers: read them directly) and 0 in the kprobe program (only
 * bpf_probe_read_kernel, through BPF_CORE_READ).  Their sections: progs.h.
 */
#define ENTRY_PROGS(fentry_name, kprobe_name, body, ...)			\
	int BPF_PROG(fentry_name, __VA_ARGS__)				\
	{								\
		const int direct = 1;					\
									\
		(void)direct;						\
		return body;						\
	}								\
	int BPF_KPROBE(kprobe_name, __VA_ARGS__)			\
	{								\
		const int direct = 0;					\
									\
		(void)direct;						\
		return body;						\
	}

ENTRY_PROGS(kernel_clone_entry, kernel_clone_kprobe, clone_entry(args),
	    struct kernel_clone_args *args)
ENTRY_PROGS(copy_process_entry, copy_process_kprobe, copy_entry(args),
	    struct pid *pid, int trace, int node, struct kernel_clone_args *args)
ENTRY_PROGS(copy_page_range_entry, copy_page_range_kprobe,
	    page_range_entry(dst, src, direct),
	    struct vm_area_struct *dst, struct vm_area_struct *src)
ENTRY_PROGS(mmdrop_entry, mmdrop_kprobe, mmdrop(mm), struct mm_struct *mm)

int BPF_PROG(kernel_clone_exit, struct kernel_clone_args *args, int ret)
{
	return clone_exit(ret);
}

int BPF_PROG(copy_process_exit, struct pid *pid, int trace, int node,
	     struct kernel_clone_args *args, struct task_struct *child)
{
	return copy_exit(child);
}

int BPF_KRETPROBE(kernel_clone_kretprobe, long ret)
{
	return clone_exit((int)ret);
}

int BPF_KRETPROBE(copy_process_kretprobe, struct task_struct *child)
{
	return copy_exit(child);
}


/*
 * What a write-protect fault's hooks read of its vm_fault.  fentry/fexit
 * programs read it directly (BTF pointers: one load each); the kprobe
 * chain's programs have only the address and read it with
 * bpf_probe_read_kernel (a helper call each).  "direct" is a constant in
 * every caller: the compiler keeps one of the two.
 */
struct wp_view {
	__u64 vm_flags;
	__u64 pte;		/* vmf->orig_pte */
	__u64 mm;		/* the VMA's mm: GUP and ptrace fault for others */
	int unshare;		/* FAULT_FLAG_UNSHARE (5.19+): not a write */
};

static __always_inline void wp_read(struct vm_fault *vmf, int direct, struct wp_view *v)
{
	if (direct) {
		struct vm_area_struct *vma = vmf->vma;

		v->vm_flags = vma->vm_flags;
		v->mm = (__u64)vma->vm_mm;
		v->pte = vmf->orig_pte.pte;
	} else {
		struct vm_area_struct *vma = BPF_CORE_READ(vmf, vma);

		v->vm_flags = BPF_CORE_READ(vma, vm_flags);
		v->mm = (__u64)BPF_CORE_READ(vma, vm_mm);
		v->pte = BPF_CORE_READ(vmf, orig_pte.pte);
	}
	/* Read only where the flag exists: flags was an int before enum fault_flag. */
	v->unshare = 0;
	if (bpf_core_enum_value_exists(enum fault_flag, FAULT_FLAG_UNSHARE)) {
		unsigned int ff = direct ? vmf->flags : BPF_CORE_READ(vmf, flags);

		v->unshare = !!(ff & bpf_core_enum_value(enum fault_flag, FAULT_FLAG_UNSHARE));
	}
}

/*
 * The zero page's pfn, read once (it is set at boot): the variable zero_pfn,
 * named zero_page_pfn since 7.x (the module's conftest zero_pfn); 0 where
 * the kernel has neither.
 */
static __u64 zero_pfn_value;

static __always_inline int is_zero_pfn(__u64 pfn)
{
	unsigned long z = zero_pfn_value;

	if (z)
		return pfn == z;
	if (ksym_exists(zero_pfn))
		bpf_probe_read_kernel(&z, sizeof(z), &zero_pfn);
	else if (ksym_exists(zero_page_pfn))
		bpf_probe_read_kernel(&z, sizeof(z), &zero_page_pfn);
	zero_pfn_value = z;
	return z && pfn == z;
}

/* The fault's flags read here, the rule in <forkstats/cow.h>. */
static __always_inline enum fs_wp_class classify(const struct wp_view *v)
{
	return fs_wp_classify(v->unshare, !!(v->vm_flags & (VM_SHARED | VM_MAYSHARE)),
			      is_zero_pfn((v->pte & PTE_PFN_MASK) >> 12));
}

/*
 * do_wp_page hands the fault to userfaultfd (it does not complete here; its
 * retry does): the VMA registered for write-protect and the PTE armed
 * (x86's _PAGE_UFFD_WP), unless the context resolves it in place
 * (UFFD_FEATURE_WP_ASYNC, 6.7+: a bit older kernels never set).  As the
 * module's fs_wp_to_userfaultfd (module/compat.h).
 */
static __always_inline int wp_to_userfaultfd(struct vm_fault *vmf, int direct,
					     const struct wp_view *v)
{
	unsigned int features = 0;
	int armed = (v->vm_flags & VM_UFFD_WP) && (v->pte & PTE_UFFD_WP);

	/* The context's features only where armed (the rule: <forkstats/cow.h>). */
	if (armed && bpf_core_field_exists(vmf->vma->vm_userfaultfd_ctx)) {
		if (direct)
			features = vmf->vma->vm_userfaultfd_ctx.ctx->features;
		else
			features = BPF_CORE_READ(vmf, vma, vm_userfaultfd_ctx.ctx, features);
	}
	return fs_wp_uffd_handoff(armed, !!(features & UFFD_FEATURE_WP_ASYNC));
}

static __always_inline int has_vm_fault_write(void)
{
	return bpf_core_enum_value_exists(enum vm_fault_reason___old, VM_FAULT_WRITE___old);
}

/* do_wp_page made the PTE writable (compat.h: fs_wp_fault_done). */
static __always_inline int wp_done(unsigned int ret)
{
	unsigned int err;

	if (has_vm_fault_write())
		return ret & bpf_core_enum_value(enum vm_fault_reason___old, VM_FAULT_WRITE___old);
	err = bpf_core_enum_value(enum vm_fault_reason, VM_FAULT_OOM) |
	      bpf_core_enum_value(enum vm_fault_reason, VM_FAULT_SIGBUS) |
	      bpf_core_enum_value(enum vm_fault_reason, VM_FAULT_SIGSEGV) |
	      bpf_core_enum_value(enum vm_fault_reason, VM_FAULT_HWPOISON) |
	      bpf_core_enum_value(enum vm_fault_reason, VM_FAULT_HWPOISON_LARGE) |
	      bpf_core_enum_value(enum vm_fault_reason, VM_FAULT_FALLBACK) |
	      bpf_core_enum_value(enum vm_fault_reason, VM_FAULT_RETRY);
	return !(ret & err);
}

/*
 * Where neither helper can be hooked (6.12: wp_page_copy inlined,
 * wp_page_reuse notrace): the fault copied when the PTE it leaves maps
 * another page than the one it faulted on.  A copy abandoned because the PTE
 * changed meanwhile also counts as one, as the module derives it there.
 */
static __always_inline int pte_copied(struct vm_fault *vmf, int direct, const struct wp_view *v)
{
	__u64 now = 0;

	if (direct) {
		pte_t *ptep = vmf->pte;

		if (!ptep)
			return 0;
		now = ptep->pte;
	} else {
		void *ptep = BPF_CORE_READ(vmf, pte);

		if (!ptep || bpf_probe_read_kernel(&now, sizeof(now), ptep))
			return 0;
	}
	return ((v->pte ^ now) & PTE_PFN_MASK) != 0;
}

/* A fault classified: shared and zero-page ones counted, 1 for a COW fault. */
static __always_inline int wp_count_class(struct fsb_pcpu *p, enum fs_wp_class cl)
{
	if (cl == FS_WP_SHARED)
		count_p(p, FS_CTR_shared_wp);
	else if (cl == FS_WP_ZERO)
		count_p(p, FS_CTR_zero_page_cow);
	return cl == FS_WP_PRIVATE;
}

/*
 * do_wp_page's entry (fentry chain, where a helper splits copies from
 * reuses): every fault counted when it starts, as the module counts it
 * (docs/design.md: what counts although it does not complete).
 */
static __always_inline int wp_entry(struct vm_fault *vmf)
{
	struct fsb_pcpu *p;
	struct fsb_state *s = enter_p(FSB_HOOK_DO_WP_PAGE, &p);
	struct wp_view v;
	__u64 attr;

	if (!s)
		return 0;
	wp_read(vmf, 1, &v);
	if (wp_to_userfaultfd(vmf, 1, &v) || !wp_count_class(p, classify(&v)))
		return 0;
	if (lookup(s, p, v.mm, &attr))
		cow_p(s, p, attr, OUT_EVENT, 1);
	else
		count_p(p, FS_CTR_cow_unattributed);
	return 0;
}

/*
 * do_wp_page's return (fentry chain without a helper: fexit; kprobe chain:
 * kretprobe): a fault counted when it completed.
 */
static __always_inline int wp_exit(struct vm_fault *vmf, int direct, unsigned int ret)
{
	struct fsb_pcpu *p;
	struct fsb_state *s = enter_p(FSB_HOOK_DO_WP_PAGE, &p);
	struct wp_view v;
	__u64 attr;

	if (!s || !wp_done(ret))
		return 0;
	wp_read(vmf, direct, &v);
	if (!wp_count_class(p, classify(&v)))
		return 0;
	if (lookup(s, p, v.mm, &attr)) {
		cow_p(s, p, attr, OUT_EVENT, 1);
		if (s->copy_by_pte && pte_copied(vmf, direct, &v))
			cow_p(s, p, attr, OUT_COPY, 1);
	} else {
		count_p(p, FS_CTR_cow_unattributed);
	}
	return 0;
}

/* A helper's COW fault: a copy (wp_page_copy) or a reuse (wp_page_reuse). */
static __always_inline int wp_helper(struct vm_fault *vmf, int direct, enum fsb_hook h,
				     int outcome)
{
	struct fsb_pcpu *p;
	struct fsb_state *s = enter_p(h, &p);
	struct wp_view v;
	__u64 attr;

	if (!s)
		return 0;
	wp_read(vmf, direct, &v);
	if (classify(&v) == FS_WP_PRIVATE && lookup(s, p, v.mm, &attr))
		cow_p(s, p, attr, outcome, 1);
	return 0;
}

int BPF_PROG(do_wp_page_entry, struct vm_fault *vmf)
{
	return wp_entry(vmf);
}

int BPF_PROG(do_wp_page_exit, struct vm_fault *vmf, unsigned int ret)
{
	return wp_exit(vmf, 1, ret);
}

int BPF_PROG(wp_page_copy_entry, struct vm_fault *vmf)
{
	return wp_helper(vmf, 1, FSB_HOOK_WP_PAGE_COPY, OUT_COPY);
}

/* The vm_fault the task's do_wp_page runs with (kprobe chain), or NULL. */
static __always_inline struct vm_fault *wp_vmf_of(__u32 t)
{
	__u64 *v = bpf_map_lookup_elem(&wp_vmf, &t);

	return v ? (struct vm_fault *)*v : NULL;
}

int BPF_KPROBE(do_wp_page_kprobe, struct vm_fault *vmf)
{
	__u64 v = (__u64)vmf;
	__u32 t = tid();

	if (bpf_map_update_elem(&wp_vmf, &t, &v, BPF_ANY))
		count(FS_CTR_inflight_overflow);
	return 0;
}

int BPF_KRETPROBE(do_wp_page_kretprobe, long ret)
{
	__u32 t = tid();
	struct vm_fault *vmf = wp_vmf_of(t);

	if (!vmf)
		return 0;
	wp_exit(vmf, 0, (unsigned int)ret);
	bpf_map_delete_elem(&wp_vmf, &t);
	return 0;
}

/*
 * Inside do_wp_page: its entry kept the vm_fault.  A kretprobe counts the
 * copy when it completed (VM_FAULT_WRITE, before 6.1), as do_wp_page's.
 */
int BPF_KRETPROBE(wp_page_copy_kretprobe, long ret)
{
	struct vm_fault *vmf = wp_vmf_of(tid());

	if (!vmf || !has_vm_fault_write() ||
	    !(ret & bpf_core_enum_value(enum vm_fault_reason___old, VM_FAULT_WRITE___old)))
		return 0;
	return wp_helper(vmf, 0, FSB_HOOK_WP_PAGE_COPY, OUT_COPY);
}

/*
 * The kprobe program is also the fentry chain's where wp_page_reuse has no
 * fentry (none of our kernels: 6.12 builds it "static inline", hence
 * notrace, which kprobe events refuse too).
 */
ENTRY_PROGS(wp_page_reuse_entry, wp_page_reuse_kprobe,
	    wp_helper(vmf, direct, FSB_HOOK_WP_PAGE_REUSE, OUT_REUSE), struct vm_fault *vmf)
