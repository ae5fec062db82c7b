// SPDX-License-Identifier: GPL-2.0
/*
 * Parser for debugfs forkstats/hist:
 *
 *   # kind latency lo_ns hi_ns count
 *   <kind> <create|total> <u64> <u64> <u64>
 */
#include "histfile.h"

#include <stdlib.h>
#include <string.h>

#include "textparse.h"

int fs_hist_parse(const char *text, size_t len, struct fs_hist *out, char *err, size_t errlen)
{
	char *buf, *line, *next, *f[7];
	int lineno = 0, n, ret = -1;
	unsigned int k;

	memset(out, 0, sizeof(*out));
	buf = fs_text_copy(text, len, err, errlen);
	if (!buf)
		return -1;
	for (line = buf; *line; line = next) {
		struct fs_hist_bucket b;

		next = strchr(line, '\n');
		*next++ = '\0';
		lineno++;
		n = fs_split(line, f, 6);
		if (lineno == 1) {
			if (n != 6 || strcmp(f[0], "#") || strcmp(f[1], "kind") ||
			    strcmp(f[2], "latency") || strcmp(f[3], "lo_ns") ||
			    strcmp(f[4], "hi_ns") || strcmp(f[5], "count")) {
				fs_fail(err, errlen, "line 1: expected \"# kind latency lo_ns hi_ns count\"");
				goto out;
			}
			continue;
		}
		for (k = 0; n == 5 && k < FS_KIND_COUNT; k++)
			if (!strcmp(fs_kind_name(k), f[0]))
				break;
		if (n != 5 || k == FS_KIND_COUNT || (strcmp(f[1], "create") && strcmp(f[1], "total")) ||
		    fs_parse_u64(f[2], &b.lo_ns) || fs_parse_u64(f[3], &b.hi_ns) ||
		    fs_parse_u64(f[4], &b.count) || b.lo_ns > b.hi_ns) {
			fs_fail(err, errlen, "line %d: expected \"<kind> <create|total> <lo_ns> <hi_ns> <count>\"", lineno);
			goto out;
		}
		b.kind = k;
		b.total = !strcmp(f[1], "total");
		if (out->n == out->cap) {
			size_t cap = out->cap ? out->cap * 2 : 64;
			struct fs_hist_bucket *v = realloc(out->v, cap * sizeof(*v));

			if (!v) {
				fs_fail(err, errlen, "out of memory");
				goto out;
			}
			out->v = v;
			out->cap = cap;
		}
		out->v[out->n++] = b;
	}
	if (lineno == 0) {
		fs_fail(err, errlen, "empty file");
		goto out;
	}
	ret = 0;
out:
	free(buf);
	if (ret)
		fs_hist_free(out);
	return ret;
}

static int parse_hist(char *text, size_t len, void *out, char *err, size_t errlen)
{
	return fs_hist_parse(text, len, out, err, errlen);
}

int fs_hist_read(const char *path, struct fs_hist *out, char *err, size_t errlen)
{
	return fs_read_parsed(path, 1 << 20, parse_hist, out, err, errlen);
}

void fs_hist_free(struct fs_hist *h)
{
	free(h->v);
	memset(h, 0, sizeof(*h));
}
