// SPDX-License-Identifier: GPL-2.0
/* forkstats detach: the BPF backend removed. */
#include <string.h>
#include <unistd.h>

#include "bpf_backend.h"
#include "cli.h"

static int run_detach(struct fs_cli *cli, int argc, char **argv)
{
	char err[512], why[300];
	int state;

	if (fs_cli_no_args(&fs_cmd_detach, argc, argv))
		return 2;
	if (cli->conf.backend == FS_BACKEND_MODULE)
		return fs_cli_error("detach is for the BPF backend; the module is unloaded with rmmod");
	state = fsb_pin_state(why, sizeof(why));
	/* Like stopping a stopped service. */
	if (state == 0) {
		printf("forkstats: the BPF backend is not attached: nothing to detach\n");
		return 0;
	}
	if (geteuid() != 0)
		return fs_cli_error("detach needs root%s%s%s: run with sudo", why[0] ? " (" : "", why,
				    why[0] ? ")" : "");
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
		"last user).  Root.  Not attached: exit 0 with a notice.\n",
};
