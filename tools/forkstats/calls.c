// SPDX-License-Identifier: GPL-2.0
/* forkstats calls: the per-call records of debugfs forkstats/calls. */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <limits.h>
#include <poll.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "calls.h"
#include "cli.h"

/* Text table: the columns a person reads; JSON: every column. */
static const char *const heads[] = {
	"SEQ", "KIND", "PARENT", "COMM", "CHILD", "ERR", "CREATE", "TOTAL", "PGTABLES",
	"VMAS_CP", "COW_P", "COW_C", "COPIES", "REUSES",
};
static const int text_cols[] = {
	FS_COL_seq, FS_COL_kind, FS_COL_parent_pid, FS_COL_comm, FS_COL_child_pid, FS_COL_err,
	FS_COL_create_ns, FS_COL_total_ns, FS_COL_pgtable_bytes, FS_COL_vmas_copied,
	FS_COL_cow_parent, FS_COL_cow_child, FS_COL_cow_copies, FS_COL_cow_reuses,
};

/*
 * One cell of a record's column, in its display form.  The comm is unescaped
 * in JSON (the JSON writer escapes it), escaped as in the file in text, so
 * that a command name cannot write to the terminal.
 */
static void set_cell(struct fs_cell *c, const struct fs_call *x, int col, int json)
{
	const struct fs_record *r = &x->r;

	if (x->unknown & (1u << col))
		return;
	switch (col) {
#define U64(name) case FS_COL_##name: fs_cell_u64(c, r->name); break;
#define I64(name) case FS_COL_##name: fs_cell_i64(c, r->name); break;
	U64(seq) U64(ts_ns) U64(rss_pages) U64(cow_parent) U64(cow_child) U64(cow_copies)
	U64(cow_reuses) U64(vmas) U64(vmas_copied)
	I64(parent_tgid) I64(parent_pid) I64(child_pid) I64(err)
#undef U64
#undef I64
	case FS_COL_flags:
		fs_cell_hex(c, r->flags);
		break;
	case FS_COL_kind:
		fs_cell_str(c, fs_kind_name(r->kind));
		break;
	case FS_COL_comm: {
		char comm[FS_COMM_ESCAPED];

		if (json) {
			memcpy(comm, r->comm, FS_COMM_LEN);
			comm[FS_COMM_LEN] = '\0';
		} else {
			fs_comm_escape(r->comm, comm);
		}
		fs_cell_str(c, comm);
		break;
	}
	case FS_COL_create_ns:
		fs_cell_ns(c, r->create_ns);
		break;
	case FS_COL_total_ns:
		fs_cell_ns(c, r->total_ns);
		break;
	case FS_COL_pgtable_bytes:
		fs_cell_bytes(c, r->pgtable_bytes);
		break;
	default:
		break;
	}
}

struct filter {
	long long tgid;
	int kind;
	const char *comm;
};

static int wanted(const struct filter *fl, const struct fs_record *x)
{
	return (fl->tgid < 0 || x->parent_tgid == fl->tgid) &&
	       (fl->kind < 0 || (int)x->kind == fl->kind) &&
	       (!fl->comm || !strncmp(x->comm, fl->comm, FS_COMM_LEN));
}

/* The table holds one row at a time: x's. */
static void one_row(struct fs_table *t, const struct fs_call *x, int json)
{
	struct fs_cell *row;
	int i;

	t->nrows = 0;
	row = fs_table_row(t);
	for (i = 0; row && i < t->ncols; i++)
		set_cell(&row[i], x, json ? i : text_cols[i], json);
}

static volatile sig_atomic_t stop;

static void on_signal(int sig)
{
	(void)sig;
	stop = 1;
}

/*
 * --follow: stream the events file until interrupted.  Records as NDJSON
 * (--json) or table rows; a loss as {"lost": N} or "# lost N" (and a line on
 * stderr).  Nothing is dropped silently; a line that does not parse ends it
 * (exit 1).
 */
static int follow(struct fs_cli *cli, const struct filter *fl, struct fs_table *t)
{
	struct sigaction sa = { .sa_handler = on_signal };
	struct fs_source_events *ev;
	struct pollfd pfd;
	char err[512];
	struct fs_call x;
	uint64_t lost;
	int ret;

	ret = fs_source_events_open(cli->src, &ev, err, sizeof(err));
	if (ret)
		return fs_cli_source_error(cli, ret, err);
	pfd = (struct pollfd){ .fd = fs_source_events_fd(ev), .events = POLLIN };
	sigaction(SIGINT, &sa, NULL);	/* no SA_RESTART: poll returns EINTR */
	sigaction(SIGTERM, &sa, NULL);
	if (!cli->json)
		fs_table_print_head(t, stdout, 8);
	while (!stop) {
		switch (fs_source_events_next(ev, &x, &lost, err, sizeof(err))) {
		case FS_EVENTS_AGAIN:
			if (errno == EAGAIN)
				poll(&pfd, 1, -1);
			continue;
		case FS_EVENTS_END:
			goto out;
		case FS_EVENTS_LOST:
			fs_cli_error("lost %llu records: the reader fell behind",
				     (unsigned long long)lost);
			if (cli->json) {
				fs_json_begin_object(&cli->j);
				fs_json_key(&cli->j, "lost");
				fs_json_u64(&cli->j, lost);
				fs_json_end_object(&cli->j);
				fs_json_done(&cli->j);
			} else {
				printf("# lost %llu\n", (unsigned long long)lost);
			}
			break;
		case FS_EVENTS_RECORD:
			if (!wanted(fl, &x.r))
				break;
			one_row(t, &x, cli->json);
			if (cli->json) {
				fs_table_json_row(t, 0, &cli->j);
				fs_json_done(&cli->j);
			} else {
				fs_table_print_row(t, 0, stdout, 8);
			}
			break;
		default:
			ret = fs_cli_error("%s", err);
			goto out;
		}
	}
out:
	fflush(stdout);
	fs_source_events_close(ev);
	return ret;
}

