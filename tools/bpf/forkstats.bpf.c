// SPDX-License-Identifier: GPL-2.0
/*
 * forkstats BPF backend: the module's per-call records and COW attribution,
 * gathered by BPF programs (CO-RE).  Three hook chains; the loader
 * (../lib/bpf_attach.c) loads one of them:
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
 *   tracepoint chain (tp_btf only: kernels that refuse fentry)
 *     sys_enter/sys_exit   clone, fork, vfork, clone3: latency, result
 *     task_newtask         the child and its new mm (copy_process succeeded)
 *     exit_mmap            an mm's last user is gone, its attribution goes
 *     page_fault_user/_kernel  a write fault on a present page, classified
 *                          by its VMA (x86)
 *     rss_stat, signal_deliver  tell a zero-page COW from a page COW
 *
 *   kprobe chain (kprobes, neither fentry nor tp_btf): the fentry chain's
 *     programs on the same functions as kprobes and kretprobes; a kretprobe
 *     sees only the return value, so do_wp_page's entry keeps the vm_fault
 *     for the exits of do_wp_page and wp_page_copy
 *
 * The rules, and what each chain cannot give, are in docs/bpf.md.
 */
#include "vmlinux.h"
#include <bpf/bpf_core_read.h>
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_tracing.h>

#include "state.h"

char LICENSE[] SEC("license") = "GPL";

#define PF_IO_WORKER	0x00000010
#define PF_USER_WORKER	0x00004000
#define PF_KTHREAD	0x00200000

#define VM_WRITE	0x00000002UL
#define VM_SHARED	0x00000008UL
#define VM_MAYSHARE	0x00000080UL
#define VM_PFNMAP	0x00000400UL
#define VM_UFFD_WP	0x00001000UL
#define VM_HUGETLB	0x00400000UL
#define VM_MIXEDMAP	0x10000000UL

#define SIGCHLD		17

#define MM_ANONPAGES	1
#define NR_MM_COUNTERS	4
#define MAX_CPUS	256

#define PTE_PFN_MASK	0x000ffffffffff000ULL
#define PTE_UFFD_WP	(1ULL << 10)	/* x86 _PAGE_UFFD_WP (_PAGE_SOFTW2) */
#define UFFD_FEATURE_WP_ASYNC	(1U << 15)

/* x86 page fault error code */
#define X86_PF_PROT	0x01
#define X86_PF_WRITE	0x02
#define X86_PF_RSVD	0x08
#define X86_PF_INSTR	0x10
#define X86_PF_PK	0x20

#define NR_clone	56
#define NR_fork		57
#define NR_vfork	58
#define NR_clone3	435
#define TASK_SIZE_MAX	0x00007ffffffff000ULL

#define barrier() asm volatile("" ::: "memory")
/* x < n, proven to the verifier on the register that indexes (else 0). */
#define BOUND(x, n) asm volatile("if %0 < %1 goto +1; %0 = 0" : "+r"(x) : "i"(n))

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 1);
	__uint(map_flags, BPF_F_MMAPABLE);
	__type(key, __u32);
	__type(value, struct fsb_state);
} state SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 4096);		/* set by the loader */
	__uint(map_flags, BPF_F_MMAPABLE);
	__type(key, __u32);
	__type(value, struct fs_record);
} records SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 4096);		/* = records */
	__uint(map_flags, BPF_F_MMAPABLE);
	__type(key, __u32);
	__type(value, struct fsb_done);
} done_log SEC(".maps");

/*
 * Sequence numbers and completion positions are claimed here: an insert
 * that must not exist is the one compare-and-swap every kernel (5.10 has
 * no atomic fetch-add for BPF) offers.  Key: bit 63 set for positions.
 */
struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 8320);		/* 2 * records + slack */
	__type(key, __u64);
	__type(value, __u8);
} claims SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, struct fsb_pcpu);
} pcpu SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 1024);		/* max_active */
	__type(key, __u32);
	__type(value, struct fsb_call);
} inflight SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 16384);		/* max_tracked */
	__type(key, __u64);
	__type(value, __u64);
} mms SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 1024);
	__type(key, __u32);
	__type(value, struct fsb_wp);
} wp_pending SEC(".maps");

