// SPDX-License-Identifier: GPL-2.0
/*
 * Parser for /proc/forkstats, format version 2:
 *
 *   forkstats 2 kernel=<release> split=<copies|reuses|unknown> page_size=<bytes> probes=<a,b,...>
 *   kind  <column> <column> ...
 *   <kind> <value> <value> ...        one row per kind, then "total"
 *   <blank line>
 *   <name> <value>                    counters
 *
 * Columns are found by the header's names; a value "-" is unknown.  Strict
 * otherwise: a line that is not of this form is an error naming the line, so
 * that a truncated or future file is never half-read.
 */
#include "procfile.h"

#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "textparse.h"

static const char *const agg_names[] = {
#define FS_AGG_NAME(name) #name,
	FS_AGG_COLUMNS(FS_AGG_NAME)
#undef FS_AGG_NAME
};

int fs_agg_column(const char *name)
{
	int i;

	for (i = 0; i < FS_AGG_COUNT; i++)
		if (!strcmp(agg_names[i], name))
			return i;
	return -1;
}

const char *fs_agg_column_name(int col)
{
	return col >= 0 && col < FS_AGG_COUNT ? agg_names[col] : "?";
}

const char *fs_agg_json_key(int col)
{
	if (col == FS_AGG_create_avg_ns)
		return "create_ns_mean";
	if (col == FS_AGG_total_avg_ns)
		return "total_ns_mean";
	return fs_agg_column_name(col);
}

static int kind_index(const char *name)
{
	unsigned int k;

	for (k = 0; k < FS_KIND_COUNT; k++)
		if (!strcmp(fs_kind_name(k), name))
			return (int)k;
	return strcmp(name, "total") ? -1 : FS_KIND_COUNT;
}

/*
 * The value of a key of line 1 into dst: printable, without spaces (the file
 * never has any), and whole: a value that does not fit is an error, never
 * cut.
 */
static int key_value(const char *key, const char *val, char *dst, size_t size, char *err,
		     size_t errlen)
{
	const char *c;
	char q[FS_QUOTE_MAX];

	for (c = val; *c; c++)
		if (*c < '!' || *c > '~')
			return fs_fail(err, errlen, "line 1: %s=: bad value \"%s\"", key,
				       fs_quote(val, q, sizeof(q)));
	if (strlen(val) >= size)
		return fs_fail(err, errlen, "line 1: %s=: longer than %zu bytes", key, size - 1);
	memcpy(dst, val, strlen(val) + 1);
	return 0;
}

static int parse_first_line(char *line, struct fs_proc *out, char *err, size_t errlen)
{
	static const struct {
		const char *key;
		size_t off, size;
	} keys[] = {
#define KEY(name) { #name, offsetof(struct fs_proc, name), sizeof(((struct fs_proc *)0)->name) }
		KEY(kernel), KEY(split), KEY(backend), KEY(chain), KEY(approx),
#undef KEY
	};
	char *f[16], *val, q[FS_QUOTE_MAX];
	int n, i;
	size_t k;
	uint64_t v;

	n = fs_split(line, f, 15);
	if (n < 2 || strcmp(f[0], "forkstats") || fs_parse_u64(f[1], &v))
		return fs_fail(err, errlen, "line 1: not a forkstats file (expected \"forkstats <version> ...\")");
	if (v != FS_PROC_VERSION)
		return fs_fail(err, errlen, "format version %llu is not supported (this forkstats reads version %d): update the tools to match the module",
			       (unsigned long long)v, FS_PROC_VERSION);
	out->version = (unsigned int)v;
	snprintf(out->backend, sizeof(out->backend), "module");
	if (n > 15)
		return fs_fail(err, errlen, "line 1: too many fields");
	for (i = 2; i < n; i++) {
		val = strchr(f[i], '=');
		if (!val)
			return fs_fail(err, errlen, "line 1: expected key=value, found \"%s\"",
				       fs_quote(f[i], q, sizeof(q)));
		*val++ = '\0';
		for (k = 0; k < sizeof(keys) / sizeof(keys[0]); k++)
			if (!strcmp(f[i], keys[k].key))
				break;
		if (k < sizeof(keys) / sizeof(keys[0])) {
			if (key_value(f[i], val, (char *)out + keys[k].off, keys[k].size, err, errlen))
				return -1;
		} else if (!strcmp(f[i], "page_size")) {
			if (fs_parse_u64(val, &out->page_size) || !out->page_size)
				return fs_fail(err, errlen, "line 1: page_size=: bad value \"%s\"",
					       fs_quote(val, q, sizeof(q)));
		} else if (!strcmp(f[i], "probes")) {
			char *save = NULL, *p;

			for (p = strtok_r(val, ",", &save); p; p = strtok_r(NULL, ",", &save)) {
				if (out->nprobes == FS_PROC_MAX_PROBES || !fs_valid_name(p, FS_PROC_NAME_MAX))
					return fs_fail(err, errlen, "line 1: bad probe list");
				snprintf(out->probes[out->nprobes++], FS_PROC_NAME_MAX, "%s", p);
			}
		}
		/* Other keys are ignored: later versions of the module may add some. */
	}
	return 0;
}

/* The table as line 2 lays it out, and the kinds read so far. */
struct agg_table {
	int colmap[64];		/* field i + 1's column of fs_proc_row, or -1 */
	int ncols;
	uint32_t seen;		/* bit k: kind k's row was read (FS_KIND_COUNT: total) */
};

