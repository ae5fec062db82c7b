// SPDX-License-Identifier: GPL-2.0
/*
 * The BPF backend's reader (bpf_backend.h, docs/bpf.md): the maps' views,
 * and the module's files as text from them.
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

#include "calls.h"
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
int fsb_map_views(struct fsb *b, char *err, size_t errlen)
{
	struct bpf_map_info info;
	__u32 n = sizeof(info);

	memset(&info, 0, sizeof(info));
	if (bpf_obj_get_info_by_fd(b->map_fd[M_RECORDS], &info, &n))
		return fail(err, errlen, "BPF backend: records map: %s", strerror(errno));
	b->nrecords = info.max_entries;
	memset(&info, 0, sizeof(info));
	n = sizeof(info);
	if (bpf_obj_get_info_by_fd(b->map_fd[M_MMS], &info, &n))
		return fail(err, errlen, "BPF backend: mms map: %s", strerror(errno));
	b->max_tracked = info.max_entries;
	memset(&info, 0, sizeof(info));
	n = sizeof(info);
	if (bpf_obj_get_info_by_fd(b->map_fd[M_INFLIGHT], &info, &n))
		return fail(err, errlen, "BPF backend: inflight map: %s", strerror(errno));
	b->max_active = info.max_entries;
	b->ncpus = (unsigned int)libbpf_num_possible_cpus();
	b->st = map_mmap(b->map_fd[M_STATE], sizeof(struct fsb_state), 1, &b->st_len,
			 PROT_READ | PROT_WRITE);
	b->rec = map_mmap(b->map_fd[M_RECORDS], sizeof(struct fs_record), b->nrecords, &b->rec_len,
			  PROT_READ);
	b->done = map_mmap(b->map_fd[M_DONE], sizeof(struct fsb_done), b->nrecords, &b->done_len,
			   PROT_READ);
	if (!b->st || !b->rec || !b->done)
		return fail(err, errlen, "BPF backend: mmap of its maps: %s", strerror(errno));
	return 0;
}


/* ------------------------------------------------------------------ */
/* Reading */

