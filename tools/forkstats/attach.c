// SPDX-License-Identifier: GPL-2.0
/* forkstats attach: the BPF backend loaded and pinned. */
#include <getopt.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "bpf_backend.h"
#include "cli.h"

/* A size of attach: 0, or 2 after the error line and usage. */
static int parse_uint(const char *opt, const char *s, unsigned int *v)
{
	long long x;

	if (fs_cli_number(&fs_cmd_attach, opt, s, 0, UINT32_MAX, &x))
		return 2;
	*v = (unsigned int)x;
	return 0;
}

static int run_attach(struct fs_cli *cli, int argc, char **argv)
{
	static const struct option opts[] = {
		{ "records", required_argument, NULL, 'r' },
		{ "max-tracked", required_argument, NULL, 't' },
		{ "max-active", required_argument, NULL, 'a' },
		{ "chain", required_argument, NULL, 'c' },
		{ NULL, 0, NULL, 0 },
	};
	struct fsb_params p = FSB_PARAMS_DEFAULT;
	struct fsb *b;
	char err[1024];
	int c;

	if (cli->conf.backend == FS_BACKEND_MODULE)
		return fs_cli_error("attach is for the BPF backend; the module is loaded with insmod");
	while ((c = fs_cli_getopt(&fs_cmd_attach, argc, argv, "", opts)) != -1) {
		switch (c) {
		case 'r':
			if (parse_uint("--records", optarg, &p.records))
				return 2;
			break;
		case 't':
			if (parse_uint("--max-tracked", optarg, &p.max_tracked))
				return 2;
			break;
		case 'a':
			if (parse_uint("--max-active", optarg, &p.max_active))
				return 2;
			break;
		case 'c':
			if (strcmp(optarg, "fentry") && strcmp(optarg, "tracepoint") &&
			    strcmp(optarg, "kprobe"))
				return fs_cli_usage_error(&fs_cmd_attach,
							  "--chain must be fentry, tracepoint or kprobe, not '%s'",
							  optarg);
			p.chain = optarg;
			break;
		default:
			return 2;
		}
	}
	if (optind < argc)
		return fs_cli_usage_error(&fs_cmd_attach, "unexpected argument '%s'", argv[optind]);
	if (fsb_attach(&b, &p, 1, err, sizeof(err)))
		return fs_cli_error("%s", err);
	printf("forkstats: BPF backend attached (%s chain), pinned in %s\n", fsb_chain_name(b),
	       FSB_PIN_DIR);
	fsb_close(b);
	return 0;
}

const struct fs_command fs_cmd_attach = {
	.name = "attach",
	.run = run_attach,
	.usage = "attach [--records N] [--max-tracked N] [--max-active N] [--chain fentry|tracepoint|kprobe]",
	.help = "Load the BPF backend and keep it attached (pinned in " FSB_PIN_DIR "), with\n"
		"the best hook chain the kernel allows: fentry/fexit, else tracepoints, else\n"
		"kprobes (kretprobes of --max-active instances, at most 4096).  The sizes are\n"
		"those of the module's parameters.  Root.\n",
};
