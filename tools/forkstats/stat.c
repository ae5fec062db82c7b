// SPDX-License-Identifier: GPL-2.0
/*
 * forkstats stat -- CMD: run a command and report what its whole process tree
 * did in forks, page tables and COW faults.
 *
 * The tree is followed through the debugfs "events" stream, opened before
 * CMD starts, so no call of the tree is missed however busy the machine is
 * (a loss of the stream is reported).  When CMD has exited and the stream is
 * drained, the tree's records are read again from "calls": COW faults keep
 * being attributed to a call after it completed, so the final counts come
 * from there.
 */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <math.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include "calls.h"
#include "cli.h"
#include "grouptable.h"
#include "procfile.h"
#include "tree.h"

extern char **environ;

/* Records waiting for their process to join the tree (see tree.h). */
#define STAT_MAX_PENDING 16384

/* What one run of CMD did. */
struct run {
	struct fs_group g[FS_KIND_COUNT + 1];	/* per kind, then all kinds */
	int status;				/* CMD's exit status, shell style */
	uint64_t lost;				/* records lost from the stream */
	uint64_t stale;				/* calls gone from "calls": COW as at completion */
};

/* The tree's records of a run, as they come. */
static int keep(void *ctx, const struct fs_call *x)
{
	return fs_calls_push(ctx, x);
}

/* The events stream of a run. */
struct stream {
	struct fs_source_events *ev;
	uint64_t lost;
};

/*
 * Reads what the stream has now (it is non-blocking) and feeds the tree.
 * 0, or 1 after an error line.
 */
static int drain(struct stream *s, struct fs_tree *tree, struct fs_calls *k)
{
	struct fs_call x;
	char err[512];
	uint64_t lost;

	for (;;) {
		switch (fs_source_events_next(s->ev, &x, &lost, err, sizeof(err))) {
		case FS_EVENTS_AGAIN:
			if (errno == EINTR)
				continue;
			return 0;
		case FS_EVENTS_END:
			return fs_cli_error("%s: unexpected end", fs_source_events_name(s->ev));
		case FS_EVENTS_LOST:
			s->lost += lost;
			break;
		case FS_EVENTS_RECORD:
			if (fs_tree_feed(tree, &x, keep, k))
				return fs_cli_error("out of memory");
			break;
		default:
			return fs_cli_error("%s", err);
		}
	}
}

static int by_seq(const void *a, const void *b)
{
	uint64_t x = ((const struct fs_call *)a)->r.seq, y = ((const struct fs_call *)b)->r.seq;

	return x < y ? -1 : x > y;
}

/*
 * The final COW counts of the tree's calls, from "calls"; a call no longer
 * there (overwritten in the ring) keeps the counts it had at completion.
 */
static int final_cow(struct fs_cli *cli, struct fs_calls *k, uint64_t *stale)
{
	static const int cow_cols[] = { FS_COL_cow_parent, FS_COL_cow_child, FS_COL_cow_copies,
					FS_COL_cow_reuses };
	struct fs_calls c;
	char err[512];
	size_t i, j;
	int ret;

	if (!k->n)
		return 0;
	ret = fs_source_calls(cli->src, &c, err, sizeof(err));
	if (ret)
		return fs_cli_source_error(cli, ret, err);
	/* A ring without records (reset meanwhile) has no array: c.v is NULL. */
	if (c.n)
		qsort(c.v, c.n, sizeof(*c.v), by_seq);
	for (i = 0; i < k->n; i++) {
		struct fs_call *x = &k->v[i];
		const struct fs_call *now = c.n ? bsearch(x, c.v, c.n, sizeof(*c.v), by_seq) : NULL;

		if (!now) {
			(*stale)++;
			continue;
		}
		x->r.cow_parent = now->r.cow_parent;
		x->r.cow_child = now->r.cow_child;
		x->r.cow_copies = now->r.cow_copies;
		x->r.cow_reuses = now->r.cow_reuses;
		for (j = 0; j < sizeof(cow_cols) / sizeof(cow_cols[0]); j++) {
			uint32_t bit = 1u << cow_cols[j];

			x->unknown = (x->unknown & ~bit) | (now->unknown & bit);
		}
	}
	fs_calls_free(&c);
	return 0;
}

