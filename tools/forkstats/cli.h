/* SPDX-License-Identifier: GPL-2.0 */
/* forkstats CLI: what the subcommands share. */
#ifndef FORKSTATS_CLI_H
#define FORKSTATS_CLI_H

#include <stddef.h>
#include <stdio.h>

#include "json.h"
#include "prom.h"
#include "source.h"
#include "table.h"

/* The context every command is handed. */
struct fs_cli {
	int json;			/* --json */
	struct fs_source_conf conf;	/* --backend, --proc, --debugfs */
	struct fs_source *src;		/* where the data comes from (source.h), opened at
					   the end of the command's options; NULL for
					   attach and detach, and for status when it
					   could not be opened */
	int want_src;			/* FS_CLI_SRC_*: what the command needs of src */
	int src_code;			/* status: why src is NULL (source.h's codes) */
	char src_err[1024];		/* ... in one line */
	struct fs_json j;
};

#define FS_CLI_SRC_NONE		0	/* attach, detach */
#define FS_CLI_SRC_NEEDED	1	/* not opened: the error line, exit 1 */
#define FS_CLI_SRC_OPTIONAL	2	/* status: not opened is said by the command */

struct fs_command {
	const char *name;
	int (*run)(struct fs_cli *cli, int argc, char **argv);
	const char *usage;		/* synopsis line(s) */
	const char *help;		/* what it does, options */
};

/*
 * The context of the command about to run: fs_cli_getopt sets in it the
 * global options typed after the command's name (--json, -j).
 */
void fs_cli_context(struct fs_cli *cli);
/* One error line "forkstats: ...", returns 1. */
int fs_cli_error(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* Usage of a command on stderr, returns 2. */
int fs_cli_usage(const struct fs_command *c);
/* A bad argument: one line "forkstats: COMMAND: ..." naming it, the usage; returns 2. */
int fs_cli_usage_error(const struct fs_command *c, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
/*
 * getopt_long for a command: the next option, or -1 after the last; '?'
 * after a bad one (unknown, without its value, or with a value it does not
 * take), said by fs_cli_usage_error: the command then returns 2.  The global
 * options --json (-j), --backend, --proc (--file) and --debugfs are taken
 * here too, into the context, and not returned.  At -1 the context's source
 * is opened (want_src): where it cannot be, the error line is said and the
 * process exits 1 (nothing of the command's is open yet).
 */
struct option;
int fs_cli_getopt(const struct fs_command *c, int argc, char **argv, const char *shortopts,
		  const struct option *longopts);
/*
 * getopt_long without its own messages (a leading ':'); after a bad option,
 * '?' and what is wrong with it in bad: "'--bogus' is unknown".  For main().
 */
int fs_cli_getopt_quiet(int argc, char **argv, const char *shortopts,
			const struct option *longopts, char *bad, size_t badlen);
/* A command without options or arguments: 0, or 2 after fs_cli_usage_error. */
int fs_cli_no_args(const struct fs_command *c, int argc, char **argv);
/*
 * The value of a numeric option (decimal, min..max) in *v: 0, or 2 after
 * fs_cli_usage_error.
 */
int fs_cli_number(const struct fs_command *c, const char *opt, const char *s, long long min,
		  long long max, long long *v);
/* Print a command's help on stdout when argv holds -h/--help; returns 1 if so. */
int fs_cli_help(const struct fs_command *c, int argc, char **argv);
/*
 * The source of the context, opened as conf says: 0, or a source.h code
 * with cli->src_err.  A BPF backend attached for this run is said on stderr
 * in one line.
 */
int fs_cli_open_source(struct fs_cli *cli);
/*
 * A source's failure (source.h) said in one line, in the CLI's words (not
 * root, module not loaded, debugfs not mounted, or err); returns 1.
 */
int fs_cli_source_error(const struct fs_cli *cli, int code, const char *err);

/* --kind KIND: the enum fs_kind, or -1 after fs_cli_usage_error. */
int fs_cli_kind(const struct fs_command *c, const char *name);

struct fs_proc_counter;
/* "name value" counters: as a JSON object, or as aligned text lines. */
void fs_cli_json_counters(struct fs_cli *cli, const struct fs_proc_counter *v, size_t n);
void fs_cli_print_counters(const struct fs_proc_counter *v, size_t n, int width);
struct fs_proc;
/* The keys "backend", "chain" (or null) and "approximate" ([...]) of a proc file. */
void fs_cli_json_backend(struct fs_cli *cli, const struct fs_proc *p);

extern const struct fs_command fs_cmd_show, fs_cmd_status, fs_cmd_calls, fs_cmd_hist,
	fs_cmd_reset;
extern const struct fs_command fs_cmd_stat;
extern const struct fs_command fs_cmd_top;
extern const struct fs_command fs_cmd_attach, fs_cmd_detach, fs_cmd_cat;
extern const struct fs_command fs_cmd_export;

/*
 * prometheus.c: the metrics of /proc/forkstats and, where readable, debugfs
 * hist and probes, in Prometheus text on f.  What could not be read is in
 * missing (a bit per file, and why), for fs_prometheus_missing to say on
 * stderr, with why /proc/forkstats could not be read (then nothing is
 * written).  Returns 0, or 1: /proc/forkstats unreadable, or a debugfs file
 * that does not parse (said at once; the rest is written).
 */
#define FS_PROM_MISSING_HIST	1u
#define FS_PROM_MISSING_PROBES	2u
#define FS_PROM_MISSING_PROC	4u	/* /proc/forkstats: nothing written */
struct fs_prom_missing {
	unsigned int mask;
	char hist[600], probes[600];	/* why each is missing ("" after a parse error) */
	char proc[600];			/* why /proc/forkstats could not be read */
};
int fs_prometheus_write(struct fs_cli *cli, FILE *f, struct fs_prom_missing *missing);
void fs_prometheus_missing(const char *cmd, const struct fs_prom_missing *missing);

#endif /* FORKSTATS_CLI_H */
