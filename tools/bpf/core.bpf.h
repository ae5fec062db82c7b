/* SPDX-License-Identifier: GPL-2.0 */
/*
 * What the BPF backend's programs share (docs/bpf.md): the maps, the
 * kernel's constants and CO-RE variants, the per-CPU sums, claiming a seq
 * or a completion position, opening and closing a call's record, the mm
 * attribution and the COW faults counted for it.  Included by each chain's
 * program: fentry.bpf.c (the fentry chain and the kprobe chain) and
 * tracepoint.bpf.c.  Each object has every map, so that the loader pins,
 * and the reader reads, the same set whichever chain attached.
 */
#ifndef FORKSTATS_CORE_BPF_H
#define FORKSTATS_CORE_BPF_H

#include "vmlinux.h"
#include <bpf/bpf_core_read.h>
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_tracing.h>

#include "state.h"

/*
 * Every program declared with its section from the one table (progs.h); the
 * definitions in fentry.bpf.c and tracepoint.bpf.c carry no SEC of their own.
 */
#define FSB_CTX_fentry		unsigned long long
#define FSB_CTX_fexit		unsigned long long
#define FSB_CTX_tp_btf		unsigned long long
#define FSB_CTX_kprobe		struct pt_regs
#define FSB_CTX_kretprobe	struct pt_regs
#define FSB_PROG_DECL(id, prog, hook, chain, type, target, req, how)	\
	int prog(FSB_CTX_##type *ctx) __attribute__((section(#type "/" target)));
FSB_PROGS(FSB_PROG_DECL)
#undef FSB_PROG_DECL

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
 * Built with FSB_CLAIMS (the objects for kernels without BPF's atomic
 * fetch-add, before 5.12: 5.10), sequence numbers and completion positions
 * are claimed here: an insert that must not exist is the one
 * compare-and-swap those kernels offer.  Key: bit 63 set for positions.
 * Unused otherwise, but in every object: the maps pinned are one set.
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

static __always_inline void hist_add(__u32 kind, int total, __u64 ns)
{
	struct fsb_pcpu *p = pc();
	__u64 k = kind, b = fs_hist_bucket(ns), t = total & 1;

	if (!p || kind >= FS_KIND_COUNT)
		return;
	BOUND(k, FS_KIND_COUNT);
	BOUND(b, FS_HIST_BUCKETS);
	BOUND(t, 2);
	p->hist[k][t][b]++;
}

static __always_inline int stale(struct fsb_state *s, __u64 seq)
{
	return seq <= s->reset_after;
}

/*
 * The next number after *counter: one atomic fetch-add (5.12+), or, built
 * with FSB_CLAIMS, claimed by inserting it into "claims" (a number another
 * CPU claimed first is skipped; 0 if none was won).  Two objects rather
 * than a rodata knob: before 5.12 the verifier refuses a fetch-add's
 * instruction even where it is dead code ("BPF_STX uses reserved fields",
 * checked on every instruction before the walk); the loader picks the
 * object by a probe (bpf_attach.c have_fetch_add()).
 */
#ifndef FSB_CLAIMS
static __always_inline __u64 claim(__u64 *counter, __u64 tag, __u32 keep)
{
	(void)tag;
	(void)keep;
	return __sync_fetch_and_add(counter, 1) + 1;
}
#else
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
#endif

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
	agg_add(k, FS_SUM_calls, 1);
	if (r->err)
		agg_add(k, FS_SUM_failed, 1);
	if (!(r->unknown & (1u << FS_COL_create_ns))) {
		agg_add(k, FS_SUM_create_ns, r->create_ns);
		agg_add(k, FSB_R_CREATE_N, 1);
		hist_add(k, 0, r->create_ns);
	}
	agg_add(k, FS_SUM_pgtable_bytes, r->pgtable_bytes);
	agg_add(k, FS_SUM_vmas_copied, r->vmas_copied);
	if (r->unknown & (1u << FS_COL_rss_pages))
		agg_add(k, FSB_R_RSS_UNKNOWN, 1);
	else
		agg_add(k, FS_SUM_rss_pages, r->rss_pages);
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
		agg_add(kind, FS_SUM_total_ns, total_ns);
		agg_add(kind, FS_SUM_closed, 1);
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
	__u64 v = fs_attr_pack(seq, kind, side);

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
	if (!a || stale(s, fs_attr_call(a)))
		return 0;
	*attr = a;
	return 1;
}

enum { OUT_EVENT, OUT_COPY, OUT_REUSE };

/* A COW fault of the call attr: an event (by side), a copy or a reuse. */
static __always_inline void cow_p(struct fsb_state *s, struct fsb_pcpu *p, __u64 attr,
				  int outcome, __s64 delta)
{
	__u64 seq = fs_attr_call(attr);
	__u32 kind = fs_attr_kind(attr);
	int side = fs_attr_side(attr), field;
	struct fs_record *d;

	if (stale(s, seq))
		return;
	if (outcome == OUT_EVENT)
		field = side == FS_SIDE_CHILD ? FS_SUM_cow_child : FS_SUM_cow_parent;
	else if (outcome == OUT_COPY)
		field = FS_SUM_cow_copies;
	else
		field = FS_SUM_cow_reuses;
	agg_add_p(p, kind, field, (__u64)delta);
	d = slot(s, seq);
	if (!d || d->seq != seq)
		return;
	if (field == FS_SUM_cow_parent)
		__sync_fetch_and_add(&d->cow_parent, delta);
	else if (field == FS_SUM_cow_child)
		__sync_fetch_and_add(&d->cow_child, delta);
	else if (field == FS_SUM_cow_copies)
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

#endif /* FORKSTATS_CORE_BPF_H */