static int shell_status(int st)
{
	if (WIFEXITED(st))
		return WEXITSTATUS(st);
	if (WIFSIGNALED(st))
		return 128 + WTERMSIG(st);
	return 255;
}

/* Starts CMD with SIGINT and SIGQUIT back to default; 0, or an errno value. */
static int spawn_cmd(char **argv, pid_t *pid)
{
	posix_spawnattr_t attr;
	sigset_t def;
	int e;

	sigemptyset(&def);
	sigaddset(&def, SIGINT);
	sigaddset(&def, SIGQUIT);
	posix_spawnattr_init(&attr);
	posix_spawnattr_setsigdefault(&attr, &def);
	posix_spawnattr_setflags(&attr, POSIX_SPAWN_SETSIGDEF);
	e = posix_spawnp(pid, argv[0], NULL, &attr, argv, environ);
	posix_spawnattr_destroy(&attr);
	return e;
}

/*
 * Feeds the tree from the stream until CMD (pid) has exited and the stream is
 * drained, and reaps CMD.  0, or 1 after an error line.
 */
static int follow(struct stream *s, struct fs_tree *tree, struct fs_calls *k, pid_t pid,
		  struct run *run)
{
	struct pollfd pfd[2];
	int pidfd, st, ret = 1;

	pidfd = (int)syscall(SYS_pidfd_open, pid, 0);
	pfd[0] = (struct pollfd){ .fd = fs_source_events_fd(s->ev), .events = POLLIN };
	pfd[1] = (struct pollfd){ .fd = pidfd, .events = POLLIN };
	for (;;) {
		/* Without pidfd (kernels before 5.3), look for the exit 20 times a second. */
		if (poll(pfd, pidfd >= 0 ? 2 : 1, pidfd >= 0 ? -1 : 50) < 0 && errno != EINTR)
			break;
		if ((pfd[0].revents & POLLIN) && drain(s, tree, k))
			break;
		if (waitpid(pid, &st, WNOHANG) == pid) {
			run->status = shell_status(st);
			/* Every call CMD made has completed: take what is left. */
			fs_source_events_sync(s->ev);
			ret = drain(s, tree, k);
			break;
		}
	}
	if (ret) {
		/* An error while CMD runs: still wait for it, it is ours. */
		if (waitpid(pid, &st, 0) == pid)
			run->status = shell_status(st);
	}
	if (pidfd >= 0)
		close(pidfd);
	return ret;
}

/* Adds the tree's calls to the run's groups, per kind and in all.  0, or 1 after an error line. */
static int tally(struct run *run, const struct fs_calls *k)
{
	size_t i;

	for (i = 0; i < k->n; i++) {
		unsigned int kind = k->v[i].r.kind < FS_KIND_COUNT ? k->v[i].r.kind : FS_KIND_FORK;

		if (fs_group_add(&run->g[kind], &k->v[i]) ||
		    fs_group_add(&run->g[FS_KIND_COUNT], &k->v[i]))
			return fs_cli_error("out of memory");
	}
	return 0;
}

