// SPDX-License-Identifier: GPL-2.0
/* jsoncalls: "forkstats --json calls" back into struct fs_calls (jsoncalls.h). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <json-c/json.h>

#include "jsoncalls.h"

/* One column of a record: 0, or -1 when the value has the wrong type. */
static int column(struct json_object *v, int col, struct fs_call *x)
{
	struct fs_record *r = &x->r;
	const char *s;
	unsigned int k;

	if (json_object_is_type(v, json_type_null)) {
		x->unknown |= 1u << col;
		return 0;
	}
	switch (col) {
	case FS_COL_kind:
		if (!json_object_is_type(v, json_type_string))
			return -1;
		s = json_object_get_string(v);
		for (k = 0; k < FS_KIND_COUNT; k++)
			if (!strcmp(s, fs_kind_name(k)))
				break;
		if (k == FS_KIND_COUNT)
			return -1;
		r->kind = k;
		return 0;
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

int fs_json_calls_read(const char *path, struct fs_calls *out, char *err, size_t errlen)
{
	struct json_object *doc, *lost, *calls, *rec;
	size_t i, n;
	int col;

	memset(out, 0, sizeof(*out));
	doc = json_object_from_file(path);
	if (!doc) {
		snprintf(err, errlen, "%s: not one JSON document: %s", path, json_util_get_last_err());
		return -1;
	}
	if (!json_object_object_get_ex(doc, "lost", &lost) ||
	    !json_object_is_type(lost, json_type_int) ||
	    !json_object_object_get_ex(doc, "calls", &calls) ||
	    !json_object_is_type(calls, json_type_array)) {
		json_object_put(doc);
		snprintf(err, errlen, "%s: not {\"lost\": N, \"calls\": [...]}", path);
		return -1;
	}
	out->lost = json_object_get_uint64(lost);
	n = json_object_array_length(calls);
	out->v = calloc(n ? n : 1, sizeof(*out->v));
	if (!out->v) {
		json_object_put(doc);
		snprintf(err, errlen, "out of memory");
		return -1;
	}
	out->cap = n;
	for (i = 0; i < n; i++) {
		struct fs_call *x = &out->v[i];

		rec = json_object_array_get_idx(calls, i);
		if (!json_object_is_type(rec, json_type_object)) {
			json_object_put(doc);
			fs_calls_free(out);
			snprintf(err, errlen, "%s: record %zu is not an object", path, i);
			return -1;
		}
		for (col = 0; col < FS_COL_COUNT; col++) {
			struct json_object *v = NULL;

			/* Every column is written: a missing one is an error, null unknown. */
			if (!json_object_object_get_ex(rec, fs_record_column_name(col), &v) ||
			    column(v, col, x)) {
				json_object_put(doc);
				fs_calls_free(out);
				snprintf(err, errlen, "%s: column %s of record %zu missing or of the wrong type",
					 path, fs_record_column_name(col), i);
				return -1;
			}
		}
		out->n++;
	}
	json_object_put(doc);
	return 0;
}