/*
 * The records of calls, filtered, the last n of them.  Printed one row at a
 * time, however many the ring holds (records= goes to 1 048 576): JSON as it
 * goes, text after a first pass for the widths of the columns.
 */
static void print_calls(struct fs_cli *cli, struct fs_calls *calls, struct fs_table *t,
			const struct filter *fl, long long n)
{
	size_t r, first = 0, shown = 0, *w;
	int pass;

	for (r = 0; r < calls->n; r++) {
		calls->v[r].r.done = wanted(fl, &calls->v[r].r);
		shown += calls->v[r].r.done;
	}
	if (n >= 0 && shown > (size_t)n)
		first = shown - (size_t)n;
	for (r = 0, shown = 0; r < calls->n; r++)
		calls->v[r].r.done = calls->v[r].r.done && shown++ >= first;
	if (cli->json) {
		fs_json_begin_object(&cli->j);
		fs_json_key(&cli->j, "lost");
		fs_json_u64(&cli->j, calls->lost);
		fs_json_key(&cli->j, "calls");
		fs_json_begin_array(&cli->j);
		for (r = 0; r < calls->n; r++) {
			if (!calls->v[r].r.done)
				continue;
			one_row(t, &calls->v[r], 1);
			fs_table_json_row(t, 0, &cli->j);
		}
		fs_json_end_array(&cli->j);
		fs_json_end_object(&cli->j);
		fs_json_done(&cli->j);
		return;
	}
	w = calloc((size_t)t->ncols, sizeof(*w));
	if (!w)
		return;
	t->nrows = 0;
	fs_table_widths(t, w);
	for (pass = 0; pass < 2; pass++) {
		for (r = 0, shown = 0; r < calls->n; r++) {
			if (!calls->v[r].r.done)
				continue;
			one_row(t, &calls->v[r], 0);
			if (!pass) {
				fs_table_widths(t, w);
				continue;
			}
			if (!shown++)
				fs_table_print_head_w(t, w, stdout);
			fs_table_print_row_w(t, 0, w, stdout);
		}
	}
	if (!shown) {
		t->nrows = 0;
		fs_table_print_head_w(t, w, stdout);
	}
	free(w);
}

static int run(struct fs_cli *cli, int argc, char **argv)
{
	static const struct option opts[] = {
		{ "comm", required_argument, NULL, 'c' },
		{ "kind", required_argument, NULL, 'k' },
		{ "follow", no_argument, NULL, 'f' },
		{ NULL, 0, NULL, 0 },
	};
	static const char *keys[FS_COL_COUNT];
	struct filter fl = { .tgid = -1, .kind = -1 };
	long long n = -1;
	int c, i, ret, follow_mode = 0;
	struct fs_calls calls;
	struct fs_table t;
	char err[512];

	while ((c = fs_cli_getopt(&fs_cmd_calls, argc, argv, "n:p:", opts)) != -1) {
		switch (c) {
		case 'n':
			if (fs_cli_number(&fs_cmd_calls, "-n", optarg, 0, LLONG_MAX, &n))
				return 2;
			break;
		case 'p':
			if (fs_cli_number(&fs_cmd_calls, "-p", optarg, 0, INT32_MAX, &fl.tgid))
				return 2;
			break;
		case 'c':
			fl.comm = optarg;
			break;
		case 'k':
			fl.kind = fs_cli_kind(&fs_cmd_calls, optarg);
			if (fl.kind < 0)
				return 2;
			break;
		case 'f':
			follow_mode = 1;
			break;
		default:
			return 2;
		}
	}
	if (optind < argc)
		return fs_cli_usage_error(&fs_cmd_calls, "unexpected argument '%s'", argv[optind]);
	if (follow_mode && n >= 0)
		return fs_cli_usage_error(&fs_cmd_calls, "-n is for the records of the ring, not with --follow");
	for (i = 0; i < FS_COL_COUNT; i++)
		keys[i] = fs_record_column_name(i);
	if (cli->json)
		fs_table_init(&t, FS_COL_COUNT, keys, keys);
	else
		fs_table_init(&t, (int)(sizeof(text_cols) / sizeof(text_cols[0])), keys, heads);
	if (follow_mode) {
		ret = follow(cli, &fl, &t);
		fs_table_free(&t);
		return ret;
	}
	ret = fs_source_calls(cli->src, &calls, err, sizeof(err));
	if (ret)
		return fs_cli_source_error(cli, ret, err);
	print_calls(cli, &calls, &t, &fl, n);
	fs_table_free(&t);
	fs_calls_free(&calls);
	return 0;
}
const struct fs_command fs_cmd_calls = {
	.name = "calls",
	.run = run,
	.usage = "calls [-n N] [-p TGID] [--comm NAME] [--kind KIND] [--follow]",
	.help = "Per-call records, oldest first (root: they come from debugfs).\n"
		"  -n N          only the last N\n"
		"  -p TGID       calls made by this process\n"
		"  --comm NAME   calls made by tasks of this name\n"
		"  --kind KIND   fork, vfork, thread, clone or kthread\n"
		"  --follow      stream calls as they complete (debugfs events) until interrupted;\n"
		"                with --json one object per line (NDJSON); a loss is reported as\n"
		"                {\"lost\": N} (or \"# lost N\") and on stderr, never dropped silently\n"
		"With --json every column of docs/interfaces.md, with raw numbers.\n",
};
