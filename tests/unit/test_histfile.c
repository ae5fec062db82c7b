// SPDX-License-Identifier: GPL-2.0
/* Unit tests for the debugfs hist parser (tools/lib/histfile.c). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "histfile.h"

static void test_good(void **state)
{
	static const char text[] = "# kind latency lo_ns hi_ns count\n"
				   "fork create 262144 524287 5\n"
				   "vfork total 0 1 18446744073709551615\n";
	struct fs_hist h;
	char err[256];

	(void)state;
	assert_int_equal(fs_hist_parse(text, strlen(text), &h, err, sizeof(err)), 0);
	assert_int_equal(h.n, 2);
	assert_int_equal(h.v[0].kind, FS_KIND_FORK);
	assert_int_equal(h.v[0].total, 0);
	assert_int_equal(h.v[0].lo_ns, 262144);
	assert_int_equal(h.v[1].kind, FS_KIND_VFORK);
	assert_int_equal(h.v[1].total, 1);
	assert_true(h.v[1].count == UINT64_MAX);
	fs_hist_free(&h);
}

static void test_bad(void **state)
{
	static const char *const bad[] = {
		"",
		"# kind latency lo_ns hi_ns\n",
		"# kind latency lo_ns hi_ns count\nfork create 1 2\n",
		"# kind latency lo_ns hi_ns count\nspoon create 1 2 3\n",
		"# kind latency lo_ns hi_ns count\nfork wall 1 2 3\n",
		"# kind latency lo_ns hi_ns count\nfork create 4 2 3\n",
		"# kind latency lo_ns hi_ns count\nfork create 1 2 -3\n",
		"# kind latency lo_ns hi_ns count\nfork create 1 2 3",
	};
	struct fs_hist h;
	char err[256];
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		err[0] = '\0';
		if (fs_hist_parse(bad[i], strlen(bad[i]), &h, err, sizeof(err)) != -1)
			fail_msg("input %zu parsed", i);
		assert_true(strlen(err) > 0);
		assert_null(h.v);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_good),
		cmocka_unit_test(test_bad),
	};

	return cmocka_run_group_tests_name("histfile", tests, NULL, NULL);
}
