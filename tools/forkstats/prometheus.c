// SPDX-License-Identifier: GPL-2.0
/*
 * The metrics of "show --prometheus" and "export --textfile": what
 * /proc/forkstats, debugfs hist and debugfs probes hold, as Prometheus
 * metric families (docs/interfaces.md, "Prometheus metrics", lists each one,
 * its type, labels and unit).  The text is written by the output layer
 * (prom.c, fs_prom_*); this file only says which samples there are.
 */
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "cli.h"
#include "histfile.h"
#include "probesfile.h"
#include "procfile.h"
#include "textparse.h"

/*
 * Histogram buckets: the module's log2 buckets end at 2^(b+1) - 1 ns; the
 * upper bounds exported are those of b = 9 .. 34, 1.023 us to 34.4 s, and
 * +Inf.  The count at each bound is the exact sum of the module's buckets
 * up to it (a bucket below 1 us counts in the first, one above 34 s in +Inf
 * only).
 */
#define PROM_B_FIRST	9
#define PROM_B_LAST	34
#define PROM_NBOUNDS	(PROM_B_LAST - PROM_B_FIRST + 1)

static uint64_t bound_ns(int j)
{
	return (2ULL << (PROM_B_FIRST + j)) - 1;
}

static const char *const kind_label = "kind";

/* A column of the per-kind table, one sample per kind; "-" writes none. */
static void per_kind(FILE *f, const struct fs_proc *p, int col, const char *name,
		     const char *help)
{
	struct fs_prom_family m;
	unsigned int k;

	fs_prom_family(&m, f, name, FS_PROM_COUNTER, help);
	for (k = 0; k < FS_KIND_COUNT; k++) {
		struct fs_prom_label l = { kind_label, fs_kind_name(k) };
		struct fs_cell c = { .type = FS_CELL_UNKNOWN };

		if (!(p->kinds[k].unknown & (1u << col)))
			fs_cell_u64(&c, p->kinds[k].v[col]);
		fs_prom_sample(&m, "", &l, 1, &c);
	}
}

static void cow_sides(FILE *f, const struct fs_proc *p)
{
	static const struct { int col; const char *side; } sides[] = {
		{ FS_AGG_cow_parent, "parent" }, { FS_AGG_cow_child, "child" },
	};
	struct fs_prom_family m;
	unsigned int k, s;

	fs_prom_family(&m, f, "forkstats_cow_faults_total", FS_PROM_COUNTER,
		       "COW faults attributed to the calls of this kind, in the parent's or the child's address space (faults)");
	for (k = 0; k < FS_KIND_COUNT; k++) {
		for (s = 0; s < 2; s++) {
			struct fs_prom_label l[2] = {
				{ kind_label, fs_kind_name(k) }, { "side", sides[s].side },
			};
			struct fs_cell c = { .type = FS_CELL_UNKNOWN };

			if (!(p->kinds[k].unknown & (1u << sides[s].col)))
				fs_cell_u64(&c, p->kinds[k].v[sides[s].col]);
			fs_prom_sample(&m, "", l, 2, &c);
		}
	}
}

/* The /proc/forkstats counters with a metric of their own. */
static const struct {
	const char *counter, *metric, *help;
} known_counters[] = {
	{ "zero_page_cow", "forkstats_zero_page_cow_faults_total",
	  "Write faults on the shared zero page (faults)" },
	{ "shared_wp", "forkstats_shared_wp_faults_total",
	  "Write faults on write-protected PTEs of shared mappings (faults)" },
	{ "cow_unattributed", "forkstats_cow_unattributed_faults_total",
	  "COW faults in address spaces that took part in no recorded call (faults)" },
	{ "records_overwritten", "forkstats_records_overwritten_total",
	  "Per-call records that fell out of the ring (records)" },
	{ "mm_table_overflow", "forkstats_mm_table_overflow_total",
	  "Address spaces not tracked for COW attribution because the table was full (events)" },
	{ "inflight_overflow", "forkstats_inflight_overflow_total",
	  "kernel_clone calls not tracked in flight, recorded by copy_process alone (calls)" },
	{ "vfork_overflow", "forkstats_vfork_overflow_total",
	  "vfork calls whose wait was not tracked, closed without it when copy_process returned (calls)" },
	{ "huge_wp", "forkstats_huge_wp_faults_total",
	  "BPF backend: write faults on a huge PMD, not counted as COW by the tracepoint chain (faults)" },
	{ "wp_unclassified", "forkstats_wp_unclassified_faults_total",
	  "BPF backend: write faults whose VMA could not be looked up (faults)" },
};