/* Runs CMD once, following its tree.  0, or 1 after an error line. */
static int one_run(struct fs_cli *cli, char **argv, struct run *run)
{
	struct stream *s = calloc(1, sizeof(*s));
	struct fs_tree tree = { 0 };
	struct fs_calls k = { 0 };
	char err[512];
	pid_t pid;
	int e, st, ret = 1;

	if (!s)
		return fs_cli_error("out of memory");
	/* The stream starts at open: open it before CMD exists. */
	e = fs_source_events_open(cli->src, &s->ev, err, sizeof(err));
	if (e) {
		fs_cli_source_error(cli, e, err);
		free(s);
		return 1;
	}
	e = spawn_cmd(argv, &pid);
	if (e) {
		fs_cli_error("%s: %s", argv[0], strerror(e));
		run->status = e == ENOENT ? 127 : 126;
		goto out;
	}
	if (fs_tree_init(&tree, pid, STAT_MAX_PENDING)) {
		fs_cli_error("out of memory");
		waitpid(pid, &st, 0);
		goto out;
	}
	ret = follow(s, &tree, &k, pid, run);
	if (!ret)
		ret = final_cow(cli, &k, &run->stale);
	run->lost = s->lost;
	if (!ret)
		ret = tally(run, &k);
out:
	fs_tree_free(&tree);
	fs_calls_free(&k);
	fs_source_events_close(s->ev);
	free(s);
	return ret;
}

static const char *group_name(int g)
{
	return g < FS_KIND_COUNT ? fs_kind_name((unsigned int)g) : "total";
}

/* The columns of the spread: every count, and the mean total latency of a run. */
#define SPREAD_COLS (FS_GROUP_COUNT + 1)

/* A run's value of a spread column; 0 when the run has no latency sample (not counted). */
static int spread_value(const struct run *r, int g, int col, double *v)
{
	if (col < FS_GROUP_COUNT) {
		*v = (double)r->g[g].v[col];
		return 1;
	}
	*v = (double)fs_lat_mean(&r->g[g].total);
	return r->g[g].total.n != 0;
}

/*
 * One line of the spread: mean, min, max and sample standard deviation over
 * the runs that have the value, in the column's unit.  Unknown ("-", null)
 * for a column the source cannot give or without such runs; the standard
 * deviation also with fewer than 2 of them.
 */
static void spread_row(struct fs_table *t, const struct run *runs, int nruns, int g, int col,
		       uint32_t unknown)
{
	double v, mean = 0, var = 0, min = INFINITY, max = -INFINITY;
	enum fs_cell_unit unit = col == FS_GROUP_pgtable_bytes ? FS_UNIT_BYTES :
				 col == FS_GROUP_COUNT ? FS_UNIT_NS : FS_UNIT_NONE;
	struct fs_cell *c;
	int i, n = 0;

	for (i = 0; i < nruns; i++) {
		if (!spread_value(&runs[i], g, col, &v))
			continue;
		n++;
		mean += v;
		min = v < min ? v : min;
		max = v > max ? v : max;
	}
	mean = n ? mean / n : 0;
	for (i = 0; i < nruns; i++)
		if (spread_value(&runs[i], g, col, &v))
			var += (v - mean) * (v - mean);
	c = fs_table_row(t);
	if (!c)
		return;
	fs_cell_str(&c[0], group_name(g));
	fs_cell_str(&c[1], col < FS_GROUP_COUNT ? fs_group_count_name(col) : "total_ns_mean");
	if ((col < FS_GROUP_COUNT && (unknown & (1u << col))) || !n)
		return;
	fs_cell_f64_unit(&c[2], mean, unit);
	fs_cell_f64_unit(&c[3], min, unit);
	fs_cell_f64_unit(&c[4], max, unit);
	if (n > 1)
		fs_cell_f64_unit(&c[5], sqrt(var / (n - 1)), unit);
}

/* What the runs make together: their groups pooled, their losses summed. */
struct pool {
	struct fs_group g[FS_KIND_COUNT + 1];
	uint64_t lost, stale;
	struct fs_proc proc;	/* the source's facts and what it cannot know */
	int have_proc;
};

static void pool_runs(struct pool *p, const struct run *runs, int nruns)
{
	int g, i;

	memset(p, 0, sizeof(*p));
	for (i = 0; i < nruns; i++) {
		p->lost += runs[i].lost;
		p->stale += runs[i].stale;
		for (g = 0; g <= FS_KIND_COUNT; g++)
			fs_group_merge(&p->g[g], &runs[i].g[g]);
	}
}

