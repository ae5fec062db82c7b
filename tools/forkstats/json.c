// SPDX-License-Identifier: GPL-2.0
/* The CLI's one JSON writer (see json.h). */
#include "json.h"

#include <string.h>

#include "fmt.h"

void fs_json_init(struct fs_json *j, FILE *f)
{
	memset(j, 0, sizeof(*j));
	j->f = f;
}

/* Before a value: a comma unless it is the first at its level or follows a key. */
static void sep(struct fs_json *j)
{
	if (j->after_key) {
		j->after_key = 0;
		return;
	}
	if (j->count[j->depth]++)
		put_char(j->f, ',');
}

static void open_level(struct fs_json *j, char c)
{
	sep(j);
	put_char(j->f, c);
	if (j->depth < FS_JSON_DEPTH - 1)
		j->depth++;
	j->count[j->depth] = 0;
}

static void close_level(struct fs_json *j, char c)
{
	put_char(j->f, c);
	if (j->depth > 0)
		j->depth--;
}

void fs_json_begin_object(struct fs_json *j) { open_level(j, '{'); }
void fs_json_end_object(struct fs_json *j) { close_level(j, '}'); }
void fs_json_begin_array(struct fs_json *j) { open_level(j, '['); }
void fs_json_end_array(struct fs_json *j) { close_level(j, ']'); }

/* A byte a JSON string holds as it is. */
static int json_plain(unsigned char c)
{
	return c >= 0x20 && c < 0x7f && c != '"' && c != '\\';
}

static void put_string(FILE *f, const char *s)
{
	put_char(f, '"');
	for (; *s; s++) {
		if (json_plain((unsigned char)*s))
			put_char(f, *s);
		else if (*s == '"' || *s == '\\')
			fprintf(f, "\\%c", *s);
		else
			fprintf(f, "\\u%04x", (unsigned char)*s);
	}
	put_char(f, '"');
}

void fs_json_key(struct fs_json *j, const char *key)
{
	sep(j);
	put_string(j->f, key);
	put_char(j->f, ':');
	j->after_key = 1;
}

void fs_json_u64(struct fs_json *j, uint64_t v)
{
	char num[FS_NUM_MAX];

	sep(j);
	put(j->f, num, fmt_u64(num, v));
}

void fs_json_f64(struct fs_json *j, double v)
{
	sep(j);
	/* Enough digits to read back the same double; JSON has no NaN. */
	if (v != v)
		put(j->f, "null", 4);
	else
		fprintf(j->f, "%.17g", v);
}

void fs_json_i64(struct fs_json *j, int64_t v)
{
	char num[FS_NUM_MAX];

	sep(j);
	put(j->f, num, fmt_i64(num, v));
}

void fs_json_str(struct fs_json *j, const char *s)
{
	sep(j);
	put_string(j->f, s);
}

void fs_json_null(struct fs_json *j)
{
	sep(j);
	put(j->f, "null", 4);
}

void fs_json_bool(struct fs_json *j, int v)
{
	sep(j);
	put(j->f, v ? "true" : "false", v ? 4 : 5);
}

/* Ends a document: the next value starts a new one (NDJSON). */
void fs_json_done(struct fs_json *j)
{
	put_char(j->f, '\n');
	fflush(j->f);
	j->depth = 0;
	j->count[0] = 0;
	j->after_key = 0;
}
