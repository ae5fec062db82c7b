// SPDX-License-Identifier: GPL-2.0
/* forkstats hist: log2 latency histograms with bars. */
#include <getopt.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "histfile.h"

static const char *const keys[] = { "kind", "latency", "lo_ns", "hi_ns", "count", "approximate" };

/*
 * Is the latency shown (the record column create_ns or total_ns)
 * approximate with this source (the BPF tracepoint chain: its "approximate"
 * columns, docs/bpf.md)?  The chain is in *chain.
 */
static int approximate(struct fs_cli *cli, int total, char *chain, size_t len)
{
	const char *col = total ? "total_ns" : "create_ns";
	char err[512], *tok, *save = NULL;
	struct fs_proc *p = malloc(sizeof(*p));
	int ret = 0;

	if (!p)
		return 0;
	if (!fs_source_snapshot(cli->src, p, err, sizeof(err))) {
		snprintf(chain, len, "%s", p->chain);
		for (tok = strtok_r(p->approx, ",", &save); tok; tok = strtok_r(NULL, ",", &save))
			ret |= !strcmp(tok, col);
	}
	free(p);
	return ret;
}

/* Parse hist's options into *kind (-1: all) and *total; 0, or the exit code. */
static int parse_opts(int argc, char **argv, int *kind, int *total)
{
	static const struct option opts[] = {
		{ "kind", required_argument, NULL, 'k' },
		{ "total", no_argument, NULL, 't' },
		{ NULL, 0, NULL, 0 },
	};
	int c;

	while ((c = fs_cli_getopt(&fs_cmd_hist, argc, argv, "", opts)) != -1) {
		switch (c) {
		case 'k':
			*kind = fs_cli_kind(&fs_cmd_hist, optarg);
			if (*kind < 0)
				return 2;
			break;
		case 't':
			*total = 1;
			break;
		default:
			return 2;
		}
	}
	if (optind < argc)
		return fs_cli_usage_error(&fs_cmd_hist, "unexpected argument '%s'", argv[optind]);
	return 0;
}

static void print_json(struct fs_cli *cli, const struct fs_hist *h, int kind, int total,
		       int approx)
{
	struct fs_table t;
	size_t i;

	fs_table_init(&t, 6, keys, keys);
	for (i = 0; i < h->n; i++) {
		struct fs_cell *row;

		if ((kind >= 0 && (int)h->v[i].kind != kind) || h->v[i].total != total)
			continue;
		row = fs_table_row(&t);
		if (!row)
			break;
		fs_cell_str(&row[0], fs_kind_name(h->v[i].kind));
		fs_cell_str(&row[1], total ? "total" : "create");
		fs_cell_u64(&row[2], h->v[i].lo_ns);
		fs_cell_u64(&row[3], h->v[i].hi_ns);
		fs_cell_u64(&row[4], h->v[i].count);
		fs_cell_bool(&row[5], approx);
	}
	fs_table_json(&t, &cli->j);
	fs_json_done(&cli->j);
	fs_table_free(&t);
}

/* One bucket's line: its range, its count and a bar scaled to the kind's largest bucket. */
static void print_bucket(const struct fs_hist *h, size_t i, uint64_t max)
{
	struct fs_cell a, b;
	char abuf[FS_CELL_TEXT], bbuf[FS_CELL_TEXT];
	int bar;

	fs_cell_ns(&a, h->v[i].lo_ns);
	fs_cell_ns(&b, h->v[i].hi_ns == UINT64_MAX ? UINT64_MAX : h->v[i].hi_ns + 1);
	/* ceil(40 * count / max); in floating point where it would overflow */
	if (h->v[i].count <= (UINT64_MAX - max) / 40)
		bar = (int)((h->v[i].count * 40 + max - 1) / max);
	else
		bar = (int)ceil(40.0 * ((double)h->v[i].count / (double)max));
	bar = bar > 40 ? 40 : bar;
	printf("  %10s .. %-10s %8llu |%.*s\n", fs_cell_text(&a, abuf),
	       fs_cell_text(&b, bbuf),
	       (unsigned long long)h->v[i].count, bar,
	       "########################################");
}

static void print_text(const struct fs_hist *h, int kind, int total, int approx,
		       const char *chain)
{
	uint64_t max;
	size_t i;
	int k;

	for (k = 0; k < FS_KIND_COUNT; k++) {
		if (kind >= 0 && k != kind)
			continue;
		for (i = 0, max = 0; i < h->n; i++)
			if ((int)h->v[i].kind == k && h->v[i].total == total && h->v[i].count > max)
				max = h->v[i].count;
		if (!max)
			continue;
		printf("%s: %s latency", fs_kind_name((unsigned int)k),
		       total ? "total (kernel_clone)" : "create (copy_process)");
		if (approx)
			printf(", approximate (BPF backend, %s chain: docs/bpf.md)", chain);
		printf("\n");
		for (i = 0; i < h->n; i++)
			if ((int)h->v[i].kind == k && h->v[i].total == total)
				print_bucket(h, i, max);
	}
}

static int run(struct fs_cli *cli, int argc, char **argv)
{
	int kind = -1, total = 0, approx;
	char err[512], chain[16] = "";
	struct fs_hist h;
	int ret;

	ret = parse_opts(argc, argv, &kind, &total);
	if (ret)
		return ret;
	ret = fs_source_hist(cli->src, &h, err, sizeof(err));
	if (ret)
		return fs_cli_source_error(cli, ret, err);
	approx = approximate(cli, total, chain, sizeof(chain));
	if (cli->json)
		print_json(cli, &h, kind, total, approx);
	else
		print_text(&h, kind, total, approx, chain);
	fs_hist_free(&h);
	return 0;
}

const struct fs_command fs_cmd_hist = {
	.name = "hist",
	.run = run,
	.usage = "hist [--kind KIND] [--total]",
	.help = "Log2 histograms of the create latency (copy_process) of each kind, or with\n"
		"--total of the total latency (kernel_clone; for vfork it includes the wait).\n"
		"  --kind KIND   one kind only\n",
};
