// SPDX-License-Identifier: GPL-2.0
/* Unit tests for the per-call record parser (tools/lib/calls.c). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "calls.h"

#define HEADER "# seq ts_ns kind flags parent_tgid parent_pid comm child_pid err create_ns total_ns pgtable_bytes vmas vmas_copied rss_pages cow_parent cow_child cow_copies cow_reuses\n"

static const char good[] =
	HEADER
	"103 2547414572 fork 0x1200000 99 99 sh 203 0 340550 386580 28672 10 6 20 8 8 8 8\n"
	"# lost 3\n"
	"104 2562048622 vfork 0x4111 99 99 my\\x20prog 204 0 34055 - 0 0 0 0 0 0 0 0\n"
	"105 2562048700 fork 0x11 98 98 a\\x5cb 0 -11 1000 1100 0 0 - 0 0 0 - -\n";

static int parse(const char *s, struct fs_calls *c, char *err, size_t errlen)
{
	return fs_calls_parse(s, strlen(s), c, err, errlen);
}

static void test_good(void **state)
{
	struct fs_calls c;
	char err[256] = "";

	(void)state;
	assert_int_equal(parse(good, &c, err, sizeof(err)), 0);
	assert_int_equal(c.n, 3);
	assert_int_equal(c.lost, 3);
	assert_int_equal(c.v[0].r.seq, 103);
	assert_int_equal(c.v[0].r.kind, FS_KIND_FORK);
	assert_int_equal(c.v[0].r.flags, 0x1200000);
	assert_string_equal(c.v[0].r.comm, "sh");
	assert_int_equal(c.v[0].r.pgtable_bytes, 28672);
	assert_int_equal(c.v[0].r.cow_reuses, 8);
	assert_int_equal(c.v[0].unknown, 0);
	assert_int_equal(c.v[0].r.done, 1);
	/* Escaped comm; total_ns unknown while the call is in progress. */
	assert_string_equal(c.v[1].r.comm, "my prog");
	assert_int_equal(c.v[1].r.kind, FS_KIND_VFORK);
	assert_true(c.v[1].unknown & (1u << FS_COL_total_ns));
	assert_int_equal(c.v[1].r.done, 0);
	assert_string_equal(c.v[2].r.comm, "a\\b");
	assert_int_equal(c.v[2].r.err, -11);
	assert_true(c.v[2].unknown & (1u << FS_COL_vmas_copied));
	assert_true(c.v[2].unknown & (1u << FS_COL_cow_copies));
	fs_calls_free(&c);
}

static void test_more_and_reordered_columns(void **state)
{
	static const char text[] = "# kind extra seq err child_pid\nthread x 7 0 12\n";
	struct fs_calls c;
	char err[256];

	(void)state;
	assert_int_equal(parse(text, &c, err, sizeof(err)), 0);
	assert_int_equal(c.n, 1);
	assert_int_equal(c.v[0].r.seq, 7);
	assert_int_equal(c.v[0].r.kind, FS_KIND_THREAD);
	assert_int_equal(c.v[0].r.child_pid, 12);
	fs_calls_free(&c);
}

static const struct {
	const char *text;
	const char *why;
} bad[] = {
	{ "", "empty" },
	{ HEADER "1 2 fork", "truncated" },
	{ "seq kind\n", "line 1: expected the header" },
	{ "# seq kind child_pid\n", "lacks column err" },
	{ "# seq seq kind child_pid err\n", "listed twice" },
	{ "# seq kind child_pid err\n1 fork 2\n", "line 2: expected 4 fields, found 3" },
	{ "# seq kind child_pid err\n1 spoon 2 0\n", "kind: bad value" },
	{ "# seq kind child_pid err\n- fork 2 0\n", "seq cannot be unknown" },
	{ "# seq kind child_pid err\n1 fork 2147483648 0\n", "child_pid: bad value" },
	{ "# seq kind child_pid err flags\n1 fork 2 0 12\n", "flags: bad value" },
	{ "# seq kind child_pid err comm\n1 fork 2 0 a\\x4\n", "comm: bad value" },
	{ "# seq kind child_pid err comm\n1 fork 2 0 aaaaaaaaaaaaaaaaa\n", "comm: bad value" },
	{ "# seq kind child_pid err vmas\n1 fork 2 0 4294967296\n", "vmas: bad value" },
	{ "# seq kind child_pid err\n# lost x\n", "bad \"# lost\" line" },
};

static void test_bad(void **state)
{
	struct fs_calls c;
	char err[256];
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		err[0] = '\0';
		assert_int_equal(parse(bad[i].text, &c, err, sizeof(err)), -1);
		if (!strstr(err, bad[i].why))
			fail_msg("input %zu: error \"%s\" lacks \"%s\"", i, err, bad[i].why);
		assert_null(c.v);
	}
}

static void test_every_truncation(void **state)
{
	struct fs_calls c;
	char err[256];
	size_t len, full = strlen(good);

	(void)state;
	for (len = 0; len < full; len++) {
		if (fs_calls_parse(good, len, &c, err, sizeof(err)) == 0) {
			assert_true(good[len - 1] == '\n');
			fs_calls_free(&c);
		} else {
			assert_true(strlen(err) > 0);
		}
	}
}

static void test_many(void **state)
{
	size_t n = 10000, i, len = strlen(HEADER);
	char *text = malloc(len + n * 32 + 1);
	struct fs_calls c;
	char err[256];

	(void)state;
	memcpy(text, HEADER, len);
	memcpy(text, "# seq kind child_pid err\n", 25);
	len = 25;
	for (i = 1; i <= n; i++)
		len += sprintf(text + len, "%zu fork %zu 0\n", i, i + 1000);
	assert_int_equal(fs_calls_parse(text, len, &c, err, sizeof(err)), 0);
	assert_int_equal(c.n, n);
	assert_int_equal(c.v[n - 1].r.child_pid, n + 1000);
	fs_calls_free(&c);
	free(text);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_good),
		cmocka_unit_test(test_more_and_reordered_columns),
		cmocka_unit_test(test_bad),
		cmocka_unit_test(test_every_truncation),
		cmocka_unit_test(test_many),
	};

	return cmocka_run_group_tests_name("calls", tests, NULL, NULL);
}
