/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Following a process tree through the per-call records, in the order calls
 * complete (debugfs "events"): a call belongs to the tree when the process
 * that made it (parent_tgid) is in the tree, and the process it created
 * (child_pid, unless it is a thread of the caller) joins the tree.
 *
 * Completion order is not creation order: a child may run, fork, and have
 * that call complete before the call that created it completes (its parent
 * is preempted, or is a vfork parent waiting for the child's exec).  Such a
 * record waits among the pending ones until its process joins; pending
 * records that never join belong to other processes and are dropped, oldest
 * first, when more than max_pending wait.
 *
 * A pid is not removed when its process exits: if the kernel reuses it for
 * an unrelated process while the tree is followed, that process's calls are
 * counted too (pid_max makes this rare; docs/interfaces.md says so).
 */
#ifndef FORKSTATS_TREE_H
#define FORKSTATS_TREE_H

#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "calls.h"

/* Called once for every record of the tree. */
typedef int (*fs_tree_cb)(void *ctx, const struct fs_call *x);

struct fs_tree_pending {
	struct fs_call x;
	int live;
};

struct fs_tree {
	int32_t *set;			/* open addressing; 0 is empty */
	size_t set_size, npids;
	struct fs_tree_pending *pending;	/* FIFO ring, oldest first */
	size_t max_pending, head, npending;
	uint64_t dropped;		/* pending records dropped, never joined */
};

/* A tree of one process.  0, or -1 when out of memory. */
int fs_tree_init(struct fs_tree *t, pid_t root, size_t max_pending);
/*
 * One record, in completion order: calls cb for it if it belongs to the
 * tree, then for every pending record that belongs now.  0, -1 when out of
 * memory, or cb's non-zero return.
 */
int fs_tree_feed(struct fs_tree *t, const struct fs_call *x, fs_tree_cb cb, void *ctx);
int fs_tree_contains(const struct fs_tree *t, pid_t pid);
void fs_tree_free(struct fs_tree *t);

#endif /* FORKSTATS_TREE_H */
