// SPDX-License-Identifier: GPL-2.0
/* forkstats detach: the BPF backend removed. */
#include <string.h>
#include <unistd.h>

#include "bpf_backend.h"
#include "cli.h"

static int run_detach(struct fs_cli *cli, int argc, char **argv)
{
	char err[512];

	if (fs_cli_no_args(&fs_cmd_detach, argc, argv))
		return 2;
	if (cli->conf.backend == FS_BACKEND_MODULE)
		return fs_cli_error("detach is for the BPF backend; the module is unloaded with rmmod");
	if (geteuid() != 0)
		return fs_cli_error("detach needs root: run with sudo");
	if (fsb_detach(err, sizeof(err)))
		return fs_cli_error("%s", err);
	return 0;
}

const struct fs_command fs_cmd_detach = {
	.name = "detach",
	.run = run_detach,
	.usage = "detach",
	.help = "Remove the BPF backend (its pins, the kprobe chain's events and the process\n"
		"that holds them where no BPF link can be pinned; the programs go with the\n"
		"last user).  Root.\n",
};
