// SPDX-License-Identifier: GPL-2.0
/* The CLI's output layer: tables as text or JSON (see output.h). */
#include "output.h"

#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

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
		fputc(',', j->f);
}

static void open_level(struct fs_json *j, char c)
{
	sep(j);
	fputc(c, j->f);
	if (j->depth < FS_JSON_DEPTH - 1)
		j->depth++;
	j->count[j->depth] = 0;
}

static void close_level(struct fs_json *j, char c)
{
	fputc(c, j->f);
	if (j->depth > 0)
		j->depth--;
}

void fs_json_begin_object(struct fs_json *j) { open_level(j, '{'); }
void fs_json_end_object(struct fs_json *j) { close_level(j, '}'); }
void fs_json_begin_array(struct fs_json *j) { open_level(j, '['); }
void fs_json_end_array(struct fs_json *j) { close_level(j, ']'); }

static void put_string(FILE *f, const char *s)
{
	fputc('"', f);
	for (; *s; s++) {
		unsigned char c = (unsigned char)*s;

		if (c == '"' || c == '\\')
			fprintf(f, "\\%c", c);
		else if (c < 0x20 || c >= 0x7f)
			fprintf(f, "\\u%04x", c);
		else
			fputc(c, f);
	}
	fputc('"', f);
}

void fs_json_key(struct fs_json *j, const char *key)
{
	sep(j);
	put_string(j->f, key);
	fputc(':', j->f);
	j->after_key = 1;
}

void fs_json_u64(struct fs_json *j, uint64_t v)
{
	sep(j);
	fprintf(j->f, "%" PRIu64, v);
}

void fs_json_f64(struct fs_json *j, double v)
{
	sep(j);
	/* Enough digits to read back the same double; JSON has no NaN. */
	if (v != v)
		fputs("null", j->f);
	else
		fprintf(j->f, "%.17g", v);
}

void fs_json_i64(struct fs_json *j, int64_t v)
{
	sep(j);
	fprintf(j->f, "%" PRId64, v);
}

void fs_json_str(struct fs_json *j, const char *s)
{
	sep(j);
	put_string(j->f, s);
}

void fs_json_null(struct fs_json *j)
{
	sep(j);
	fputs("null", j->f);
}

void fs_json_bool(struct fs_json *j, int v)
{
	sep(j);
	fputs(v ? "true" : "false", j->f);
}

/* Ends a document: the next value starts a new one (NDJSON). */
void fs_json_done(struct fs_json *j)
{
	fputc('\n', j->f);
	fflush(j->f);
	j->depth = 0;
	j->count[0] = 0;
	j->after_key = 0;
}

void fs_table_init(struct fs_table *t, int ncols, const char *const *keys,
		   const char *const *heads)
{
	memset(t, 0, sizeof(*t));
	t->ncols = ncols;
	t->keys = keys;
	t->heads = heads;
}

struct fs_cell *fs_table_row(struct fs_table *t)
{
	struct fs_cell *row;
	int i;

	if (t->nrows == t->cap) {
		size_t cap = t->cap ? t->cap * 2 : 64;
		struct fs_cell *c = realloc(t->cells, cap * t->ncols * sizeof(*c));

		if (!c)
			return NULL;
		t->cells = c;
		t->cap = cap;
	}
	row = &t->cells[t->nrows++ * t->ncols];
	for (i = 0; i < t->ncols; i++) {
		row[i].type = FS_CELL_UNKNOWN;
		strcpy(row[i].text, "-");
	}
	return row;
}

void fs_cell_u64(struct fs_cell *c, uint64_t v)
{
	c->type = FS_CELL_U64;
	c->u = v;
	snprintf(c->text, sizeof(c->text), "%" PRIu64, v);
}

void fs_cell_i64(struct fs_cell *c, int64_t v)
{
	c->type = FS_CELL_I64;
	c->i = v;
	snprintf(c->text, sizeof(c->text), "%" PRId64, v);
}

void fs_cell_f64(struct fs_cell *c, double v)
{
	c->type = FS_CELL_F64;
	c->f = v;
	snprintf(c->text, sizeof(c->text), "%.2f", v);
}

void fs_cell_str(struct fs_cell *c, const char *s)
{
	c->type = FS_CELL_STR;
	snprintf(c->text, sizeof(c->text), "%s", s);
}

static void scaled(struct fs_cell *c, uint64_t v, const char *const *units, int nunits,
		   unsigned int step)
{
	double x = (double)v;
	int i = 0;

	c->type = FS_CELL_U64;
	c->u = v;
	while (x >= step && i < nunits - 1) {
		x /= step;
		i++;
	}
	if (i == 0)
		snprintf(c->text, sizeof(c->text), "%" PRIu64 " %s", v, units[0]);
	else
		snprintf(c->text, sizeof(c->text), "%.1f %s", x, units[i]);
}

