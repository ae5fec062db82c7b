// SPDX-License-Identifier: GPL-2.0
/* Parser for the text form of per-call records (see calls.h). */
#include "calls.h"

#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "textparse.h"

enum col_type { T_U64, T_U32, T_S32, T_HEX, T_KIND, T_COMM };

static const struct {
	const char *name;
	enum col_type type;
} cols[] = {
#define FS_COL_DESC(name, type) { #name, T_##type },
	FS_RECORD_COLUMNS(FS_COL_DESC)
#undef FS_COL_DESC
};

/* Columns without which a record is meaningless. */
static const int required[] = { FS_COL_seq, FS_COL_kind, FS_COL_child_pid, FS_COL_err };

const char *fs_record_column_name(int col)
{
	return col >= 0 && col < FS_COL_COUNT ? cols[col].name : "?";
}

size_t fs_comm_escape(const char *comm, char *out)
{
	size_t i, n = 0;

	for (i = 0; i < FS_COMM_LEN && comm[i]; i++) {
		unsigned char ch = (unsigned char)comm[i];

		if (ch < '!' || ch > '~' || ch == '\\')
			n += (size_t)sprintf(out + n, "\\x%02x", ch);
		else
			out[n++] = (char)ch;
	}
	out[n] = '\0';
	return n;
}

int fs_record_column(const char *name)
{
	int i;

	for (i = 0; i < FS_COL_COUNT; i++)
		if (!strcmp(cols[i].name, name))
			return i;
	return -1;
}

int fs_calls_header(char *line, struct fs_calls_cols *c, char *err, size_t errlen)
{
	char *f[FS_CALLS_MAX_FIELDS + 2], q[FS_QUOTE_MAX];
	int n, i, col;
	uint32_t seen = 0;

	n = fs_split(line, f, FS_CALLS_MAX_FIELDS + 1);
	if (n < 2 || strcmp(f[0], "#"))
		return fs_fail(err, errlen, "expected the header \"# <columns>\"");
	if (n > FS_CALLS_MAX_FIELDS + 1)
		return fs_fail(err, errlen, "more than %d columns", FS_CALLS_MAX_FIELDS);
	c->n = n - 1;
	for (i = 1; i < n; i++) {
		/* Unknown names are columns of a later module; not any bytes. */
		if (!fs_valid_name(f[i], 64))
			return fs_fail(err, errlen, "bad column name \"%s\"", fs_quote(f[i], q, sizeof(q)));
		col = fs_record_column(f[i]);
		if (col >= 0 && (seen & (1u << col)))
			return fs_fail(err, errlen, "column %s listed twice", f[i]);
		if (col >= 0)
			seen |= 1u << col;
		c->map[i - 1] = col;
	}
	for (i = 0; i < (int)(sizeof(required) / sizeof(required[0])); i++)
		if (!(seen & (1u << required[i])))
			return fs_fail(err, errlen, "the header lacks column %s", cols[required[i]].name);
	c->present = seen;
	return 0;
}

/*
 * A comm as the files write it: at most FS_COMM_LEN - 1 bytes (the kernel's),
 * those outside '!'..'~' (and '\\') as \xHH escapes.
 */
static int parse_comm(const char *s, char *out)
{
	size_t n = 0;
	unsigned int x;

	memset(out, 0, FS_COMM_LEN);
	while (*s) {
		if (n == FS_COMM_LEN - 1)
			return -1;
		if (*s == '\\') {
			/* Exactly two hex digits, and never NUL (a comm has none). */
			if (s[1] != 'x' || !isxdigit((unsigned char)s[2]) ||
			    !isxdigit((unsigned char)s[3]) || sscanf(s + 2, "%2x", &x) != 1 || !x)
				return -1;
			out[n++] = (char)x;
			s += 4;
		} else if (*s >= '!' && *s <= '~') {
			out[n++] = *s++;
		} else {
			return -1;
		}
	}
	return 0;
}

