// SPDX-License-Identifier: GPL-2.0
/*
 * Unit tests for the Prometheus text of the CLI's output layer
 * (tools/forkstats/prom.c, fs_prom_*): seconds written exactly, escaping of
 * label values and HELP, HELP/TYPE once and only before a sample, no sample
 * for an unknown value.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "prom.h"

static void test_seconds(void **state)
{
	static const struct { uint64_t ns; const char *s; } v[] = {
		{ 0, "0" }, { 1, "0.000000001" }, { 1023, "0.000001023" },
		{ 524287, "0.000524287" }, { 1000000000, "1" }, { 1500000000, "1.5" },
		{ 34359738367ULL, "34.359738367" }, { 56320600, "0.0563206" },
		{ UINT64_MAX, "18446744073.709551615" },
	};
	char buf[FS_CELL_TEXT];
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(v) / sizeof(v[0]); i++)
		assert_string_equal(fs_prom_seconds(buf, v[i].ns), v[i].s);
}

/* The text a function writes, through open_memstream. */
struct mem {
	char *buf;
	size_t len;
	FILE *f;
};

static void mem_open(struct mem *m)
{
	m->buf = NULL;
	m->f = open_memstream(&m->buf, &m->len);
	assert_non_null(m->f);
}

static void mem_close(struct mem *m)
{
	fclose(m->f);
}

static void test_family(void **state)
{
	static const struct fs_prom_label lab[2] = {
		{ "kind", "fork" }, { "odd", "a\\b\"c\nd" },
	};
	struct fs_prom_family fam;
	struct fs_cell c = { .type = FS_CELL_UNKNOWN };
	struct mem m;

	(void)state;
	mem_open(&m);
	fs_prom_family(&fam, m.f, "x_total", FS_PROM_COUNTER, "help \\ with\nnewline");
	fs_prom_sample(&fam, "", lab, 1, &c);	/* unknown: nothing, not even HELP */
	fflush(m.f);
	assert_int_equal(m.len, 0);
	fs_cell_u64(&c, 18446744073709551615ULL);
	fs_prom_sample(&fam, "", lab, 2, &c);
	fs_cell_bytes(&c, 4096);		/* bytes: a plain integer */
	fs_prom_sample(&fam, "", NULL, 0, &c);
	mem_close(&m);
	assert_string_equal(m.buf,
			    "# HELP x_total help \\\\ with\\nnewline\n"
			    "# TYPE x_total counter\n"
			    "x_total{kind=\"fork\",odd=\"a\\\\b\\\"c\\nd\"} 18446744073709551615\n"
			    "x_total 4096\n");
	free(m.buf);
}

static void test_histogram(void **state)
{
	struct fs_prom_label lab[2] = { { "kind", "vfork" }, { "le", "+Inf" } };
	struct fs_prom_family fam;
	struct fs_cell c;
	struct mem m;

	(void)state;
	mem_open(&m);
	fs_prom_family(&fam, m.f, "d_seconds", FS_PROM_HISTOGRAM, "h");
	fs_cell_u64(&c, 49);
	fs_prom_sample(&fam, "_bucket", lab, 2, &c);
	fs_cell_ns(&c, 56320600);		/* ns: seconds */
	fs_prom_sample(&fam, "_sum", lab, 1, &c);
	fs_cell_u64(&c, 49);
	fs_prom_sample(&fam, "_count", lab, 1, &c);
	mem_close(&m);
	assert_string_equal(m.buf,
			    "# HELP d_seconds h\n"
			    "# TYPE d_seconds histogram\n"
			    "d_seconds_bucket{kind=\"vfork\",le=\"+Inf\"} 49\n"
			    "d_seconds_sum{kind=\"vfork\"} 0.0563206\n"
			    "d_seconds_count{kind=\"vfork\"} 49\n");
	free(m.buf);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_seconds),
		cmocka_unit_test(test_family),
		cmocka_unit_test(test_histogram),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
