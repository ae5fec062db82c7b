// SPDX-License-Identifier: GPL-2.0
/* forkstats hist: log2 latency histograms with bars. */
#include <getopt.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "cli.h"
#include "histfile.h"

static const char *const keys[] = { "kind", "latency", "lo_ns", "hi_ns", "count" };

static int run(struct fs_cli *cli, int argc, char **argv)
{
	static const struct option opts[] = {
		{ "kind", required_argument, NULL, 'k' },
		{ "total", no_argument, NULL, 't' },
		{ NULL, 0, NULL, 0 },
	};
	int kind = -1, total = 0, c, k;
	struct fs_hist h;
	struct fs_table t;
	char err[512];
	uint64_t max;
	int ret;
	size_t i;

	while ((c = fs_cli_getopt(&fs_cmd_hist, argc, argv, "", opts)) != -1) {
		switch (c) {
		case 'k':
			kind = fs_cli_kind(&fs_cmd_hist, optarg);
			if (kind < 0)
				return 2;
			break;
		case 't':
			total = 1;
			break;
		default:
			return 2;
		}
	}
	if (optind < argc)
		return fs_cli_usage_error(&fs_cmd_hist, "unexpected argument '%s'", argv[optind]);
	ret = fs_source_hist(cli->src, &h, err, sizeof(err));
	if (ret)
		return fs_cli_source_error(cli, ret, err);
	if (cli->json) {
		fs_table_init(&t, 5, keys, keys);
		for (i = 0; i < h.n; i++) {
			struct fs_cell *row;

			if ((kind >= 0 && (int)h.v[i].kind != kind) || h.v[i].total != total)
				continue;
			row = fs_table_row(&t);
			if (!row)
				break;
			fs_cell_str(&row[0], fs_kind_name(h.v[i].kind));
			fs_cell_str(&row[1], total ? "total" : "create");
			fs_cell_u64(&row[2], h.v[i].lo_ns);
			fs_cell_u64(&row[3], h.v[i].hi_ns);
			fs_cell_u64(&row[4], h.v[i].count);
		}
		fs_table_json(&t, &cli->j);
		fs_json_done(&cli->j);
		fs_table_free(&t);
	} else {
		for (k = 0; k < FS_KIND_COUNT; k++) {
			if (kind >= 0 && k != kind)
				continue;
			for (i = 0, max = 0; i < h.n; i++)
				if ((int)h.v[i].kind == k && h.v[i].total == total && h.v[i].count > max)
					max = h.v[i].count;
			if (!max)
				continue;
			printf("%s: %s latency\n", fs_kind_name((unsigned int)k),
			       total ? "total (kernel_clone)" : "create (copy_process)");
			for (i = 0; i < h.n; i++) {
				struct fs_cell a, b;
				char abuf[FS_CELL_TEXT], bbuf[FS_CELL_TEXT];
				int bar;

				if ((int)h.v[i].kind != k || h.v[i].total != total)
					continue;
				fs_cell_ns(&a, h.v[i].lo_ns);
				fs_cell_ns(&b, h.v[i].hi_ns == UINT64_MAX ? UINT64_MAX : h.v[i].hi_ns + 1);
				/* ceil(40 * count / max); in floating point where it would overflow */
				if (h.v[i].count <= (UINT64_MAX - max) / 40)
					bar = (int)((h.v[i].count * 40 + max - 1) / max);
				else
					bar = (int)ceil(40.0 * ((double)h.v[i].count / (double)max));
				bar = bar > 40 ? 40 : bar;
				printf("  %10s .. %-10s %8llu |%.*s\n", fs_cell_text(&a, abuf),
				       fs_cell_text(&b, bbuf),
				       (unsigned long long)h.v[i].count, bar,
				       "########################################");
			}
		}
	}
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
