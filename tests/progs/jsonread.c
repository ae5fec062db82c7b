// SPDX-License-Identifier: GPL-2.0
/* jsonread: the CLI's JSON documents back into the structs of tools/lib (jsonread.h). */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <json-c/json.h>

#include "jsonread.h"

static int fail(char *err, size_t errlen, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(err, errlen, fmt, ap);
	va_end(ap);
	return -1;
}

/*
 * The next JSON document of text[*pos, len) (leading white space skipped):
 * the object, NULL at the end of the text, or NULL and *bad set.
 */
static struct json_object *next_doc(const char *text, size_t len, size_t *pos, int *bad,
				    char *err, size_t errlen)
{
	struct json_tokener *tok;
	struct json_object *o;
	enum json_tokener_error e;

	*bad = 0;
	while (*pos < len && strchr(" \t\r\n", text[*pos]))
		(*pos)++;
	if (*pos >= len)
		return NULL;
	tok = json_tokener_new();
	if (!tok) {
		*bad = fail(err, errlen, "out of memory");
		return NULL;
	}
	o = json_tokener_parse_ex(tok, text + *pos, (int)(len - *pos));
	e = json_tokener_get_error(tok);
	if (e != json_tokener_success) {
		*bad = fail(err, errlen, "not JSON at offset %zu: %s", *pos,
			    e == json_tokener_continue ? "incomplete document" :
			    json_tokener_error_desc(e));
		json_object_put(o);
		json_tokener_free(tok);
		return NULL;
	}
	*pos += json_tokener_get_parse_end(tok);
	json_tokener_free(tok);
	return o;
}

/* Exactly one document in text: the object, or NULL with a reason. */
static struct json_object *one_doc(const char *text, size_t len, char *err, size_t errlen)
{
	struct json_object *o, *more;
	size_t pos = 0;
	int bad;

	o = next_doc(text, len, &pos, &bad, err, errlen);
	if (!o) {
		if (!bad)
			fail(err, errlen, "no JSON document");
		return NULL;
	}
	more = next_doc(text, len, &pos, &bad, err, errlen);
	if (more || bad) {
		json_object_put(more);
		json_object_put(o);
		fail(err, errlen, "more than one JSON document");
		return NULL;
	}
	return o;
}

static int kind_of(struct json_object *v, unsigned int *kind)
{
	unsigned int k;

	if (!json_object_is_type(v, json_type_string))
		return -1;
	for (k = 0; k < FS_KIND_COUNT; k++)
		if (!strcmp(json_object_get_string(v), fs_kind_name(k))) {
			*kind = k;
			return 0;
		}
	return -1;
}

/* One column of a record: 0, or -1 when the value has the wrong type. */
static int column(struct json_object *v, int col, struct fs_call *x)
{
	struct fs_record *r = &x->r;

	if (json_object_is_type(v, json_type_null)) {
		x->unknown |= 1u << col;
		return 0;
	}
	switch (col) {
	case FS_COL_kind:
		return kind_of(v, &r->kind);
	case FS_COL_comm:
		if (!json_object_is_type(v, json_type_string) ||
		    json_object_get_string_len(v) > FS_COMM_LEN)
			return -1;
		memset(r->comm, 0, sizeof(r->comm));
		memcpy(r->comm, json_object_get_string(v), (size_t)json_object_get_string_len(v));
		return 0;
	default:
		break;
	}
	if (!json_object_is_type(v, json_type_int))
		return -1;
	switch (col) {
#define U(name) case FS_COL_##name: r->name = json_object_get_uint64(v); return 0;
#define I(name) case FS_COL_##name: r->name = (__s32)json_object_get_int64(v); return 0;
	U(seq) U(ts_ns) U(flags) U(create_ns) U(total_ns) U(pgtable_bytes) U(rss_pages)
	U(cow_parent) U(cow_child) U(cow_copies) U(cow_reuses) U(vmas) U(vmas_copied)
	I(parent_tgid) I(parent_pid) I(child_pid) I(err)
#undef U
#undef I
	default:
		return -1;
	}
}

