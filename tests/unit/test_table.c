// SPDX-License-Identifier: GPL-2.0
/*
 * Unit tests for the CLI's tables (tools/forkstats/table.c, grouptable.c):
 * an unknown value is "-" in text and null in JSON, never 0; means and
 * spreads in their unit ("100.9 us", "132.0 KiB"); the per-call columns are
 * the sum over the calls, unknown without calls or with an unknown sum; a
 * group without calls has no mean or percentile.
 */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "grouptable.h"

/* The display text of a cell. */
static const char *text(const struct fs_cell *c)
{
	static char buf[FS_CELL_TEXT];

	return fs_cell_text(c, buf);
}

static void test_cell_text(void **state)
{
	struct fs_cell c = { .type = FS_CELL_UNKNOWN };

	(void)state;
	assert_string_equal(text(&c), "-");
	fs_cell_f64(&c, 5);
	assert_string_equal(text(&c), "5.00");
	fs_cell_f64(&c, 7.333333);
	assert_string_equal(text(&c), "7.33");
	fs_cell_f64(&c, NAN);
	assert_string_equal(text(&c), "-");
	fs_cell_f64_unit(&c, 100900.4, FS_UNIT_NS);
	assert_string_equal(text(&c), "100.9 us");
	fs_cell_f64_unit(&c, 999, FS_UNIT_NS);
	assert_string_equal(text(&c), "999 ns");
	fs_cell_f64_unit(&c, 17600.0, FS_UNIT_NS);
	assert_string_equal(text(&c), "17.6 us");
	fs_cell_f64_unit(&c, 0, FS_UNIT_BYTES);
	assert_string_equal(text(&c), "0 B");
	fs_cell_f64_unit(&c, 512, FS_UNIT_BYTES);
	assert_string_equal(text(&c), "512 B");
	fs_cell_f64_unit(&c, 1.5, FS_UNIT_BYTES);
	assert_string_equal(text(&c), "1.5 B");
	fs_cell_f64_unit(&c, 135168, FS_UNIT_BYTES);
	assert_string_equal(text(&c), "132.0 KiB");
	fs_cell_f64_unit(&c, 2097152.0 * 3 / 2, FS_UNIT_BYTES);
	assert_string_equal(text(&c), "3.0 MiB");
	fs_cell_f64_unit(&c, 170393.6, FS_UNIT_NS);	/* the raw "170393.60" of before */
	assert_string_equal(text(&c), "170.4 us");
	fs_cell_ns(&c, 858800);
	assert_string_equal(text(&c), "858.8 us");
	fs_cell_bytes(&c, 0);
	assert_string_equal(text(&c), "0 B");
	fs_cell_bool(&c, 1);
	assert_string_equal(text(&c), "yes");
	fs_cell_bool(&c, 0);
	assert_string_equal(text(&c), "no");
}

/* A table's JSON, through open_memstream. */
static char *json_of(const struct fs_table *t)
{
	struct fs_json j;
	size_t len;
	char *buf = NULL;
	FILE *f = open_memstream(&buf, &len);

	assert_non_null(f);
	fs_json_init(&j, f);
	fs_table_json(t, &j);
	fclose(f);
	return buf;
}

static void test_json_unknown(void **state)
{
	static const char *const keys[] = { "a", "b", "c", "d", "e" };
	struct fs_table t;
	struct fs_cell *row;
	char *s;

	(void)state;
	fs_table_init(&t, 5, keys, keys);
	row = fs_table_row(&t);
	assert_non_null(row);
	/* a: never set (unknown) */
	fs_cell_f64_unit(&row[1], 2.5, FS_UNIT_BYTES);
	fs_cell_bool(&row[2], 1);
	fs_cell_f64(&row[3], NAN);
	fs_cell_u64(&row[4], 0);
	s = json_of(&t);
	assert_string_equal(s, "[{\"a\":null,\"b\":2.5,\"c\":true,\"d\":null,\"e\":0}]");
	free(s);
	fs_table_free(&t);
}

static void add_call(struct fs_group *g, uint64_t pgtable, uint64_t cow_parent, uint32_t unknown,
		     uint64_t create_ns)
{
	struct fs_call x;

	memset(&x, 0, sizeof(x));
	x.r.pgtable_bytes = pgtable;
	x.r.cow_parent = cow_parent;
	x.r.create_ns = create_ns;
	x.r.total_ns = create_ns * 2;
	x.unknown = unknown;
	assert_int_equal(fs_group_add(g, &x), 0);
}

