// SPDX-License-Identifier: GPL-2.0
/* Unit tests for the /proc/forkstats parser (tools/lib/procfile.c). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "procfile.h"

static const char good[] =
	"forkstats 1\n"
	"probe                            hits               missed\n"
	"kernel_clone                      42                    0\n"
	"copy_process                      43                    1\n"
	"do_wp_page      18446744073709551615                    0\n";

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
	assert_int_equal(p.version, 1);
	assert_int_equal(p.nprobes, 3);
	assert_string_equal(p.probes[0].name, "kernel_clone");
	assert_int_equal(p.probes[0].hits, 42);
	assert_int_equal(p.probes[1].missed, 1);
	assert_true(p.probes[2].hits == UINT64_MAX);
	assert_non_null(fs_proc_probe(&p, "do_wp_page"));
	assert_null(fs_proc_probe(&p, "wp_page_copy"));
}

static void test_header_only(void **state)
{
	struct fs_proc p;
	char err[256];

	(void)state;
	assert_int_equal(parse("forkstats 1\nprobe hits missed\n", &p, err, sizeof(err)), 0);
	assert_int_equal(p.nprobes, 0);
}

/* Each bad input must fail with a message containing the given words. */
static const struct {
	const char *text;
	const char *why;
} bad[] = {
	{ "", "empty" },
	{ "forkstats 1\nprobe hits missed\nkernel_clone 1 0", "truncated" },
	{ "forkstats 1\n", "no header" },
	{ "forkstats 2\nprobe hits missed\n", "version 2 is not supported" },
	{ "forkstats 999999999999999999999\n", "not a forkstats file" },
	{ "forkstat 1\nprobe hits missed\n", "not a forkstats file" },
	{ "forkstats\n", "not a forkstats file" },
	{ "forkstats 1\nprobe hits\n", "header" },
	{ "forkstats 1\nprobe hits missed\nkernel_clone 1\n", "line 3: expected 3 fields, found 2" },
	{ "forkstats 1\nprobe hits missed\nkernel_clone 1 2 3\n", "line 3: expected 3 fields" },
	{ "forkstats 1\nprobe hits missed\nkernel_clone -1 0\n", "line 3: counts" },
	{ "forkstats 1\nprobe hits missed\nkernel_clone 1x 0\n", "line 3: counts" },
	{ "forkstats 1\nprobe hits missed\nkernel_clone 18446744073709551616 0\n", "line 3: counts" },
	{ "forkstats 1\nprobe hits missed\nkern$l 1 0\n", "bad probe name" },
	{ "forkstats 1\nprobe hits missed\na 1 0\na 2 0\n", "listed twice" },
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
		assert_int_equal(p.nprobes, 0);
	}
}

static void test_binary(void **state)
{
	static const char bin[] = "forkstats 1\nprobe hits missed\nk\0 1 0\n";
	struct fs_proc p;
	char err[256];

	(void)state;
	assert_int_equal(fs_proc_parse(bin, sizeof(bin) - 1, &p, err, sizeof(err)), -1);
	assert_non_null(strstr(err, "NUL byte"));
}

static void test_every_truncation(void **state)
{
	struct fs_proc p;
	char err[256];
	size_t len, full = strlen(good);

	(void)state;
	/* Every prefix either parses as a consistent subset or fails cleanly. */
	for (len = 0; len < full; len++) {
		if (fs_proc_parse(good, len, &p, err, sizeof(err)) == 0) {
			assert_true(good[len - 1] == '\n');
			assert_true(p.nprobes <= 3);
		} else {
			assert_true(strlen(err) > 0);
		}
	}
}

static void test_too_many_probes(void **state)
{
	char text[8192], *s = text;
	struct fs_proc p;
	char err[256];
	int i;

	(void)state;
	s += sprintf(s, "forkstats 1\nprobe hits missed\n");
	for (i = 0; i <= FS_PROC_MAX_PROBES; i++)
		s += sprintf(s, "p%d 1 0\n", i);
	assert_int_equal(parse(text, &p, err, sizeof(err)), -1);
	assert_non_null(strstr(err, "more than"));
}

static void test_read_missing(void **state)
{
	struct fs_proc p;
	char err[256];

	(void)state;
	assert_int_equal(fs_proc_read("/nonexistent/forkstats", &p, err, sizeof(err)), -1);
	assert_non_null(strstr(err, "No such file"));
}

static void test_read_file(void **state)
{
	char path[] = "/tmp/fs-procfile-XXXXXX", err[256];
	struct fs_proc p;
	int fd = mkstemp(path);

	(void)state;
	assert_true(fd >= 0);
	assert_int_equal(write(fd, good, strlen(good)), (ssize_t)strlen(good));
	close(fd);
	assert_int_equal(fs_proc_read(path, &p, err, sizeof(err)), 0);
	assert_int_equal(p.nprobes, 3);
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
		cmocka_unit_test(test_header_only),
		cmocka_unit_test(test_bad),
		cmocka_unit_test(test_binary),
		cmocka_unit_test(test_every_truncation),
		cmocka_unit_test(test_too_many_probes),
		cmocka_unit_test(test_read_missing),
		cmocka_unit_test(test_read_file),
	};

	return cmocka_run_group_tests_name("procfile", tests, NULL, NULL);
}
