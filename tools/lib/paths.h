/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Where the module's files are (docs/interfaces.md).  A header of its own so
 * that the text helpers (textparse.c) can name /proc/forkstats in an error
 * without including a parser's header.
 */
#ifndef FORKSTATS_PATHS_H
#define FORKSTATS_PATHS_H

#define FS_PROC_PATH		"/proc/forkstats"
#define FS_DEBUGFS_DIR		"/sys/kernel/debug/forkstats"

#endif /* FORKSTATS_PATHS_H */