/* One calls document into *out (appended). */
static int calls_doc(struct json_object *doc, struct fs_calls *out, char *err, size_t errlen)
{
	struct json_object *lost, *calls, *rec;
	struct fs_call *v;
	size_t i, n;
	int col;

	if (!json_object_object_get_ex(doc, "lost", &lost) ||
	    !json_object_is_type(lost, json_type_int) ||
	    !json_object_object_get_ex(doc, "calls", &calls) ||
	    !json_object_is_type(calls, json_type_array))
		return fail(err, errlen, "not {\"lost\": N, \"calls\": [...]}");
	out->lost += json_object_get_uint64(lost);
	n = json_object_array_length(calls);
	if (out->n + n > out->cap) {
		v = realloc(out->v, (out->n + n + 1) * sizeof(*v));
		if (!v)
			return fail(err, errlen, "out of memory");
		out->v = v;
		out->cap = out->n + n + 1;
	}
	for (i = 0; i < n; i++) {
		struct fs_call *x = &out->v[out->n];

		memset(x, 0, sizeof(*x));
		rec = json_object_array_get_idx(calls, i);
		if (!json_object_is_type(rec, json_type_object))
			return fail(err, errlen, "record %zu is not an object", i);
		for (col = 0; col < FS_COL_COUNT; col++) {
			struct json_object *c = NULL;

			/* Every column is written: a missing one is an error, null unknown. */
			if (!json_object_object_get_ex(rec, fs_record_column_name(col), &c) ||
			    column(c, col, x))
				return fail(err, errlen, "column %s of record %zu missing or of the wrong type",
					    fs_record_column_name(col), i);
		}
		/* As the text parser (calls.c): seq and kind always known, done by total_ns. */
		if (x->unknown & ((1u << FS_COL_seq) | (1u << FS_COL_kind)))
			return fail(err, errlen, "record %zu: seq or kind unknown", i);
		x->r.done = !(x->unknown & (1u << FS_COL_total_ns));
		out->n++;
	}
	return 0;
}

int fs_json_calls_parse(const char *text, size_t len, struct fs_calls *out, char *err,
			size_t errlen)
{
	struct json_object *doc;
	size_t pos = 0;
	int bad, ndocs = 0;

	memset(out, 0, sizeof(*out));
	while ((doc = next_doc(text, len, &pos, &bad, err, errlen))) {
		ndocs++;
		bad = calls_doc(doc, out, err, errlen);
		json_object_put(doc);
		if (bad)
			break;
	}
	if (!bad && !ndocs)
		bad = fail(err, errlen, "no JSON document");
	if (bad)
		fs_calls_free(out);
	return bad;
}

int fs_json_calls_read(const char *path, struct fs_calls *out, char *err, size_t errlen)
{
	char *text = NULL, e[256];
	size_t cap = 0, len = 0, n;
	FILE *f = fopen(path, "r");
	int ret;

	if (!f)
		return fail(err, errlen, "%s: %s", path, strerror(errno));
	do {
		if (len == cap) {
			char *t = realloc(text, cap = cap ? 2 * cap : 1 << 16);

			if (!t) {
				free(text);
				fclose(f);
				return fail(err, errlen, "out of memory");
			}
			text = t;
		}
		n = fread(text + len, 1, cap - len, f);
		len += n;
	} while (n);
	ret = ferror(f) ? fail(e, sizeof(e), "%s", strerror(errno)) :
	      fs_json_calls_parse(text, len, out, e, sizeof(e));
	fclose(f);
	free(text);
	return ret ? fail(err, errlen, "%s: %s", path, e) : 0;
}

static void str_field(struct json_object *doc, const char *key, char *dst, size_t size)
{
	struct json_object *v;

	if (json_object_object_get_ex(doc, key, &v) && json_object_is_type(v, json_type_string))
		snprintf(dst, size, "%s", json_object_get_string(v));
}