static int set_field(struct fs_record *r, int col, const char *s)
{
	uint64_t u;
	int64_t i;
	unsigned int k;

	switch (cols[col].type) {
	case T_U64:
	case T_U32:
		if (fs_parse_u64(s, &u) || (cols[col].type == T_U32 && u > UINT32_MAX))
			return -1;
		break;
	case T_S32:
		if (fs_parse_s64(s, &i) || i < INT32_MIN || i > INT32_MAX)
			return -1;
		u = (uint64_t)i;
		break;
	case T_HEX:
		if (fs_parse_hex(s, &u))
			return -1;
		break;
	case T_KIND:
		for (k = 0; k < FS_KIND_COUNT; k++)
			if (!strcmp(fs_kind_name(k), s))
				break;
		if (k == FS_KIND_COUNT)
			return -1;
		u = k;
		break;
	case T_COMM:
		return parse_comm(s, r->comm);
	}
	switch (col) {
#define FS_COL_SET_U64(name) case FS_COL_##name: r->name = u; break;
	FS_COL_SET_U64(seq) FS_COL_SET_U64(ts_ns) FS_COL_SET_U64(flags)
	FS_COL_SET_U64(create_ns) FS_COL_SET_U64(total_ns) FS_COL_SET_U64(pgtable_bytes)
	FS_COL_SET_U64(rss_pages) FS_COL_SET_U64(cow_parent) FS_COL_SET_U64(cow_child)
	FS_COL_SET_U64(cow_copies) FS_COL_SET_U64(cow_reuses)
#undef FS_COL_SET_U64
#define FS_COL_SET_32(name, type) case FS_COL_##name: r->name = (type)u; break;
	FS_COL_SET_32(parent_tgid, int32_t) FS_COL_SET_32(parent_pid, int32_t)
	FS_COL_SET_32(child_pid, int32_t) FS_COL_SET_32(err, int32_t)
	FS_COL_SET_32(vmas, uint32_t) FS_COL_SET_32(vmas_copied, uint32_t)
	FS_COL_SET_32(kind, uint32_t)
#undef FS_COL_SET_32
	default:
		break;
	}
	return 0;
}

int fs_calls_record(char *line, const struct fs_calls_cols *c, struct fs_call *out,
		    char *err, size_t errlen)
{
	char *f[FS_CALLS_MAX_FIELDS + 1], q[FS_QUOTE_MAX];
	int n, i, col;

	memset(out, 0, sizeof(*out));
	out->unknown = ~c->present & ((1u << FS_COL_COUNT) - 1);
	n = fs_split(line, f, FS_CALLS_MAX_FIELDS);
	if (n != c->n)
		return fs_fail(err, errlen, "expected %d fields, found %d", c->n,
			       n > FS_CALLS_MAX_FIELDS ? FS_CALLS_MAX_FIELDS + 1 : n);
	for (i = 0; i < n; i++) {
		col = c->map[i];
		if (col < 0)
			continue;
		if (!strcmp(f[i], "-")) {
			if (col == FS_COL_seq || col == FS_COL_kind)
				return fs_fail(err, errlen, "%s cannot be unknown", cols[col].name);
			out->unknown |= 1u << col;
			continue;
		}
		if (set_field(&out->r, col, f[i]))
			return fs_fail(err, errlen, "%s: bad value \"%s\"", cols[col].name,
				       fs_quote(f[i], q, sizeof(q)));
	}
	out->r.done = !(out->unknown & (1u << FS_COL_total_ns));
	return 0;
}

int fs_calls_push(struct fs_calls *c, const struct fs_call *x)
{
	if (c->n == c->cap) {
		size_t cap = c->cap ? c->cap * 2 : 256;
		struct fs_call *v = realloc(c->v, cap * sizeof(*v));

		if (!v)
			return -1;
		c->v = v;
		c->cap = cap;
	}
	c->v[c->n++] = *x;
	return 0;
}

static int push(void *ctx, const struct fs_call *x)
{
	return fs_calls_push(ctx, x);
}

/* The lines of buf (checked by fs_text_check, NUL-terminated), parsed in place. */
static int parse_lines(char *buf, fs_call_fn fn, void *ctx, uint64_t *lostp, char *err,
		       size_t errlen)
{
	struct fs_calls_cols cols_map;
	char *line, *next, reason[200];
	struct fs_call x;
	int lineno = 0;
	uint64_t lost;

	for (line = buf; *line; line = next) {
		next = strchr(line, '\n');
		*next++ = '\0';
		lineno++;
		if (lineno == 1) {
			if (fs_calls_header(line, &cols_map, reason, sizeof(reason)))
				return fs_fail(err, errlen, "line 1: %s", reason);
			continue;
		}
		if (!strncmp(line, "# lost ", 7)) {
			if (fs_parse_u64(line + 7, &lost))
				return fs_fail(err, errlen, "line %d: bad \"# lost\" line", lineno);
			*lostp += lost;
			continue;
		}
		if (fs_calls_record(line, &cols_map, &x, reason, sizeof(reason)))
			return fs_fail(err, errlen, "line %d: %s", lineno, reason);
		if (fn(ctx, &x))
			return fs_fail(err, errlen, "out of memory");
	}
	return 0;
}