/* kprobe chain: the vm_fault of the task's do_wp_page, for the kretprobes. */
struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 1024);		/* max_active */
	__type(key, __u32);
	__type(value, __u64);
} wp_vmf SEC(".maps");

/* Kernel variables (typeless: found in kallsyms where the kernel lists them). */
extern const void zero_pfn __ksym __weak;		/* up to 6.x */
extern const void zero_page_pfn __ksym __weak;		/* 7.x */
extern const void __per_cpu_offset __ksym __weak;

#define ksym_exists(sym) (&(sym) != NULL)

/* Kernel differences, by CO-RE (relocated: preserve_access_index). */
#pragma clang attribute push (__attribute__((preserve_access_index)), apply_to = record)
enum vm_fault_reason___old {
	VM_FAULT_WRITE___old = 0x000008,
};

struct mm_rss_stat___old {
	atomic_long_t count[NR_MM_COUNTERS];
};

struct mm_struct___old {
	struct mm_rss_stat___old rss_stat;
};

struct percpu_counter___new {
	s64 count;
	s32 *counters;
};

struct mm_struct___new {
	struct percpu_counter___new rss_stat[NR_MM_COUNTERS];
};
#pragma clang attribute pop

static __always_inline struct fsb_state *st(void)
{
	__u32 zero = 0;

	return bpf_map_lookup_elem(&state, &zero);
}

static __always_inline struct fsb_pcpu *pc(void)
{
	__u32 zero = 0;

	return bpf_map_lookup_elem(&pcpu, &zero);
}

/*
 * Counts the hook's hit; the state when enabled, else NULL.  *pp: this
 * CPU's fsb_pcpu, for the _p helpers (before 6.10 every per-CPU array
 * lookup is a call: a hook on the COW path looks it up once).
 */
static __always_inline struct fsb_state *enter_p(enum fsb_hook h, struct fsb_pcpu **pp)
{
	struct fsb_pcpu *p = pc();
	struct fsb_state *s = st();

	if (p)
		p->hits[h]++;
	*pp = p;
	return s && s->enabled ? s : NULL;
}

static __always_inline struct fsb_state *enter(enum fsb_hook h)
{
	struct fsb_pcpu *p;

	return enter_p(h, &p);
}

static __always_inline void count_add_p(struct fsb_pcpu *p, int c, __s64 v)
{
	__u64 i = (__u64)c;

	BOUND(i, FSB_CTR_COUNT);
	if (p)
		p->ctr[i] += v;
}

static __always_inline void count_p(struct fsb_pcpu *p, int c)
{
	count_add_p(p, c, 1);
}

static __always_inline void count(int c)
{
	count_add_p(pc(), c, 1);
}

static __always_inline void count_add(int c, __s64 v)
{
	count_add_p(pc(), c, v);
}

static __always_inline void agg_add_p(struct fsb_pcpu *p, __u32 kind, int field, __u64 v)
{
	__u64 k = kind, f = (__u64)field;

	if (!p || kind >= FS_KIND_COUNT)
		return;
	BOUND(k, FS_KIND_COUNT);
	BOUND(f, FSB_R_COUNT);
	p->agg[k][f] += v;
}

static __always_inline void agg_add(__u32 kind, int field, __u64 v)
{
	agg_add_p(pc(), kind, field, v);
}

static __always_inline __u32 hist_bucket(__u64 ns)
{
	__u32 b = 0;

	/* ilog2, capped */
	if (ns >> 32) { b += 32; ns >>= 32; }
	if (ns >> 16) { b += 16; ns >>= 16; }
	if (ns >> 8) { b += 8; ns >>= 8; }
	if (ns >> 4) { b += 4; ns >>= 4; }
	if (ns >> 2) { b += 2; ns >>= 2; }
	if (ns >> 1) { b += 1; }
	return b < FSB_HIST_BUCKETS ? b : FSB_HIST_BUCKETS - 1;
}

