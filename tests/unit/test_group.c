// SPDX-License-Identifier: GPL-2.0
/* Unit tests for records summed by group (tools/lib/group.c). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "group.h"

static struct fs_call rec(uint64_t total_ns, int32_t err)
{
	struct fs_call x;

	memset(&x, 0, sizeof(x));
	x.r.total_ns = total_ns;
	x.r.create_ns = total_ns / 2;
	x.r.err = err;
	x.r.pgtable_bytes = 4096;
	x.r.vmas_copied = 2;
	x.r.cow_parent = 3;
	x.r.cow_child = 5;
	x.r.cow_copies = 7;
	x.r.cow_reuses = 1;
	return x;
}

/* Nearest rank: p50 and p99 of 1..100 are 50 and 99; of one sample, that one. */
static void test_percentiles(void **state)
{
	struct fs_lat l = { 0 };
	uint64_t i;

	(void)state;
	assert_int_equal(fs_lat_percentile(&l, 50), 0);
	assert_int_equal(fs_lat_mean(&l), 0);
	for (i = 100; i >= 1; i--)
		assert_int_equal(fs_lat_add(&l, i), 0);
	assert_int_equal(fs_lat_percentile(&l, 50), 50);
	assert_int_equal(fs_lat_percentile(&l, 99), 99);
	assert_int_equal(fs_lat_percentile(&l, 100), 100);
	assert_int_equal(fs_lat_percentile(&l, 1), 1);
	assert_int_equal(fs_lat_mean(&l), 50);	/* 5050 / 100, rounded down */
	free(l.v);
	memset(&l, 0, sizeof(l));
	assert_int_equal(fs_lat_add(&l, 7), 0);
	assert_int_equal(fs_lat_percentile(&l, 99), 7);
	assert_int_equal(fs_lat_percentile(&l, 50), 7);
	assert_int_equal(fs_lat_add(&l, 1), 0);
	assert_int_equal(fs_lat_percentile(&l, 50), 1);	/* ceil(0.5 * 2) = rank 1 */
	assert_int_equal(fs_lat_percentile(&l, 99), 7);
	free(l.v);
}

static void test_sums(void **state)
{
	struct fs_group g = { 0 }, h = { 0 };
	struct fs_call a = rec(1000, 0), b = rec(3000, -11), c = rec(5000, 0);

	(void)state;
	assert_int_equal(fs_group_add(&g, &a), 0);
	assert_int_equal(fs_group_add(&g, &b), 0);
	assert_int_equal(g.v[FS_GROUP_calls], 2);
	assert_int_equal(g.v[FS_GROUP_failed], 1);
	assert_int_equal(g.v[FS_GROUP_pgtable_bytes], 8192);
	assert_int_equal(g.v[FS_GROUP_vmas_copied], 4);
	assert_int_equal(g.v[FS_GROUP_cow_parent], 6);
	assert_int_equal(g.v[FS_GROUP_cow_child], 10);
	assert_int_equal(g.v[FS_GROUP_cow_copies], 14);
	assert_int_equal(g.v[FS_GROUP_cow_reuses], 2);
	assert_int_equal(fs_lat_mean(&g.total), 2000);
	assert_int_equal(fs_lat_mean(&g.create), 1000);
	assert_int_equal(g.unknown, 0);

	/* An unknown latency is no sample; an unknown count marks the sum unknown. */
	c.unknown = (1u << FS_COL_total_ns) | (1u << FS_COL_cow_copies);
	assert_int_equal(fs_group_add(&h, &c), 0);
	assert_int_equal(h.total.n, 0);
	assert_int_equal(h.create.n, 1);
	assert_int_equal(h.unknown, 1u << FS_GROUP_cow_copies);
	assert_int_equal(fs_group_merge(&g, &h), 0);
	assert_int_equal(g.v[FS_GROUP_calls], 3);
	assert_int_equal(g.total.n, 2);
	assert_int_equal(g.create.n, 3);
	assert_true(g.unknown & (1u << FS_GROUP_cow_copies));
	assert_string_equal(fs_group_count_name(FS_GROUP_cow_reuses), "cow_reuses");
	fs_group_free(&g);
	fs_group_free(&h);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_percentiles),
		cmocka_unit_test(test_sums),
	};

	return cmocka_run_group_tests_name("group", tests, NULL, NULL);
}
