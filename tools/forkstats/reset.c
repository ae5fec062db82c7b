// SPDX-License-Identifier: GPL-2.0
/* forkstats reset. */
#include "cli.h"

static int run_reset(struct fs_cli *cli, int argc, char **argv)
{
	char err[512];
	int ret;

	if (fs_cli_no_args(&fs_cmd_reset, argc, argv))
		return 2;
	ret = fs_source_reset(cli->src, err, sizeof(err));
	if (ret == FS_SRC_EACCES)
		return fs_cli_error("reset needs root: run with sudo");
	return ret ? fs_cli_source_error(cli, ret, err) : 0;
}

const struct fs_command fs_cmd_reset = {
	.name = "reset",
	.run = run_reset,
	.usage = "reset",
	.help = "Clear the aggregates, histograms, per-call records and attributions (root).\n",
};