static __always_inline void hist_add(__u32 kind, int total, __u64 ns)
{
	struct fsb_pcpu *p = pc();
	__u64 k = kind, b = hist_bucket(ns), t = total & 1;

	if (!p || kind >= FS_KIND_COUNT)
		return;
	BOUND(k, FS_KIND_COUNT);
	BOUND(b, FSB_HIST_BUCKETS);
	BOUND(t, 2);
	p->hist[k][t][b]++;
}

static __always_inline int stale(struct fsb_state *s, __u64 seq)
{
	return seq <= s->reset_after;
}

/*
 * The next number after *counter: claimed by inserting it into "claims";
 * a number another CPU claimed first is skipped.  0 if none was won.
 */
static __always_inline __u64 claim(__u64 *counter, __u64 tag, __u32 keep)
{
	__u64 n = *counter, key, old;
	__u8 one = 1;
	int i;

	for (i = 0; i < 16; i++) {
		n++;
		key = n | tag;
		if (bpf_map_update_elem(&claims, &key, &one, BPF_NOEXIST) == 0) {
			if (*counter < n)
				*counter = n;
			if (n > keep) {
				old = (n - keep) | tag;
				bpf_map_delete_elem(&claims, &old);
			}
			return n;
		}
	}
	return 0;
}

static __always_inline struct fs_record *slot(struct fsb_state *s, __u64 seq)
{
	__u32 idx;

	if (!s->nrecords)
		return NULL;
	idx = seq % s->nrecords;
	return bpf_map_lookup_elem(&records, &idx);
}

/* Opens a record: its seq, or 0 when no number could be claimed. */
static __always_inline __u64 call_open(struct fsb_state *s, struct fs_record *r)
{
	__u64 seq = claim(&s->next_seq, 0, s->nrecords + 64);
	struct fs_record *d;
	__u32 k = r->kind;

	if (!seq)
		return 0;
	r->seq = seq;
	d = slot(s, seq);
	if (d) {
		if (d->seq && !stale(s, d->seq))
			count(FS_CTR_records_overwritten);
		d->seq = 0;
		barrier();
		__builtin_memcpy((void *)d + 8, (void *)r + 8, sizeof(*r) - 8);
		barrier();
		d->seq = seq;
	}
	agg_add(k, FSB_R_CALLS, 1);
	if (r->err)
		agg_add(k, FSB_R_FAILED, 1);
	if (!(r->unknown & (1u << FS_COL_create_ns))) {
		agg_add(k, FSB_R_CREATE_NS, r->create_ns);
		agg_add(k, FSB_R_CREATE_N, 1);
		hist_add(k, 0, r->create_ns);
	}
	agg_add(k, FSB_R_PGTABLE, r->pgtable_bytes);
	agg_add(k, FSB_R_VMAS_COPIED, r->vmas_copied);
	if (r->unknown & (1u << FS_COL_rss_pages))
		agg_add(k, FSB_R_RSS_UNKNOWN, 1);
	else
		agg_add(k, FSB_R_RSS_PAGES, r->rss_pages);
	return seq;
}

/* Closes a call; total_ns = -1 when unknown. */
static __always_inline void call_close(struct fsb_state *s, __u64 seq, __u32 kind,
				       __u64 total_ns)
{
	struct fs_record *d = slot(s, seq);
	struct fsb_done *e;
	__u64 pos;
	__u32 idx;

	if (stale(s, seq))
		return;
	if (d && d->seq == seq) {
		if (total_ns == (__u64)-1)
			d->unknown |= 1u << FS_COL_total_ns;
		else
			d->total_ns = total_ns;
		d->done = 1;
	}
	if (total_ns != (__u64)-1) {
		agg_add(kind, FSB_R_TOTAL_NS, total_ns);
		agg_add(kind, FSB_R_CLOSED, 1);
		hist_add(kind, 1, total_ns);
	}
	pos = claim(&s->done_n, 1ULL << 63, s->nrecords + 64);
	if (!pos || !s->nrecords)
		return;
	idx = (pos - 1) % s->nrecords;
	e = bpf_map_lookup_elem(&done_log, &idx);
	if (!e)
		return;
	e->pos1 = 0;
	barrier();
	e->seq = seq;
	barrier();
	e->pos1 = pos;
}

