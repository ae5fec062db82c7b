// SPDX-License-Identifier: GPL-2.0
/*
 * The BPF backend's reader (bpf_backend.h, docs/bpf.md): the maps' views,
 * and what they hold read into the source's structs (source.h): the
 * aggregates, the records, the histograms, the probes, the completions.
 */
#include "bpf_internal.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/utsname.h>
#include <unistd.h>

#include <bpf/bpf.h>
#include <bpf/libbpf.h>

#include <forkstats/cow.h>

#include "calls.h"
#include "histfile.h"
#include "probesfile.h"
#include "procfile.h"
#include "kprobe_events.h"

static const struct {
	const char *name, *type, *ktype;
} hook_info[FSB_HOOK_COUNT] = {
#define FSB_HOOK_INFO(e, n, t, k) [FSB_HOOK_##e] = { n, t, k },
	FSB_HOOKS(FSB_HOOK_INFO)
#undef FSB_HOOK_INFO
};

static const char *const counter_names[FSB_CTR_COUNT] = {
#define FSB_CTR_NAME(name) #name,
	FSB_COUNTERS(FSB_CTR_NAME)
#undef FSB_CTR_NAME
};

static int hook_attached(const struct fsb *b, enum fsb_hook h);

static size_t page_round(size_t n)
{
	size_t pg = (size_t)sysconf(_SC_PAGESIZE);

	return (n + pg - 1) / pg * pg;
}

static void *map_mmap(int fd, size_t value_size, unsigned int entries, size_t *len, int prot)
{
	void *p;

	*len = page_round(((value_size + 7) & ~(size_t)7) * entries);
	p = mmap(NULL, *len, prot, MAP_SHARED, fd, 0);
	return p == MAP_FAILED ? NULL : p;
}

/* Sizes from the maps themselves, and the shared views. */
/*
 * A map's entries and, as a check that this binary reads the layout its
 * loader wrote, its value size: 0, or -1 with err.
 */
static int map_shape(struct fsb *b, int m, const char *name, __u32 value_size, __u32 *entries,
		     char *err, size_t errlen)
{
	struct bpf_map_info info;
	__u32 n = sizeof(info);

	memset(&info, 0, sizeof(info));
	if (bpf_obj_get_info_by_fd(b->map_fd[m], &info, &n))
		return fail(err, errlen, "BPF backend: %s map: %s", name, strerror(errno));
	if (value_size && info.value_size != value_size)
		return fail(err, errlen, "the BPF backend was attached by another version of forkstats "
			    "(its %s map holds %u-byte values, this one reads %u): "
			    "sudo forkstats --backend bpf detach, then attach", name,
			    info.value_size, value_size);
	if (entries)
		*entries = info.max_entries;
	return 0;
}

int fsb_map_views(struct fsb *b, char *err, size_t errlen)
{
	if (map_shape(b, M_STATE, "state", sizeof(struct fsb_state), NULL, err, errlen) ||
	    map_shape(b, M_PCPU, "pcpu", sizeof(struct fsb_pcpu), NULL, err, errlen) ||
	    map_shape(b, M_RECORDS, "records", sizeof(struct fs_record), &b->nrecords, err,
		      errlen) ||
	    map_shape(b, M_MMS, "mms", 0, &b->max_tracked, err, errlen) ||
	    map_shape(b, M_INFLIGHT, "inflight", 0, &b->max_active, err, errlen))
		return -1;
	b->ncpus = (unsigned int)libbpf_num_possible_cpus();
	b->st = map_mmap(b->map_fd[M_STATE], sizeof(struct fsb_state), 1, &b->st_len,
			 PROT_READ | PROT_WRITE);
	b->rec = map_mmap(b->map_fd[M_RECORDS], sizeof(struct fs_record), b->nrecords, &b->rec_len,
			  PROT_READ);
	b->done = map_mmap(b->map_fd[M_DONE], sizeof(struct fsb_done), b->nrecords, &b->done_len,
			   PROT_READ);
	if (!b->st || !b->rec || !b->done)
		return fail(err, errlen, "BPF backend: mmap of its maps: %s", strerror(errno));
	if (b->st->layout != FSB_LAYOUT)
		return fail(err, errlen, "the BPF backend was attached by another version of forkstats "
			    "(map layout %u, this one reads %u): "
			    "sudo forkstats --backend bpf detach, then attach",
			    b->st->layout, FSB_LAYOUT);
	return 0;
}