/*
 * The counts the source cannot give for any call of a kind (a "-" in its
 * aggregates: copies and reuses where the kernel cannot tell them apart,
 * vmas_copied on the tracepoint chain) are unknown in the kind's group even
 * when it made no call: null, not 0.  The facts (backend, chain, the
 * approximate columns) are kept for the report.
 */
static void source_unknown(struct fs_cli *cli, struct pool *p)
{
	static const int cols[][2] = {
		{ FS_AGG_pgtable_bytes, FS_GROUP_pgtable_bytes },
		{ FS_AGG_vmas_copied, FS_GROUP_vmas_copied },
		{ FS_AGG_cow_parent, FS_GROUP_cow_parent },
		{ FS_AGG_cow_child, FS_GROUP_cow_child },
		{ FS_AGG_cow_copies, FS_GROUP_cow_copies },
		{ FS_AGG_cow_reuses, FS_GROUP_cow_reuses },
	};
	char err[512];
	size_t i;
	int g;

	if (fs_source_snapshot(cli->src, &p->proc, err, sizeof(err)))
		return;	/* the records alone say what is unknown */
	p->have_proc = 1;
	for (g = 0; g <= FS_KIND_COUNT; g++) {
		const struct fs_proc_row *r = g < FS_KIND_COUNT ? &p->proc.kinds[g] : &p->proc.total;

		for (i = 0; i < sizeof(cols) / sizeof(cols[0]); i++)
			if (r->unknown & (1u << cols[i][0]))
				p->g[g].unknown |= 1u << cols[i][1];
	}
}

/* The table of kinds: the pooled groups, counts as means per run when there are several. */
static void kinds_table(struct fs_group_table *gt, struct fs_group *pooled, int nruns)
{
	struct fs_table *t = &gt->t;
	int g, i, col;

	fs_group_table_init(gt, "kind", "KIND", NULL, 0);
	for (g = 0; g <= FS_KIND_COUNT; g++) {
		fs_group_table_row(gt, group_name(g), &pooled[g]);
		if (nruns == 1)
			continue;
		/* Counts per run: the mean over the runs. */
		for (i = 1; i < t->ncols; i++) {
			struct fs_cell *c = &t->cells[(t->nrows - 1) * (size_t)t->ncols + (size_t)i];

			col = fs_group_table_count(gt->cols[i - 1]);
			if (col >= 0 && c->type == FS_CELL_U64)
				fs_cell_f64_unit(c, (double)pooled[g].v[col] / nruns, c->unit);
		}
	}
}

static void report_json(struct fs_cli *cli, FILE *f, char **argv, const struct run *runs,
			int nruns, const struct pool *p, struct fs_group_table *gt,
			struct fs_table *spread)
{
	struct fs_json *j = &cli->j;
	int i;

	fs_json_init(j, f);
	fs_json_begin_object(j);
	fs_json_key(j, "command");
	fs_json_begin_array(j);
	for (i = 0; argv[i]; i++)
		fs_json_str(j, argv[i]);
	fs_json_end_array(j);
	fs_json_key(j, "runs");
	fs_json_u64(j, (uint64_t)nruns);
	fs_json_key(j, "exit_status");
	fs_json_i64(j, runs[nruns - 1].status);
	fs_json_key(j, "lost");
	fs_json_u64(j, p->lost);
	fs_json_key(j, "cow_incomplete");
	fs_json_u64(j, p->stale);
	if (p->have_proc)
		fs_cli_json_backend(cli, &p->proc);
	fs_json_key(j, "kinds");
	fs_table_json(&gt->t, j);
	fs_json_key(j, "spread");
	fs_table_json(spread, j);
	fs_json_end_object(j);
	fs_json_done(j);
}

/*
 * The kinds' table turned, as perf stat prints counters: a line per
 * quantity, a column per kind that made calls, then the total.  18 lines
 * of 20 + 6 x 12 columns at most: it fits 100 columns with every kind.
 */
