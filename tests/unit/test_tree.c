// SPDX-License-Identifier: GPL-2.0
/* Unit tests for process-tree following (tools/lib/tree.c). */
#include <sched.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "tree.h"

#define MAXSEEN 64

struct seen {
	uint64_t seq[MAXSEEN];
	size_t n;
};

static int collect(void *ctx, const struct fs_call *x)
{
	struct seen *s = ctx;

	assert_true(s->n < MAXSEEN);
	s->seq[s->n++] = x->r.seq;
	return 0;
}

/* A call: seq, made by tgid, created child (0: failed), with flags. */
static struct fs_call call(uint64_t seq, int32_t tgid, int32_t child, uint64_t flags)
{
	struct fs_call x;

	memset(&x, 0, sizeof(x));
	x.r.seq = seq;
	x.r.parent_tgid = tgid;
	x.r.parent_pid = tgid;
	x.r.child_pid = child;
	x.r.err = child ? 0 : -11;
	x.r.flags = flags;
	x.r.kind = flags & CLONE_THREAD ? FS_KIND_THREAD : FS_KIND_FORK;
	return x;
}

static void feed(struct fs_tree *t, struct seen *s, struct fs_call x)
{
	assert_int_equal(fs_tree_feed(t, &x, collect, s), 0);
}

static void assert_seen(const struct seen *s, const uint64_t *want, size_t n)
{
	size_t i;

	assert_int_equal(s->n, n);
	for (i = 0; i < n; i++)
		assert_int_equal(s->seq[i], want[i]);
}

/* Children, grandchildren in completion order; strangers are left out. */
static void test_in_order(void **state)
{
	static const uint64_t want[] = { 1, 3, 4, 6 };
	struct fs_tree t;
	struct seen s = { .n = 0 };

	(void)state;
	assert_int_equal(fs_tree_init(&t, 100, 16), 0);
	feed(&t, &s, call(1, 100, 101, 0));	/* root forks 101 */
	feed(&t, &s, call(2, 999, 998, 0));	/* a stranger */
	feed(&t, &s, call(3, 101, 102, 0));	/* grandchild */
	feed(&t, &s, call(4, 102, 103, 0));	/* great-grandchild */
	feed(&t, &s, call(5, 1, 104, 0));	/* init forks: not ours */
	feed(&t, &s, call(6, 103, 0, 0));	/* a failed call of the tree */
	assert_seen(&s, want, 4);
	assert_true(fs_tree_contains(&t, 103));
	assert_false(fs_tree_contains(&t, 998));
	assert_false(fs_tree_contains(&t, 104));
	fs_tree_free(&t);
}

/*
 * A child's own call may complete before the call that created it: it waits
 * until its process joins, whatever the depth of the chain.
 */
static void test_out_of_order(void **state)
{
	static const uint64_t want[] = { 1, 3, 2, 4 };
	struct fs_tree t;
	struct seen s = { .n = 0 };

	(void)state;
	assert_int_equal(fs_tree_init(&t, 100, 16), 0);
	feed(&t, &s, call(2, 102, 103, 0));	/* 102's call completes first */
	feed(&t, &s, call(3, 101, 102, 0));	/* then 101's, which created 102 */
	assert_int_equal(s.n, 0);
	feed(&t, &s, call(1, 100, 101, 0));	/* the root's: all three belong */
	feed(&t, &s, call(4, 101, 0, 0));
	/* 1 first, then what 101 unlocked (3), then what 102 unlocked (2). */
	assert_seen(&s, want, 4);
	assert_int_equal(t.npending, 0);
	fs_tree_free(&t);
}

/* Threads are not processes: their tid does not join; their calls do (by tgid). */
static void test_threads(void **state)
{
	static const uint64_t want[] = { 1, 3 };
	struct fs_tree t;
	struct seen s = { .n = 0 };

	(void)state;
	assert_int_equal(fs_tree_init(&t, 100, 16), 0);
	feed(&t, &s, call(1, 100, 150, CLONE_VM | CLONE_THREAD | CLONE_SIGHAND));
	feed(&t, &s, call(2, 150, 151, 0));	/* a process with tgid 150: not the thread */
	feed(&t, &s, call(3, 100, 152, 0));	/* the thread 150 forks: parent_tgid is 100 */
	assert_seen(&s, want, 2);
	assert_false(fs_tree_contains(&t, 150));
	assert_true(fs_tree_contains(&t, 152));
	fs_tree_free(&t);
}

/* Pending records that never join give way, oldest first, and are counted. */
static void test_pending_bound(void **state)
{
	static const uint64_t want[] = { 20, 19 };
	struct fs_tree t;
	struct seen s = { .n = 0 };
	uint64_t i;

	(void)state;
	assert_int_equal(fs_tree_init(&t, 100, 4), 0);
	for (i = 1; i <= 10; i++)
		feed(&t, &s, call(i, (int32_t)(1000 + i), (int32_t)(2000 + i), 0));
	assert_int_equal(t.dropped, 6);
	assert_int_equal(t.npending, 4);
	feed(&t, &s, call(19, 101, 102, 0));	/* waits for 101 */
	feed(&t, &s, call(20, 100, 101, 0));
	assert_seen(&s, want, 2);
	assert_int_equal(t.dropped, 7);
	fs_tree_free(&t);
}

/* Thousands of processes: the set grows; every call of the tree is found once. */
static void test_many(void **state)
{
	struct fs_tree t;
	struct seen s = { .n = 0 };
	int32_t p;
	int found = 0;

	(void)state;
	assert_int_equal(fs_tree_init(&t, 2, 8), 0);
	for (p = 2; p < 20000; p++) {
		struct fs_call x = call((uint64_t)p, p, p + 1, 0);

		s.n = 0;
		assert_int_equal(fs_tree_feed(&t, &x, collect, &s), 0);
		found += (int)s.n;
	}
	assert_int_equal(found, 20000 - 2);
	assert_true(fs_tree_contains(&t, 20000));
	fs_tree_free(&t);
}

static int stop_cb(void *ctx, const struct fs_call *x)
{
	(void)ctx;
	return x->r.seq == 2 ? 7 : 0;
}

/* The callback's error stops the walk and is returned. */
static void test_cb_error(void **state)
{
	struct fs_tree t;
	struct fs_call a = call(1, 100, 101, 0), b = call(2, 100, 102, 0);

	(void)state;
	assert_int_equal(fs_tree_init(&t, 100, 4), 0);
	assert_int_equal(fs_tree_feed(&t, &a, stop_cb, NULL), 0);
	assert_int_equal(fs_tree_feed(&t, &b, stop_cb, NULL), 7);
	fs_tree_free(&t);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_in_order),
		cmocka_unit_test(test_out_of_order),
		cmocka_unit_test(test_threads),
		cmocka_unit_test(test_pending_bound),
		cmocka_unit_test(test_many),
		cmocka_unit_test(test_cb_error),
	};

	return cmocka_run_group_tests_name("tree", tests, NULL, NULL);
}