/* ------------------------------------------------------------------ */
/* Reading */

struct pcpu_sum {
	uint64_t agg[FS_KIND_COUNT][FSB_R_COUNT];
	uint64_t ctr[FSB_CTR_COUNT];
	uint64_t hist[FS_KIND_COUNT][2][FS_HIST_BUCKETS];
	uint64_t hits[FSB_HOOK_COUNT];
};

static int read_pcpu(struct fsb *b, struct pcpu_sum *s)
{
	size_t vs = (sizeof(struct fsb_pcpu) + 7) & ~(size_t)7;
	struct fsb_pcpu *v = calloc(b->ncpus, vs);
	__u32 zero = 0;
	unsigned int c;
	int k, i, t;

	memset(s, 0, sizeof(*s));
	if (!v || bpf_map_lookup_elem(b->map_fd[M_PCPU], &zero, v)) {
		free(v);
		return -1;
	}
	for (c = 0; c < b->ncpus; c++) {
		const struct fsb_pcpu *p = (const void *)((const char *)v + c * vs);

		for (k = 0; k < FS_KIND_COUNT; k++) {
			for (i = 0; i < FSB_R_COUNT; i++)
				s->agg[k][i] += p->agg[k][i];
			for (t = 0; t < 2; t++)
				for (i = 0; i < FS_HIST_BUCKETS; i++)
					s->hist[k][t][i] += p->hist[k][t][i];
		}
		for (i = 0; i < FSB_CTR_COUNT; i++)
			s->ctr[i] += p->ctr[i];
		for (i = 0; i < FSB_HOOK_COUNT; i++)
			s->hits[i] += p->hits[i];
	}
	free(v);
	return 0;
}

/* A consistent copy of the record seq, if the ring still holds it. */
static int record_read(struct fsb *b, uint64_t seq, struct fs_record *r)
{
	const volatile struct fs_record *s = &b->rec[seq % b->nrecords];
	uint64_t a;

	a = s->seq;
	__atomic_thread_fence(__ATOMIC_ACQUIRE);
	memcpy(r, (const void *)s, sizeof(*r));
	__atomic_thread_fence(__ATOMIC_ACQUIRE);
	if (a != seq || s->seq != seq || seq <= b->st->reset_after)
		return 0;
	fs_cow_split(b->st->split, r->cow_parent + r->cow_child, &r->cow_copies, &r->cow_reuses);
	return 1;
}

static int hook_attached(const struct fsb *b, enum fsb_hook h)
{
	return (b->st->hooks >> h) & 1;
}

/* The type of the programs that attached the hook. */
static const char *hook_type(const struct fsb *b, enum fsb_hook h)
{
	if (b->st->chain == FSB_CHAIN_KPROBE)
		return hook_info[h].ktype;
	if ((b->st->hooks_kprobe >> h) & 1)
		return "kprobe";	/* where fentry could not */
	if (h == FSB_HOOK_DO_WP_PAGE && b->st->copy_by_pte)
		return "fexit";		/* no helper: the PTE after the fault */
	return hook_info[h].type;
}

/*
 * Runs the kernel skipped, summed over the hook's programs: for recursion
 * (recursion_misses), and on the kprobe chain the probe's own misses
 * (kprobe_profile: a kretprobe without a free instance, a kprobe hit
 * inside another).
 */
static uint64_t hook_missed(const struct fsb *b, enum fsb_hook h)
{
	uint64_t sum = 0, hits, missed;
	char event[64];
	size_t i;

	for (i = 0; i < NPROGS; i++) {
		struct bpf_link_info li;
		struct bpf_prog_info pi;
		__u32 n = sizeof(li);
		int fd;

		if (fsb_progs[i].hook != h || fsb_progs[i].chain != b->st->chain)
			continue;
		if (b->st->chain == FSB_CHAIN_KPROBE) {
			snprintf(event, sizeof(event), "%s_%u", fsb_progs[i].prog, b->st->kprobe_pid);
			if (fs_kev_profile(event, &hits, &missed) == 0)
				sum += missed;
		}
		if (b->link_fd[i] < 0)
			continue;
		memset(&li, 0, sizeof(li));
		if (bpf_obj_get_info_by_fd(b->link_fd[i], &li, &n))
			continue;
		fd = bpf_prog_get_fd_by_id(li.prog_id);
		if (fd < 0)
			continue;
		memset(&pi, 0, sizeof(pi));
		n = sizeof(pi);
		if (!bpf_obj_get_info_by_fd(fd, &pi, &n))
			sum += pi.recursion_misses;
		close(fd);
	}
	return sum;
}

