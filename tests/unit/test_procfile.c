// SPDX-License-Identifier: GPL-2.0
/* Unit tests for the /proc/forkstats parser (tools/lib/procfile.c). */
#include <fcntl.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "procfile.h"

/* As the module prints it (6.1 guest, trimmed to fewer calls). */
static const char good[] =
	"forkstats 2 kernel=6.1.0-56-amd64 split=copies probes=kernel_clone,copy_process,do_wp_page\n"
	"kind              calls         failed  create_avg_ns   total_avg_ns  pgtable_bytes    vmas_copied     cow_parent      cow_child     cow_copies     cow_reuses\n"
	"fork                 53              1         858800         924600        8700000            368            122            274            274            122\n"
	"vfork                50              0          94500         149400              0              0              0              0              0              0\n"
	"thread                0              0              0              0              0              0              0              0              0              0\n"
	"clone                 0              0              0              0              0              0              0              0              0              0\n"
	"kthread               1              0         219900         274600              0              0              0              0              0              0\n"
	"total               104              1         485200         545600        8700000            368            122            274            274            122\n"
	"\n"
	"zero_page_cow 2\n"
	"shared_wp 0\n"
	"cow_unattributed 12\n"
	"missed_do_wp_page 18446744073709551615\n";

/* The same with the sum columns and page_size= (the module since they exist). */
static const char good_sums[] =
	"forkstats 2 kernel=6.1.0-56-amd64 split=copies page_size=4096 probes=kernel_clone,copy_process,do_wp_page\n"
	"kind              calls         failed  create_avg_ns   total_avg_ns  pgtable_bytes    vmas_copied     cow_parent      cow_child     cow_copies     cow_reuses  create_ns_sum   total_ns_sum       returned      rss_pages\n"
	"fork                 53              1         858800         924600        8700000            368            122            274            274            122       45516417       49003805             53          17408\n"
	"vfork                50              0          94500         149400              0              0              0              0              0              0        4725003        7320648             49              0\n"
	"thread                0              0              0              0              0              0              0              0              0              0              0              0              0              0\n"
	"clone                 0              0              0              0              0              0              0              0              0              0              0              0              0              0\n"
	"kthread               1              0         219900         274600              0              -              0              0              -              -         219900         274600              1              0\n"
	"total               104              1         485205         549505        8700000            368            122            274            274            122       50461320       56599053            103          17408\n"
	"\n"
	"zero_page_cow 2\n";

static int parse(const char *s, struct fs_proc *p, char *err, size_t errlen)
{
	return fs_proc_parse(s, strlen(s), p, err, errlen);
}

static void test_good(void **state)
{
	struct fs_proc p;
	char err[256] = "";

	(void)state;
	assert_int_equal(parse(good, &p, err, sizeof(err)), 0);
	assert_int_equal(p.version, 2);
	assert_string_equal(p.kernel, "6.1.0-56-amd64");
	assert_string_equal(p.split, "copies");
	assert_int_equal(p.nprobes, 3);
	assert_string_equal(p.probes[2], "do_wp_page");
	assert_int_equal(p.kinds[FS_KIND_FORK].v[FS_AGG_calls], 53);
	assert_int_equal(p.kinds[FS_KIND_FORK].v[FS_AGG_failed], 1);
	assert_int_equal(p.kinds[FS_KIND_FORK].v[FS_AGG_pgtable_bytes], 8700000);
	assert_int_equal(p.kinds[FS_KIND_VFORK].v[FS_AGG_total_avg_ns], 149400);
	assert_int_equal(p.kinds[FS_KIND_KTHREAD].v[FS_AGG_calls], 1);
	assert_int_equal(p.total.v[FS_AGG_cow_reuses], 122);
	/* only the columns this older table lacks */
	assert_int_equal(p.total.unknown, (1u << FS_AGG_create_ns_sum) | (1u << FS_AGG_total_ns_sum) |
					  (1u << FS_AGG_returned) | (1u << FS_AGG_rss_pages));
	assert_int_equal(p.ncounters, 4);
	assert_int_equal(fs_proc_counter(&p, "zero_page_cow")->value, 2);
	assert_true(fs_proc_counter(&p, "missed_do_wp_page")->value == UINT64_MAX);
	assert_null(fs_proc_counter(&p, "nosuch"));
	/* A module without the sum columns: they are unknown, not 0; no page size. */
	assert_true(p.kinds[FS_KIND_FORK].unknown & (1u << FS_AGG_create_ns_sum));
	assert_true(p.kinds[FS_KIND_FORK].unknown & (1u << FS_AGG_total_ns_sum));
	assert_true(p.kinds[FS_KIND_FORK].unknown & (1u << FS_AGG_returned));
	assert_true(p.kinds[FS_KIND_FORK].unknown & (1u << FS_AGG_rss_pages));
	assert_int_equal(p.page_size, 0);
}

