// SPDX-License-Identifier: GPL-2.0
/* The CLI's output layer: tables as text or JSON (see output.h). */
#include "output.h"

#include <stdlib.h>
#include <string.h>

/*
 * Numbers in text without printf, whose parsing of a format costs more than
 * the number: calls over a full ring prints a million of them.  Each writes
 * out[] (FS_NUM_MAX bytes) with its NUL, the same bytes as the printf
 * conversion named, and returns the length.
 */
#define FS_NUM_MAX	24

/* "%" PRIu64: the length first, then the digits from the last, two at a time. */
static size_t fmt_u64(char *out, uint64_t v)
{
	static const char pairs[] =
		"00010203040506070809101112131415161718192021222324"
		"25262728293031323334353637383940414243444546474849"
		"50515253545556575859606162636465666768697071727374"
		"75767778798081828384858687888990919293949596979899";
	uint64_t pow10 = 10;
	size_t n = 1, i;

	while (n < 20 && v >= pow10) {
		n++;
		pow10 *= 10;
	}
	out[n] = '\0';
	for (i = n; v >= 100; v /= 100) {
		i -= 2;
		memcpy(out + i, pairs + 2 * (v % 100), 2);
	}
	if (v >= 10)
		memcpy(out + i - 2, pairs + 2 * v, 2);
	else
		out[i - 1] = (char)('0' + v);
	return n;
}

/* "%" PRId64 */
static size_t fmt_i64(char *out, int64_t v)
{
	if (v >= 0)
		return fmt_u64(out, (uint64_t)v);
	out[0] = '-';
	return 1 + fmt_u64(out + 1, 0 - (uint64_t)v);
}

/* "0x%" PRIx64 */
static size_t fmt_hex(char *out, uint64_t v)
{
	static const char digits[] = "0123456789abcdef";
	size_t n = 2, shift = 4;

	while (shift < 64 && v >> shift)
		shift += 4;
	out[0] = '0';
	out[1] = 'x';
	while (shift) {
		shift -= 4;
		out[n++] = digits[(v >> shift) & 0xf];
	}
	out[n] = '\0';
	return n;
}

/*
 * "%.1f", rounded as printf rounds: the exact binary value of x to the
 * nearest tenth, a tie to the even tenth.  For 1 <= x < 2^52 (any value in
 * a larger unit) the integer part and the fraction are exact, the fraction a
 * whole number of 2^-52: the tenth and the rest below it are integer
 * arithmetic.  Other values go to printf.
 */
static size_t fmt_tenths(char *out, double x)
{
	const uint64_t one = 1ULL << 52, half = one / 2;
	uint64_t ip, frac, t, d;
	size_t n;

	if (!(x >= 1 && x < 0x1p52))
		return (size_t)snprintf(out, FS_NUM_MAX, "%.1f", x);
	ip = (uint64_t)x;
	frac = (uint64_t)((x - (double)ip) * 0x1p52);	/* exact: x - ip, and its bits */
	t = frac * 10;
	d = t / one;
	if (t % one > half || (t % one == half && d % 2))
		d++;
	if (d == 10) {
		ip++;
		d = 0;
	}
	n = fmt_u64(out, ip);
	out[n++] = '.';
	out[n++] = (char)('0' + d);
	out[n] = '\0';
	return n;
}

/*
 * Bytes to f.  A row is some twenty short pieces: a stdio call for each costs
 * more than writing them.  Only the CLI's main thread writes to its streams,
 * so the bytes go without the stream's lock (POSIX putc_unlocked).
 */
static void put(FILE *f, const char *s, size_t n)
{
	while (n--)
		putc_unlocked(*s++, f);
}

static void put_char(FILE *f, char c)
{
	putc_unlocked(c, f);
}

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
	c->type = FS_CELL_F64;
	c->f = v;
}

void fs_cell_str(struct fs_cell *c, const char *s)
{
	size_t n = strnlen(s, sizeof(c->text) - 1);

	c->type = FS_CELL_STR;
	memcpy(c->text, s, n);
	c->text[n] = '\0';
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
	case FS_CELL_I64:
		fmt_i64(buf, c->i);
		return buf;
	case FS_CELL_F64:
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
		fmt_hex(buf, c->u);
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

void fs_prom_family(struct fs_prom_family *m, FILE *f, const char *name,
		    enum fs_prom_type type, const char *help)
{
	m->f = f;
	m->name = name;
	m->type = type;
	m->help = help;
	m->started = 0;
}

const char *fs_prom_seconds(char *buf, uint64_t ns)
{
	size_t n = fmt_u64(buf, ns / 1000000000u), i;
	uint64_t frac = ns % 1000000000u;

	if (frac) {
		buf[n++] = '.';
		for (i = 9; i > 0; i--) {	/* nine digits, then without trailing zeros */
			buf[n + i - 1] = (char)('0' + frac % 10);
			frac /= 10;
		}
		n += 9;
		while (buf[n - 1] == '0')
			n--;
		buf[n] = '\0';
	}
	return buf;
}

/* A label value or a HELP text: \ and newline escaped, and " in label values. */
static void put_escaped(FILE *f, const char *s, int quote)
{
	for (; *s; s++) {
		if (*s == '\\')
			put(f, "\\\\", 2);
		else if (*s == '\n')
			put(f, "\\n", 2);
		else if (*s == '"' && quote)
			put(f, "\\\"", 2);
		else
			put_char(f, *s);
	}
}

void fs_prom_sample(struct fs_prom_family *m, const char *suffix,
		    const struct fs_prom_label *labels, size_t nlabels, const struct fs_cell *v)
{
	static const char *const types[] = { "counter", "gauge", "histogram" };
	char buf[FS_CELL_TEXT];
	size_t i;

	if (v->type == FS_CELL_UNKNOWN)
		return;
	if (!m->started) {
		m->started = 1;
		fprintf(m->f, "# HELP %s ", m->name);
		put_escaped(m->f, m->help, 0);
		fprintf(m->f, "\n# TYPE %s %s\n", m->name, types[m->type]);
	}
	put(m->f, m->name, strlen(m->name));
	put(m->f, suffix, strlen(suffix));
	for (i = 0; i < nlabels; i++) {
		put_char(m->f, i ? ',' : '{');
		put(m->f, labels[i].name, strlen(labels[i].name));
		put(m->f, "=\"", 2);
		put_escaped(m->f, labels[i].value, 1);
		put_char(m->f, '"');
	}
	if (nlabels)
		put_char(m->f, '}');
	put_char(m->f, ' ');
	if (v->type == FS_CELL_U64 && v->unit == FS_UNIT_NS)
		fs_prom_seconds(buf, v->u);
	else if (v->type == FS_CELL_U64)
		fmt_u64(buf, v->u);
	else
		fs_cell_text(v, buf);
	put(m->f, buf, strlen(buf));
	put_char(m->f, '\n');
}