static void print_turned(const struct fs_group_table *gt, const struct fs_group *pooled,
			 FILE *f)
{
	const struct fs_table *t = &gt->t;
	char buf[FS_CELL_TEXT];
	size_t r, w[FS_KIND_COUNT + 1] = { 0 }, lw = 0, n;
	int i;

	for (i = 1; i < t->ncols; i++) {
		n = strlen(gt->lines[i]);
		lw = n > lw ? n : lw;
	}
	for (r = 0; r < t->nrows; r++) {
		if (r < FS_KIND_COUNT && !pooled[r].v[FS_GROUP_calls])
			continue;
		w[r] = strlen(t->cells[r * (size_t)t->ncols].text);
		for (i = 1; i < t->ncols; i++) {
			n = strlen(fs_cell_text(&t->cells[r * (size_t)t->ncols + (size_t)i], buf));
			w[r] = n > w[r] ? n : w[r];
		}
	}
	fprintf(f, "%-*s", (int)lw, "");
	for (r = 0; r < t->nrows; r++)
		if (w[r])
			fprintf(f, "  %*s", (int)w[r], t->cells[r * (size_t)t->ncols].text);
	fputc('\n', f);
	for (i = 1; i < t->ncols; i++) {
		fprintf(f, "%-*s", (int)lw, gt->lines[i]);
		for (r = 0; r < t->nrows; r++)
			if (w[r])
				fprintf(f, "  %*s", (int)w[r],
					fs_cell_text(&t->cells[r * (size_t)t->ncols + (size_t)i], buf));
		fputc('\n', f);
	}
}

static void report_text(FILE *f, char **argv, const struct run *runs, int nruns,
			const struct pool *p, struct fs_group_table *gt, struct fs_table *spread)
{
	int i;

	fprintf(f, "\n forkstats stat:");
	for (i = 0; argv[i]; i++)
		fprintf(f, " %s", argv[i]);
	if (nruns > 1)
		fprintf(f, "  (%d runs, last exit status %d; counts are means per run)\n\n",
			nruns, runs[nruns - 1].status);
	else
		fprintf(f, "  (exit status %d)\n\n", runs[0].status);
	print_turned(gt, p->g, f);
	fprintf(f, "\n(-: unknown with this backend or kernel");
	if (p->have_proc && p->proc.chain[0])
		fprintf(f, "; BPF backend, %s chain", p->proc.chain);
	if (p->have_proc && p->proc.approx[0])
		fprintf(f, "; approximate: %s, docs/bpf.md", p->proc.approx);
	fprintf(f, ")\n");
	if (nruns > 1) {
		fprintf(f, "\nspread over %d runs:\n", nruns);
		fs_table_print(spread, f);
	}
	if (p->lost)
		fprintf(f, "\n%llu records were lost from the event stream: the figures may miss calls of the tree.\n",
			(unsigned long long)p->lost);
	if (p->stale)
		fprintf(f, "\n%llu calls were overwritten in the ring before the end: their COW faults are counted as at completion.\n",
			(unsigned long long)p->stale);
	fputc('\n', f);
}

static void report(struct fs_cli *cli, FILE *f, char **argv, struct run *runs, int nruns)
{
	static const char *const spread_keys[] = { "kind", "column", "mean", "min", "max", "stddev" };
	static const char *const spread_heads[] = { "KIND", "COLUMN", "MEAN", "MIN", "MAX", "STDDEV" };
	struct pool *p = malloc(sizeof(*p));
	struct fs_group_table gt;
	struct fs_table spread;
	int g, col;

	if (!p) {
		fs_cli_error("out of memory");
		return;
	}
	pool_runs(p, runs, nruns);
	source_unknown(cli, p);
	kinds_table(&gt, p->g, nruns);
	fs_table_init(&spread, 6, spread_keys, spread_heads);
	for (g = 0; nruns > 1 && g <= FS_KIND_COUNT; g++)
		for (col = 0; p->g[g].v[FS_GROUP_calls] && col < SPREAD_COLS; col++)
			spread_row(&spread, runs, nruns, g, col, p->g[g].unknown);

	if (cli->json)
		report_json(cli, f, argv, runs, nruns, p, &gt, &spread);
	else
		report_text(f, argv, runs, nruns, p, &gt, &spread);
	fs_table_free(&spread);
	fs_group_table_free(&gt);
	for (g = 0; g <= FS_KIND_COUNT; g++)
		fs_group_free(&p->g[g]);
	free(p);
}