static void counters(FILE *f, const struct fs_proc *p)
{
	struct fs_prom_family m;
	size_t i, j;

	for (j = 0; j < sizeof(known_counters) / sizeof(known_counters[0]); j++) {
		const struct fs_proc_counter *c = fs_proc_counter(p, known_counters[j].counter);

		fs_prom_family(&m, f, known_counters[j].metric, FS_PROM_COUNTER,
			       known_counters[j].help);
		if (c)
			fs_prom_u64(&m, "", NULL, 0, c->value);
	}
	fs_prom_family(&m, f, "forkstats_probe_missed_total", FS_PROM_COUNTER,
		       "Probe hits missed: kprobe misses plus kretprobe instances not available (hits)");
	for (i = 0; i < p->ncounters; i++) {
		struct fs_prom_label l = { "probe", p->counters[i].name + 7 };

		if (!strncmp(p->counters[i].name, "missed_", 7))
			fs_prom_u64(&m, "", &l, 1, p->counters[i].value);
	}
	/* Counters this CLI does not know (a newer module): by name, never dropped. */
	fs_prom_family(&m, f, "forkstats_other_total", FS_PROM_COUNTER,
		       "Counters of /proc/forkstats that this forkstats does not know, by name (see docs/interfaces.md)");
	for (i = 0; i < p->ncounters; i++) {
		struct fs_prom_label l = { "counter", p->counters[i].name };

		if (!strncmp(p->counters[i].name, "missed_", 7))
			continue;
		for (j = 0; j < sizeof(known_counters) / sizeof(known_counters[0]); j++)
			if (!strcmp(p->counters[i].name, known_counters[j].counter))
				break;
		if (j == sizeof(known_counters) / sizeof(known_counters[0]))
			fs_prom_u64(&m, "", &l, 1, p->counters[i].value);
	}
}

static void info(FILE *f, const struct fs_proc *p)
{
	struct fs_prom_family m;
	struct fs_prom_label l[] = {
		{ "kernel", p->kernel }, { "split", p->split }, { "backend", p->backend },
		{ "chain", p->chain }, { "approximate", p->approx },
	};

	fs_prom_family(&m, f, "forkstats_info", FS_PROM_GAUGE,
		       "Always 1: the running kernel, how COW copies and reuses are told apart, the backend, its BPF hook chain and the record columns it measures approximately");
	fs_prom_u64(&m, "", l, sizeof(l) / sizeof(l[0]), 1);
}

/*
 * Pages mapped in the children right after the copy, summed, in bytes:
 * rss_pages times the page size line 1 gives; no sample where either is
 * missing (an older module; the BPF backend's tracepoint chain where the
 * kernel has no rss_stat it can read, 6.2+) or the product overflows.
 * forkstats_child_rss_known says which: 1 with a sample, 0 without, so that
 * a rule that divides by the RSS can tell "unknown" from "no data".
 */
static int rss_bytes(const struct fs_proc *p, unsigned int k, uint64_t *bytes)
{
	return p->page_size && !(p->kinds[k].unknown & (1u << FS_AGG_rss_pages)) &&
	       !__builtin_mul_overflow(p->kinds[k].v[FS_AGG_rss_pages], p->page_size, bytes);
}

