// SPDX-License-Identifier: GPL-2.0
/*
 * forkstats: command-line reader for the forkstats kernel module.
 *
 *   forkstats [--json] [--backend auto|module|bpf] [COMMAND [ARGS]]
 *
 * This file is the dispatch only: the global options, the table of commands,
 * and the call of one.  Each command lives in a file of its own (show.c,
 * status.c, reset.c, calls.c, hist.c, stat.c, top.c, export.c, attach.c,
 * detach.c, cat.c); what they share is in cli.c, the output layer in json.c,
 * table.c and prom.c.  docs/interfaces.md describes every file and field.
 */
#include <getopt.h>
#include <stdio.h>
#include <string.h>

#include "calls.h"
#include "cli.h"
#include "procfile.h"

static const struct fs_command *const commands[] = {
	&fs_cmd_show, &fs_cmd_status, &fs_cmd_calls, &fs_cmd_hist, &fs_cmd_stat, &fs_cmd_reset,
	&fs_cmd_top, &fs_cmd_attach, &fs_cmd_detach, &fs_cmd_cat, &fs_cmd_export,
};

/* The usage of forkstats itself, after an error line. */
static int short_usage(void)
{
	fprintf(stderr, "usage: forkstats [--json] [--backend auto|module|bpf] [COMMAND [ARGS]]\n"
			"(forkstats --help for more)\n");
	return 2;
}

static void usage(FILE *f)
{
	size_t i;

	fprintf(f, "usage: forkstats [--json] [--backend auto|module|bpf] [COMMAND [ARGS]]\n\n"
		   "commands (show is the default):\n");
	for (i = 0; i < sizeof(commands) / sizeof(commands[0]); i++)
		fprintf(f, "  %s\n", commands[i]->usage);
	fprintf(f, "\n"
		   "  --json        one JSON document; keys are the names of docs/interfaces.md\n"
		   "  --backend B   where the data comes from: the kernel module (module), the BPF\n"
		   "                backend (bpf), or auto (default): the module when it is\n"
		   "                loaded, else the BPF backend when attached; stat and top\n"
		   "                run as root attach it for their run when neither is there\n"
		   "  --proc PATH, --debugfs DIR   read other files (for tests and fixtures)\n"
		   "  These four go before or after COMMAND (forkstats calls --json).\n"
		   "  -h, --help    this text; COMMAND --help for a command\n"
		   "  --version     forkstats' version\n");
}

/*
 * A command run with its help, and its source: the one choice of a backend
 * (source.c), handed to the command, opened once its options are parsed
 * (fs_cli_getopt: the global options may follow the command's name).  stat
 * and top may attach the BPF backend for their own run (and detach it at
 * their end, here); status goes on without a source; attach and detach read
 * nothing.
 */
static int run_command(struct fs_cli *cli, const struct fs_command *c, int argc, char **argv)
{
	int ret;

	if (fs_cli_help(c, argc, argv))
		return 0;
	cli->conf.transient = c == &fs_cmd_stat || c == &fs_cmd_top;
	cli->want_src = c == &fs_cmd_attach || c == &fs_cmd_detach ? FS_CLI_SRC_NONE :
			c == &fs_cmd_status ? FS_CLI_SRC_OPTIONAL : FS_CLI_SRC_NEEDED;
	optind = 1;
	ret = c->run(cli, argc, argv);
	fs_source_close(cli->src);
	return ret;
}

int main(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "json", no_argument, NULL, 'j' },
		{ "backend", required_argument, NULL, 'b' },
		{ "proc", required_argument, NULL, 'p' },
		{ "file", required_argument, NULL, 'p' },
		{ "debugfs", required_argument, NULL, 'd' },
		{ "help", no_argument, NULL, 'h' },
		{ "version", no_argument, NULL, 'V' },
		{ NULL, 0, NULL, 0 },
	};
	struct fs_cli cli = { .conf = FS_SOURCE_CONF_DEFAULT };
	const char *name, *backend = "auto";
	char bad[96];
	size_t i;
	int c;

	while ((c = fs_cli_getopt_quiet(argc, argv, "+jh", opts, bad, sizeof(bad))) != -1) {
		switch (c) {
		case 'j':
			cli.json = 1;
			break;
		case 'b':
			backend = optarg;
			break;
		case 'p':
			cli.conf.proc = optarg;
			cli.conf.files_given = 1;
			break;
		case 'd':
			cli.conf.debugfs = optarg;
			cli.conf.files_given = 1;
			break;
		case 'h':
			usage(stdout);
			return 0;
		case 'V':
			printf("forkstats %s\n", FORKSTATS_VERSION);
			return 0;
		default:
			fs_cli_error("option %s", bad);
			return short_usage();
		}
	}
	if (fs_backend_parse(backend, &cli.conf.backend)) {
		fs_cli_error("--backend must be auto, module or bpf, not '%s'", backend);
		return short_usage();
	}
	fs_json_init(&cli.j, stdout);
	fs_cli_context(&cli);
	name = optind < argc ? argv[optind] : "show";
	for (i = 0; i < sizeof(commands) / sizeof(commands[0]); i++) {
		if (strcmp(commands[i]->name, name))
			continue;
		if (optind < argc) {
			argc -= optind;
			argv += optind;
		} else {
			static char *none[] = { "show", NULL };

			argc = 1;
			argv = none;
		}
		return run_command(&cli, commands[i], argc, argv);
	}
	fs_cli_error("unknown command '%s'", name);
	return short_usage();
}
