// SPDX-License-Identifier: GPL-2.0
/* Unit tests for the per-call record parser (tools/lib/calls.c). */
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
	/* A column the header lacks is unknown, never a silent 0. */
	assert_true(c.v[0].unknown & (1u << FS_COL_total_ns));
	assert_true(c.v[0].unknown & (1u << FS_COL_cow_parent));
	assert_false(c.v[0].unknown & (1u << FS_COL_child_pid));
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
	/* Numbers: digits only (a sign only before those of a signed column), in range. */
	{ "# seq kind child_pid err\n+1 fork 2 0\n", "seq: bad value" },
	{ "# seq kind child_pid err\n1x fork 2 0\n", "seq: bad value" },
	{ "# seq kind child_pid err\n1 fork 2 --1\n", "err: bad value" },
	{ "# seq kind child_pid err\n1 fork 2 -\v1\n", "err: bad value" },
	{ "# seq kind child_pid err\n99999999999999999999 fork 2 0\n", "seq: bad value" },
	{ "# seq kind child_pid err\n1 fork 2 -2147483649\n", "err: bad value" },
	{ "# seq kind child_pid err\n# lost x\n", "bad \"# lost\" line" },
	/* A comm of the kernel has at most 15 bytes, no NUL, escapes of two hex digits. */
	{ "# seq kind child_pid err comm\n1 fork 2 0 aaaaaaaaaaaaaaaa\n", "comm: bad value" },
	{ "# seq kind child_pid err comm\n1 fork 2 0 a\\x4g\n", "comm: bad value" },
	{ "# seq kind child_pid err comm\n1 fork 2 0 a\\x-1\n", "comm: bad value" },
	{ "# seq kind child_pid err comm\n1 fork 2 0 a\\x00b\n", "comm: bad value" },
	{ "# seq kind child_pid err comm\n1 fork 2 0 a\x1b[2J\n", "comm: bad value" },
	/* CRLF lines: not a column name, not a value. */
	{ "# seq kind child_pid err\r\n1 fork 2 0\r\n", "line 1: bad column name \"err\\x0d\"" },
	{ "# seq kind child_pid err\n1 fork 2 0\n2 fork 3 0", "line 3: truncated" },
	{ "# seq kind child_pid err\n18446744073709551616 fork 2 0\n", "seq: bad value" },
	{ "# seq kind child_pid err\n1 fork -2147483649 0\n", "child_pid: bad value" },
	{ "# seq kind child_pid err\n1 fork 2 0 5\n", "line 2: expected 4 fields, found 5" },
	/* A value in a message: control bytes escaped, a long one cut. */
	{ "# seq kind child_pid err\n1 fork \x1b[2J 0\n", "child_pid: bad value \"\\x1b[2J\"" },
	{ "# seq kind child_pid err\n1 fork 2 123456789012345678901234567890123456789012345678901234567890\n",
	  "err: bad value \"12345678901234567890123456789012345678901234...\"" },
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

/* The extremes of each integer type parse. */
static void test_limits(void **state)
{
	static const char text[] = "# seq kind child_pid err vmas flags\n"
				   "18446744073709551615 fork 2147483647 -2147483648 4294967295 0xffffffffffffffff\n"
				   "0 fork -0 -0 0 0x0\n";
	struct fs_calls c;
	char err[256];

	(void)state;
	assert_int_equal(parse(text, &c, err, sizeof(err)), 0);
	assert_true(c.v[0].r.seq == UINT64_MAX);
	assert_int_equal(c.v[0].r.child_pid, INT32_MAX);
	assert_int_equal(c.v[0].r.err, INT32_MIN);
	assert_int_equal(c.v[0].r.vmas, UINT32_MAX);
	assert_true(c.v[0].r.flags == UINT64_MAX);
	assert_int_equal(c.v[1].r.seq, 0);
	assert_int_equal(c.v[1].r.child_pid, 0);
	assert_int_equal(c.v[1].r.err, 0);
	fs_calls_free(&c);
}