static void child_rss(FILE *f, const struct fs_proc *p)
{
	struct fs_prom_family m;
	unsigned int k;
	uint64_t bytes;

	fs_prom_family(&m, f, "forkstats_child_rss_bytes_total", FS_PROM_COUNTER,
		       "Memory mapped in the children's new address spaces right after the copy (the parent memory fork shared with them), summed (bytes)");
	for (k = 0; k < FS_KIND_COUNT; k++) {
		struct fs_prom_label l = { kind_label, fs_kind_name(k) };
		struct fs_cell c = { .type = FS_CELL_UNKNOWN };

		if (rss_bytes(p, k, &bytes))
			fs_cell_u64(&c, bytes);
		fs_prom_sample(&m, "", &l, 1, &c);
	}
	fs_prom_family(&m, f, "forkstats_child_rss_known", FS_PROM_GAUGE,
		       "1 where forkstats_child_rss_bytes_total has a sample, 0 where this backend cannot measure the children's RSS (per-GiB rules have no value there)");
	for (k = 0; k < FS_KIND_COUNT; k++) {
		struct fs_prom_label l = { kind_label, fs_kind_name(k) };

		fs_prom_u64(&m, "", &l, 1, (uint64_t)rss_bytes(p, k, &bytes));
	}
}

/*
 * One latency histogram per kind: cumulative counts from debugfs hist, the
 * sum from /proc/forkstats: its column of the exact sum (create_ns_sum,
 * total_ns_sum), or from a module without it the mean over the same calls
 * times their count (low by the lost remainders; docs/interfaces.md).
 * Returns 0, or -1 with err when a bucket of the file straddles an exported
 * bound.
 */
static int histogram(FILE *f, const struct fs_proc *p, const struct fs_hist *h, int total,
		     char *err, size_t errlen)
{
	uint64_t cum[FS_KIND_COUNT][PROM_NBOUNDS] = { { 0 } }, count[FS_KIND_COUNT] = { 0 };
	int avg_col = total ? FS_AGG_total_avg_ns : FS_AGG_create_avg_ns;
	int sum_col = total ? FS_AGG_total_ns_sum : FS_AGG_create_ns_sum;
	struct fs_prom_family m;
	unsigned int k;
	size_t i;
	int j;

	for (i = 0; i < h->n; i++) {
		const struct fs_hist_bucket *b = &h->v[i];

		if (b->total != total)
			continue;
		count[b->kind] += b->count;
		for (j = 0; j < PROM_NBOUNDS; j++) {
			if (b->hi_ns <= bound_ns(j)) {
				cum[b->kind][j] += b->count;
			} else if (b->lo_ns <= bound_ns(j)) {
				snprintf(err, errlen,
					 "bucket %llu..%llu ns of %s %s is not a log2 bucket (it spans %llu ns)",
					 (unsigned long long)b->lo_ns, (unsigned long long)b->hi_ns,
					 fs_kind_name(b->kind), total ? "total" : "create",
					 (unsigned long long)bound_ns(j));
				return -1;
			}
		}
	}
	if (total)
		fs_prom_family(&m, f, "forkstats_call_duration_seconds", FS_PROM_HISTOGRAM,
			       "Duration of the whole call (kernel_clone; for vfork including the time the parent was blocked), calls that returned (seconds)");
	else
		fs_prom_family(&m, f, "forkstats_create_duration_seconds", FS_PROM_HISTOGRAM,
			       "Duration of copy_process, every recorded call (seconds)");
	for (k = 0; k < FS_KIND_COUNT; k++) {
		struct fs_prom_label l[2] = { { kind_label, fs_kind_name(k) }, { "le", NULL } };
		char le[FS_CELL_TEXT];
		struct fs_cell c = { .type = FS_CELL_UNKNOWN };
		uint64_t sum;

		for (j = 0; j < PROM_NBOUNDS; j++) {
			l[1].value = fs_prom_seconds(le, bound_ns(j));
			fs_prom_u64(&m, "_bucket", l, 2, cum[k][j]);
		}
		l[1].value = "+Inf";
		fs_prom_u64(&m, "_bucket", l, 2, count[k]);
		if (!(p->kinds[k].unknown & (1u << sum_col)))
			fs_cell_ns(&c, p->kinds[k].v[sum_col]);
		else if (!(p->kinds[k].unknown & (1u << avg_col)) &&
			 !__builtin_mul_overflow(p->kinds[k].v[avg_col], count[k], &sum))
			fs_cell_ns(&c, sum);
		fs_prom_sample(&m, "_sum", l, 1, &c);
		fs_prom_u64(&m, "_count", l, 1, count[k]);
	}
	return 0;
}

