// SPDX-License-Identifier: GPL-2.0
/*
 * forkstats export --textfile DIR [--interval SECS]: the metrics of
 * "show --prometheus" in DIR/forkstats.prom, for node_exporter's textfile
 * collector.  The file is replaced atomically: the text goes to a temporary
 * file in DIR (".forkstats.prom.XXXXXX": a name the collector ignores), is
 * flushed to disk, made readable by all (0644; the collector runs as another
 * user) and renamed over forkstats.prom, then DIR itself is synced.  A reader
 * sees the old file or the new one, never a part.
 */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "cli.h"
#include "textparse.h"

#define EXPORT_FILE "forkstats.prom"

static volatile sig_atomic_t stop;

static void on_signal(int sig)
{
	(void)sig;
	stop = 1;
}

/* Problems with DIR itself: 2 (the first write ends export), others 1. */
static int dir_error(const char *dir, const char *what, int e)
{
	fs_cli_error("export: %s: %s: %s", dir, what, strerror(e));
	return 2;
}

/*
 * One export: 0 written; 1 not written (an error line said why), 2 not
 * written because of DIR; 3 written, but a debugfs file did not parse.
 */
static int export_once(struct fs_cli *cli, const char *dir, struct fs_prom_missing *missing)
{
	char tmp[4096], dst[4096];
	struct stat st;
	int fd, dfd, ret, e;
	FILE *f;

	memset(missing, 0, sizeof(*missing));	/* nothing read yet: nothing to say missing */
	if (stat(dir, &st))
		return dir_error(dir, "cannot use the directory", errno);
	if (!S_ISDIR(st.st_mode))
		return dir_error(dir, "cannot use the directory", ENOTDIR);
	if ((size_t)snprintf(tmp, sizeof(tmp), "%s/.%s.XXXXXX", dir, EXPORT_FILE) >= sizeof(tmp) ||
	    (size_t)snprintf(dst, sizeof(dst), "%s/%s", dir, EXPORT_FILE) >= sizeof(dst))
		return dir_error(dir, "cannot use the directory", ENAMETOOLONG);
	fd = mkstemp(tmp);
	if (fd < 0)
		return dir_error(dir, "cannot create a file in the directory", errno);
	f = fdopen(fd, "w");
	if (!f) {
		e = errno;
		close(fd);
		unlink(tmp);
		return dir_error(dir, "cannot write a file in the directory", e);
	}
	ret = fs_prometheus_write(cli, f, missing);
	if (missing->mask & FS_PROM_MISSING_PROC) {
		fclose(f);
		unlink(tmp);
		return 1;
	}
	if (fflush(f) || ferror(f) || fchmod(fd, 0644) || fsync(fd)) {
		e = errno;
		fclose(f);
		unlink(tmp);
		return dir_error(dir, "cannot write a file in the directory", e);
	}
	if (fclose(f)) {
		e = errno;
		unlink(tmp);
		return dir_error(dir, "cannot write a file in the directory", e);
	}
	if (rename(tmp, dst)) {
		e = errno;
		unlink(tmp);
		return dir_error(dir, "cannot rename the new " EXPORT_FILE " into place", e);
	}
	/* The rename itself on disk. */
	dfd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (dfd >= 0) {
		fsync(dfd);
		close(dfd);
	}
	return ret ? 3 : 0;
}

static int same_missing(const struct fs_prom_missing *a, const struct fs_prom_missing *b)
{
	return a->mask == b->mask && !strcmp(a->hist, b->hist) && !strcmp(a->probes, b->probes) &&
	       !strcmp(a->proc, b->proc);
}

static int run(struct fs_cli *cli, int argc, char **argv)
{
	static const struct option opts[] = {
		{ "textfile", required_argument, NULL, 't' },
		{ "interval", required_argument, NULL, 'i' },
		{ NULL, 0, NULL, 0 },
	};
	struct sigaction sa = { .sa_handler = on_signal };	/* no SA_RESTART */
	struct fs_prom_missing missing, said = { .mask = 0 };
	const char *dir = NULL;
	uint64_t interval = 0;
	struct timespec next;
	int c, r, first = 1;

	while ((c = fs_cli_getopt(&fs_cmd_export, argc, argv, "", opts)) != -1) {
		switch (c) {
		case 't':
			dir = optarg;
			break;
		case 'i':
			if (fs_parse_seconds(optarg, 86400, &interval))
				return fs_cli_usage_error(&fs_cmd_export,
							  "--interval wants seconds from 0.1 to 86400, not '%s'",
							  optarg);
			break;
		default:
			return 2;
		}
	}
	if (optind < argc)
		return fs_cli_usage_error(&fs_cmd_export, "unexpected argument '%s'", argv[optind]);
	if (!dir || !dir[0])
		return fs_cli_usage_error(&fs_cmd_export, "--textfile DIR is required");
	if (cli->json)
		return fs_cli_usage_error(&fs_cmd_export, "--json does not apply: the output is Prometheus text");

	if (!interval) {
		r = export_once(cli, dir, &missing);
		fs_prometheus_missing("export", &missing);
		return r ? 1 : 0;
	}
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	clock_gettime(CLOCK_MONOTONIC, &next);
	while (!stop) {
		r = export_once(cli, dir, &missing);
		if (r == 2 && first)
			return 1;	/* DIR is wrong from the start: say it once and stop */
		/* What is missing or unreadable, when it changes (not once per interval). */
		if (!same_missing(&missing, &said)) {
			fs_prometheus_missing("export", &missing);
			said = missing;
		}
		first = 0;
		next.tv_sec += (time_t)(interval / 1000000000u);
		next.tv_nsec += (long)(interval % 1000000000u);
		if (next.tv_nsec >= 1000000000L) {
			next.tv_sec++;
			next.tv_nsec -= 1000000000L;
		}
		while (!stop && clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME, &next, NULL) == EINTR)
			;
	}
	return 0;
}

const struct fs_command fs_cmd_export = {
	.name = "export",
	.run = run,
	.usage = "export --textfile DIR [--interval SECS]",
	.help = "Writes the metrics of 'show --prometheus' to DIR/forkstats.prom for node_exporter's\n"
		"textfile collector (--collector.textfile.directory=DIR).  The file is replaced\n"
		"atomically: written to a temporary file in DIR, synced, renamed over it.\n"
		"  --textfile DIR   the directory (it must exist and be writable)\n"
		"  --interval SECS  write again every SECS seconds (0.1 to 86400) until SIGINT or\n"
		"                   SIGTERM; an error is said on stderr (once while it lasts)\n"
		"                   and the next write tried\n"
		"Without root the latency histograms and the probes' state are left out (said on\n"
		"stderr).  Exit status: 0 written; 1 not written, or written without a debugfs\n"
		"file that did not parse; 2 bad arguments.\n",
};
