// SPDX-License-Identifier: GPL-2.0
/* forkstats calls: the per-call records of debugfs forkstats/calls. */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <signal.h>
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

/* One cell of a record's column, in its display form. */
static void set_cell(struct fs_cell *c, const struct fs_call *x, int col)
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
		char comm[FS_COMM_LEN + 1];

		memcpy(comm, r->comm, FS_COMM_LEN);
		comm[FS_COMM_LEN] = '\0';
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
	long tgid;
	int kind;
	const char *comm;
};

static int wanted(const struct filter *fl, const struct fs_record *x)
{
	return (fl->tgid < 0 || x->parent_tgid == fl->tgid) &&
	       (fl->kind < 0 || (int)x->kind == fl->kind) &&
	       (!fl->comm || !strncmp(x->comm, fl->comm, FS_COMM_LEN));
}

static void fill_row(struct fs_table *t, const struct fs_call *x, int json)
{
	struct fs_cell *row = fs_table_row(t);
	int i;

	for (i = 0; row && i < t->ncols; i++)
		set_cell(&row[i], x, json ? i : text_cols[i]);
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
 * stderr).  Nothing is dropped silently.
 */
static int follow(struct fs_cli *cli, const struct filter *fl, struct fs_table *t)
{
	struct sigaction sa = { .sa_handler = on_signal };
	struct fs_calls_cols cols;
	char pbuf[512], err[256], *buf, *p, *nl;
	const char *path = fs_cli_debugfs(cli, "events", pbuf, sizeof(pbuf));
	size_t have = 0, size = 1 << 16;
	int fd, header = 0;
	ssize_t r;

	if (!path)
		return 1;
	fd = fs_cli_events_open(cli, path, O_RDONLY);
	buf = malloc(size);
	if (fd < 0 || !buf)
		return fs_cli_error("%s: %s", path, strerror(errno));
	sigaction(SIGINT, &sa, NULL);	/* no SA_RESTART: read returns EINTR */
	sigaction(SIGTERM, &sa, NULL);
	if (!cli->json)
		fs_table_print_head(t, stdout, 8);
	while (!stop) {
		r = read(fd, buf + have, size - have - 1);
		if (r < 0 && errno == EINTR)
			continue;
		if (r <= 0) {
			free(buf);
			close(fd);
			return r < 0 ? fs_cli_error("%s: %s", path, strerror(errno)) : 0;
		}
		have += (size_t)r;
		buf[have] = '\0';
		for (p = buf; (nl = strchr(p, '\n')); p = nl + 1) {
			struct fs_call x;

			*nl = '\0';
			if (!header) {
				if (fs_calls_header(p, &cols, err, sizeof(err))) {
					free(buf);
					close(fd);
					return fs_cli_error("%s: %s", path, err);
				}
				header = 1;
			} else if (!strncmp(p, "# lost ", 7)) {
				unsigned long long n = strtoull(p + 7, NULL, 10);

				fs_cli_error("lost %llu records: the reader fell behind", n);
				if (cli->json) {
					fs_json_begin_object(&cli->j);
					fs_json_key(&cli->j, "lost");
					fs_json_u64(&cli->j, n);
					fs_json_end_object(&cli->j);
					fs_json_done(&cli->j);
				} else {
					printf("# lost %llu\n", n);
				}
			} else if (fs_calls_record(p, &cols, &x, err, sizeof(err)) == 0) {
				if (!wanted(fl, &x.r))
					continue;
				t->nrows = 0;
				fill_row(t, &x, cli->json);
				if (cli->json) {
					fs_table_json_row(t, 0, &cli->j);
					fs_json_done(&cli->j);
				} else {
					fs_table_print_row(t, 0, stdout, 8);
				}
			} else {
				fs_cli_error("%s: %s", path, err);
			}
		}
		have = strlen(p);
		memmove(buf, p, have);
	}
	free(buf);
	close(fd);
	return 0;
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
	const char *path;
	long n = -1;
	int c, i, follow_mode = 0;
	struct fs_calls calls;
	struct fs_table t;
	char err[512], pbuf[512], *end;
	size_t r, first = 0, shown = 0;

	while ((c = getopt_long(argc, argv, "n:p:", opts, NULL)) != -1) {
		switch (c) {
		case 'n':
			n = strtol(optarg, &end, 10);
			if (*end || n < 0)
				return fs_cli_usage(&fs_cmd_calls);
			break;
		case 'p':
			fl.tgid = strtol(optarg, &end, 10);
			if (*end || fl.tgid < 0)
				return fs_cli_usage(&fs_cmd_calls);
			break;
		case 'c':
			fl.comm = optarg;
			break;
		case 'k':
			fl.kind = fs_cli_kind(optarg);
			if (fl.kind < 0)
				return 2;
			break;
		case 'f':
			follow_mode = 1;
			break;
		default:
			return fs_cli_usage(&fs_cmd_calls);
		}
	}
	if (optind < argc)
		return fs_cli_usage(&fs_cmd_calls);
	for (i = 0; i < FS_COL_COUNT; i++)
		keys[i] = fs_record_column_name(i);
	if (cli->json)
		fs_table_init(&t, FS_COL_COUNT, keys, keys);
	else
		fs_table_init(&t, (int)(sizeof(text_cols) / sizeof(text_cols[0])), keys, heads);
	if (follow_mode) {
		int ret = follow(cli, &fl, &t);

		fs_table_free(&t);
		return ret;
	}
	path = fs_cli_debugfs(cli, "calls", pbuf, sizeof(pbuf));
	if (!path)
		return 1;
	if (fs_calls_read(path, &calls, err, sizeof(err)))
		return fs_cli_error("%s", err);

	/* Filter first, then keep the last n, newest last. */
	for (r = 0; r < calls.n; r++) {
		calls.v[r].r.done = wanted(&fl, &calls.v[r].r);
		shown += calls.v[r].r.done;
	}
	if (n >= 0 && shown > (size_t)n)
		first = shown - (size_t)n;
	for (r = 0, shown = 0; r < calls.n; r++)
		if (calls.v[r].r.done && shown++ >= first)
			fill_row(&t, &calls.v[r], cli->json);
	if (cli->json) {
		fs_json_begin_object(&cli->j);
		fs_json_key(&cli->j, "lost");
		fs_json_u64(&cli->j, calls.lost);
		fs_json_key(&cli->j, "calls");
		fs_table_json(&t, &cli->j);
		fs_json_end_object(&cli->j);
		fs_json_done(&cli->j);
	} else {
		fs_table_print(&t, stdout);
	}
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