/* Line 2, the table header "kind <columns>", split into n fields f. */
static int parse_header(char **f, int n, struct agg_table *t, char *err, size_t errlen)
{
	char q[FS_QUOTE_MAX];
	int i;

	if (n < 2 || strcmp(f[0], "kind"))
		return fs_fail(err, errlen, "line 2: expected the table header \"kind <columns>\"");
	if (n > 64)
		return fs_fail(err, errlen, "line 2: more than 63 columns");
	for (i = 1; i < n; i++) {
		/* Unknown names are columns of a later module; not any bytes. */
		if (!fs_valid_name(f[i], 64))
			return fs_fail(err, errlen, "line 2: bad column name \"%s\"",
				       fs_quote(f[i], q, sizeof(q)));
		t->colmap[i - 1] = fs_agg_column(f[i]);
	}
	t->ncols = n - 1;
	return 0;
}

/* One row of the table, "<kind> <value> ...", split into n (> 0) fields f. */
static int parse_row(char **f, int n, int lineno, struct agg_table *t, struct fs_proc *out,
		     char *err, size_t errlen)
{
	struct fs_proc_row *row;
	char q[FS_QUOTE_MAX];
	int i, k;

	k = kind_index(f[0]);
	if (k < 0)
		return fs_fail(err, errlen, "line %d: unknown kind \"%s\"", lineno,
			       fs_quote(f[0], q, sizeof(q)));
	if (n != t->ncols + 1)
		return fs_fail(err, errlen, "line %d: row %s has the wrong number of fields",
			       lineno, fs_quote(f[0], q, sizeof(q)));
	if (t->seen & (1u << k))
		return fs_fail(err, errlen, "line %d: kind %s listed twice", lineno,
			       fs_quote(f[0], q, sizeof(q)));
	t->seen |= 1u << k;
	row = k == FS_KIND_COUNT ? &out->total : &out->kinds[k];
	row->unknown = (1u << FS_AGG_COUNT) - 1;
	for (i = 0; i < t->ncols; i++) {
		if (t->colmap[i] < 0)
			continue;
		if (!strcmp(f[i + 1], "-"))
			continue;
		if (fs_parse_u64(f[i + 1], &row->v[t->colmap[i]]))
			return fs_fail(err, errlen, "line %d: %s: bad value \"%s\"", lineno,
				       agg_names[t->colmap[i]], fs_quote(f[i + 1], q, sizeof(q)));
		row->unknown &= ~(1u << t->colmap[i]);
	}
	return 0;
}

int fs_proc_parse(const char *text, size_t len, struct fs_proc *out,
		  char *err, size_t errlen)
{
	enum { HEAD, TABLE, COUNTERS } state = HEAD;
	struct agg_table t = { .ncols = 0 };
	int lineno = 0, n, ret = -1;
	char *buf, *line, *next, *f[65];

	memset(out, 0, sizeof(*out));
	buf = fs_text_copy(text, len, err, errlen);
	if (!buf)
		return -1;
	for (line = buf; *line; line = next) {
		next = strchr(line, '\n');
		*next++ = '\0';
		lineno++;
		if (lineno == 1) {
			if (parse_first_line(line, out, err, errlen))
				goto out;
			continue;
		}
		n = fs_split(line, f, 64);
		if (lineno == 2) {
			if (parse_header(f, n, &t, err, errlen))
				goto out;
			state = TABLE;
			continue;
		}
		if (state == TABLE) {
			if (n == 0) {
				state = COUNTERS;
				continue;
			}
			if (parse_row(f, n, lineno, &t, out, err, errlen))
				goto out;
			continue;
		}
		if (fs_counter_line(f, n, out->counters, &out->ncounters, lineno, err, errlen))
			goto out;
	}
	if (state != COUNTERS) {
		fs_fail(err, errlen, "truncated: %s", lineno < 2 ? "no table header" : "the table does not end");
		goto out;
	}
	if (t.seen != (1u << (FS_KIND_COUNT + 1)) - 1) {
		fs_fail(err, errlen, "the table lacks a row for some kind");
		goto out;
	}
	ret = 0;
out:
	free(buf);
	if (ret)
		memset(out, 0, sizeof(*out));
	return ret;
}

static int parse_proc(char *text, size_t len, void *out, char *err, size_t errlen)
{
	return fs_proc_parse(text, len, out, err, errlen);
}

int fs_proc_read(const char *path, struct fs_proc *out, char *err, size_t errlen)
{
	return fs_read_parsed(path, FS_PROC_MAX_BYTES, parse_proc, out, err, errlen);
}

int fs_counter_line(char **f, int n, struct fs_proc_counter *v, size_t *count, int lineno,
		    char *err, size_t errlen)
{
	uint64_t x;

	if (n != 2 || !fs_valid_name(f[0], FS_PROC_NAME_MAX) || fs_parse_u64(f[1], &x))
		return fs_fail(err, errlen, "line %d: expected \"<name> <value>\"", lineno);
	if (*count == FS_PROC_MAX_COUNTERS)
		return fs_fail(err, errlen, "line %d: more than %d counters", lineno,
			       FS_PROC_MAX_COUNTERS);
	snprintf(v[*count].name, FS_PROC_NAME_MAX, "%s", f[0]);
	v[(*count)++].value = x;
	return 0;
}

const struct fs_proc_counter *fs_counter_find(const struct fs_proc_counter *v, size_t n,
					      const char *name)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (!strcmp(v[i].name, name))
			return &v[i];
	return NULL;
}

const struct fs_proc_counter *fs_proc_counter(const struct fs_proc *p, const char *name)
{
	return fs_counter_find(p->counters, p->ncounters, name);
}
