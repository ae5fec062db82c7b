// SPDX-License-Identifier: GPL-2.0
/* Unit tests for the debugfs probes parser (tools/lib/probesfile.c). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "probesfile.h"

static const char good[] =
	"# probe type attached hits missed\n"
	"kernel_clone kretprobe 1 107 0\n"
	"wp_page_reuse kprobe 0 0 0\n"
	"\n"
	"enabled 1\n"
	"memory_bytes 1256400\n";

static void test_good(void **state)
{
	struct fs_probes p;
	char err[256];

	(void)state;
	assert_int_equal(fs_probes_parse(good, strlen(good), &p, err, sizeof(err)), 0);
	assert_int_equal(p.nprobes, 2);
	assert_string_equal(fs_probes_find(&p, "kernel_clone")->type, "kretprobe");
	assert_int_equal(fs_probes_find(&p, "kernel_clone")->hits, 107);
	assert_int_equal(fs_probes_find(&p, "wp_page_reuse")->attached, 0);
	assert_null(fs_probes_find(&p, "nosuch"));
	assert_int_equal(fs_probes_counter(&p, "memory_bytes")->value, 1256400);
}

/* The BPF backend's probes file: its program types. */
static void test_bpf_types(void **state)
{
	static const char text[] =
		"# probe type attached hits missed\n"
		"kernel_clone fentry.fexit 1 12 0\n"
		"do_wp_page fexit 1 213 0\n"
		"copy_page_range fentry 1 110 0\n"
		"page_fault_user tp_btf 1 5 2\n"
		"wp_page_reuse kprobe 0 0 0\n"
		"\n"
		"enabled 1\n";
	struct fs_probes p;
	char err[256];

	(void)state;
	assert_int_equal(fs_probes_parse(text, strlen(text), &p, err, sizeof(err)), 0);
	assert_int_equal(p.nprobes, 5);
	assert_string_equal(fs_probes_find(&p, "kernel_clone")->type, "fentry.fexit");
	assert_string_equal(fs_probes_find(&p, "page_fault_user")->type, "tp_btf");
	assert_int_equal(fs_probes_find(&p, "page_fault_user")->missed, 2);
}

/* The kprobe chain's: a type of two programs, and the group of its kprobe events. */
static void test_kprobe_chain(void **state)
{
	static const char text[] =
		"# probe type attached hits missed\n"
		"kernel_clone kprobe.kretprobe 1 12 0\n"
		"wp_page_copy kretprobe 1 3 0\n"
		"__mmdrop kprobe 1 9 0\n"
		"\n"
		"enabled 1\n"
		"kretprobe_maxactive 300\n"
		"kprobe_group forkstats_4242\n"
		"holder_pid 4243\n";
	struct fs_probes p;
	char err[256];

	(void)state;
	assert_int_equal(fs_probes_parse(text, strlen(text), &p, err, sizeof(err)), 0);
	assert_string_equal(fs_probes_find(&p, "kernel_clone")->type, "kprobe.kretprobe");
	assert_string_equal(p.kprobe_group, "forkstats_4242");
	assert_int_equal(fs_probes_counter(&p, "holder_pid")->value, 4243);
	assert_null(fs_probes_counter(&p, "kprobe_group"));
}

static void test_bad(void **state)
{
	static const char *const bad[] = {
		"",
		"# probe type\n",
		"# probe type attached hits missed\nx kprobe 1 2 3\n",
		"# probe type attached hits missed\nx uprobe 1 2 3\n\n",
		"# probe type attached hits missed\nx kprobe 2 2 3\n\n",
		"# probe type attached hits missed\nx kprobe 1 -2 3\n\n",
		"# probe type attached hits missed\n\nenabled\n",
		"# probe type attached hits missed\nx kprobe 1 18446744073709551616 3\n\n",
		"# probe type attached hits missed\n\nenabled x\n",
		"# probe type attached hits missed\n\nkprobe_group a\nkprobe_group b\n",
		"# probe type attached hits missed\n\nkprobe_group a$\n",
	};
	struct fs_probes p;
	char err[256];
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		err[0] = '\0';
		if (fs_probes_parse(bad[i], strlen(bad[i]), &p, err, sizeof(err)) != -1)
			fail_msg("input %zu parsed", i);
		assert_true(strlen(err) > 0);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_good),
		cmocka_unit_test(test_bpf_types),
		cmocka_unit_test(test_kprobe_chain),
		cmocka_unit_test(test_bad),
	};

	return cmocka_run_group_tests_name("probesfile", tests, NULL, NULL);
}
