// SPDX-License-Identifier: GPL-2.0
/*
 * forkstats: command-line reader for the forkstats kernel module.
 *
 * This first version reads /proc/forkstats and prints each probe's hit
 * count.  The full CLI (status, calls, hist, stat, top) is described in
 * docs/forkstats.8 as it is built.
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
		"  show       print the probes of the forkstats module and their hit counts\n"
		"             (the default)\n"
		"\n"
		"  --file PATH  read PATH instead of " FS_PROC_PATH "\n"
		"  -h, --help   this text\n");
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
	printf("%-16s %14s %10s\n", "PROBE", "HITS", "MISSED");
	for (i = 0; i < p.nprobes; i++)
		printf("%-16s %14" PRIu64 " %10" PRIu64 "\n", p.probes[i].name,
		       p.probes[i].hits, p.probes[i].missed);
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