/* After every change of "mms": the CPUs' cached lookups are void. */
static __always_inline void mms_changed(void)
{
	struct fsb_state *s = st();

	if (s)
		__sync_fetch_and_add(&s->mm_gen, 1);
}

static __always_inline void attribute(__u64 mm, __u64 seq, __u32 kind, int side)
{
	__u64 v = FSB_ATTR(seq, kind, side);

	if (bpf_map_update_elem(&mms, &mm, &v, BPF_ANY))
		count(FS_CTR_mm_table_overflow);
	mms_changed();
}

static __always_inline void forget(__u64 mm)
{
	if (bpf_map_delete_elem(&mms, &mm) == 0)
		mms_changed();
}

/*
 * The call mm last took part in (a COW fault's attribution).  A fault
 * stream comes from one mm at a time: the CPU's last answer is reused
 * while no attribution changed since (mm_gen, read before the map, so that
 * a change racing with the refill voids it); else the map.
 */
static __always_inline int lookup(struct fsb_state *s, struct fsb_pcpu *p, __u64 mm,
				  __u64 *attr)
{
	__u64 gen = s->mm_gen, a, *v;

	barrier();
	if (p && p->mm_cache.mm == mm && p->mm_cache.gen == gen) {
		a = p->mm_cache.attr;
	} else {
		v = bpf_map_lookup_elem(&mms, &mm);
		a = v ? *v : 0;
		if (p) {
			p->mm_cache.gen = ~0ULL;	/* a program nested meanwhile sees none */
			barrier();
			p->mm_cache.mm = mm;
			p->mm_cache.attr = a;
			barrier();
			p->mm_cache.gen = gen;
		}
	}
	if (!a || stale(s, a >> 8))
		return 0;
	*attr = a;
	return 1;
}

enum { OUT_EVENT, OUT_COPY, OUT_REUSE };

/* A COW fault of the call attr: an event (by side), a copy or a reuse. */
static __always_inline void cow_p(struct fsb_state *s, struct fsb_pcpu *p, __u64 attr,
				  int outcome, __s64 delta)
{
	__u64 seq = attr >> 8;
	__u32 kind = (attr >> 1) & 0x7f;
	int side = attr & 1, field;
	struct fs_record *d;

	if (stale(s, seq))
		return;
	if (outcome == OUT_EVENT)
		field = side ? FSB_R_COW_CHILD : FSB_R_COW_PARENT;
	else if (outcome == OUT_COPY)
		field = FSB_R_COW_COPIES;
	else
		field = FSB_R_COW_REUSES;
	agg_add_p(p, kind, field, (__u64)delta);
	d = slot(s, seq);
	if (!d || d->seq != seq)
		return;
	if (field == FSB_R_COW_PARENT)
		__sync_fetch_and_add(&d->cow_parent, delta);
	else if (field == FSB_R_COW_CHILD)
		__sync_fetch_and_add(&d->cow_child, delta);
	else if (field == FSB_R_COW_COPIES)
		__sync_fetch_and_add(&d->cow_copies, delta);
	else
		__sync_fetch_and_add(&d->cow_reuses, delta);
}

static __always_inline void cow(struct fsb_state *s, __u64 attr, int outcome, __s64 delta)
{
	cow_p(s, pc(), attr, outcome, delta);
}

static __always_inline __u32 call_kind(__u64 flags, struct task_struct *child)
{
	struct task_struct *cur = (void *)bpf_get_current_task();
	int kthread = (BPF_CORE_READ(cur, flags) & PF_KTHREAD) ||
		      (child && (BPF_CORE_READ(child, flags) &
				 (PF_KTHREAD | PF_IO_WORKER | PF_USER_WORKER)));

	return fs_kind_of(flags, kthread);
}

