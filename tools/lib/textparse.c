// SPDX-License-Identifier: GPL-2.0
#include "textparse.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

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

int fs_split(char *line, char **fields, int max)
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

int fs_parse_u64(const char *s, uint64_t *v)
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

int fs_parse_s64(const char *s, int64_t *v)
{
	char *end;
	long long x;

	if (!((*s >= '0' && *s <= '9') || (*s == '-' && s[1] >= '0' && s[1] <= '9')))
		return -1;
	errno = 0;
	x = strtoll(s, &end, 10);
	if (errno || *end)
		return -1;
	*v = x;
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

char *fs_text_copy(const char *text, size_t len, char *err, size_t errlen)
{
	const char *nul;
	char *buf;

	if (len == 0) {
		fs_fail(err, errlen, "empty file");
		return NULL;
	}
	nul = memchr(text, '\0', len);
	if (nul) {
		fs_fail(err, errlen, "binary data (NUL byte at offset %zu)", (size_t)(nul - text));
		return NULL;
	}
	if (text[len - 1] != '\n') {
		fs_fail(err, errlen, "truncated: the last line has no newline");
		return NULL;
	}
	buf = malloc(len + 1);
	if (!buf) {
		fs_fail(err, errlen, "out of memory");
		return NULL;
	}
	memcpy(buf, text, len);
	buf[len] = '\0';
	return buf;
}