static const char *split_name(unsigned int split)
{
	return split == FS_SPLIT_COUNT_COPIES ? "copies" :
	       split == FS_SPLIT_COUNT_REUSES ? "reuses" : "unknown";
}

static void set_agg(struct fs_proc_row *row, int col, uint64_t v, int unknown)
{
	row->v[col] = unknown ? 0 : v;
	if (unknown)
		row->unknown |= 1u << col;
}

/* One row of the aggregates, in the module's columns (FS_AGG_COLUMNS). */
static void proc_row(struct fs_proc_row *row, const uint64_t *a, const struct fsb_state *st)
{
	__u64 copies = a[FS_SUM_cow_copies], reuses = a[FS_SUM_cow_reuses];

	fs_cow_split(st->split, a[FS_SUM_cow_parent] + a[FS_SUM_cow_child], &copies, &reuses);
	memset(row, 0, sizeof(*row));
	set_agg(row, FS_AGG_calls, a[FS_SUM_calls], 0);
	set_agg(row, FS_AGG_failed, a[FS_SUM_failed], 0);
	set_agg(row, FS_AGG_create_avg_ns,
		a[FSB_R_CREATE_N] ? a[FS_SUM_create_ns] / a[FSB_R_CREATE_N] : 0, 0);
	set_agg(row, FS_AGG_total_avg_ns, a[FS_SUM_closed] ? a[FS_SUM_total_ns] / a[FS_SUM_closed] : 0,
		0);
	set_agg(row, FS_AGG_pgtable_bytes, a[FS_SUM_pgtable_bytes], 0);
	set_agg(row, FS_AGG_vmas_copied, a[FS_SUM_vmas_copied],
		!!(st->unknown & (1ULL << FS_COL_vmas_copied)));
	set_agg(row, FS_AGG_cow_parent, a[FS_SUM_cow_parent], 0);
	set_agg(row, FS_AGG_cow_child, a[FS_SUM_cow_child], 0);
	set_agg(row, FS_AGG_cow_copies, copies, st->split == FS_SPLIT_NONE);
	set_agg(row, FS_AGG_cow_reuses, reuses, st->split == FS_SPLIT_NONE);
	set_agg(row, FS_AGG_create_ns_sum, a[FS_SUM_create_ns], 0);
	set_agg(row, FS_AGG_total_ns_sum, a[FS_SUM_total_ns], 0);
	set_agg(row, FS_AGG_returned, a[FS_SUM_closed], 0);
	/* unknown as soon as one call's is (the tracepoint chain, 6.2+, no __per_cpu_offset) */
	set_agg(row, FS_AGG_rss_pages, a[FS_SUM_rss_pages], a[FSB_R_RSS_UNKNOWN] != 0);
}

static void add_counter(struct fs_proc_counter *v, size_t *n, const char *prefix,
			const char *name, uint64_t value)
{
	if (*n == FS_PROC_MAX_COUNTERS)
		return;
	snprintf(v[*n].name, sizeof(v[*n].name), "%s%s", prefix, name);
	v[(*n)++].value = value;
}

/* The header's facts: kernel, split, backend, chain, approx, page size, probes. */
static void proc_head(struct fsb *b, const struct fsb_state *st, struct fs_proc *p)
{
	struct utsname u;
	size_t n = 0;
	int h, i;

	p->version = FS_PROC_VERSION;
	uname(&u);
	snprintf(p->kernel, sizeof(p->kernel), "%s", u.release);
	snprintf(p->split, sizeof(p->split), "%s", split_name(st->split));
	snprintf(p->backend, sizeof(p->backend), "bpf");
	snprintf(p->chain, sizeof(p->chain), "%s", fsb_chain_name(b));
	p->page_size = (uint64_t)sysconf(_SC_PAGESIZE);
	for (i = 0; i < FS_COL_COUNT; i++) {
		if (!(st->approx & (1ULL << i)))
			continue;
		n += (size_t)snprintf(p->approx + n, sizeof(p->approx) - n, "%s%s", n ? "," : "",
				      fs_record_column_name(i));
		if (n >= sizeof(p->approx))
			n = sizeof(p->approx) - 1;
	}
	for (h = 0; h < FSB_HOOK_COUNT && p->nprobes < FS_PROC_MAX_PROBES; h++)
		if (hook_attached(b, h))
			snprintf(p->probes[p->nprobes++], FS_PROC_NAME_MAX, "%s", hook_info[h].name);
}

