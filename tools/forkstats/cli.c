// SPDX-License-Identifier: GPL-2.0
/*
 * What the commands share (cli.h): error lines and usage, option parsing,
 * numbers and --kind, the path of a debugfs file, counters as JSON or text.
 */
#include <errno.h>
#include <getopt.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/statfs.h>
#include <unistd.h>

#include "calls.h"
#include "cli.h"
#include "procfile.h"
#include "textparse.h"

/*
 * The context of the command being run, for the global options typed after
 * its name (fs_cli_getopt); set once by main().
 */
static struct fs_cli *context;

#define FS_CLI_MAX_OPTS		32	/* long options of a command, at most */
#define FS_CLI_OPT_JSON		0x100	/* getopt's values of the global options: */
#define FS_CLI_OPT_BACKEND	0x101	/* no character */
#define FS_CLI_OPT_PROC		0x102
#define FS_CLI_OPT_DEBUGFS	0x103
#define FS_CLI_NGLOBAL		5	/* --json, --backend, --proc, --file, --debugfs */

void fs_cli_context(struct fs_cli *cli)
{
	context = cli;
}

int fs_cli_error(const char *fmt, ...)
{
	va_list ap;

	fputs("forkstats: ", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	return 1;
}

int fs_cli_usage(const struct fs_command *c)
{
	fprintf(stderr, "usage: forkstats [--json] %s\n(forkstats %s --help for more)\n", c->usage,
		c->name);
	return 2;
}

int fs_cli_usage_error(const struct fs_command *c, const char *fmt, ...)
{
	va_list ap;

	fprintf(stderr, "forkstats: %s: ", c->name);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	return fs_cli_usage(c);
}

int fs_cli_getopt_quiet(int argc, char **argv, const char *shortopts,
			const struct option *longopts, char *bad, size_t badlen)
{
	int plus = shortopts[0] == '+', before = optind, c, islong;
	const char *arg, *what;
	char opts[64];

	snprintf(opts, sizeof(opts), "%s:%s", plus ? "+" : "", shortopts + plus);
	c = getopt_long(argc, argv, opts, longopts, NULL);
	if (c != '?' && c != ':')
		return c;
	/* A long option is the word getopt just passed; a short one, its letter. */
	arg = optind > before && optind <= argc ? argv[optind - 1] : "";
	islong = !strncmp(arg, "--", 2);
	if (c == ':')
		what = "needs a value";
	else if (islong && optopt && strchr(arg, '='))
		what = "takes no value";
	else
		what = "is unknown";
	if (islong || !optopt)
		snprintf(bad, badlen, "'%.*s' %s", (int)strcspn(arg, "="), arg, what);
	else
		snprintf(bad, badlen, "'-%c' %s", optopt, what);
	return '?';
}

int fs_cli_open_source(struct fs_cli *cli)
{
	int attach = fs_source_would_attach(&cli->conf);
	int ret;

	cli->src_err[0] = '\0';
	ret = fs_source_open(&cli->src, &cli->conf, cli->src_err, sizeof(cli->src_err));
	cli->src_code = ret;
	if (ret)
		return ret;
	if (attach && fs_source_transient(cli->src))
		fprintf(stderr, "forkstats: %sthe BPF backend is attached for this run (%s chain) and detached at its end\n",
			cli->conf.backend == FS_BACKEND_AUTO ? "no backend was active: " : "",
			fs_source_chain(cli->src));
	return 0;
}

/* A global option typed after the command's name, into the context: 0, or 2 after the error. */
static int global_option(const struct fs_command *c, int ch)
{
	switch (ch) {
	case FS_CLI_OPT_JSON:
	case 'j':
		context->json = 1;
		return 0;
	case FS_CLI_OPT_BACKEND:
		if (fs_backend_parse(optarg, &context->conf.backend))
			return fs_cli_usage_error(c, "--backend must be auto, module or bpf, not '%s'",
						  optarg);
		return 0;
	case FS_CLI_OPT_PROC:
		context->conf.proc = optarg;
		context->conf.files_given = 1;
		return 0;
	default:
		context->conf.debugfs = optarg;
		context->conf.files_given = 1;
		return 0;
	}
}

int fs_cli_getopt(const struct fs_command *c, int argc, char **argv, const char *shortopts,
		  const struct option *longopts)
{
	static const struct option globals[FS_CLI_NGLOBAL] = {
		{ "json", no_argument, NULL, FS_CLI_OPT_JSON },
		{ "backend", required_argument, NULL, FS_CLI_OPT_BACKEND },
		{ "proc", required_argument, NULL, FS_CLI_OPT_PROC },
		{ "file", required_argument, NULL, FS_CLI_OPT_PROC },
		{ "debugfs", required_argument, NULL, FS_CLI_OPT_DEBUGFS },
	};
	struct option opts[FS_CLI_MAX_OPTS + FS_CLI_NGLOBAL + 1];
	char shorts[64], bad[96];
	int ch, global = 0, short_j = 0;
	size_t n = 0;

	/*
	 * The command's options, and the global ones that may follow its name
	 * as they may precede it (bpftool's way): --json, --backend, --proc,
	 * --file, --debugfs, and -j unless the command has a -j.  Where they
	 * are options of the command getopt says: not after "--", not as the
	 * value of an option, not after stat's CMD.
	 */
	while (longopts[n].name)
		n++;
	if (context && n <= FS_CLI_MAX_OPTS && strlen(shortopts) + 2 <= sizeof(shorts)) {
		memcpy(opts, longopts, n * sizeof(*opts));
		memcpy(opts + n, globals, sizeof(globals));
		opts[n + FS_CLI_NGLOBAL] = (struct option){ NULL, 0, NULL, 0 };
		short_j = !strchr(shortopts, 'j');
		snprintf(shorts, sizeof(shorts), "%s%s", shortopts, short_j ? "j" : "");
		shortopts = shorts;
		longopts = opts;
		global = 1;
	}
	for (;;) {
		ch = fs_cli_getopt_quiet(argc, argv, shortopts, longopts, bad, sizeof(bad));
		if (!global || !((ch >= FS_CLI_OPT_JSON && ch <= FS_CLI_OPT_DEBUGFS) ||
				 (short_j && ch == 'j')))
			break;
		if (global_option(c, ch))
			return '?';
	}
	if (ch == '?')
		fs_cli_usage_error(c, "option %s", bad);
	/* The options are all known: the source they choose. */
	if (ch == -1 && context && context->want_src && !context->src &&
	    fs_cli_open_source(context) && context->want_src == FS_CLI_SRC_NEEDED) {
		fs_cli_source_error(context, context->src_code, context->src_err);
		exit(1);
	}
	return ch;
}

int fs_cli_no_args(const struct fs_command *c, int argc, char **argv)
{
	static const struct option none[] = { { NULL, 0, NULL, 0 } };

	if (fs_cli_getopt(c, argc, argv, "", none) != -1)
		return 2;
	if (optind < argc)
		return fs_cli_usage_error(c, "unexpected argument '%s'", argv[optind]);
	return 0;
}

int fs_cli_number(const struct fs_command *c, const char *opt, const char *s, long long min,
		  long long max, long long *v)
{
	char *end;
	long long x;

	errno = 0;
	x = strtoll(s, &end, 10);
	if (!((*s >= '0' && *s <= '9') || (*s == '-' && s[1] >= '0' && s[1] <= '9')) ||
	    errno || *end || x < min || x > max)
		return fs_cli_usage_error(c, "%s wants a whole number from %lld to %lld, not '%s'",
					  opt, min, max, s);
	*v = x;
	return 0;
}

int fs_cli_help(const struct fs_command *c, int argc, char **argv)
{
	int i;

	for (i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "--"))
			break;
		if (!strcmp(argv[i], "-h") || !strcmp(argv[i], "--help")) {
			printf("usage: forkstats [--json] %s\n\n%s", c->usage, c->help);
			return 1;
		}
	}
	return 0;
}

