/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The CLI's one output layer: a table of cells, printed either as aligned
 * text for people or as JSON for programs.  Keys are the column names of
 * docs/interfaces.md; a cell keeps its raw value (JSON) and its unit, its
 * display text (human units in tables) made only when text is printed; an
 * unknown value is "-" in text and null in JSON.
 */
#ifndef FORKSTATS_TABLE_H
#define FORKSTATS_TABLE_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "json.h"

enum fs_cell_type { FS_CELL_UNKNOWN, FS_CELL_U64, FS_CELL_I64, FS_CELL_F64, FS_CELL_STR,
		     FS_CELL_BOOL };
/* How a U64 cell is displayed in text (JSON has the number). */
enum fs_cell_unit { FS_UNIT_NONE, FS_UNIT_NS, FS_UNIT_BYTES, FS_UNIT_HEX };

#define FS_CELL_TEXT	64		/* bytes of a cell's display text, its NUL included */

struct fs_cell {
	enum fs_cell_type type;
	enum fs_cell_unit unit;
	uint64_t u;
	int64_t i;
	double f;
	char text[FS_CELL_TEXT];	/* the string of FS_CELL_STR */
};

struct fs_table {
	int ncols;
	const char *const *keys;	/* JSON keys */
	const char *const *heads;	/* text headers */
	struct fs_cell *cells;		/* nrows * ncols */
	size_t nrows, cap;
};

void fs_table_init(struct fs_table *t, int ncols, const char *const *keys,
		   const char *const *heads);
/* A new row; its cells are unknown until set.  NULL when out of memory. */
struct fs_cell *fs_table_row(struct fs_table *t);
void fs_cell_u64(struct fs_cell *c, uint64_t v);
void fs_cell_i64(struct fs_cell *c, int64_t v);
void fs_cell_f64(struct fs_cell *c, double v);	/* text with 2 decimals */
/*
 * A mean or a spread in a unit (FS_UNIT_NS, FS_UNIT_BYTES): text in the
 * largest unit it reaches with one decimal ("417.9 us", "8.0 MiB"), "0 B"
 * for zero; JSON has the number.  FS_UNIT_NONE is fs_cell_f64.
 */
void fs_cell_f64_unit(struct fs_cell *c, double v, enum fs_cell_unit unit);
void fs_cell_str(struct fs_cell *c, const char *s);
void fs_cell_bool(struct fs_cell *c, int v);	/* text yes/no, JSON true/false */
/* Numbers displayed in human units: nanoseconds, bytes. */
void fs_cell_ns(struct fs_cell *c, uint64_t ns);
void fs_cell_bytes(struct fs_cell *c, uint64_t bytes);
void fs_cell_hex(struct fs_cell *c, uint64_t v);	/* JSON: number */
/*
 * A cell's display text: "-" when unknown, the string, or the number made in
 * buf (FS_CELL_TEXT bytes) in its unit.
 */
const char *fs_cell_text(const struct fs_cell *c, char *buf);
void fs_table_print(const struct fs_table *t, FILE *f);
/*
 * The same in parts, for rows made one at a time: the widths (w[ncols],
 * zeroed first) grown to fit the heads and the table's rows, then the head
 * (aligned as row 0, when there is one) and each row with them.
 */
void fs_table_widths(const struct fs_table *t, size_t *w);
void fs_table_print_head_w(const struct fs_table *t, const size_t *w, FILE *f);
void fs_table_print_row_w(const struct fs_table *t, size_t r, const size_t *w, FILE *f);
/*
 * Streams: one row at a time.  Text rows use fixed widths (at least each
 * header's, at least min) so that rows printed apart still line up; JSON
 * rows are one object per line (NDJSON).
 */
void fs_table_print_head(const struct fs_table *t, FILE *f, int min);
void fs_table_print_row(const struct fs_table *t, size_t row, FILE *f, int min);
void fs_table_json_row(const struct fs_table *t, size_t row, struct fs_json *j);
void fs_table_json(const struct fs_table *t, struct fs_json *j);
void fs_table_free(struct fs_table *t);

#endif /* FORKSTATS_TABLE_H */