int fsb_read_proc(struct fsb *b, struct fs_proc *p, char *err, size_t errlen)
{
	struct fsb_state st = *b->st;
	uint64_t total[FSB_R_COUNT] = { 0 };
	struct pcpu_sum s;
	int k, i, h;

	memset(p, 0, sizeof(*p));
	if (read_pcpu(b, &s))
		return fail(err, errlen, "BPF backend: its per-CPU map: %s", strerror(errno));
	proc_head(b, &st, p);
	for (k = 0; k < FS_KIND_COUNT; k++) {
		proc_row(&p->kinds[k], s.agg[k], &st);
		for (i = 0; i < FSB_R_COUNT; i++)
			total[i] += s.agg[k][i];
	}
	proc_row(&p->total, total, &st);
	for (i = 0; i < FSB_CTR_COUNT; i++)
		add_counter(p->counters, &p->ncounters, "", counter_names[i], s.ctr[i]);
	for (h = 0; h < FSB_HOOK_COUNT; h++)
		if (hook_attached(b, h))
			add_counter(p->counters, &p->ncounters, "missed_", hook_info[h].name,
				    hook_missed(b, h));
	return 0;
}

/*
 * A record as the module's source gives it: a column the hooks cannot give,
 * or total_ns before the call returned, is unknown and 0; the comm ends at
 * its first NUL.
 */