int fs_cli_source_error(const struct fs_cli *cli, int code, const char *err)
{
	switch (code) {
	case FS_SRC_EACCES:
		return fs_cli_error("per-call data needs root (%s): run with sudo",
				    cli->src && fs_source_denied(cli->src)[0] ?
					    fs_source_denied(cli->src) : "debugfs is root-only");
	case FS_SRC_ENODEBUGFS:
		return fs_cli_error("debugfs is not mounted: sudo mount -t debugfs none /sys/kernel/debug");
	default:
		return fs_cli_error("%s", err);
	}
}

int fs_cli_kind(const struct fs_command *c, const char *name)
{
	unsigned int k;

	for (k = 0; k < FS_KIND_COUNT; k++)
		if (!strcmp(fs_kind_name(k), name))
			return (int)k;
	fs_cli_usage_error(c, "--kind must be fork, vfork, thread, clone or kthread, not '%s'",
			   name);
	return -1;
}

void fs_cli_json_counters(struct fs_cli *cli, const struct fs_proc_counter *v, size_t n)
{
	size_t i;

	fs_json_begin_object(&cli->j);
	for (i = 0; i < n; i++) {
		fs_json_key(&cli->j, v[i].name);
		fs_json_u64(&cli->j, v[i].value);
	}
	fs_json_end_object(&cli->j);
}

void fs_cli_json_backend(struct fs_cli *cli, const struct fs_proc *p)
{
	char abuf[sizeof(p->approx)], *tok, *save = NULL;

	fs_json_key(&cli->j, "backend");
	fs_json_str(&cli->j, p->backend);
	fs_json_key(&cli->j, "chain");
	if (p->chain[0])
		fs_json_str(&cli->j, p->chain);
	else
		fs_json_null(&cli->j);
	fs_json_key(&cli->j, "approximate");
	fs_json_begin_array(&cli->j);
	snprintf(abuf, sizeof(abuf), "%s", p->approx);
	for (tok = strtok_r(abuf, ",", &save); tok; tok = strtok_r(NULL, ",", &save))
		fs_json_str(&cli->j, tok);
	fs_json_end_array(&cli->j);
}

void fs_cli_print_counters(const struct fs_proc_counter *v, size_t n, int width)
{
	size_t i;

	for (i = 0; i < n; i++)
		printf("%-*s %llu\n", width, v[i].name, (unsigned long long)v[i].value);
}
