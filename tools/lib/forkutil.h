/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Helpers of the programs that fork on purpose to be measured: the workloads
 * (forkbench, the lab) and the guests' test programs.  They report failure
 * (NULL, -1 with errno) and leave the message to the caller.
 */
#ifndef FORKSTATS_FORKUTIL_H
#define FORKSTATS_FORKUTIL_H

#include <stddef.h>
#include <sys/types.h>

#define FS_PAGE	4096UL

/*
 * A private anonymous region of size bytes (read-write, advice given to
 * madvise) at an address aligned to align.  The aligned slot around it stays
 * reserved (PROT_NONE, never touched, so without page tables): no other
 * mapping shares the region's upper-level page tables.  NULL on failure.
 */
char *fs_map_region(size_t size, size_t align, int advice);
/* Writes v to the first byte of each of pages pages. */
void fs_touch(char *p, size_t pages, char v);
/*
 * Forks a child that waits until *release_fd (the parent's end of a pipe) is
 * closed, then exits 0.  The child's pid, or -1.
 */
pid_t fs_fork_waiter(int *release_fd);
/*
 * A fork (or vfork) whose child exits 0 at once, reaped: the child's pid,
 * or -1 (with errno when the fork failed).
 */
pid_t fs_fork_exit(void);
pid_t fs_vfork_exit(void);
/*
 * Waits for pid (a process or a clone); 0 if it exited with status 0, else
 * -1.  The wait status goes to *status when status is not NULL (-1 when the
 * wait itself failed).
 */
int fs_reap(pid_t pid, int *status);
/*
 * Empties the per-CPU LRU caches (lru_add_drain_all, through move_pages of
 * a page of its own): a page still in one holds an extra reference, and a
 * COW fault on it copies instead of reusing it.  0, or -1 with errno.
 */
int fs_drain_lru(void);

#endif /* FORKSTATS_FORKUTIL_H */
