// SPDX-License-Identifier: GPL-2.0
/* forkstats calls: the per-call records of debugfs forkstats/calls. */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

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

static int run(struct fs_cli *cli, int argc, char **argv)
{
	static const struct option opts[] = {
		{ "comm", required_argument, NULL, 'c' },
		{ "kind", required_argument, NULL, 'k' },
		{ "follow", no_argument, NULL, 'f' },
		{ NULL, 0, NULL, 0 },
	};
	static const char *keys[FS_COL_COUNT];
	const char *comm = NULL, *path;
	long n = -1, tgid = -1;
	int kind = -1, c, k, i;
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
			tgid = strtol(optarg, &end, 10);
			if (*end || tgid < 0)
				return fs_cli_usage(&fs_cmd_calls);
			break;
		case 'c':
			comm = optarg;
			break;
		case 'k':
			for (k = 0; k < FS_KIND_COUNT; k++)
				if (!strcmp(fs_kind_name((unsigned int)k), optarg))
					kind = k;
			if (kind < 0) {
				fs_cli_error("--kind must be fork, vfork, thread, clone or kthread");
				return 2;
			}
			break;
		case 'f':
			return fs_cli_error("calls --follow is not part of this build yet");
		default:
			return fs_cli_usage(&fs_cmd_calls);
		}
	}
	if (optind < argc)
		return fs_cli_usage(&fs_cmd_calls);
	path = fs_cli_debugfs(cli, "calls", pbuf, sizeof(pbuf));
	if (!path)
		return 1;
	if (fs_calls_read(path, &calls, err, sizeof(err)))
		return fs_cli_error("%s", err);

	for (i = 0; i < FS_COL_COUNT; i++)
		keys[i] = fs_record_column_name(i);
	if (cli->json)
		fs_table_init(&t, FS_COL_COUNT, keys, keys);
	else
		fs_table_init(&t, (int)(sizeof(text_cols) / sizeof(text_cols[0])), keys, heads);
	/* Filter first, then keep the last n, newest last. */
	for (r = 0; r < calls.n; r++) {
		const struct fs_record *x = &calls.v[r].r;

		calls.v[r].r.done = (tgid < 0 || x->parent_tgid == tgid) &&
				    (kind < 0 || (int)x->kind == kind) &&
				    (!comm || !strncmp(x->comm, comm, FS_COMM_LEN));
		shown += calls.v[r].r.done;
	}
	if (n >= 0 && shown > (size_t)n)
		first = shown - (size_t)n;
	for (r = 0, shown = 0; r < calls.n; r++) {
		struct fs_cell *row;

		if (!calls.v[r].r.done || shown++ < first)
			continue;
		row = fs_table_row(&t);
		if (!row)
			break;
		for (i = 0; i < t.ncols; i++)
			set_cell(&row[i], &calls.v[r], cli->json ? i : text_cols[i]);
	}
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
	.usage = "calls [-n N] [-p TGID] [--comm NAME] [--kind KIND]",
	.help = "Per-call records, oldest first (root: they come from debugfs).\n"
		"  -n N          only the last N\n"
		"  -p TGID       calls made by this process\n"
		"  --comm NAME   calls made by tasks of this name\n"
		"  --kind KIND   fork, vfork, thread, clone or kthread\n"
		"With --json every column of docs/interfaces.md, with raw numbers.\n",
};