/* A row of the show document's kinds: a kind's, or the total; *seen gets its bit. */
static int proc_row(struct json_object *o, struct fs_proc *out, unsigned int *seen, char *err,
		    size_t errlen)
{
	struct json_object *v;
	struct fs_proc_row *row;
	const char *name;
	unsigned int k;
	int col;

	if (!json_object_object_get_ex(o, "kind", &v) || !json_object_is_type(v, json_type_string))
		return fail(err, errlen, "a row of kinds without a kind");
	name = json_object_get_string(v);
	if (!strcmp(name, "total"))
		k = FS_KIND_COUNT;
	else if (kind_of(v, &k))
		return fail(err, errlen, "a row of kinds of an unknown kind");
	if (*seen & (1u << k))
		return fail(err, errlen, "two rows of kind %s", name);
	*seen |= 1u << k;
	row = k == FS_KIND_COUNT ? &out->total : &out->kinds[k];
	for (col = 0; col < FS_AGG_COUNT; col++) {
		if (!json_object_object_get_ex(o, fs_agg_json_key(col), &v))
			return fail(err, errlen, "kind %s: no %s", name, fs_agg_json_key(col));
		if (json_object_is_type(v, json_type_null)) {
			row->unknown |= 1u << col;
			continue;
		}
		if (!json_object_is_type(v, json_type_int))
			return fail(err, errlen, "kind %s: %s is not a number", name,
				    fs_agg_json_key(col));
		row->v[col] = json_object_get_uint64(v);
	}
	return 0;
}

int fs_json_proc_parse(const char *text, size_t len, struct fs_proc *out, char *err,
		       size_t errlen)
{
	struct json_object *doc, *kinds, *counters;
	struct json_object_iterator it, end;
	unsigned int seen = 0;
	size_t i;
	int ret = 0;

	memset(out, 0, sizeof(*out));
	doc = one_doc(text, len, err, errlen);
	if (!doc)
		return -1;
	if (!json_object_object_get_ex(doc, "kinds", &kinds) ||
	    !json_object_is_type(kinds, json_type_array) ||
	    json_object_array_length(kinds) != FS_KIND_COUNT + 1 ||
	    !json_object_object_get_ex(doc, "counters", &counters) ||
	    !json_object_is_type(counters, json_type_object)) {
		json_object_put(doc);
		return fail(err, errlen, "not a show document (kinds: every kind and total, counters)");
	}
	str_field(doc, "kernel", out->kernel, sizeof(out->kernel));
	str_field(doc, "split", out->split, sizeof(out->split));
	str_field(doc, "backend", out->backend, sizeof(out->backend));
	str_field(doc, "chain", out->chain, sizeof(out->chain));
	for (i = 0; !ret && i <= FS_KIND_COUNT; i++)
		ret = proc_row(json_object_array_get_idx(kinds, i), out, &seen, err, errlen);
	it = json_object_iter_begin(counters);
	end = json_object_iter_end(counters);
	for (; !ret && !json_object_iter_equal(&it, &end); json_object_iter_next(&it)) {
		struct json_object *v = json_object_iter_peek_value(&it);
		struct fs_proc_counter *c = &out->counters[out->ncounters];

		if (out->ncounters == FS_PROC_MAX_COUNTERS || !json_object_is_type(v, json_type_int)) {
			ret = fail(err, errlen, "counters: more than %d, or one not a number",
				   FS_PROC_MAX_COUNTERS);
			break;
		}
		snprintf(c->name, sizeof(c->name), "%s", json_object_iter_peek_name(&it));
		c->value = json_object_get_uint64(v);
		out->ncounters++;
	}
	json_object_put(doc);
	return ret;
}

int fs_json_hist_counts(const char *text, size_t len, uint64_t counts[FS_KIND_COUNT][2],
			char *err, size_t errlen)
{
	struct json_object *doc, *o, *v, *lat;
	unsigned int k;
	size_t i, n;
	int ret = 0;

	doc = one_doc(text, len, err, errlen);
	if (!doc)
		return -1;
	if (!json_object_is_type(doc, json_type_array)) {
		json_object_put(doc);
		return fail(err, errlen, "not a hist document (an array)");
	}
	n = json_object_array_length(doc);
	for (i = 0; !ret && i < n; i++) {
		o = json_object_array_get_idx(doc, i);
		if (!json_object_object_get_ex(o, "kind", &v) || kind_of(v, &k) ||
		    !json_object_object_get_ex(o, "latency", &lat) ||
		    !json_object_is_type(lat, json_type_string) ||
		    (strcmp(json_object_get_string(lat), "create") &&
		     strcmp(json_object_get_string(lat), "total")) ||
		    !json_object_object_get_ex(o, "count", &v) || !json_object_is_type(v, json_type_int)) {
			ret = fail(err, errlen, "hist bucket %zu: no kind, latency or count", i);
			break;
		}
		counts[k][!strcmp(json_object_get_string(lat), "total")] += json_object_get_uint64(v);
	}
	json_object_put(doc);
	return ret;
}