static void to_call(const struct fsb *b, const struct fs_record *r, struct fs_call *x)
{
	uint32_t unknown = (uint32_t)((b->st->unknown | r->unknown) & ((1ULL << FS_COL_COUNT) - 1));
	size_t n;

	if (!r->done)
		unknown |= 1u << FS_COL_total_ns;
	x->r = *r;
	x->unknown = unknown;
#define FS_COL_ZERO(name, type)							\
	if (unknown & (1u << FS_COL_##name))					\
		memset(&x->r.name, 0, sizeof(x->r.name));
	FS_RECORD_COLUMNS(FS_COL_ZERO)
#undef FS_COL_ZERO
	n = strnlen(r->comm, FS_COMM_LEN - 1);
	memset(x->r.comm + n, 0, FS_COMM_LEN - n);
	x->r.done = !(unknown & (1u << FS_COL_total_ns));
	x->r.unknown = 0;
	x->r.reserved = 0;
}

int fsb_read_calls(struct fsb *b, int (*fn)(void *ctx, const struct fs_call *x), void *ctx,
		   char *err, size_t errlen)
{
	uint64_t last = b->st->next_seq, first, seq;
	struct fs_record r;
	struct fs_call x;

	first = last > b->nrecords ? last - b->nrecords + 1 : 1;
	for (seq = first; seq <= last; seq++) {
		if (!record_read(b, seq, &r))
			continue;
		to_call(b, &r, &x);
		if (fn(ctx, &x))
			return fail(err, errlen, "out of memory");
	}
	return 0;
}

int fsb_read_hist(struct fsb *b, struct fs_hist *h, char *err, size_t errlen)
{
	struct pcpu_sum s;
	size_t n = 0;
	int k, t, i;

	memset(h, 0, sizeof(*h));
	if (read_pcpu(b, &s))
		return fail(err, errlen, "BPF backend: its per-CPU map: %s", strerror(errno));
	for (k = 0; k < FS_KIND_COUNT; k++)
		for (t = 0; t < 2; t++)
			for (i = 0; i < FS_HIST_BUCKETS; i++)
				n += s.hist[k][t][i] != 0;
	h->v = calloc(n ? n : 1, sizeof(*h->v));
	if (!h->v)
		return fail(err, errlen, "out of memory");
	h->cap = n;
	for (k = 0; k < FS_KIND_COUNT; k++)
		for (t = 0; t < 2; t++)
			for (i = 0; i < FS_HIST_BUCKETS; i++) {
				if (!s.hist[k][t][i])
					continue;
				h->v[h->n++] = (struct fs_hist_bucket){
					.kind = (unsigned int)k, .total = t,
					.lo_ns = i ? 1ULL << i : 0ULL,
					.hi_ns = i == FS_HIST_BUCKETS - 1 ? ~0ULL : (2ULL << i) - 1,
					.count = s.hist[k][t][i],
				};
			}
	return 0;
}

static unsigned int count_keys(int fd)
{
	__u64 key, next;
	unsigned int n = 0;
	void *prev = NULL;

	while (bpf_map_get_next_key(fd, prev, &next) == 0 && n < (1u << 23)) {
		key = next;
		prev = &key;
		n++;
	}
	return n;
}

/* The bytes of the maps, as the module's memory_bytes counts its own. */
static size_t memory_bytes(const struct fsb *b)
{
	size_t mem;

	mem = page_round(b->nrecords * sizeof(struct fs_record)) +
	      page_round(b->nrecords * sizeof(struct fsb_done)) +
	      (size_t)b->ncpus * sizeof(struct fsb_pcpu) +
	      (size_t)b->max_tracked * 16 + (size_t)b->max_active * sizeof(struct fsb_call) +
	      (size_t)(2 * (b->nrecords + 64) + 256) * 9;
	if (b->st->chain == FSB_CHAIN_KPROBE)
		mem += (size_t)b->max_active * 12;	/* wp_vmf */
	return mem;
}

int fsb_read_probes(struct fsb *b, struct fs_probes *pr, char *err, size_t errlen)
{
	unsigned int chain = b->st->chain;
	struct pcpu_sum s;
	size_t i;
	int h;

	memset(pr, 0, sizeof(*pr));
	if (read_pcpu(b, &s))
		return fail(err, errlen, "BPF backend: its per-CPU map: %s", strerror(errno));
	for (h = 0; h < FSB_HOOK_COUNT && pr->nprobes < FS_PROC_MAX_PROBES; h++) {
		struct fs_probe_row *row;
		int ours = 0;

		for (i = 0; i < NPROGS; i++)
			ours |= (int)fsb_progs[i].hook == h && fsb_progs[i].chain == chain;
		if (!ours)
			continue;
		row = &pr->probes[pr->nprobes++];
		snprintf(row->name, sizeof(row->name), "%s", hook_info[h].name);
		snprintf(row->type, sizeof(row->type), "%s", hook_type(b, h));
		row->attached = hook_attached(b, h);
		row->hits = s.hits[h];
		row->missed = hook_missed(b, h);
	}
	add_counter(pr->counters, &pr->ncounters, "", "enabled", b->st->enabled);
	add_counter(pr->counters, &pr->ncounters, "", "records", b->nrecords);
	add_counter(pr->counters, &pr->ncounters, "", "max_tracked", b->max_tracked);
	add_counter(pr->counters, &pr->ncounters, "", "max_active", b->max_active);
	add_counter(pr->counters, &pr->ncounters, "", "completed", b->st->done_n);
	add_counter(pr->counters, &pr->ncounters, "", "mm_tracked",
		    count_keys(b->map_fd[M_MMS]));
	add_counter(pr->counters, &pr->ncounters, "", "memory_bytes", memory_bytes(b));
	if (chain == FSB_CHAIN_KPROBE) {
		add_counter(pr->counters, &pr->ncounters, "", "kretprobe_maxactive",
			    b->st->maxactive);
		snprintf(pr->kprobe_group, sizeof(pr->kprobe_group), "forkstats_%u",
			 b->st->kprobe_pid);
		if (b->st->holder_pid)
			add_counter(pr->counters, &pr->ncounters, "", "holder_pid",
				    b->st->holder_pid);
	}
	return 0;
}

void fsb_events_start(struct fsb *b, struct fsb_events *ev)
{
	memset(ev, 0, sizeof(*ev));
	ev->pos = b->st->done_n;
}

uint64_t fsb_events_head(struct fsb *b)
{
	return b->st->done_n;
}

int fsb_events_next(struct fsb *b, struct fsb_events *ev, struct fs_call *x)
{
	uint64_t head, n = b->nrecords, seq;
	const volatile struct fsb_done *e;
	struct fs_record r;

	for (;;) {
		head = b->st->done_n;
		if (ev->pos == head)
			return 0;
		if (ev->pos + n < head) {
			ev->lost += head - n - ev->pos;
			ev->pos = head - n;
		}
		e = &b->done[ev->pos % n];
		if (e->pos1 != ev->pos + 1)
			return 0;	/* claimed but not written yet: come back */
		seq = e->seq;
		ev->pos++;
		if (seq <= b->st->reset_after)
			continue;
		if (!record_read(b, seq, &r)) {
			ev->lost++;
			continue;
		}
		to_call(b, &r, x);
		return 1;
	}
}
