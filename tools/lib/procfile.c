// SPDX-License-Identifier: GPL-2.0
/*
 * Parser for /proc/forkstats.
 *
 *   forkstats 1
 *   probe   hits   missed
 *   <name>  <u64>  <u64>
 *   ...
 *
 * Strict: any line that is not exactly of this form is an error naming the
 * line, so that a truncated or future file is never half-read.
 */
#include "procfile.h"

#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static int fail(char *err, size_t errlen, const char *fmt, ...)
{
	va_list ap;

	if (errlen) {
		va_start(ap, fmt);
		vsnprintf(err, errlen, fmt, ap);
		va_end(ap);
	}
	return -1;
}

/* Split a line into at most max whitespace-separated fields, in place. */
static int split(char *line, char **fields, int max)
{
	int n = 0;
	char *save = NULL, *tok;

	for (tok = strtok_r(line, " \t", &save); tok; tok = strtok_r(NULL, " \t", &save)) {
		if (n == max)
			return max + 1;
		fields[n++] = tok;
	}
	return n;
}

static int parse_u64(const char *s, uint64_t *v)
{
	char *end;
	unsigned long long x;

	if (*s < '0' || *s > '9')
		return -1;
	errno = 0;
	x = strtoull(s, &end, 10);
	if (errno || *end)
		return -1;
	*v = x;
	return 0;
}

static int valid_name(const char *s)
{
	size_t n = strlen(s);

	if (n == 0 || n >= FS_PROC_NAME_MAX)
		return 0;
	for (; *s; s++)
		if (!((*s >= 'a' && *s <= 'z') || (*s >= 'A' && *s <= 'Z') ||
		      (*s >= '0' && *s <= '9') || *s == '_' || *s == '.'))
			return 0;
	return 1;
}

int fs_proc_parse(const char *text, size_t len, struct fs_proc *out,
		  char *err, size_t errlen)
{
	char *buf, *line, *next, *f[4];
	int lineno = 0, n, ret = -1;
	uint64_t v;

	memset(out, 0, sizeof(*out));
	if (len == 0)
		return fail(err, errlen, "empty file");
	if (memchr(text, '\0', len))
		return fail(err, errlen, "binary data (NUL byte at offset %zu)",
			    (size_t)((const char *)memchr(text, '\0', len) - text));
	if (text[len - 1] != '\n')
		return fail(err, errlen, "truncated: the last line has no newline");
	buf = malloc(len + 1);
	if (!buf)
		return fail(err, errlen, "out of memory");
	memcpy(buf, text, len);
	buf[len] = '\0';

	for (line = buf; *line; line = next) {
		next = strchr(line, '\n');
		*next++ = '\0';
		lineno++;
		n = split(line, f, 3);
		if (lineno == 1) {
			if (n != 2 || strcmp(f[0], "forkstats") || parse_u64(f[1], &v)) {
				fail(err, errlen, "line 1: not a forkstats file (expected \"forkstats <version>\")");
				goto out;
			}
			if (v != FS_PROC_VERSION) {
				fail(err, errlen, "format version %llu is not supported (this forkstats reads version %d): update the tools to match the module",
				     (unsigned long long)v, FS_PROC_VERSION);
				goto out;
			}
			out->version = (unsigned int)v;
		} else if (lineno == 2) {
			if (n != 3 || strcmp(f[0], "probe") || strcmp(f[1], "hits") ||
			    strcmp(f[2], "missed")) {
				fail(err, errlen, "line 2: expected the header \"probe hits missed\"");
				goto out;
			}
		} else {
			struct fs_probe_row *r;

			if (n != 3) {
				fail(err, errlen, "line %d: expected 3 fields, found %d", lineno,
				     n > 3 ? 4 : n);
				goto out;
			}
			if (!valid_name(f[0])) {
				fail(err, errlen, "line %d: bad probe name", lineno);
				goto out;
			}
			if (out->nprobes == FS_PROC_MAX_PROBES) {
				fail(err, errlen, "line %d: more than %d probes", lineno,
				     FS_PROC_MAX_PROBES);
				goto out;
			}
			r = &out->probes[out->nprobes];
			if (parse_u64(f[1], &r->hits) || parse_u64(f[2], &r->missed)) {
				fail(err, errlen, "line %d: counts must be unsigned 64-bit decimals",
				     lineno);
				goto out;
			}
			if (fs_proc_probe(out, f[0])) {
				fail(err, errlen, "line %d: probe %s listed twice", lineno, f[0]);
				goto out;
			}
			strcpy(r->name, f[0]);
			out->nprobes++;
		}
	}
	if (lineno < 2) {
		fail(err, errlen, "truncated: no header line");
		goto out;
	}
	ret = 0;
out:
	free(buf);
	if (ret)
		memset(out, 0, sizeof(*out));
	return ret;
}

int fs_proc_read(const char *path, struct fs_proc *out, char *err, size_t errlen)
{
	char *buf;
	size_t len = 0;
	ssize_t n = 0;
	int fd, ret;

	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0) {
		if (errno == ENOENT && !strcmp(path, FS_PROC_PATH))
			return fail(err, errlen, "%s not found: the forkstats module is not loaded (sudo insmod module/forkstats.ko)",
				    path);
		return fail(err, errlen, "%s: %s", path, strerror(errno));
	}
	buf = malloc(FS_PROC_MAX_BYTES);
	if (!buf) {
		close(fd);
		return fail(err, errlen, "out of memory");
	}
	/* seq_file files must be read until EOF; one read may return a part. */
	while (len < FS_PROC_MAX_BYTES) {
		n = read(fd, buf + len, FS_PROC_MAX_BYTES - len);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			break;
		len += (size_t)n;
	}
	if (n < 0) {
		ret = fail(err, errlen, "%s: %s", path, strerror(errno));
	} else if (len == FS_PROC_MAX_BYTES) {
		ret = fail(err, errlen, "%s: larger than %d bytes", path, FS_PROC_MAX_BYTES);
	} else {
		ret = fs_proc_parse(buf, len, out, err, errlen);
		if (ret && errlen) {
			char tmp[256];

			snprintf(tmp, sizeof(tmp), "%s", err);
			snprintf(err, errlen, "%s: %s", path, tmp);
		}
	}
	free(buf);
	close(fd);
	return ret;
}

const struct fs_probe_row *fs_proc_probe(const struct fs_proc *p, const char *name)
{
	size_t i;

	for (i = 0; i < p->nprobes; i++)
		if (!strcmp(p->probes[i].name, name))
			return &p->probes[i];
	return NULL;
}
