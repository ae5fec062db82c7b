// SPDX-License-Identifier: GPL-2.0
/*
 * forkstats: command-line reader for the forkstats kernel module.
 *
 * This version reads /proc/forkstats and prints its per-kind table with
 * human units.  The full CLI (status, calls, hist, stat, top) comes next.
 */
#include <getopt.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "procfile.h"

static void usage(FILE *f)
{
	fprintf(f,
		"usage: forkstats [--file PATH] [show]\n"
		"\n"
		"  show       the per-kind summary of /proc/forkstats (the default)\n"
		"\n"
		"  --file PATH  read PATH instead of " FS_PROC_PATH "\n"
		"  -h, --help   this text\n");
}

/* A value with its unit scaled for reading: ns -> us/ms/s, bytes -> KiB/MiB/GiB. */
static const char *human(char *buf, size_t len, uint64_t v, int unknown, int bytes)
{
	static const char *const tu[] = { "ns", "us", "ms", "s" };
	static const char *const bu[] = { "B", "KiB", "MiB", "GiB", "TiB" };
	double x = (double)v;
	int i = 0, max = bytes ? 4 : 3, step = bytes ? 1024 : 1000;

	if (unknown) {
		snprintf(buf, len, "-");
		return buf;
	}
	while (x >= step && i < max) {
		x /= step;
		i++;
	}
	if (i == 0)
		snprintf(buf, len, "%" PRIu64 " %s", v, bytes ? bu[0] : tu[0]);
	else
		snprintf(buf, len, "%.1f %s", x, bytes ? bu[i] : tu[i]);
	return buf;
}

static const char *num(char *buf, size_t len, uint64_t v, int unknown)
{
	if (unknown)
		snprintf(buf, len, "-");
	else
		snprintf(buf, len, "%" PRIu64, v);
	return buf;
}

static void show_row(const char *name, const struct fs_proc_row *r)
{
	char b[10][32];

#define U(col) ((r->unknown >> FS_AGG_##col) & 1)
#define V(col) r->v[FS_AGG_##col]
	printf("%-8s %9s %7s %11s %11s %11s %8s %10s %10s %10s %10s\n", name,
	       num(b[0], sizeof(b[0]), V(calls), U(calls)),
	       num(b[1], sizeof(b[1]), V(failed), U(failed)),
	       human(b[2], sizeof(b[2]), V(create_avg_ns), U(create_avg_ns), 0),
	       human(b[3], sizeof(b[3]), V(total_avg_ns), U(total_avg_ns), 0),
	       human(b[4], sizeof(b[4]), V(pgtable_bytes), U(pgtable_bytes), 1),
	       num(b[5], sizeof(b[5]), V(vmas_copied), U(vmas_copied)),
	       num(b[6], sizeof(b[6]), V(cow_parent), U(cow_parent)),
	       num(b[7], sizeof(b[7]), V(cow_child), U(cow_child)),
	       num(b[8], sizeof(b[8]), V(cow_copies), U(cow_copies)),
	       num(b[9], sizeof(b[9]), V(cow_reuses), U(cow_reuses)));
#undef U
#undef V
}

static int cmd_show(const char *path)
{
	struct fs_proc p;
	char err[512];
	size_t i;

	if (fs_proc_read(path, &p, err, sizeof(err))) {
		fprintf(stderr, "forkstats: %s\n", err);
		return 1;
	}
	printf("kernel %s; COW outcome counted: %s\n\n", p.kernel, p.split);
	printf("%-8s %9s %7s %11s %11s %11s %8s %10s %10s %10s %10s\n", "KIND", "CALLS",
	       "FAILED", "CREATE_AVG", "TOTAL_AVG", "PGTABLES", "VMAS_CP", "COW_PARENT",
	       "COW_CHILD", "COPIES", "REUSES");
	for (i = 0; i < FS_KIND_COUNT; i++)
		show_row(fs_kind_name((unsigned int)i), &p.kinds[i]);
	show_row("total", &p.total);
	printf("\n");
	for (i = 0; i < p.ncounters; i++)
		printf("%-24s %" PRIu64 "\n", p.counters[i].name, p.counters[i].value);
	return 0;
}

int main(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "file", required_argument, NULL, 'f' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	const char *path = FS_PROC_PATH;
	int c;

	while ((c = getopt_long(argc, argv, "+f:h", opts, NULL)) != -1) {
		switch (c) {
		case 'f':
			path = optarg;
			break;
		case 'h':
			usage(stdout);
			return 0;
		default:
			usage(stderr);
			return 2;
		}
	}
	if (optind == argc || !strcmp(argv[optind], "show")) {
		if (optind < argc - 1) {
			fprintf(stderr, "forkstats: show: unexpected argument '%s'\n",
				argv[optind + 1]);
			return 2;
		}
		return cmd_show(path);
	}
	fprintf(stderr, "forkstats: unknown command '%s'\n", argv[optind]);
	usage(stderr);
	return 2;
}
