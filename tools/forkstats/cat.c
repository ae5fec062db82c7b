// SPDX-License-Identifier: GPL-2.0
/*
 * forkstats cat: the module's files as the module writes them.  The BPF
 * backend has no files: its data are structs (source.h) that only the output
 * layer renders, so cat names the command that shows each view, and --serve
 * answers with those commands' JSON documents.
 */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/types.h>

#include "cli.h"
#include "textparse.h"

/* cat's names of the module's files, and the command that shows each. */
static const struct {
	const char *file;
	const struct fs_command *cmd;
} cat_files[] = {
	{ "proc", &fs_cmd_show },
	{ "calls", &fs_cmd_calls },
	{ "hist", &fs_cmd_hist },
	{ "probes", &fs_cmd_status },
};

/* The index of a file name of cat, or -1. */
static int cat_file(const char *name)
{
	size_t i;

	for (i = 0; i < sizeof(cat_files) / sizeof(cat_files[0]); i++)
		if (!strcmp(name, cat_files[i].file))
			return (int)i;
	return -1;
}

/* The module's file i on stdout: 0, or 1 after an error line. */
static int cat_one(struct fs_cli *cli, int i)
{
	char err[512], *t = NULL;
	size_t len;
	int ret;

	if (fs_source_backend(cli->src) != FS_BACKEND_MODULE)
		return fs_cli_error("cat: the BPF backend has no files; its %s is shown by the"
				    " command '%s' (--json: every column)", cat_files[i].file,
				    cat_files[i].cmd->name);
	ret = fs_source_text(cli->src, cat_files[i].file, &t, &len, err, sizeof(err));
	if (ret) {
		fs_cli_source_error(cli, ret, err);
		free(t);
		return 1;
	}
	fwrite(t, 1, len, stdout);
	free(t);
	return 0;
}

/*
 * --serve: one request per line on stdin, a view name (proc, calls, hist,
 * probes) and the options of the command that shows it (show, calls, hist,
 * status), e.g. "hist --total"; each answer is that command's JSON document
 * (the output layer, any backend) and a NUL byte (an error: no document, the
 * NUL, and a line on stderr).  Lets a measuring program read a backend
 * without running any code of its own (tests/progs/fsaccept).
 */
#define SERVE_ARGS 8

static void serve_one(struct fs_cli *cli, char *line)
{
	char *argv[SERVE_ARGS + 1], *save = NULL, q[FS_QUOTE_MAX];
	char *word = strtok_r(line, " ", &save);
	int argc = 0, i = word ? cat_file(word) : -1;

	if (i < 0) {
		fs_cli_error("cat --serve: a view is proc, calls, hist or probes, not '%s'",
			     fs_quote(word ? word : "", q, sizeof(q)));
		return;
	}
	argv[argc++] = (char *)cat_files[i].cmd->name;
	while ((word = strtok_r(NULL, " ", &save))) {
		if (argc == SERVE_ARGS) {
			fs_cli_error("cat --serve: more than %d words in a request", SERVE_ARGS);
			return;
		}
		argv[argc++] = word;
	}
	argv[argc] = NULL;
	optind = 1;
	cat_files[i].cmd->run(cli, argc, argv);
}

static int serve(struct fs_cli *cli)
{
	char *line = NULL;
	size_t size = 0;
	ssize_t n;

	cli->json = 1;
	setvbuf(stdout, NULL, _IOFBF, 1 << 16);
	while ((n = getline(&line, &size, stdin)) > 0) {
		if (line[n - 1] == '\n')
			line[n - 1] = '\0';
		serve_one(cli, line);
		fputc('\0', stdout);
		if (fflush(stdout)) {
			free(line);
			return 1;
		}
	}
	free(line);
	return 0;
}

static int run_cat(struct fs_cli *cli, int argc, char **argv)
{
	static const struct option opts[] = {
		{ "serve", no_argument, NULL, 's' },
		{ NULL, 0, NULL, 0 },
	};
	int i, c, serving = 0;

	while ((c = fs_cli_getopt(&fs_cmd_cat, argc, argv, "", opts)) != -1) {
		if (c != 's')
			return 2;
		serving = 1;
	}
	if (serving && optind < argc)
		return fs_cli_usage_error(&fs_cmd_cat, "--serve reads the names from stdin, not '%s'",
					  argv[optind]);
	if (serving)
		return serve(cli);
	if (optind == argc)
		return fs_cli_usage_error(&fs_cmd_cat, "no FILE (proc, calls, hist or probes)");
	for (i = optind; i < argc; i++)
		if (cat_file(argv[i]) < 0)
			return fs_cli_usage_error(&fs_cmd_cat,
						  "FILE is proc, calls, hist or probes, not '%s'",
						  argv[i]);
	for (i = optind; i < argc; i++)
		if (cat_one(cli, cat_file(argv[i])))
			return 1;
	return fflush(stdout) ? 1 : 0;
}

const struct fs_command fs_cmd_cat = {
	.name = "cat",
	.run = run_cat,
	.usage = "cat FILE... | cat --serve",
	.help = "Print the module's files as it writes them: proc (/proc/forkstats), calls,\n"
		"hist, probes (debugfs).  The BPF backend has no files: its proc, calls,\n"
		"hist and probes are shown by show, calls, hist and status (--json: every\n"
		"column); cat names the command and exits 1.\n"
		"--serve: answer requests read from stdin, a view (proc, calls, hist, probes)\n"
		"and the options of its command (e.g. \"hist --total\"), with the JSON\n"
		"document of show, calls, hist or status, each ended by a NUL byte (any\n"
		"backend).\n",
};
