// SPDX-License-Identifier: GPL-2.0
/* Following a process tree through the per-call records (see tree.h). */
#include "tree.h"

#include <sched.h>
#include <stdlib.h>
#include <string.h>

static size_t slot(const struct fs_tree *t, int32_t pid)
{
	return ((uint32_t)pid * 2654435761u) & (t->set_size - 1);
}

int fs_tree_contains(const struct fs_tree *t, pid_t pid)
{
	size_t i;

	if (pid <= 0)
		return 0;
	for (i = slot(t, pid); t->set[i]; i = (i + 1) & (t->set_size - 1))
		if (t->set[i] == pid)
			return 1;
	return 0;
}

static int set_add(struct fs_tree *t, int32_t pid)
{
	size_t i;

	if (fs_tree_contains(t, pid))
		return 0;
	if (2 * (t->npids + 1) > t->set_size) {
		int32_t *old = t->set;
		size_t n = t->set_size;

		t->set = calloc(2 * n, sizeof(*t->set));
		if (!t->set) {
			t->set = old;
			return -1;
		}
		t->set_size = 2 * n;
		t->npids = 0;
		for (i = 0; i < n; i++)
			if (old[i])
				set_add(t, old[i]);
		free(old);
	}
	for (i = slot(t, pid); t->set[i]; i = (i + 1) & (t->set_size - 1))
		;
	t->set[i] = pid;
	t->npids++;
	return 0;
}

int fs_tree_init(struct fs_tree *t, pid_t root, size_t max_pending)
{
	memset(t, 0, sizeof(*t));
	t->set_size = 64;
	t->max_pending = max_pending ? max_pending : 1;
	t->set = calloc(t->set_size, sizeof(*t->set));
	t->pending = calloc(t->max_pending, sizeof(*t->pending));
	if (!t->set || !t->pending || set_add(t, root)) {
		fs_tree_free(t);
		return -1;
	}
	return 0;
}

/* The process a call created, when it is a new process (not a thread). */
static pid_t new_process(const struct fs_call *x)
{
	if (x->r.err || x->r.child_pid <= 0 || (x->r.flags & CLONE_THREAD))
		return 0;
	return x->r.child_pid;
}

static void pend(struct fs_tree *t, const struct fs_call *x)
{
	struct fs_tree_pending *p = &t->pending[(t->head + t->npending) % t->max_pending];

	if (t->npending == t->max_pending) {
		/* Full: the oldest gives way. */
		p = &t->pending[t->head];
		t->dropped += p->live;
		t->head = (t->head + 1) % t->max_pending;
		t->npending--;
	}
	p->x = *x;
	p->live = 1;
	t->npending++;
}

/* x belongs: report it, then everything pending that its child unlocks. */
static int accept(struct fs_tree *t, const struct fs_call *x, fs_tree_cb cb, void *ctx)
{
	pid_t child = new_process(x);
	size_t i;
	int ret;

	ret = cb(ctx, x);
	if (ret || !child || fs_tree_contains(t, child))
		return ret;
	if (set_add(t, child))
		return -1;
	for (i = 0; i < t->npending; i++) {
		struct fs_tree_pending *p = &t->pending[(t->head + i) % t->max_pending];

		if (!p->live || p->x.r.parent_tgid != child)
			continue;
		p->live = 0;
		ret = accept(t, &p->x, cb, ctx);
		if (ret)
			return ret;
	}
	return 0;
}

int fs_tree_feed(struct fs_tree *t, const struct fs_call *x, fs_tree_cb cb, void *ctx)
{
	int ret;

	if (!fs_tree_contains(t, x->r.parent_tgid)) {
		pend(t, x);
		return 0;
	}
	ret = accept(t, x, cb, ctx);
	/* Drop the entries consumed at the old end. */
	while (t->npending && !t->pending[t->head].live) {
		t->head = (t->head + 1) % t->max_pending;
		t->npending--;
	}
	return ret;
}

void fs_tree_free(struct fs_tree *t)
{
	free(t->set);
	free(t->pending);
	memset(t, 0, sizeof(*t));
}