int fs_calls_parse_each(char *text, size_t len, fs_call_fn fn, void *ctx, uint64_t *lost,
			char *err, size_t errlen)
{
	if (fs_text_check(text, len, err, errlen))
		return -1;
	return parse_lines(text, fn, ctx, lost, err, errlen);
}

int fs_calls_parse(const char *text, size_t len, struct fs_calls *out, char *err, size_t errlen)
{
	char *buf;
	int ret;

	memset(out, 0, sizeof(*out));
	buf = fs_text_copy(text, len, err, errlen);
	if (!buf)
		return -1;
	ret = parse_lines(buf, push, out, &out->lost, err, errlen);
	if (ret)
		fs_calls_free(out);
	free(buf);
	return ret;
}

/* The file's buffer is parsed in place: no copy of a ring's megabytes. */
static int parse_calls(char *text, size_t len, void *out, char *err, size_t errlen)
{
	struct fs_calls *c = out;
	int ret;

	memset(c, 0, sizeof(*c));
	ret = fs_calls_parse_each(text, len, push, c, &c->lost, err, errlen);
	if (ret)
		fs_calls_free(c);
	return ret;
}

int fs_calls_read(const char *path, struct fs_calls *out, char *err, size_t errlen)
{
	return fs_read_parsed(path, FS_CALLS_MAX_BYTES, parse_calls, out, err, errlen);
}

void fs_events_init(struct fs_events *e, int fd)
{
	memset(e, 0, offsetof(struct fs_events, buf));
	e->fd = fd;
}

int fs_events_next(struct fs_events *e, struct fs_call *x, uint64_t *lost, char *err,
		   size_t errlen)
{
	char *p, *nl, reason[200];
	ssize_t r;

	for (;;) {
		nl = memchr(e->buf + e->start, '\n', e->have - e->start);
		if (!nl) {
			/* No whole line: make room, then read more. */
			memmove(e->buf, e->buf + e->start, e->have - e->start);
			e->have -= e->start;
			e->start = 0;
			if (e->have == sizeof(e->buf))
				return fs_fail(err, errlen, "line %llu: longer than %zu bytes",
					       e->lineno + 1, sizeof(e->buf) - 1);
			r = read(e->fd, e->buf + e->have, sizeof(e->buf) - e->have);
			if (r < 0 && (errno == EAGAIN || errno == EINTR))
				return FS_EVENTS_AGAIN;
			if (r < 0)
				return fs_fail(err, errlen, "%s", strerror(errno));
			if (r == 0 && e->have)
				return fs_fail(err, errlen, "line %llu: truncated: the last line has no newline",
					       e->lineno + 1);
			if (r == 0 && !e->header)
				return fs_fail(err, errlen, "empty: the stream ended before its header");
			if (r == 0)
				return FS_EVENTS_END;
			e->have += (size_t)r;
			continue;
		}
		p = e->buf + e->start;
		*nl = '\0';
		e->start = (size_t)(nl + 1 - e->buf);
		e->lineno++;
		if (memchr(p, '\0', (size_t)(nl - p)))
			return fs_fail(err, errlen, "line %llu: binary data (NUL byte)", e->lineno);
		if (!e->header) {
			if (fs_calls_header(p, &e->cols, reason, sizeof(reason)))
				return fs_fail(err, errlen, "line %llu: %s", e->lineno, reason);
			e->header = 1;
			continue;
		}
		if (!strncmp(p, "# lost ", 7)) {
			if (fs_parse_u64(p + 7, lost))
				return fs_fail(err, errlen, "line %llu: bad \"# lost\" line", e->lineno);
			return FS_EVENTS_LOST;
		}
		if (fs_calls_record(p, &e->cols, x, reason, sizeof(reason)))
			return fs_fail(err, errlen, "line %llu: %s", e->lineno, reason);
		return FS_EVENTS_RECORD;
	}
}

void fs_calls_free(struct fs_calls *c)
{
	free(c->v);
	memset(c, 0, sizeof(*c));
}
