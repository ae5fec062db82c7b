// SPDX-License-Identifier: GPL-2.0
/* forkstats cat: a backend's files as the module writes them. */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/types.h>

#include "calls.h"
#include "cli.h"
#include "procfile.h"
#include "textparse.h"

static const char *const cat_files[] = { "proc", "calls", "hist", "probes" };

/* The index of a file name of cat, or -1. */
static int cat_file(const char *name)
{
	size_t i;

	for (i = 0; i < sizeof(cat_files) / sizeof(cat_files[0]); i++)
		if (!strcmp(name, cat_files[i]))
			return (int)i;
	return -1;
}

/* The text of one file, or NULL after one error line. */
static char *cat_text(struct fs_cli *cli, const char *name, size_t *len)
{
	char pbuf[512], err[512], q[FS_QUOTE_MAX], *t;
	const char *path;
	int i = cat_file(name);

	if (i < 0) {
		fs_cli_error("cat: FILE is proc, calls, hist or probes, not '%s'",
			     fs_quote(name, q, sizeof(q)));
		return NULL;
	}
	path = i == 0 ? cli->proc_path : fs_cli_debugfs(cli, name, pbuf, sizeof(pbuf));
	if (!path)
		return NULL;
	t = fs_read_file(path, FS_CALLS_MAX_BYTES, len, err, sizeof(err));
	if (!t)
		fs_cli_error("%s", err);
	return t;
}

/*
 * --serve: one file name per line on stdin; each answer is the file's text
 * and a NUL byte (an error: no text, the NUL, and a line on stderr).  Lets a
 * measuring program read the files without running any code of its own.
 */
static int serve(struct fs_cli *cli)
{
	char *line = NULL;
	size_t len, size = 0;
	ssize_t n;
	char *t;

	setvbuf(stdout, NULL, _IOFBF, 1 << 16);
	while ((n = getline(&line, &size, stdin)) > 0) {
		if (line[n - 1] == '\n')
			line[n - 1] = '\0';
		t = cat_text(cli, line, &len);
		if (t)
			fwrite(t, 1, len, stdout);
		free(t);
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
	size_t len;
	char *t;

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
	for (i = optind; i < argc; i++) {
		t = cat_text(cli, argv[i], &len);
		if (!t)
			return 1;
		fwrite(t, 1, len, stdout);
		free(t);
	}
	return fflush(stdout) ? 1 : 0;
}

const struct fs_command fs_cmd_cat = {
	.name = "cat",
	.run = run_cat,
	.usage = "cat FILE... | cat --serve",
	.help = "Print the backend's files as the module writes them: proc (/proc/forkstats),\n"
		"calls, hist, probes (debugfs).  --serve: answer file names read from stdin,\n"
		"each answer ended by a NUL byte.\n",
};