/* The name-value lines of debugfs probes with a metric of their own. */
static const struct {
	const char *name, *metric, *help;
	enum fs_prom_type type;
} known_module[] = {
	{ "enabled", "forkstats_enabled", "1 while the handlers record, 0 after 'disable'",
	  FS_PROM_GAUGE },
	{ "completed", "forkstats_completed_calls_total", "Calls completed since load (calls)",
	  FS_PROM_COUNTER },
	{ "mm_tracked", "forkstats_tracked_address_spaces",
	  "Address spaces in the COW attribution table now (address spaces)", FS_PROM_GAUGE },
	{ "memory_bytes", "forkstats_memory_bytes", "Memory the module allocated (bytes)",
	  FS_PROM_GAUGE },
};

static void probes(FILE *f, const struct fs_probes *pr)
{
	struct fs_prom_family m;
	size_t i, j;

	fs_prom_family(&m, f, "forkstats_probe_hits_total", FS_PROM_COUNTER,
		       "Probe handler runs since load (hits)");
	for (i = 0; i < pr->nprobes; i++) {
		struct fs_prom_label l[2] = { { "probe", pr->probes[i].name },
					      { "type", pr->probes[i].type } };

		fs_prom_u64(&m, "", l, 2, pr->probes[i].hits);
	}
	fs_prom_family(&m, f, "forkstats_probe_attached", FS_PROM_GAUGE,
		       "1 when the probe is attached, 0 when not");
	for (i = 0; i < pr->nprobes; i++) {
		struct fs_prom_label l[2] = { { "probe", pr->probes[i].name },
					      { "type", pr->probes[i].type } };

		fs_prom_u64(&m, "", l, 2, (uint64_t)pr->probes[i].attached);
	}
	for (j = 0; j < sizeof(known_module) / sizeof(known_module[0]); j++) {
		const struct fs_proc_counter *c = fs_probes_counter(pr, known_module[j].name);

		fs_prom_family(&m, f, known_module[j].metric, known_module[j].type,
			       known_module[j].help);
		if (c)
			fs_prom_u64(&m, "", NULL, 0, c->value);
	}
	fs_prom_family(&m, f, "forkstats_setting", FS_PROM_GAUGE,
		       "The other name-value lines of debugfs probes, by name: the parameters (records, max_tracked, max_active) and the BPF backend's settings");
	for (i = 0; i < pr->ncounters; i++) {
		struct fs_prom_label l = { "setting", pr->counters[i].name };

		for (j = 0; j < sizeof(known_module) / sizeof(known_module[0]); j++)
			if (!strcmp(pr->counters[i].name, known_module[j].name))
				break;
		if (j == sizeof(known_module) / sizeof(known_module[0]))
			fs_prom_u64(&m, "", &l, 1, pr->counters[i].value);
	}
}

/*
 * A source's failure to give hist or probes: into why when the file could
 * not be read (not root, not mounted), and 0; -1 when it did not parse (said
 * at once).
 */
