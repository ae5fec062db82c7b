// SPDX-License-Identifier: GPL-2.0
/*
 * fsaccept sums: after a reset, the /proc/forkstats totals equal the sums
 * over the calls.
 */
#include "fsaccept.h"

/* A mixed workload, run in a process of its own (see cmd_sums). */
int cmd_workload(void)
{
	char *region = map_region(64 * PAGE, PAGE, MADV_NORMAL);
	pthread_t th;
	pid_t tid, pid;
	int i, rel;

	fs_touch(region, 64, 1);
	for (i = 0; i < 5; i++) {
		pid = fork_waiter(&rel);
		fs_touch(region, 8 * (i + 1), (char)i);
		close(rel);
		reap(pid);
		reap(vfork_exit());
		if (pthread_create(&th, NULL, pthread_fn, &tid) || pthread_join(th, NULL))
			bail("pthread_create");
	}
	return 0;
}

/* 6. After a reset, the /proc/forkstats totals equal the sums over calls. */
/* What a call's aggregates are made of, folded: equal when nothing moved. */
static uint64_t calls_digest(const struct fs_calls *c)
{
	uint64_t d = 0;
	size_t i;

	for (i = 0; i < c->n; i++) {
		const struct fs_record *r = &c->v[i].r;

		d = d * 31 + r->seq;
		d = d * 31 + r->done + r->err;
		d = d * 31 + r->cow_parent + (r->cow_child << 20);
		d = d * 31 + r->cow_copies + (r->cow_reuses << 20);
		d = d * 31 + r->total_ns;
	}
	return d;
}

int cmd_sums(const char *self)
{
	struct fs_proc p;
	struct fs_calls c;
	struct fs_proc_row sum[FS_KIND_COUNT];
	uint64_t create[FS_KIND_COUNT] = { 0 }, total[FS_KIND_COUNT] = { 0 };
	char *argv[] = { (char *)self, "workload", NULL };
	const char *exe = "/proc/self/exe";
	unsigned int k, col, ok = 1;
	uint64_t hc[FS_KIND_COUNT][2];
	int fd, hok;
	size_t i;
	pid_t pid;

	backend_reset();
	(void)fd;
	/* vfork + exec: this process's mm takes part in no tracked copy. */
	if (posix_spawn(&pid, exe, NULL, NULL, argv, environ))
		bail("posix_spawn");
	reap(pid);
	/*
	 * The calls and the totals at one moment: the kernel may create
	 * threads, and a process forked since the reset may still take COW
	 * faults (on the host, the BPF backend sees every process of a busy
	 * machine): read until the calls are the same before and after /proc
	 * and the histograms (two reads through the BPF backend's hist command).
	 */
	for (i = 0;; i++) {
		struct fs_calls c2;

		calls_read(&c);
		read_proc(&p);
		hok = hist_counts(hc);
		calls_read(&c2);
		/* Bounded: a machine that never stops still gets its verdict. */
		if ((calls_digest(&c) == calls_digest(&c2) && c.n == c2.n) || i == 1000) {
			fs_calls_free(&c2);
			break;
		}
		fs_calls_free(&c);
		fs_calls_free(&c2);
	}
	memset(sum, 0, sizeof(sum));
	for (i = 0; i < c.n; i++) {
		struct fs_record *r = &c.v[i].r;

		sum[r->kind].v[FS_AGG_calls]++;
		sum[r->kind].v[FS_AGG_failed] += r->err != 0;
		sum[r->kind].v[FS_AGG_pgtable_bytes] += r->pgtable_bytes;
		sum[r->kind].v[FS_AGG_vmas_copied] += r->vmas_copied;
		sum[r->kind].v[FS_AGG_cow_parent] += r->cow_parent;
		sum[r->kind].v[FS_AGG_cow_child] += r->cow_child;
		sum[r->kind].v[FS_AGG_cow_copies] += r->cow_copies;
		sum[r->kind].v[FS_AGG_cow_reuses] += r->cow_reuses;
		sum[r->kind].v[FS_AGG_rss_pages] += r->rss_pages;
		sum[r->kind].v[FS_AGG_returned] += r->done;
		create[r->kind] += r->create_ns;
		if (r->done)
			total[r->kind] += r->total_ns;
	}
	tap(counter(&p, "records_overwritten") == 0 && c.lost == 0, "sums: nothing overwritten");
	for (k = 0; k < FS_KIND_COUNT; k++) {
		uint64_t n = sum[k].v[FS_AGG_calls];

		uint64_t nr = sum[k].v[FS_AGG_returned];

		sum[k].v[FS_AGG_create_avg_ns] = n ? create[k] / n : 0;
		sum[k].v[FS_AGG_total_avg_ns] = nr ? total[k] / nr : 0;
		sum[k].v[FS_AGG_create_ns_sum] = create[k];
		sum[k].v[FS_AGG_total_ns_sum] = total[k];
		for (col = 0; col < FS_AGG_COUNT; col++) {
			/* "-" in /proc (the tracepoint chain's rss_pages on 6.2+): nothing to compare */
			if (sum[k].v[col] == p.kinds[k].v[col] || (p.kinds[k].unknown & (1u << col)))
				continue;
			diag("sums: %s %s: /proc %" PRIu64 ", calls %" PRIu64, fs_kind_name(k),
			     fs_agg_column_name((int)col), p.kinds[k].v[col], sum[k].v[col]);
			ok = 0;
		}
	}
	tap(ok, "sums: every /proc/forkstats column of every kind equals the sum over %zu calls", c.n);
	{
		unsigned int need[] = { FS_AGG_create_ns_sum, FS_AGG_total_ns_sum, FS_AGG_returned,
					FS_AGG_rss_pages };
		/* Only the tracepoint chain may lack the RSS (docs/bpf.md). */
		int no_rss = !strcmp(p.chain, "tracepoint");
		int sok = 1;

		for (i = 0; i < sizeof(need) / sizeof(need[0]); i++)
			sok &= !(p.kinds[FS_KIND_FORK].unknown & (1u << need[i])) ||
			       (no_rss && need[i] == FS_AGG_rss_pages);
		tap(sok && sum[FS_KIND_FORK].v[FS_AGG_create_ns_sum] > 0 &&
		    (no_rss || sum[FS_KIND_FORK].v[FS_AGG_rss_pages] > 0),
		    "sums: fork's create_ns_sum %" PRIu64 ", total_ns_sum %" PRIu64 ", returned %" PRIu64 ", rss_pages %" PRIu64 " present, the sums non-zero (rss_pages: '-' only from the BPF backend where the hooks cannot read it)",
		    p.kinds[FS_KIND_FORK].v[FS_AGG_create_ns_sum], p.kinds[FS_KIND_FORK].v[FS_AGG_total_ns_sum],
		    p.kinds[FS_KIND_FORK].v[FS_AGG_returned], p.kinds[FS_KIND_FORK].v[FS_AGG_rss_pages]);
	}
	{
		for (k = 0; k < FS_KIND_COUNT; k++)
			hok &= hc[k][0] == p.kinds[k].v[FS_AGG_calls] && hc[k][1] == p.kinds[k].v[FS_AGG_calls];
		tap(hok, "sums: hist holds every call once per latency (create and total)");
	}
	tap(p.kinds[FS_KIND_FORK].v[FS_AGG_calls] >= 5 && p.kinds[FS_KIND_VFORK].v[FS_AGG_calls] >= 6 &&
	    p.kinds[FS_KIND_THREAD].v[FS_AGG_calls] >= 5, "sums: the workload's calls are all there");
	fs_calls_free(&c);
	return 0;
}