static void test_sums(void **state)
{
	struct fs_proc p;
	char err[256] = "";

	(void)state;
	assert_int_equal(parse(good_sums, &p, err, sizeof(err)), 0);
	assert_int_equal(p.version, 2);
	assert_int_equal(p.page_size, 4096);
	assert_int_equal(p.nprobes, 3);
	assert_int_equal(p.kinds[FS_KIND_FORK].v[FS_AGG_create_ns_sum], 45516417);
	assert_int_equal(p.kinds[FS_KIND_FORK].v[FS_AGG_total_ns_sum], 49003805);
	assert_int_equal(p.kinds[FS_KIND_FORK].v[FS_AGG_returned], 53);
	assert_int_equal(p.kinds[FS_KIND_FORK].v[FS_AGG_rss_pages], 17408);
	assert_int_equal(p.kinds[FS_KIND_VFORK].v[FS_AGG_returned], 49);
	assert_int_equal(p.kinds[FS_KIND_VFORK].v[FS_AGG_total_ns_sum], 7320648);
	assert_int_equal(p.total.v[FS_AGG_create_ns_sum], 50461320);
	assert_int_equal(p.total.v[FS_AGG_rss_pages], 17408);
	assert_false(p.kinds[FS_KIND_FORK].unknown & (1u << FS_AGG_rss_pages));
	assert_true(p.kinds[FS_KIND_KTHREAD].unknown & (1u << FS_AGG_vmas_copied));
	assert_false(p.kinds[FS_KIND_KTHREAD].unknown & (1u << FS_AGG_create_ns_sum));
	assert_int_equal(p.total.unknown, 0);
}

static void test_unknown_and_extra_columns(void **state)
{
	static const char text[] =
		"forkstats 2 kernel=x split=unknown probes=a future=1\n"
		"kind calls newcol cow_copies cow_reuses\n"
		"fork 3 7 - -\n"
		"vfork 0 7 - -\n"
		"thread 0 7 - -\n"
		"clone 0 7 - -\n"
		"kthread 0 7 - -\n"
		"total 3 7 - -\n"
		"\n";
	struct fs_proc p;
	char err[256];

	(void)state;
	assert_int_equal(parse(text, &p, err, sizeof(err)), 0);
	assert_int_equal(p.kinds[FS_KIND_FORK].v[FS_AGG_calls], 3);
	/* "-" and absent columns are unknown; a column the parser lacks is skipped. */
	assert_true(p.kinds[FS_KIND_FORK].unknown & (1u << FS_AGG_cow_copies));
	assert_true(p.kinds[FS_KIND_FORK].unknown & (1u << FS_AGG_failed));
	assert_false(p.kinds[FS_KIND_FORK].unknown & (1u << FS_AGG_calls));
	assert_int_equal(p.ncounters, 0);
}

static const struct {
	const char *text;
	const char *why;
} bad[] = {
	{ "", "empty" },
	{ "forkstats 2 kernel=x\nkind calls\nfork 1\n", "truncated" },
	{ "forkstats 2 kernel=x\n", "truncated" },
	{ "forkstats 1\nprobe hits missed\n", "version 1 is not supported" },
	{ "forkstats 3 kernel=x\nkind calls\n", "version 3 is not supported" },
	{ "forkstats 99999999999999999999999\n", "not a forkstats file" },
	{ "forkstat 2\n", "not a forkstats file" },
	{ "forkstats 2 kernel\n", "key=value" },
	{ "forkstats 2 kernel=x\nkinds calls\n", "table header" },
	{ "forkstats 2 kernel=x\nkind calls\nforks 1\n\n", "unknown kind" },
	{ "forkstats 2 kernel=x\nkind calls\nfork 1 2\n\n", "wrong number of fields" },
	{ "forkstats 2 kernel=x\nkind calls\nfork 1\nfork 1\n\n", "listed twice" },
	{ "forkstats 2 kernel=x\nkind calls\nfork x\n\n", "bad value" },
	{ "forkstats 2 kernel=x\nkind calls\nfork -1\n\n", "bad value" },
	{ "forkstats 2 kernel=x\nkind calls\nfork 1\n\n", "lacks a row" },
	{ "forkstats 2 kernel=x\nkind calls\nfork 1\nvfork 1\nthread 1\nclone 1\nkthread 1\ntotal 5\n\nzero_page_cow\n", "expected \"<name> <value>\"" },
	{ "forkstats 2 kernel=x\nkind calls\nfork 1\nvfork 1\nthread 1\nclone 1\nkthread 1\ntotal 5\n\nz$ 1\n", "expected \"<name> <value>\"" },
	{ "forkstats 2 probes=a,b$\n", "bad probe list" },
	{ "forkstats 2 page_size=0\n", "line 1: page_size=: bad value \"0\"" },
	{ "forkstats 2 page_size=4k\n", "line 1: page_size=: bad value \"4k\"" },
	/* The values of line 1 are shown: printable, and never cut. */
	{ "forkstats 2 kernel=6.1\x1b[2J\n", "kernel=: bad value \"6.1\\x1b[2J\"" },
	{ "forkstats 2 split=copies_and_more_than_fits\n", "split=: longer than 15 bytes" },
	{ "forkstats 2 kernel=" "0123456789012345678901234567890123456789012345678901234567890123x\n",
	  "kernel=: longer than 64 bytes" },
	{ "forkstats 2 kernel=x\nkind calls\nfork 18446744073709551616\n\n", "line 3: calls: bad value" },
	{ "forkstats 2 kernel=x\nkind calls\nfork 1\nvfork 1\nthread 1\nclone 1\nkthread 1\ntotal 5\n\nz 18446744073709551616\n",
	  "line 10: expected \"<name> <value>\"" },
	{ "forkstats 2 kernel=x\nkind calls\nfork 1\nvfork", "line 4: truncated" },
	{ "forkstats 2 kernel=x\r\nkind calls\r\n", "line 1: kernel=: bad value \"x\\x0d\"" },
	{ "forkstats 2\nkind calls\x1b\n", "line 2: bad column name \"calls\\x1b\"" },
};

