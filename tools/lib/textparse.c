// SPDX-License-Identifier: GPL-2.0
#include "textparse.h"

#include "paths.h"

#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

int fs_fail(char *err, size_t errlen, const char *fmt, ...)
{
	va_list ap;

	if (errlen) {
		va_start(ap, fmt);
		vsnprintf(err, errlen, fmt, ap);
		va_end(ap);
	}
	return -1;
}

/* A field ends at a space or a tab (strtok_r's " \t", without its cost). */
static int is_sep(char c)
{
	return c == ' ' || c == '\t';
}

int fs_split(char *line, char **fields, int max)
{
	int n = 0;
	char *p = line, *tok;

	for (;;) {
		while (is_sep(*p))
			p++;
		if (!*p)
			return n;
		tok = p;
		while (*p && !is_sep(*p))
			p++;
		if (*p)
			*p++ = '\0';
		if (n == max)
			return max + 1;
		fields[n++] = tok;
	}
}

/*
 * Decimal digits only, at least one, at most UINT64_MAX: what strtoull
 * accepts after a leading digit with nothing left over and no ERANGE.
 */
int fs_parse_u64(const char *s, uint64_t *v)
{
	uint64_t x = 0;
	unsigned int d;

	if (*s < '0' || *s > '9')
		return -1;
	for (; *s; s++) {
		d = (unsigned int)(unsigned char)*s - '0';
		if (d > 9 || x > UINT64_MAX / 10 || (x == UINT64_MAX / 10 && d > UINT64_MAX % 10))
			return -1;
		x = x * 10 + d;
	}
	*v = x;
	return 0;
}

int fs_parse_seconds(const char *s, double max_s, uint64_t *ns)
{
	char *end;
	double d;

	errno = 0;
	d = strtod(s, &end);
	if (end == s || *end || errno || !(d >= 0.1 && d <= max_s))
		return -1;
	*ns = (uint64_t)(d * 1e9 + 0.5);
	return 0;
}

/* An optional '-', then as fs_parse_u64, within INT64_MIN..INT64_MAX. */
int fs_parse_s64(const char *s, int64_t *v)
{
	int neg = *s == '-';
	uint64_t x;

	if (fs_parse_u64(s + neg, &x) || x > (uint64_t)INT64_MAX + (uint64_t)neg)
		return -1;
	/* -(x - 1) - 1: INT64_MIN too, without overflow. */
	*v = neg && x ? -(int64_t)(x - 1) - 1 : (int64_t)x;
	return 0;
}

int fs_parse_hex(const char *s, uint64_t *v)
{
	char *end;
	unsigned long long x;

	if (s[0] != '0' || s[1] != 'x' || !s[2])
		return -1;
	errno = 0;
	x = strtoull(s + 2, &end, 16);
	if (errno || *end || s[2] == '-' || s[2] == '+')
		return -1;
	*v = x;
	return 0;
}

int fs_valid_name(const char *s, size_t max)
{
	size_t n = strlen(s);

	if (n == 0 || n >= max)
		return 0;
	for (; *s; s++)
		if (!((*s >= 'a' && *s <= 'z') || (*s >= 'A' && *s <= 'Z') ||
		      (*s >= '0' && *s <= '9') || *s == '_' || *s == '.'))
			return 0;
	return 1;
}

/* The line (from 1) that holds offset off of text. */
static size_t line_of(const char *text, size_t off)
{
	size_t n = 1, i;

	for (i = 0; i < off; i++)
		n += text[i] == '\n';
	return n;
}

int fs_text_check(const char *text, size_t len, char *err, size_t errlen)
{
	const char *nul;

	if (len == 0)
		return fs_fail(err, errlen, "empty file");
	nul = memchr(text, '\0', len);
	if (nul)
		return fs_fail(err, errlen, "line %zu: binary data (NUL byte at offset %zu)",
			       line_of(text, (size_t)(nul - text)), (size_t)(nul - text));
	if (text[len - 1] != '\n')
		return fs_fail(err, errlen, "line %zu: truncated: the last line has no newline",
			       line_of(text, len - 1));
	return 0;
}

char *fs_text_copy(const char *text, size_t len, char *err, size_t errlen)
{
	char *buf;

	if (fs_text_check(text, len, err, errlen))
		return NULL;
	buf = malloc(len + 1);
	if (!buf) {
		fs_fail(err, errlen, "out of memory");
		return NULL;
	}
	memcpy(buf, text, len);
	buf[len] = '\0';
	return buf;
}

const char *fs_quote(const char *s, char *buf, size_t len)
{
	size_t n = 0, w;
	char one[8];

	for (; *s; s++) {
		unsigned char c = (unsigned char)*s;

		if (c < '!' || c > '~' || c == '\\' || c == '"') {
			w = (size_t)snprintf(one, sizeof(one), "\\x%02x", c);
		} else {
			one[0] = (char)c;
			w = 1;
		}
		/* Room for this byte, and for "..." after it unless it is the last. */
		if (n + w + (s[1] ? 4 : 1) > len) {
			memcpy(buf + n, "...", 3);
			n += 3;
			break;
		}
		memcpy(buf + n, one, w);
		n += w;
	}
	buf[n] = '\0';
	return buf;
}

char *fs_read_file(const char *path, size_t max, size_t *lenp, char *err, size_t errlen)
{
	size_t len = 0, cap = max < 65536 ? max : 65536;
	char *buf, *more;
	ssize_t n = 0;
	int fd;

	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0) {
		if (errno == ENOENT && !strcmp(path, FS_PROC_PATH))
			fs_fail(err, errlen, "%s not found: the forkstats module is not loaded (sudo insmod module/forkstats.ko)",
				path);
		else
			fs_fail(err, errlen, "%s: %s", path, strerror(errno));
		return NULL;
	}
	/* A buffer that grows with the file, up to max: no max-sized allocation for a small file. */
	buf = malloc(cap + 1);
	/* seq_file files must be read until EOF; one read may return a part. */
	while (buf) {
		if (len == cap) {
			if (cap == max)
				break;
			cap = cap > max / 2 ? max : 2 * cap;
			more = realloc(buf, cap + 1);
			if (!more) {
				free(buf);
				buf = NULL;
				break;
			}
			buf = more;
		}
		n = read(fd, buf + len, cap - len);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			break;
		len += (size_t)n;
	}
	close(fd);
	if (!buf) {
		fs_fail(err, errlen, "out of memory");
		return NULL;
	}
	if (n < 0 || len == max) {
		if (n < 0)
			fs_fail(err, errlen, "%s: %s", path, strerror(errno));
		else
			fs_fail(err, errlen, "%s: larger than %zu bytes", path, max);
		free(buf);
		return NULL;
	}
	buf[len] = '\0';
	*lenp = len;
	return buf;
}


int fs_read_parsed(const char *path, size_t max, fs_parse_fn parse, void *out,
		   char *err, size_t errlen)
{
	size_t len;
	char *buf = fs_read_file(path, max, &len, err, errlen);
	int ret;

	if (!buf)
		return -1;
	ret = parse(buf, len, out, err, errlen);
	if (ret && errlen) {
		char tmp[256];

		snprintf(tmp, sizeof(tmp), "%s", err);
		snprintf(err, errlen, "%s: %s", path, tmp);
	}
	free(buf);
	return ret;
}