void fs_cell_ns(struct fs_cell *c, uint64_t ns)
{
	static const char *const u[] = { "ns", "us", "ms", "s" };

	scaled(c, ns, u, 4, 1000);
}

void fs_cell_bytes(struct fs_cell *c, uint64_t bytes)
{
	static const char *const u[] = { "B", "KiB", "MiB", "GiB", "TiB" };

	scaled(c, bytes, u, 5, 1024);
}

void fs_cell_hex(struct fs_cell *c, uint64_t v)
{
	c->type = FS_CELL_U64;
	c->u = v;
	snprintf(c->text, sizeof(c->text), "0x%" PRIx64, v);
}

void fs_table_widths(const struct fs_table *t, size_t *w)
{
	size_t r, n;
	int i;

	for (i = 0; i < t->ncols; i++) {
		n = strlen(t->heads[i]);
		w[i] = n > w[i] ? n : w[i];
		for (r = 0; r < t->nrows; r++) {
			n = strlen(t->cells[r * t->ncols + i].text);
			w[i] = n > w[i] ? n : w[i];
		}
	}
}

void fs_table_print_head_w(const struct fs_table *t, const size_t *w, FILE *f)
{
	int i;

	/* Text columns left-aligned, numbers right-aligned (as the first row's cells). */
	for (i = 0; i < t->ncols; i++) {
		int left = t->nrows && t->cells[i].type == FS_CELL_STR;

		fprintf(f, "%s%*s", i ? "  " : "", left ? -(int)w[i] : (int)w[i], t->heads[i]);
	}
	fputc('\n', f);
}

void fs_table_print_row_w(const struct fs_table *t, size_t r, const size_t *w, FILE *f)
{
	int i;

	for (i = 0; i < t->ncols; i++) {
		const struct fs_cell *c = &t->cells[r * t->ncols + i];
		int left = c->type == FS_CELL_STR;

		fprintf(f, "%s%*s", i ? "  " : "", left ? -(int)w[i] : (int)w[i], c->text);
	}
	fputc('\n', f);
}

void fs_table_print(const struct fs_table *t, FILE *f)
{
	size_t *w = calloc((size_t)t->ncols, sizeof(*w)), r;

	if (!w)
		return;
	fs_table_widths(t, w);
	fs_table_print_head_w(t, w, f);
	for (r = 0; r < t->nrows; r++)
		fs_table_print_row_w(t, r, w, f);
	free(w);
}

void fs_table_json_row(const struct fs_table *t, size_t r, struct fs_json *j)
{
	int i;

	fs_json_begin_object(j);
	for (i = 0; i < t->ncols; i++) {
		const struct fs_cell *c = &t->cells[r * t->ncols + i];

		fs_json_key(j, t->keys[i]);
		switch (c->type) {
		case FS_CELL_U64:
			fs_json_u64(j, c->u);
			break;
		case FS_CELL_I64:
			fs_json_i64(j, c->i);
			break;
		case FS_CELL_F64:
			fs_json_f64(j, c->f);
			break;
		case FS_CELL_STR:
			fs_json_str(j, c->text);
			break;
		default:
			fs_json_null(j);
			break;
		}
	}
	fs_json_end_object(j);
}

void fs_table_json(const struct fs_table *t, struct fs_json *j)
{
	size_t r;

	fs_json_begin_array(j);
	for (r = 0; r < t->nrows; r++)
		fs_table_json_row(t, r, j);
	fs_json_end_array(j);
}

static int fixed_width(const struct fs_table *t, int i, int min)
{
	int w = (int)strlen(t->heads[i]);

	return w > min ? w : min;
}

void fs_table_print_head(const struct fs_table *t, FILE *f, int min)
{
	int i;

	for (i = 0; i < t->ncols; i++)
		fprintf(f, "%s%*s", i ? "  " : "", fixed_width(t, i, min), t->heads[i]);
	fputc('\n', f);
	fflush(f);
}

void fs_table_print_row(const struct fs_table *t, size_t r, FILE *f, int min)
{
	int i;

	for (i = 0; i < t->ncols; i++) {
		const struct fs_cell *c = &t->cells[r * t->ncols + i];
		int w = fixed_width(t, i, min);

		fprintf(f, "%s%*s", i ? "  " : "", c->type == FS_CELL_STR ? -w : w, c->text);
	}
	fputc('\n', f);
	fflush(f);
}

void fs_table_free(struct fs_table *t)
{
	free(t->cells);
	t->cells = NULL;
	t->nrows = t->cap = 0;
}