static void test_bad(void **state)
{
	struct fs_proc p;
	char err[256];
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		err[0] = '\0';
		assert_int_equal(parse(bad[i].text, &p, err, sizeof(err)), -1);
		if (!strstr(err, bad[i].why))
			fail_msg("input %zu: error \"%s\" lacks \"%s\"", i, err, bad[i].why);
		assert_int_equal(p.version, 0);
	}
}

static void test_binary(void **state)
{
	static const char bin[] = "forkstats 2 kernel=x\nkind calls\n\0\n";
	struct fs_proc p;
	char err[256];

	(void)state;
	assert_int_equal(fs_proc_parse(bin, sizeof(bin) - 1, &p, err, sizeof(err)), -1);
	assert_non_null(strstr(err, "line 3: binary data (NUL byte at offset 32)"));
}

/* A release of 64 bytes (the most utsname holds) is kept whole. */
static void test_long_release(void **state)
{
	static const char rel[] = "0123456789012345678901234567890123456789012345678901234567890123";
	char text[sizeof(good) + sizeof(rel)], err[256];
	struct fs_proc p;

	(void)state;
	snprintf(text, sizeof(text), "forkstats 2 kernel=%s\n%s", rel, strchr(good, '\n') + 1);
	assert_int_equal(parse(text, &p, err, sizeof(err)), 0);
	assert_string_equal(p.kernel, rel);
}

static void test_every_truncation(void **state)
{
	struct fs_proc p;
	char err[256];
	size_t len, full = strlen(good), table_end = strstr(good, "\n\n") - good + 2;

	(void)state;
	/* A prefix parses only once the table is complete, and never crashes. */
	for (len = 0; len < full; len++) {
		int ret = fs_proc_parse(good, len, &p, err, sizeof(err));

		if (len < table_end)
			assert_int_equal(ret, -1);
		if (ret)
			assert_true(strlen(err) > 0);
	}
}

static void test_read(void **state)
{
	char path[] = "/tmp/fs-procfile-XXXXXX", err[256];
	struct fs_proc p;
	int fd = mkstemp(path);

	(void)state;
	assert_int_equal(fs_proc_read("/nonexistent/forkstats", &p, err, sizeof(err)), -1);
	assert_non_null(strstr(err, "No such file"));
	assert_true(fd >= 0);
	assert_int_equal(write(fd, good, strlen(good)), (ssize_t)strlen(good));
	close(fd);
	assert_int_equal(fs_proc_read(path, &p, err, sizeof(err)), 0);
	fd = open(path, O_WRONLY | O_APPEND);
	assert_int_equal(write(fd, "x", 1), 1);
	close(fd);
	assert_int_equal(fs_proc_read(path, &p, err, sizeof(err)), -1);
	assert_non_null(strstr(err, path));
	unlink(path);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_good),
		cmocka_unit_test(test_sums),
		cmocka_unit_test(test_unknown_and_extra_columns),
		cmocka_unit_test(test_bad),
		cmocka_unit_test(test_binary),
		cmocka_unit_test(test_long_release),
		cmocka_unit_test(test_every_truncation),
		cmocka_unit_test(test_read),
	};

	return cmocka_run_group_tests_name("procfile", tests, NULL, NULL);
}
