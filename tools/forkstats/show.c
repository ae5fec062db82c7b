// SPDX-License-Identifier: GPL-2.0
/* forkstats show: the per-kind summary of /proc/forkstats. */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <string.h>

#include "cli.h"
#include "procfile.h"

/*
 * The columns of /proc/forkstats' table, in its order (record.h), after the
 * kind; JSON keys as every command names them (fs_agg_json_key).
 */
static const char *const heads[1 + FS_AGG_COUNT] = {
	[0] = "KIND",
	[1 + FS_AGG_calls] = "CALLS",
	[1 + FS_AGG_failed] = "FAILED",
	[1 + FS_AGG_create_avg_ns] = "CREATE",
	[1 + FS_AGG_total_avg_ns] = "TOTAL",
	[1 + FS_AGG_pgtable_bytes] = "PGTABLES",
	[1 + FS_AGG_vmas_copied] = "VMAS_CP",
	[1 + FS_AGG_cow_parent] = "COW_PARENT",
	[1 + FS_AGG_cow_child] = "COW_CHILD",
	[1 + FS_AGG_cow_copies] = "COPIES",
	[1 + FS_AGG_cow_reuses] = "REUSES",
	[1 + FS_AGG_create_ns_sum] = "CREATE_SUM",
	[1 + FS_AGG_total_ns_sum] = "TOTAL_SUM",
	[1 + FS_AGG_returned] = "RETURNED",
	[1 + FS_AGG_rss_pages] = "RSS_PAGES",
};

/*
 * A mean without calls to average (a kind that made none, all after a
 * reset; total_avg_ns: none returned) is no value: "-", null; the file
 * has 0.
 */
static uint32_t no_mean(const struct fs_proc_row *r)
{
	uint32_t u = 0;
	int returned_known = !(r->unknown & (1u << FS_AGG_returned));

	if (!(r->unknown & (1u << FS_AGG_calls)) && !r->v[FS_AGG_calls])
		u |= 1u << FS_AGG_create_avg_ns | 1u << FS_AGG_total_avg_ns;
	if (returned_known && !r->v[FS_AGG_returned])
		u |= 1u << FS_AGG_total_avg_ns;
	return u;
}

static void add_row(struct fs_table *t, const char *name, const struct fs_proc_row *r)
{
	struct fs_cell *c = fs_table_row(t);
	uint32_t unknown = r->unknown | no_mean(r);
	int col;

	if (!c)
		return;
	fs_cell_str(&c[0], name);
	for (col = 0; col < FS_AGG_COUNT; col++) {
		struct fs_cell *x = &c[col + 1];

		if (unknown & (1u << col))
			continue;
		if (col == FS_AGG_create_avg_ns || col == FS_AGG_total_avg_ns ||
		    col == FS_AGG_create_ns_sum || col == FS_AGG_total_ns_sum)
			fs_cell_ns(x, r->v[col]);
		else if (col == FS_AGG_pgtable_bytes)
			fs_cell_bytes(x, r->v[col]);
		else
			fs_cell_u64(x, r->v[col]);
	}
}

static int run(struct fs_cli *cli, int argc, char **argv)
{
	const char *keys[1 + FS_AGG_COUNT];
	struct fs_table t;
	struct fs_proc p;
	char err[512];
	size_t i;

	static const struct option opts[] = {
		{ "prometheus", no_argument, NULL, 'P' },
		{ NULL, 0, NULL, 0 },
	};
	int prometheus = 0, c;

	while ((c = fs_cli_getopt(&fs_cmd_show, argc, argv, "", opts)) != -1) {
		if (c != 'P')
			return 2;
		prometheus = 1;
	}
	if (optind < argc)
		return fs_cli_usage_error(&fs_cmd_show, "unexpected argument '%s'", argv[optind]);
	if (prometheus) {
		struct fs_prom_missing missing;
		int ret;

		if (cli->json)
			return fs_cli_usage_error(&fs_cmd_show, "--prometheus and --json exclude each other");
		ret = fs_prometheus_write(cli, stdout, &missing);
		if (fflush(stdout) || ferror(stdout))
			ret = fs_cli_error("writing the output: %s", strerror(errno));
		fs_prometheus_missing("show", &missing);
		return ret;
	}
	if (fs_source_snapshot(cli->src, &p, err, sizeof(err)))
		return fs_cli_error("%s", err);
	keys[0] = "kind";
	for (c = 0; c < FS_AGG_COUNT; c++)
		keys[1 + c] = fs_agg_json_key(c);
	fs_table_init(&t, 1 + FS_AGG_COUNT, (const char *const *)keys, heads);
	for (i = 0; i < FS_KIND_COUNT; i++)
		add_row(&t, fs_kind_name((unsigned int)i), &p.kinds[i]);
	add_row(&t, "total", &p.total);
	if (cli->json) {
		fs_json_begin_object(&cli->j);
		fs_json_key(&cli->j, "kernel");
		fs_json_str(&cli->j, p.kernel);
		fs_json_key(&cli->j, "split");
		fs_json_str(&cli->j, p.split);
		fs_cli_json_backend(cli, &p);
		fs_json_key(&cli->j, "probes");
		fs_json_begin_array(&cli->j);
		for (i = 0; i < p.nprobes; i++)
			fs_json_str(&cli->j, p.probes[i]);
		fs_json_end_array(&cli->j);
		fs_json_key(&cli->j, "kinds");
		fs_table_json(&t, &cli->j);
		fs_json_key(&cli->j, "counters");
		fs_cli_json_counters(cli, p.counters, p.ncounters);
		fs_json_end_object(&cli->j);
		fs_json_done(&cli->j);
	} else {
		printf("kernel %s; COW outcome counted: %s", p.kernel, p.split);
		if (p.chain[0])
			printf("; BPF backend, %s chain", p.chain);
		if (p.approx[0])
			printf("; approximate: %s (docs/bpf.md)", p.approx);
		printf("\n\n");
		fs_table_print(&t, stdout);
		printf("\n");
		fs_cli_print_counters(p.counters, p.ncounters, 24);
	}
	fs_table_free(&t);
	return 0;
}

const struct fs_command fs_cmd_show = {
	.name = "show",
	.run = run,
	.usage = "show [--prometheus]",
	.help = "The summary of /proc/forkstats: calls, latency, page tables copied and COW faults\n"
		"per kind of call, then the counters.  Readable by every user.\n"
		"  --prometheus   the same, and the latency histograms (debugfs hist) and the\n"
		"                 probes' state (debugfs probes) where readable (root), as\n"
		"                 Prometheus text (metrics forkstats_*, docs/interfaces.md);\n"
		"                 what cannot be read is said on stderr\n",
};
