// SPDX-License-Identifier: GPL-2.0
/* forkstats reset. */
#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <unistd.h>

#include "cli.h"

static int run_reset(struct fs_cli *cli, int argc, char **argv)
{
	int fd;

	if (fs_cli_no_args(&fs_cmd_reset, argc, argv))
		return 2;
	if (cli->bpf)
		return fs_cli_reset_bpf();
	fd = open(cli->proc_path, O_WRONLY);
	if (fd < 0 && errno == ENOENT)
		return fs_cli_error("%s not found: the forkstats module is not loaded (sudo insmod module/forkstats.ko)",
				    cli->proc_path);
	if (fd < 0 || write(fd, "reset\n", 6) != 6) {
		int e = errno;

		if (fd >= 0)
			close(fd);
		if (e == EACCES || e == EPERM)
			return fs_cli_error("reset needs root: run with sudo");
		return fs_cli_error("%s: %s", cli->proc_path, strerror(e));
	}
	close(fd);
	return 0;
}

const struct fs_command fs_cmd_reset = {
	.name = "reset",
	.run = run_reset,
	.usage = "reset",
	.help = "Clear the aggregates, histograms, per-call records and attributions (root).\n",
};
