// SPDX-License-Identifier: GPL-2.0
/* The CLI's tables of cells, as text or JSON (see table.h). */
#include "table.h"

#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "fmt.h"

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
	for (i = 0; i < t->ncols; i++)
		row[i].type = FS_CELL_UNKNOWN;
	return row;
}

/* A number's display is made when text is printed: JSON needs none. */
static void set_u64(struct fs_cell *c, uint64_t v, enum fs_cell_unit unit)
{
	c->type = FS_CELL_U64;
	c->unit = unit;
	c->u = v;
}

void fs_cell_u64(struct fs_cell *c, uint64_t v)
{
	set_u64(c, v, FS_UNIT_NONE);
}

void fs_cell_ns(struct fs_cell *c, uint64_t ns)
{
	set_u64(c, ns, FS_UNIT_NS);
}

void fs_cell_bytes(struct fs_cell *c, uint64_t bytes)
{
	set_u64(c, bytes, FS_UNIT_BYTES);
}

void fs_cell_hex(struct fs_cell *c, uint64_t v)
{
	set_u64(c, v, FS_UNIT_HEX);
}

void fs_cell_i64(struct fs_cell *c, int64_t v)
{
	c->type = FS_CELL_I64;
	c->i = v;
}

void fs_cell_f64(struct fs_cell *c, double v)
{
	fs_cell_f64_unit(c, v, FS_UNIT_NONE);
}

void fs_cell_f64_unit(struct fs_cell *c, double v, enum fs_cell_unit unit)
{
	c->type = FS_CELL_F64;
	c->unit = unit;
	c->f = v;
}

void fs_cell_str(struct fs_cell *c, const char *s)
{
	size_t n = strnlen(s, sizeof(c->text) - 1);

	c->type = FS_CELL_STR;
	memcpy(c->text, s, n);
	c->text[n] = '\0';
}

/*
 * x (not negative) in the largest unit it reaches (a step each), with one
 * decimal; in the first unit a whole number stays whole ("0 B", "3 ns").
 */
static void scaled_f(char *out, double x, const char *const *units, int nunits,
		     unsigned int step)
{
	int i = 0;

	while (x >= step && i < nunits - 1) {
		x /= step;
		i++;
	}
	if (!i && x == (double)(uint64_t)x)
		snprintf(out, FS_CELL_TEXT, "%.0f %s", x, units[i]);
	else
		snprintf(out, FS_CELL_TEXT, "%.1f %s", x, units[i]);
}

void fs_cell_bool(struct fs_cell *c, int v)
{
	c->type = FS_CELL_BOOL;
	c->u = !!v;
}

/* v in the largest unit it reaches (a step each), with one decimal past the first. */
static void scaled(char *out, uint64_t v, const char *const *units, int nunits,
		   unsigned int step)
{
	double x = (double)v;
	size_t n;
	int i = 0;

	while (x >= step && i < nunits - 1) {
		x /= step;
		i++;
	}
	n = i ? fmt_tenths(out, x) : fmt_u64(out, v);
	out[n++] = ' ';
	strcpy(out + n, units[i]);	/* n < FS_NUM_MAX, a unit 3 bytes at most */
}

const char *fs_cell_text(const struct fs_cell *c, char *buf)
{
	static const char *const ns[] = { "ns", "us", "ms", "s" };
	static const char *const bytes[] = { "B", "KiB", "MiB", "GiB", "TiB" };

	switch (c->type) {
	case FS_CELL_UNKNOWN:
		return "-";
	case FS_CELL_STR:
		return c->text;
	case FS_CELL_BOOL:
		return c->u ? "yes" : "no";
	case FS_CELL_I64:
		fmt_i64(buf, c->i);
		return buf;
	case FS_CELL_F64:
		if (c->f != c->f)
			return "-";	/* NaN: no value (JSON null) */
		if (c->unit == FS_UNIT_NS && c->f >= 0)
			scaled_f(buf, c->f, ns, 4, 1000);
		else if (c->unit == FS_UNIT_BYTES && c->f >= 0)
			scaled_f(buf, c->f, bytes, 5, 1024);
		else
			snprintf(buf, FS_CELL_TEXT, "%.2f", c->f);
		return buf;
	case FS_CELL_U64:
		break;
	}
	switch (c->unit) {
	case FS_UNIT_NS:
		scaled(buf, c->u, ns, 4, 1000);
		break;
	case FS_UNIT_BYTES:
		scaled(buf, c->u, bytes, 5, 1024);
		break;
	case FS_UNIT_HEX:
		snprintf(buf, FS_CELL_TEXT, "0x%" PRIx64, c->u);
		break;
	default:
		fmt_u64(buf, c->u);
		break;
	}
	return buf;
}

/*
 * Text in a column w wide, after two spaces unless it is the first column:
 * printf's "%*s", or "%-*s" when left.
 */
static void put_cell(FILE *f, int first, const char *text, size_t w, int left)
{
	size_t n = strlen(text), pad = w > n ? w - n : 0, i;

	if (!first)
		put(f, "  ", 2);
	if (left)
		put(f, text, n);
	for (i = 0; i < pad; i++)
		put_char(f, ' ');
	if (!left)
		put(f, text, n);
}

void fs_table_widths(const struct fs_table *t, size_t *w)
{
	char buf[FS_CELL_TEXT];
	size_t r, n;
	int i;

	for (i = 0; i < t->ncols; i++) {
		n = strlen(t->heads[i]);
		w[i] = n > w[i] ? n : w[i];
		for (r = 0; r < t->nrows; r++) {
			n = strlen(fs_cell_text(&t->cells[r * t->ncols + i], buf));
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

		put_cell(f, !i, t->heads[i], w[i], left);
	}
	put_char(f, '\n');
}

void fs_table_print_row_w(const struct fs_table *t, size_t r, const size_t *w, FILE *f)
{
	char buf[FS_CELL_TEXT];
	int i;

	for (i = 0; i < t->ncols; i++) {
		const struct fs_cell *c = &t->cells[r * t->ncols + i];

		put_cell(f, !i, fs_cell_text(c, buf), w[i], c->type == FS_CELL_STR);
	}
	put_char(f, '\n');
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
		case FS_CELL_BOOL:
			fs_json_bool(j, (int)c->u);
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

static size_t fixed_width(const struct fs_table *t, int i, int min)
{
	size_t w = strlen(t->heads[i]);

	return min > 0 && w < (size_t)min ? (size_t)min : w;
}

void fs_table_print_head(const struct fs_table *t, FILE *f, int min)
{
	int i;

	for (i = 0; i < t->ncols; i++)
		put_cell(f, !i, t->heads[i], fixed_width(t, i, min), 0);
	put_char(f, '\n');
	fflush(f);
}

void fs_table_print_row(const struct fs_table *t, size_t r, FILE *f, int min)
{
	char buf[FS_CELL_TEXT];
	int i;

	for (i = 0; i < t->ncols; i++) {
		const struct fs_cell *c = &t->cells[r * t->ncols + i];

		put_cell(f, !i, fs_cell_text(c, buf), fixed_width(t, i, min), c->type == FS_CELL_STR);
	}
	put_char(f, '\n');
	fflush(f);
}

void fs_table_free(struct fs_table *t)
{
	free(t->cells);
	t->cells = NULL;
	t->nrows = t->cap = 0;
}