static __always_inline void fill_parent(struct fs_record *r, __u64 ts, __u64 flags)
{
	struct task_struct *cur = (void *)bpf_get_current_task();
	__u64 id = bpf_get_current_pid_tgid();

	__builtin_memset(r, 0, sizeof(*r));
	r->ts_ns = ts;
	r->flags = flags;
	r->parent_tgid = id >> 32;
	r->parent_pid = (__u32)id;
	bpf_probe_read_kernel_str(r->comm, sizeof(r->comm), &cur->comm);
}

/* A percpu_counter's exact value (percpu_counter_sum_positive). */
static __always_inline __u64 pcpu_counter_sum(struct percpu_counter___new *pc, __u32 ncpus)
{
	s64 total = BPF_CORE_READ(pc, count);
	s32 *pcp = BPF_CORE_READ(pc, counters);
	__u32 c;

	for (c = 0; c < ncpus && c < MAX_CPUS; c++) {
		unsigned long off = 0;
		s32 d = 0;

		bpf_probe_read_kernel(&off, sizeof(off),
				      (void *)&__per_cpu_offset + c * sizeof(off));
		bpf_probe_read_kernel(&d, sizeof(d), (void *)pcp + off);
		total += d;
	}
	return total > 0 ? total : 0;
}

/* Pages mapped by an mm, as the module counts them (compat.h). */
static __always_inline __u64 rss_pages(struct fsb_state *s, struct mm_struct *mm, int *known)
{
	__u64 sum = 0;

	*known = 1;
	if (bpf_core_field_exists(((struct mm_struct___old *)0)->rss_stat.count)) {
		struct mm_struct___old *o = (void *)mm;
		long f = BPF_CORE_READ(o, rss_stat.count[0].counter);
		long a = BPF_CORE_READ(o, rss_stat.count[1].counter);
		long m = BPF_CORE_READ(o, rss_stat.count[3].counter);

		/* MM_SWAPENTS (2) is not in get_mm_rss() */
		return (f > 0 ? f : 0) + (a > 0 ? a : 0) + (m > 0 ? m : 0);
	}
	/* Per-CPU counters (6.2+): the count plus every CPU's delta. */
	if (!ksym_exists(__per_cpu_offset)) {
		*known = 0;
		return 0;
	}
	{
		struct mm_struct___new *n = (void *)mm;
		__u32 ncpus = s->ncpus < MAX_CPUS ? s->ncpus : MAX_CPUS;

		sum += pcpu_counter_sum(&n->rss_stat[0], ncpus);
		sum += pcpu_counter_sum(&n->rss_stat[1], ncpus);
		sum += pcpu_counter_sum(&n->rss_stat[2], ncpus);
		sum += pcpu_counter_sum(&n->rss_stat[3], ncpus);
	}
	return sum;
}

/* The child's part of a record, from the new task (copy_process succeeded). */
static __always_inline struct mm_struct *fill_child(struct fsb_state *s, struct fs_record *r,
						    struct task_struct *child)
{
	struct task_struct *cur = (void *)bpf_get_current_task();
	struct mm_struct *mm = BPF_CORE_READ(child, mm);
	int known;

	r->child_pid = BPF_CORE_READ(child, pid);
	r->kind = call_kind(r->flags, child);
	if (!mm || mm == BPF_CORE_READ(cur, mm))
		return NULL;
	r->pgtable_bytes = BPF_CORE_READ(mm, pgtables_bytes.counter);
	r->vmas = BPF_CORE_READ(mm, map_count);
	r->rss_pages = rss_pages(s, mm, &known);
	if (!known)
		r->unknown |= 1u << FS_COL_rss_pages;
	return mm;
}

static __always_inline void attribute_pair(struct mm_struct *mm, __u64 seq, __u32 kind)
{
	struct task_struct *cur = (void *)bpf_get_current_task();
	struct mm_struct *pmm = BPF_CORE_READ(cur, mm);

	attribute((__u64)mm, seq, kind, 1);
	if (pmm)
		attribute((__u64)pmm, seq, kind, 0);
}

static __always_inline __u32 tid(void)
{
	return (__u32)bpf_get_current_pid_tgid();
}