static int unreadable(int code, const char *err, char *why, size_t whylen)
{
	if (code == FS_SRC_ERR) {
		fs_cli_error("%s", err);
		return -1;
	}
	if (code == FS_SRC_EACCES)
		snprintf(why, whylen, "%s (debugfs is root-only: run as root)", err);
	else
		snprintf(why, whylen, "%s (is debugfs mounted?)", err);
	return 0;
}

int fs_prometheus_write(struct fs_cli *cli, FILE *f, struct fs_prom_missing *missing)
{
	char err[512], where[512];
	struct fs_probes pr;
	struct fs_proc p;
	struct fs_hist h;
	int ret = 0, code;

	memset(missing, 0, sizeof(*missing));
	if (fs_source_snapshot(cli->src, &p, err, sizeof(err))) {
		missing->mask |= FS_PROM_MISSING_PROC;
		snprintf(missing->proc, sizeof(missing->proc), "%s", err);
		return 1;
	}
	info(f, &p);
	per_kind(f, &p, FS_AGG_calls, "forkstats_calls_total",
		 "Calls recorded: each kernel_clone, and each copy_process made without one (calls)");
	per_kind(f, &p, FS_AGG_failed, "forkstats_failed_calls_total",
		 "Recorded calls that returned an error (calls)");
	per_kind(f, &p, FS_AGG_pgtable_bytes, "forkstats_pgtable_bytes_total",
		 "Page-table bytes of the children's new address spaces when the copy finished, summed (bytes)");
	child_rss(f, &p);
	per_kind(f, &p, FS_AGG_vmas_copied, "forkstats_vmas_copied_total",
		 "VMAs whose page tables copy_page_range copied (VMAs)");
	cow_sides(f, &p);
	per_kind(f, &p, FS_AGG_cow_copies, "forkstats_cow_copies_total",
		 "Attributed COW faults that copied the page (faults)");
	per_kind(f, &p, FS_AGG_cow_reuses, "forkstats_cow_reuses_total",
		 "Attributed COW faults that reused the page (faults)");
	counters(f, &p);

	code = fs_source_hist(cli->src, &h, err, sizeof(err));
	if (code) {
		missing->mask |= FS_PROM_MISSING_HIST;
		if (unreadable(code, err, missing->hist, sizeof(missing->hist)))
			ret = 1;
	} else {
		if (histogram(f, &p, &h, 0, err, sizeof(err)) ||
		    histogram(f, &p, &h, 1, err, sizeof(err))) {
			missing->mask |= FS_PROM_MISSING_HIST;
			ret = fs_cli_error("%s: %s",
					   fs_source_where(cli->src, "hist", where, sizeof(where)), err);
		}
	}
	fs_hist_free(&h);

	code = fs_source_probes(cli->src, &pr, err, sizeof(err));
	if (code) {
		missing->mask |= FS_PROM_MISSING_PROBES;
		if (unreadable(code, err, missing->probes, sizeof(missing->probes)))
			ret = 1;
	} else {
		probes(f, &pr);
	}
	return ret;
}

void fs_prometheus_missing(const char *cmd, const struct fs_prom_missing *missing)
{
	if (missing->mask & FS_PROM_MISSING_PROC)
		fs_cli_error("%s", missing->proc);
	if (missing->mask & FS_PROM_MISSING_HIST)
		fs_cli_error("%s: not in the output: the latency histograms (forkstats_create_duration_seconds, forkstats_call_duration_seconds)%s%s",
			     cmd, missing->hist[0] ? ": " : "", missing->hist);
	if (missing->mask & FS_PROM_MISSING_PROBES)
		fs_cli_error("%s: not in the output: probe hits and attachment, the module's state and sizes (forkstats_probe_hits_total, forkstats_probe_attached, forkstats_enabled, forkstats_completed_calls_total, forkstats_tracked_address_spaces, forkstats_memory_bytes, forkstats_setting)%s%s",
			     cmd, missing->probes[0] ? ": " : "", missing->probes);
}
