// SPDX-License-Identifier: GPL-2.0
/* Prometheus text exposition of cells (see prom.h). */
#include "prom.h"

#include <inttypes.h>
#include <string.h>

#include "fmt.h"

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
	size_t n = (size_t)snprintf(buf, FS_CELL_TEXT, "%" PRIu64, ns / 1000000000u), i;
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

void fs_prom_u64(struct fs_prom_family *m, const char *suffix,
		 const struct fs_prom_label *l, size_t nl, uint64_t v)
{
	struct fs_cell c;

	fs_cell_u64(&c, v);
	fs_prom_sample(m, suffix, l, nl, &c);
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
		snprintf(buf, FS_CELL_TEXT, "%" PRIu64, v->u);
	else
		fs_cell_text(v, buf);
	put(m->f, buf, strlen(buf));
	put_char(m->f, '\n');
}