/* The text and JSON of column col (enum fs_gt_col) in row r of gt. */
static const char *cell(const struct fs_group_table *gt, size_t r, int col)
{
	int i;

	for (i = 0; i < gt->t.ncols - 1; i++)
		if (gt->cols[i] == col)
			return text(&gt->t.cells[r * (size_t)gt->t.ncols + (size_t)i + 1]);
	fail_msg("column %d not in the table", col);
	return NULL;
}

static void test_per_call(void **state)
{
	struct fs_group g, empty;
	struct fs_group_table gt;
	char *s;

	(void)state;
	memset(&g, 0, sizeof(g));
	memset(&empty, 0, sizeof(empty));
	/* 4 calls: 16 KiB of page tables, 10 parent faults; vmas_copied unknown in one */
	add_call(&g, 4096, 1, 0, 1000);
	add_call(&g, 4096, 2, 0, 2000);
	add_call(&g, 8192, 3, 1u << FS_COL_vmas_copied, 3000);
	add_call(&g, 0, 4, 0, 4000);
	fs_group_table_init(&gt, "kind", "KIND", NULL, 0);
	fs_group_table_row(&gt, "fork", &g);
	fs_group_table_row(&gt, "vfork", &empty);
	assert_string_equal(cell(&gt, 0, FS_GT_calls), "4");
	assert_string_equal(cell(&gt, 0, FS_GT_pgtable_bytes), "16.0 KiB");
	assert_string_equal(cell(&gt, 0, FS_GT_pgtable_bytes_per_call), "4.0 KiB");
	assert_string_equal(cell(&gt, 0, FS_GT_cow_parent_per_call), "2.50");
	assert_string_equal(cell(&gt, 0, FS_GT_cow_child_per_call), "0.00");
	assert_string_equal(cell(&gt, 0, FS_GT_vmas_copied), "-");
	assert_string_equal(cell(&gt, 0, FS_GT_vmas_copied_per_call), "-");
	assert_string_equal(cell(&gt, 0, FS_GT_create_ns_mean), "2.5 us");
	assert_string_equal(cell(&gt, 0, FS_GT_create_ns_p50), "2.0 us");
	assert_string_equal(cell(&gt, 0, FS_GT_total_ns_p99), "8.0 us");
	/* no calls: sums 0, no mean, percentile or per-call figure */
	assert_string_equal(cell(&gt, 1, FS_GT_calls), "0");
	assert_string_equal(cell(&gt, 1, FS_GT_pgtable_bytes), "0 B");
	assert_string_equal(cell(&gt, 1, FS_GT_pgtable_bytes_per_call), "-");
	assert_string_equal(cell(&gt, 1, FS_GT_cow_parent_per_call), "-");
	assert_string_equal(cell(&gt, 1, FS_GT_create_ns_mean), "-");
	assert_string_equal(cell(&gt, 1, FS_GT_total_ns_p99), "-");
	s = json_of(&gt.t);
	assert_string_equal(s,
		"[{\"kind\":\"fork\",\"calls\":4,\"failed\":0,\"create_ns_mean\":2500,"
		"\"create_ns_p50\":2000,\"create_ns_p99\":4000,\"total_ns_mean\":5000,"
		"\"total_ns_p50\":4000,\"total_ns_p99\":8000,\"pgtable_bytes\":16384,"
		"\"pgtable_bytes_per_call\":4096,\"vmas_copied\":null,\"vmas_copied_per_call\":null,"
		"\"cow_parent\":10,\"cow_parent_per_call\":2.5,\"cow_child\":0,"
		"\"cow_child_per_call\":0,\"cow_copies\":0,\"cow_reuses\":0},"
		"{\"kind\":\"vfork\",\"calls\":0,\"failed\":0,\"create_ns_mean\":null,"
		"\"create_ns_p50\":null,\"create_ns_p99\":null,\"total_ns_mean\":null,"
		"\"total_ns_p50\":null,\"total_ns_p99\":null,\"pgtable_bytes\":0,"
		"\"pgtable_bytes_per_call\":null,\"vmas_copied\":0,\"vmas_copied_per_call\":null,"
		"\"cow_parent\":0,\"cow_parent_per_call\":null,\"cow_child\":0,"
		"\"cow_child_per_call\":null,\"cow_copies\":0,\"cow_reuses\":0}]");
	free(s);
	/* the per-call columns and the sums they divide */
	assert_int_equal(fs_group_table_per_call(FS_GT_cow_child_per_call), FS_GROUP_cow_child);
	assert_int_equal(fs_group_table_per_call(FS_GT_cow_child), -1);
	assert_int_equal(fs_group_table_count(FS_GT_cow_child_per_call), -1);
	fs_group_table_free(&gt);
	fs_group_free(&g);
	fs_group_free(&empty);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_cell_text),
		cmocka_unit_test(test_json_unknown),
		cmocka_unit_test(test_per_call),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