/* fs_calls_read parses the buffer it read in place: the same records, errors naming the file. */
static void test_read(void **state)
{
	static const char bad_text[] = "# seq kind child_pid err\n1 fork 2 0\n2 fork x 0\n";
	char path[] = "/tmp/test_calls.XXXXXX", err[512];
	struct fs_calls a, b;
	int fd;

	(void)state;
	fd = mkstemp(path);
	assert_true(fd >= 0);
	assert_int_equal(write(fd, good, strlen(good)), (ssize_t)strlen(good));
	assert_int_equal(fs_calls_read(path, &a, err, sizeof(err)), 0);
	assert_int_equal(parse(good, &b, err, sizeof(err)), 0);
	assert_int_equal(a.n, b.n);
	assert_int_equal(a.lost, b.lost);
	assert_memory_equal(a.v, b.v, a.n * sizeof(*a.v));
	fs_calls_free(&a);
	fs_calls_free(&b);
	assert_int_equal(ftruncate(fd, 0), 0);
	assert_int_equal(pwrite(fd, bad_text, strlen(bad_text), 0), (ssize_t)strlen(bad_text));
	assert_int_equal(fs_calls_read(path, &a, err, sizeof(err)), -1);
	assert_non_null(strstr(err, path));
	assert_non_null(strstr(err, "line 3: child_pid: bad value \"x\""));
	assert_null(a.v);
	close(fd);
	unlink(path);
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

static void test_binary(void **state)
{
	static const char bin[] = "# seq kind child_pid err\n1 fork 2 0\n2 fork 3 0\n3 fork\0 4 0\n";
	struct fs_calls c;
	char err[256];

	(void)state;
	assert_int_equal(fs_calls_parse(bin, sizeof(bin) - 1, &c, err, sizeof(err)), -1);
	assert_non_null(strstr(err, "line 4: binary data (NUL byte at offset 53)"));
}

static void test_comm_ok(void **state)
{
	static const char text[] = "# seq kind child_pid err comm\n"
				    "1 fork 2 0 aaaaaaaaaaaaaaa\n"
				    "2 fork 3 0 \\x1b\\x7f\\xff\n";
	struct fs_calls c;
	char err[256], esc[FS_COMM_ESCAPED];

	(void)state;
	assert_int_equal(parse(text, &c, err, sizeof(err)), 0);
	assert_string_equal(c.v[0].r.comm, "aaaaaaaaaaaaaaa");
	assert_string_equal(c.v[1].r.comm, "\x1b\x7f\xff");
	/* Escaped again as in the file: what a terminal is shown. */
	fs_comm_escape(c.v[1].r.comm, esc);
	assert_string_equal(esc, "\\x1b\\x7f\\xff");
	fs_calls_free(&c);
}

/* Feeds text to the events reader through a pipe, closed at the end. */
static int events_from(const char *text, size_t len, struct fs_events *e)
{
	int p[2];

	assert_int_equal(pipe(p), 0);
	/* Small texts only: the pipe holds them. */
	assert_int_equal(write(p[1], text, len), (ssize_t)len);
	close(p[1]);
	fs_events_init(e, p[0]);
	return p[0];
}

static void test_events(void **state)
{
	static const char text[] = "# seq kind child_pid err\n"
				   "1 fork 2 0\n"
				   "# lost 7\n"
				   "2 vfork 3 0\n";
	struct fs_events *e = malloc(sizeof(*e));
	struct fs_call x;
	uint64_t lost = 0;
	char err[256];
	int fd;

	(void)state;
	fd = events_from(text, strlen(text), e);
	assert_int_equal(fs_events_next(e, &x, &lost, err, sizeof(err)), FS_EVENTS_RECORD);
	assert_int_equal(x.r.seq, 1);
	assert_int_equal(fs_events_next(e, &x, &lost, err, sizeof(err)), FS_EVENTS_LOST);
	assert_int_equal(lost, 7);
	assert_int_equal(fs_events_next(e, &x, &lost, err, sizeof(err)), FS_EVENTS_RECORD);
	assert_int_equal(x.r.kind, FS_KIND_VFORK);
	assert_int_equal(fs_events_next(e, &x, &lost, err, sizeof(err)), FS_EVENTS_END);
	close(fd);
	free(e);
}

static void test_events_again(void **state)
{
	struct fs_events *e = malloc(sizeof(*e));
	struct fs_call x;
	uint64_t lost;
	char err[256];
	int p[2];

	(void)state;
	assert_int_equal(pipe2(p, O_NONBLOCK), 0);
	fs_events_init(e, p[0]);
	assert_int_equal(fs_events_next(e, &x, &lost, err, sizeof(err)), FS_EVENTS_AGAIN);
	/* Half a line: still nothing, until the rest comes. */
	assert_int_equal(write(p[1], "# seq kind child_pid err\n1 fo", 29), 29);
	assert_int_equal(fs_events_next(e, &x, &lost, err, sizeof(err)), FS_EVENTS_AGAIN);
	assert_int_equal(write(p[1], "rk 2 0\n", 7), 7);
	assert_int_equal(fs_events_next(e, &x, &lost, err, sizeof(err)), FS_EVENTS_RECORD);
	assert_int_equal(x.r.child_pid, 2);
	close(p[0]);
	close(p[1]);
	free(e);
}

static void test_events_bad(void **state)
{
	static const struct {
		const char *text;
		size_t len;
		const char *why;
	} cases[] = {
#define C(s, why) { s, sizeof(s) - 1, why }
		C("", "empty: the stream ended before its header"),
		C("# seq kind child_pid err\n", NULL),
		C("seq kind\n", "line 1: expected the header"),
		C("# seq kind child_pid err\n1 fork 2 0\n2 fork", "line 3: truncated"),
		C("# seq kind child_pid err\n1 fork\0 2 0\n", "line 2: binary data (NUL byte)"),
		C("# seq kind child_pid err\n1 fork 2 0\n# lost -1\n", "line 3: bad \"# lost\" line"),
		C("# seq kind child_pid err\n# lost 18446744073709551616\n", "line 2: bad \"# lost\" line"),
		C("# seq kind child_pid err\n1 fork 2\n", "line 2: expected 4 fields, found 3"),
#undef C
	};
	struct fs_events *e = malloc(sizeof(*e));
	struct fs_call x;
	uint64_t lost;
	char err[256];
	size_t i;
	int fd, r;

	(void)state;
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		fd = events_from(cases[i].text, cases[i].len, e);
		err[0] = '\0';
		while ((r = fs_events_next(e, &x, &lost, err, sizeof(err))) == FS_EVENTS_RECORD ||
		       r == FS_EVENTS_LOST)
			;
		close(fd);
		if (!cases[i].why) {
			assert_int_equal(r, FS_EVENTS_END);
			continue;
		}
		assert_int_equal(r, FS_EVENTS_ERROR);
		if (!strstr(err, cases[i].why))
			fail_msg("case %zu: error \"%s\" lacks \"%s\"", i, err, cases[i].why);
	}
	free(e);
}

