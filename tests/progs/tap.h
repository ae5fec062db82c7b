/* SPDX-License-Identifier: GPL-2.0 */
/*
 * TAP for every C test program (tests/progs/): tap() prints one "ok - ..."
 * or "not ok - ..." line and counts failures; diag() prints a "# ..." line;
 * bail() reports a failed call (errno) as a failure and exits 1;
 * vmpte_bytes() reads a process's VmPTE.  The shell's tap_run (tests/tap.sh)
 * numbers the lines into its stream.
 */
#ifndef FS_TESTS_PROGS_TAP_H
#define FS_TESTS_PROGS_TAP_H

#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/types.h>
#include <unistd.h>

/* The "not ok" lines so far: one count for a program made of several files
 * (weak: every file's definition is the same object). */
__attribute__((weak)) int failures;

static inline void tap(int ok, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static inline void tap(int ok, const char *fmt, ...)
{
	va_list ap;

	printf("%s - ", ok ? "ok" : "not ok");
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	putchar('\n');
	fflush(stdout);
	failures += !ok;
}

static inline void diag(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static inline void diag(const char *fmt, ...)
{
	va_list ap;

	printf("# ");
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	printf("\n");
	fflush(stdout);
}

static inline void bail(const char *what)
{
	tap(0, "%s: %s", what, strerror(errno));
	exit(1);
}

/* VmPTE of a live process, in bytes, read without touching the heap. */
static inline uint64_t vmpte_bytes(pid_t pid)
{
	char path[64], buf[4096], *s;
	ssize_t n;
	int fd;

	snprintf(path, sizeof(path), "/proc/%d/status", (int)pid);
	fd = open(path, O_RDONLY);
	if (fd < 0)
		bail(path);
	n = read(fd, buf, sizeof(buf) - 1);
	close(fd);
	if (n <= 0)
		bail(path);
	buf[n] = '\0';
	s = strstr(buf, "VmPTE:");
	return s ? strtoull(s + 6, NULL, 10) * 1024 : UINT64_MAX;
}

#endif