struct pcpu_sum {
	uint64_t agg[FS_KIND_COUNT][FSB_R_COUNT];
	uint64_t ctr[FSB_CTR_COUNT];
	uint64_t hist[FS_KIND_COUNT][2][FSB_HIST_BUCKETS];
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
				for (i = 0; i < FSB_HIST_BUCKETS; i++)
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

static void derive_split(unsigned int split, __u64 events, __u64 *copies, __u64 *reuses)
{
	if (split == FSB_SPLIT_COUNT_COPIES)
		*reuses = events > *copies ? events - *copies : 0;
	else if (split == FSB_SPLIT_COUNT_REUSES)
		*copies = events > *reuses ? events - *reuses : 0;
	else
		*copies = *reuses = 0;
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
	derive_split(b->st->split, r->cow_parent + r->cow_child, &r->cow_copies, &r->cow_reuses);
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
	return split == FSB_SPLIT_COUNT_COPIES ? "copies" :
	       split == FSB_SPLIT_COUNT_REUSES ? "reuses" : "unknown";
}

static void put_u64(FILE *f, uint64_t v, int unknown)
{
	if (unknown)
		fprintf(f, " %14s", "-");
	else
		fprintf(f, " %14llu", (unsigned long long)v);
}

static void proc_row(FILE *f, const char *name, const uint64_t *a, const struct fsb_state *st)
{
	__u64 copies = a[FSB_R_COW_COPIES], reuses = a[FSB_R_COW_REUSES];

	derive_split(st->split, a[FSB_R_COW_PARENT] + a[FSB_R_COW_CHILD], &copies, &reuses);
	fprintf(f, "%-8s", name);
	put_u64(f, a[FSB_R_CALLS], 0);
	put_u64(f, a[FSB_R_FAILED], 0);
	put_u64(f, a[FSB_R_CREATE_N] ? a[FSB_R_CREATE_NS] / a[FSB_R_CREATE_N] : 0, 0);
	put_u64(f, a[FSB_R_CLOSED] ? a[FSB_R_TOTAL_NS] / a[FSB_R_CLOSED] : 0, 0);
	put_u64(f, a[FSB_R_PGTABLE], 0);
	put_u64(f, a[FSB_R_VMAS_COPIED], !!(st->unknown & (1ULL << FS_COL_vmas_copied)));
	put_u64(f, a[FSB_R_COW_PARENT], 0);
	put_u64(f, a[FSB_R_COW_CHILD], 0);
	put_u64(f, copies, st->split == FSB_SPLIT_NONE);
	put_u64(f, reuses, st->split == FSB_SPLIT_NONE);
	put_u64(f, a[FSB_R_CREATE_NS], 0);
	put_u64(f, a[FSB_R_TOTAL_NS], 0);
	put_u64(f, a[FSB_R_CLOSED], 0);
	/* unknown as soon as one call's is (the tracepoint chain, 6.2+, no __per_cpu_offset) */
	put_u64(f, a[FSB_R_RSS_PAGES], a[FSB_R_RSS_UNKNOWN] != 0);
	fputc('\n', f);
}

static void text_proc(struct fsb *b, FILE *f)
{
	struct fsb_state st = *b->st;
	uint64_t total[FSB_R_COUNT] = { 0 };
	struct pcpu_sum s;
	struct utsname u;
	const char *sep = "";
	int k, i, h;

	read_pcpu(b, &s);
	uname(&u);
	fprintf(f, "forkstats 2 kernel=%s split=%s page_size=%ld probes=", u.release,
		split_name(st.split), sysconf(_SC_PAGESIZE));
	for (h = 0; h < FSB_HOOK_COUNT; h++) {
		if (!hook_attached(b, h))
			continue;
		fprintf(f, "%s%s", sep, hook_info[h].name);
		sep = ",";
	}
	fprintf(f, " backend=bpf chain=%s", fsb_chain_name(b));
	sep = " approx=";
	for (i = 0; i < FS_COL_COUNT; i++) {
		if (!(st.approx & (1ULL << i)))
			continue;
		fprintf(f, "%s%s", sep, fs_record_column_name(i));
		sep = ",";
	}
	fputc('\n', f);
	fprintf(f, "%-8s", "kind");
#define FS_AGG_HEAD(name) fprintf(f, " %14s", #name);
	FS_AGG_COLUMNS(FS_AGG_HEAD)
#undef FS_AGG_HEAD
	fputc('\n', f);
	for (k = 0; k < FS_KIND_COUNT; k++) {
		proc_row(f, fs_kind_name((unsigned int)k), s.agg[k], &st);
		for (i = 0; i < FSB_R_COUNT; i++)
			total[i] += s.agg[k][i];
	}
	proc_row(f, "total", total, &st);
	fputc('\n', f);
	for (i = 0; i < FSB_CTR_COUNT; i++)
		fprintf(f, "%s %llu\n", counter_names[i], (unsigned long long)s.ctr[i]);
	for (h = 0; h < FSB_HOOK_COUNT; h++)
		if (hook_attached(b, h))
			fprintf(f, "missed_%s %llu\n", hook_info[h].name,
				(unsigned long long)hook_missed(b, h));
}

static void record_header(FILE *f)
{
	int i;

	fputc('#', f);
	for (i = 0; i < FS_COL_COUNT; i++)
		fprintf(f, " %s", fs_record_column_name(i));
	fputc('\n', f);
}

/* A field is never empty: an empty comm is written \x00, as the module does. */
static void put_comm(FILE *f, const char *comm)
{
	char out[FS_COMM_ESCAPED];

	fputs(fs_comm_escape(comm, out) ? out : "\\x00", f);
}

/* One record in the text form of debugfs calls (FS_RECORD_COLUMNS). */
static void record_line(FILE *f, const struct fs_record *r, uint64_t unknown)
{
	int first = 1;

#define FS_COL_PUT(name, type)							\
	do {									\
		if (!first)							\
			fputc(' ', f);						\
		first = 0;							\
		if ((unknown | r->unknown) & (1ULL << FS_COL_##name) ||		\
		    (FS_COL_##name == FS_COL_total_ns && !r->done))		\
			fputc('-', f);						\
		else								\
			PUT_##type(name);					\
	} while (0);
#define PUT_U64(name)	fprintf(f, "%llu", (unsigned long long)r->name)
#define PUT_U32(name)	fprintf(f, "%u", (unsigned int)r->name)
#define PUT_S32(name)	fprintf(f, "%d", (int)r->name)
#define PUT_HEX(name)	fprintf(f, "0x%llx", (unsigned long long)r->name)
#define PUT_KIND(name)	fputs(fs_kind_name(r->name), f)
#define PUT_COMM(name)	put_comm(f, r->name)
	FS_RECORD_COLUMNS(FS_COL_PUT)
#undef FS_COL_PUT
#undef PUT_U64
#undef PUT_U32
#undef PUT_S32
#undef PUT_HEX
#undef PUT_KIND
#undef PUT_COMM
	fputc('\n', f);
}

static void text_calls(struct fsb *b, FILE *f)
{
	uint64_t last = b->st->next_seq, first, seq;
	struct fs_record r;

	record_header(f);
	first = last > b->nrecords ? last - b->nrecords + 1 : 1;
	for (seq = first; seq <= last; seq++)
		if (record_read(b, seq, &r))
			record_line(f, &r, b->st->unknown);
}

static void text_hist(struct fsb *b, FILE *f)
{
	struct pcpu_sum s;
	int k, t, i;

	read_pcpu(b, &s);
	fputs("# kind latency lo_ns hi_ns count\n", f);
	for (k = 0; k < FS_KIND_COUNT; k++)
		for (t = 0; t < 2; t++)
			for (i = 0; i < FSB_HIST_BUCKETS; i++)
				if (s.hist[k][t][i])
					fprintf(f, "%s %s %llu %llu %llu\n",
						fs_kind_name((unsigned int)k),
						t ? "total" : "create",
						i ? 1ULL << i : 0ULL,
						i == FSB_HIST_BUCKETS - 1 ? ~0ULL : (2ULL << i) - 1,
						(unsigned long long)s.hist[k][t][i]);
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

static void text_probes(struct fsb *b, FILE *f)
{
	struct pcpu_sum s;
	unsigned int chain = b->st->chain;
	size_t i, mem;
	int h;

	read_pcpu(b, &s);
	fputs("# probe type attached hits missed\n", f);
	for (h = 0; h < FSB_HOOK_COUNT; h++) {
		int ours = 0;

		for (i = 0; i < NPROGS; i++)
			ours |= (int)fsb_progs[i].hook == h && fsb_progs[i].chain == chain;
		if (!ours)
			continue;
		fprintf(f, "%s %s %d %llu %llu\n", hook_info[h].name, hook_type(b, h),
			hook_attached(b, h), (unsigned long long)s.hits[h],
			(unsigned long long)hook_missed(b, h));
	}
	mem = page_round(b->nrecords * sizeof(struct fs_record)) +
	      page_round(b->nrecords * sizeof(struct fsb_done)) +
	      (size_t)b->ncpus * sizeof(struct fsb_pcpu) +
	      (size_t)b->max_tracked * 16 + (size_t)b->max_active * sizeof(struct fsb_call) +
	      (size_t)(2 * (b->nrecords + 64) + 256) * 9;
	if (chain == FSB_CHAIN_KPROBE)
		mem += (size_t)b->max_active * 12;	/* wp_vmf */
	fputc('\n', f);
	fprintf(f, "enabled %u\n", b->st->enabled);
	fprintf(f, "records %u\n", b->nrecords);
	fprintf(f, "max_tracked %u\n", b->max_tracked);
	fprintf(f, "max_active %u\n", b->max_active);
	fprintf(f, "completed %llu\n", (unsigned long long)b->st->done_n);
	fprintf(f, "mm_tracked %u\n", count_keys(b->map_fd[M_MMS]));
	fprintf(f, "memory_bytes %zu\n", mem);
	if (chain == FSB_CHAIN_KPROBE) {
		fprintf(f, "kretprobe_maxactive %u\n", b->st->maxactive);
		fprintf(f, "kprobe_group forkstats_%u\n", b->st->kprobe_pid);
		if (b->st->holder_pid)
			fprintf(f, "holder_pid %u\n", b->st->holder_pid);
	}
}

char *fsb_text(struct fsb *b, const char *name, size_t *len, char *err, size_t errlen)
{
	char *buf = NULL;
	size_t n = 0;
	FILE *f = open_memstream(&buf, &n);

	if (!f) {
		fail(err, errlen, "out of memory");
		return NULL;
	}
	if (!strcmp(name, "proc")) {
		text_proc(b, f);
	} else if (!strcmp(name, "calls")) {
		text_calls(b, f);
	} else if (!strcmp(name, "hist")) {
		text_hist(b, f);
	} else if (!strcmp(name, "probes")) {
		text_probes(b, f);
	} else {
		fclose(f);
		free(buf);
		fail(err, errlen, "the BPF backend has no file \"%s\"", name);
		return NULL;
	}
	if (fclose(f)) {
		free(buf);
		fail(err, errlen, "out of memory");
		return NULL;
	}
	*len = n;
	return buf;
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

size_t fsb_events_read(struct fsb *b, struct fsb_events *ev, char *buf, size_t len)
{
	uint64_t head, n = b->nrecords;
	struct fs_record r;
	size_t done = 0;
	char *line = NULL;
	size_t llen = 0;
	FILE *f;

	for (;;) {
		const volatile struct fsb_done *e;
		uint64_t seq;

		f = open_memstream(&line, &llen);
		if (!f)
			break;
		if (!ev->header_sent) {
			record_header(f);
		} else {
			head = b->st->done_n;
			if (ev->pos == head) {
				fclose(f);
				free(line);
				break;
			}
			if (ev->pos + n < head) {
				ev->lost += head - n - ev->pos;
				ev->pos = head - n;
			}
			e = &b->done[ev->pos % n];
			if (e->pos1 != ev->pos + 1) {
				/* Claimed but not written yet: come back. */
				fclose(f);
				free(line);
				break;
			}
			seq = e->seq;
			if (seq <= b->st->reset_after) {
				fclose(f);
				free(line);
				ev->pos++;
				continue;
			}
			if (!record_read(b, seq, &r)) {
				fclose(f);
				free(line);
				ev->lost++;
				ev->pos++;
				continue;
			}
			if (ev->lost)
				fprintf(f, "# lost %llu\n", (unsigned long long)ev->lost);
			record_line(f, &r, b->st->unknown);
		}
		fclose(f);
		if (done + llen > len) {
			free(line);
			break;
		}
		memcpy(buf + done, line, llen);
		done += llen;
		free(line);
		line = NULL;
		if (!ev->header_sent)
			ev->header_sent = 1;
		else {
			ev->lost = 0;
			ev->pos++;
		}
	}
	return done;
}