/* A line longer than the reader's buffer is an error, not a silent cut. */
static void test_events_overlong(void **state)
{
	struct fs_events *e = malloc(sizeof(*e));
	char path[] = "/tmp/fs-events-XXXXXX", err[256], *line;
	struct fs_call x;
	uint64_t lost;
	int fd = mkstemp(path);
	size_t n = 2 * FS_EVENTS_LINE_MAX;

	(void)state;
	assert_true(fd >= 0);
	unlink(path);
	line = malloc(n);
	memset(line, '7', n);
	line[n - 1] = '\n';
	assert_int_equal(write(fd, "# seq kind child_pid err\n", 25), 25);
	assert_int_equal(write(fd, line, n), (ssize_t)n);
	assert_int_equal(lseek(fd, 0, SEEK_SET), 0);
	fs_events_init(e, fd);
	assert_int_equal(fs_events_next(e, &x, &lost, err, sizeof(err)), FS_EVENTS_ERROR);
	assert_non_null(strstr(err, "line 2: longer than 65535 bytes"));
	close(fd);
	free(line);
	free(e);
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
		cmocka_unit_test(test_limits),
		cmocka_unit_test(test_read),
		cmocka_unit_test(test_every_truncation),
		cmocka_unit_test(test_binary),
		cmocka_unit_test(test_comm_ok),
		cmocka_unit_test(test_events),
		cmocka_unit_test(test_events_again),
		cmocka_unit_test(test_events_bad),
		cmocka_unit_test(test_events_overlong),
		cmocka_unit_test(test_many),
	};

	return cmocka_run_group_tests_name("calls", tests, NULL, NULL);
}
