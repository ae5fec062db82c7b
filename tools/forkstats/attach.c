// SPDX-License-Identifier: GPL-2.0
/* forkstats attach: the BPF backend loaded and pinned. */
#include <getopt.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

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

/*
 * The backend is attached already: exit 0 with a notice when what was asked
 * (the options given) is what is attached; else exit 1 naming the
 * difference and how to re-attach (docs/bpf.md).
 */
static int attached_already(const struct fsb_params *p, unsigned int given)
{
	struct fsb_params now = FSB_PARAMS_DEFAULT;
	char chain[32], err[512], diff[400] = "";
	size_t n = 0;

	if (fsb_pinned_params(chain, sizeof(chain), &now, err, sizeof(err)))
		return fs_cli_error("%s", err);
	if ((given & 8) && strcmp(p->chain, chain))
		n += (size_t)snprintf(diff + n, sizeof(diff) - n, ", chain %s, not %s", chain, p->chain);
	if ((given & 1) && p->records != now.records && n < sizeof(diff))
		n += (size_t)snprintf(diff + n, sizeof(diff) - n, ", --records %u, not %u", now.records,
				      p->records);
	if ((given & 2) && p->max_tracked != now.max_tracked && n < sizeof(diff))
		n += (size_t)snprintf(diff + n, sizeof(diff) - n, ", --max-tracked %u, not %u",
				      now.max_tracked, p->max_tracked);
	if ((given & 4) && p->max_active != now.max_active && n < sizeof(diff))
		n += (size_t)snprintf(diff + n, sizeof(diff) - n, ", --max-active %u, not %u",
				      now.max_active, p->max_active);
	if (n)
		return fs_cli_error("the BPF backend is attached already with other options (%s): sudo forkstats detach, then attach with them",
				    diff + 2);
	printf("forkstats: the BPF backend is attached already (%s chain, --records %u --max-tracked %u --max-active %u), pinned in %s\n",
	       chain, now.records, now.max_tracked, now.max_active, FSB_PIN_DIR);
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
	unsigned int given = 0;	/* the options typed: 1 records, 2 max-tracked, 4 max-active, 8 chain */
	char err[1024];
	int c;

	while ((c = fs_cli_getopt(&fs_cmd_attach, argc, argv, "", opts)) != -1) {
		switch (c) {
		case 'r':
			if (parse_uint("--records", optarg, &p.records))
				return 2;
			given |= 1;
			break;
		case 't':
			if (parse_uint("--max-tracked", optarg, &p.max_tracked))
				return 2;
			given |= 2;
			break;
		case 'a':
			if (parse_uint("--max-active", optarg, &p.max_active))
				return 2;
			given |= 4;
			break;
		case 'c':
			if (strcmp(optarg, "fentry") && strcmp(optarg, "tracepoint") &&
			    strcmp(optarg, "kprobe"))
				return fs_cli_usage_error(&fs_cmd_attach,
							  "--chain must be fentry, tracepoint or kprobe, not '%s'",
							  optarg);
			p.chain = optarg;
			given |= 8;
			break;
		default:
			return 2;
		}
	}
	if (optind < argc)
		return fs_cli_usage_error(&fs_cmd_attach, "unexpected argument '%s'", argv[optind]);
	if (cli->conf.backend == FS_BACKEND_MODULE)
		return fs_cli_error("attach is for the BPF backend; the module is loaded with insmod");
	/* Like starting a running service: what is attached is what was asked. */
	if (geteuid() == 0 && fsb_pinned())
		return attached_already(&p, given);
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
		"those of the module's parameters.  Root.\n"
		"Attached already: exit 0 with a notice when the options given are those\n"
		"attached (none given: whatever is attached); else exit 1 naming the\n"
		"difference (detach, then attach with them).\n",
};