/*
 * A task enters a call (state: kernel_clone, copy_process alone, or a clone
 * syscall): its entry of "inflight".  Without room, copy_process records the
 * call alone, and only it.
 */
static __always_inline void call_begin(__u32 t, __u64 flags, __u32 state)
{
	struct fsb_call c = {};

	c.t0 = bpf_ktime_get_ns();
	c.t_copy = state == FSB_IN_COPY ? c.t0 : 0;
	c.ts = bpf_ktime_get_boot_ns();
	c.flags = flags;
	c.state = state;
	if (bpf_map_update_elem(&inflight, &t, &c, BPF_ANY))
		count(FS_CTR_inflight_overflow);
}

/*
 * A call returns (kernel_clone or its syscall, with ret): its record is
 * closed, or, when it created no task, a record of the failed call is made
 * now (unknown: its columns the hook could not see).  c is t's entry of
 * "inflight", removed here.
 */
static __always_inline void call_end(struct fsb_state *s, struct fsb_call *c, __u32 t, long ret,
				     __u32 unknown)
{
	__u64 total = bpf_ktime_get_ns() - c->t0, seq;
	struct fs_record r, *d;

	if (c->seq) {
		d = slot(s, c->seq);
		/* copy_process failed: its errno is this return value. */
		if (ret < 0 && d && d->seq == c->seq && (d->unknown & (1u << FS_COL_err))) {
			d->err = ret;
			d->unknown &= ~(1u << FS_COL_err);
		}
		call_close(s, c->seq, c->kind, total);
		bpf_map_delete_elem(&inflight, &t);
		return;
	}
	fill_parent(&r, c->ts, c->flags);
	bpf_map_delete_elem(&inflight, &t);
	r.kind = call_kind(r.flags, NULL);
	r.err = ret < 0 ? ret : 0;
	r.child_pid = ret > 0 ? ret : 0;
	r.unknown = unknown;
	seq = call_open(s, &r);
	if (seq)
		call_close(s, seq, r.kind, total);
}

/* ------------------------------------------------------------------ */
/* fentry and kprobe chains: one body per hook, two program types */

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
	 * copy_page_range's rule, as the module's fs_vma_needs_copy().  (One
	 * test, the pointer last: the verifier refuses a bitwise OR of it.)
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
	if (!(df & uf) && !(sf & sm) && !anon_vma)
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
 * bpf_probe_read_kernel, through BPF_CORE_READ).
 */
#define ENTRY_PROGS(func, fentry_name, kprobe_name, body, ...)		\
	SEC("fentry/" func)						\
	int BPF_PROG(fentry_name, __VA_ARGS__)				\
	{								\
		const int direct = 1;					\
									\
		(void)direct;						\
		return body;						\
	}								\
	SEC("kprobe/" func)						\
	int BPF_KPROBE(kprobe_name, __VA_ARGS__)			\
	{								\
		const int direct = 0;					\
									\
		(void)direct;						\
		return body;						\
	}

ENTRY_PROGS("kernel_clone", kernel_clone_entry, kernel_clone_kprobe, clone_entry(args),
	    struct kernel_clone_args *args)
ENTRY_PROGS("copy_process", copy_process_entry, copy_process_kprobe, copy_entry(args),
	    struct pid *pid, int trace, int node, struct kernel_clone_args *args)
ENTRY_PROGS("copy_page_range", copy_page_range_entry, copy_page_range_kprobe,
	    page_range_entry(dst, src, direct),
	    struct vm_area_struct *dst, struct vm_area_struct *src)
ENTRY_PROGS("__mmdrop", mmdrop_entry, mmdrop_kprobe, mmdrop(mm), struct mm_struct *mm)

SEC("fexit/kernel_clone")
int BPF_PROG(kernel_clone_exit, struct kernel_clone_args *args, int ret)
{
	return clone_exit(ret);
}

SEC("fexit/copy_process")
int BPF_PROG(copy_process_exit, struct pid *pid, int trace, int node,
	     struct kernel_clone_args *args, struct task_struct *child)
{
	return copy_exit(child);
}

SEC("kretprobe/kernel_clone")
int BPF_KRETPROBE(kernel_clone_kretprobe, long ret)
{
	return clone_exit((int)ret);
}

