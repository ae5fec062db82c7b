/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The CLI's one output layer: a table of cells, printed either as aligned
 * text for people or as JSON for programs.  Keys are the column names of
 * docs/interfaces.md; a cell keeps its raw value (JSON) and its unit, its
 * display text (human units in tables) made only when text is printed; an
 * unknown value is "-" in text and null in JSON.
 */
#ifndef FORKSTATS_OUTPUT_H
#define FORKSTATS_OUTPUT_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

/* A minimal streaming JSON writer. */
#define FS_JSON_DEPTH 16
struct fs_json {
	FILE *f;
	int depth;
	int count[FS_JSON_DEPTH];	/* values written at each level */
	int after_key;
};

void fs_json_init(struct fs_json *j, FILE *f);
void fs_json_begin_object(struct fs_json *j);
void fs_json_end_object(struct fs_json *j);
void fs_json_begin_array(struct fs_json *j);
void fs_json_end_array(struct fs_json *j);
void fs_json_key(struct fs_json *j, const char *key);
void fs_json_u64(struct fs_json *j, uint64_t v);
void fs_json_i64(struct fs_json *j, int64_t v);
void fs_json_f64(struct fs_json *j, double v);
void fs_json_str(struct fs_json *j, const char *s);
void fs_json_null(struct fs_json *j);
void fs_json_bool(struct fs_json *j, int v);
/* Ends the document with a newline. */
void fs_json_done(struct fs_json *j);

enum fs_cell_type { FS_CELL_UNKNOWN, FS_CELL_U64, FS_CELL_I64, FS_CELL_F64, FS_CELL_STR };
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
void fs_cell_str(struct fs_cell *c, const char *s);
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

/*
 * Prometheus text exposition (format 0.0.4: what promtool and node_exporter's
 * textfile collector read), through the same cells: a sample's value is a
 * cell, an unknown cell writes no sample (the series is absent: unknown is
 * never 0), FS_UNIT_NS is written in seconds (the exact decimal of the
 * integer ns), every other number as an integer.  A family's "# HELP" and
 * "# TYPE" lines are written before its first sample, so that a family with
 * no known sample writes nothing.  The name of a counter ends in _total; a
 * histogram's samples add _bucket (with an "le" label), _sum and _count.
 */
enum fs_prom_type { FS_PROM_COUNTER, FS_PROM_GAUGE, FS_PROM_HISTOGRAM };

struct fs_prom_family {
	FILE *f;
	const char *name;
	enum fs_prom_type type;
	const char *help;
	int started;			/* HELP and TYPE written */
};

struct fs_prom_label {
	const char *name;
	const char *value;		/* escaped as the format wants: \\, \", \n */
};

void fs_prom_family(struct fs_prom_family *m, FILE *f, const char *name,
		    enum fs_prom_type type, const char *help);
/* One sample: the family's name, then suffix ("" or _bucket, _sum, _count). */
void fs_prom_sample(struct fs_prom_family *m, const char *suffix,
		    const struct fs_prom_label *labels, size_t nlabels, const struct fs_cell *v);
/* ns in seconds, exactly ("0.000524287", "12"), in buf (FS_CELL_TEXT bytes). */
const char *fs_prom_seconds(char *buf, uint64_t ns);

#endif /* FORKSTATS_OUTPUT_H */