static int run(struct fs_cli *cli, int argc, char **argv)
{
	static const struct option opts[] = {
		{ "repeat", required_argument, NULL, 'r' },
		{ "output", required_argument, NULL, 'o' },
		{ NULL, 0, NULL, 0 },
	};
	struct sigaction ign = { .sa_handler = SIG_IGN }, old_int, old_quit;
	const char *out = NULL;
	struct run *runs;
	long long nruns = 1;
	int c, i, g, ret = 0, done = 0;
	FILE *f = stderr;

	/* "+": options end at CMD, whose own options are its business. */
	while ((c = fs_cli_getopt(&fs_cmd_stat, argc, argv, "+r:o:", opts)) != -1) {
		switch (c) {
		case 'r':
			if (fs_cli_number(&fs_cmd_stat, "-r", optarg, 1, 100000, &nruns))
				return 2;
			break;
		case 'o':
			out = optarg;
			break;
		default:
			return 2;
		}
	}
	if (optind >= argc)
		return fs_cli_usage_error(&fs_cmd_stat, "no command to run (stat -- CMD [ARGS...])");
	argv += optind;
	if (out) {
		f = fopen(out, "w");
		if (!f)
			return fs_cli_error("%s: %s", out, strerror(errno));
	}
	runs = calloc((size_t)nruns, sizeof(*runs));
	if (!runs)
		return fs_cli_error("out of memory");
	/* Like a shell waiting for a job: ^C and ^\ are for CMD. */
	sigaction(SIGINT, &ign, &old_int);
	sigaction(SIGQUIT, &ign, &old_quit);
	for (i = 0; i < nruns; i++) {
		ret = one_run(cli, argv, &runs[i]);
		if (ret)
			break;
		done++;
	}
	sigaction(SIGINT, &old_int, NULL);
	sigaction(SIGQUIT, &old_quit, NULL);
	if (done)
		report(cli, f, argv, runs, done);
	if (f != stderr && fclose(f))
		ret = fs_cli_error("%s: %s", out, strerror(errno));
	/* CMD's status; after an error, that error's (127 when CMD was not found). */
	if (ret)
		ret = runs[done].status ? runs[done].status : ret;
	else
		ret = runs[done - 1].status;
	for (i = 0; i < nruns; i++)
		for (g = 0; g <= FS_KIND_COUNT; g++)
			fs_group_free(&runs[i].g[g]);
	free(runs);
	return ret;
}

const struct fs_command fs_cmd_stat = {
	.name = "stat",
	.run = run,
	.usage = "stat [-r N] [-o FILE] -- CMD [ARGS...]",
	.help = "Runs CMD and reports what its whole process tree did: calls by kind, latency\n"
		"(mean, p50, p99), page tables copied, COW faults of parents and children,\n"
		"copies and reuses.  Every descendant is followed through the debugfs events\n"
		"stream (root); the call that starts CMD itself is not counted.  The exit\n"
		"status is CMD's (127: not found, 126: not executable).\n"
		"  -r N, --repeat N   run CMD N times; counts are means per run, latency\n"
		"                     percentiles are over all calls, and the spread of each\n"
		"                     count (mean, min, max, stddev) is shown\n"
		"  -o FILE, --output FILE\n"
		"                     write the report to FILE (default: stderr, so that CMD's\n"
		"                     output stays apart)\n"
		"With --json the report is one JSON document (docs/interfaces.md).\n",
};