SEC("kretprobe/copy_process")
int BPF_KRETPROBE(copy_process_kretprobe, struct task_struct *child)
{
	return copy_exit(child);
}

enum wp_class { WP_PRIVATE, WP_SHARED, WP_ZERO, WP_IGNORE };

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

static __always_inline enum wp_class classify(const struct wp_view *v)
{
	if (v->unshare)
		return WP_IGNORE;
	if (v->vm_flags & (VM_SHARED | VM_MAYSHARE))
		return WP_SHARED;
	if (is_zero_pfn((v->pte & PTE_PFN_MASK) >> 12))
		return WP_ZERO;
	return WP_PRIVATE;
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
	unsigned int features;

	if (!(v->vm_flags & VM_UFFD_WP) || !(v->pte & PTE_UFFD_WP))
		return 0;
	if (!bpf_core_field_exists(vmf->vma->vm_userfaultfd_ctx))
		return 1;
	if (direct)
		features = vmf->vma->vm_userfaultfd_ctx.ctx->features;
	else
		features = BPF_CORE_READ(vmf, vma, vm_userfaultfd_ctx.ctx, features);
	return !(features & UFFD_FEATURE_WP_ASYNC);
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
static __always_inline int wp_count_class(struct fsb_pcpu *p, enum wp_class cl)
{
	if (cl == WP_SHARED)
		count_p(p, FS_CTR_shared_wp);
	else if (cl == WP_ZERO)
		count_p(p, FS_CTR_zero_page_cow);
	return cl == WP_PRIVATE;
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
	if (classify(&v) == WP_PRIVATE && lookup(s, p, v.mm, &attr))
		cow_p(s, p, attr, outcome, 1);
	return 0;
}

SEC("fentry/do_wp_page")
int BPF_PROG(do_wp_page_entry, struct vm_fault *vmf)
{
	return wp_entry(vmf);
}

SEC("fexit/do_wp_page")
int BPF_PROG(do_wp_page_exit, struct vm_fault *vmf, unsigned int ret)
{
	return wp_exit(vmf, 1, ret);
}

SEC("fentry/wp_page_copy")
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

SEC("kprobe/do_wp_page")
int BPF_KPROBE(do_wp_page_kprobe, struct vm_fault *vmf)
{
	__u64 v = (__u64)vmf;
	__u32 t = tid();

	if (bpf_map_update_elem(&wp_vmf, &t, &v, BPF_ANY))
		count(FS_CTR_inflight_overflow);
	return 0;
}

SEC("kretprobe/do_wp_page")
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
SEC("kretprobe/wp_page_copy")
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
ENTRY_PROGS("wp_page_reuse", wp_page_reuse_entry, wp_page_reuse_kprobe,
	    wp_helper(vmf, direct, FSB_HOOK_WP_PAGE_REUSE, OUT_REUSE), struct vm_fault *vmf)

/* ------------------------------------------------------------------ */
/* tracepoint chain */

/*
 * Ends the zero-page window of t's write fault.  Called on every syscall:
 * a lookup (lock-free) first, the delete (bucket lock) only when there is one.
 */
static __always_inline void wp_forget(__u32 t)
{
	if (bpf_map_lookup_elem(&wp_pending, &t))
		bpf_map_delete_elem(&wp_pending, &t);
}

SEC("tp_btf/sys_enter")
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

SEC("tp_btf/sys_exit")
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

SEC("tp_btf/task_newtask")
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

SEC("tp_btf/exit_mmap")
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

SEC("tp_btf/page_fault_user")
int BPF_PROG(page_fault_user, unsigned long address, struct pt_regs *regs,
	     unsigned long error_code)
{
	return wp_fault(FSB_HOOK_PAGE_FAULT_USER, address, error_code);
}

SEC("tp_btf/page_fault_kernel")
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
SEC("tp_btf/rss_stat")
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

SEC("tp_btf/signal_deliver")
int BPF_PROG(signal_deliver, int sig)
{
	wp_forget(tid());
	return 0;
}
