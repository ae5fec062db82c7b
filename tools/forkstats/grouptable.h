/* SPDX-License-Identifier: GPL-2.0 */
/*
 * A table of groups of calls (tools/lib/group.h) on the output layer: a label
 * column (kind, command) then the summed counts and the latency statistics.
 * Shared by "stat" and "top"; each picks the columns it shows.
 */
#ifndef FORKSTATS_GROUPTABLE_H
#define FORKSTATS_GROUPTABLE_H

#include "group.h"
#include "table.h"

/*
 * Columns after the label: JSON key (docs/interfaces.md), text head, and the
 * label of the column's line when the table is printed turned (stat).  A
 * "_per_call" column is its sum over the group's calls.
 */
#define FS_GT_COLUMNS(X)						\
	X(calls, "CALLS", "calls")					\
	X(failed, "FAILED", "failed")					\
	X(create_ns_mean, "CREATE", "create latency, mean")		\
	X(create_ns_p50, "CREATE_P50", "  p50")				\
	X(create_ns_p99, "CREATE_P99", "  p99")				\
	X(total_ns_mean, "TOTAL", "total latency, mean")		\
	X(total_ns_p50, "TOTAL_P50", "  p50")				\
	X(total_ns_p99, "TOTAL_P99", "  p99")				\
	X(pgtable_bytes, "PGTABLES", "page tables copied")		\
	X(pgtable_bytes_per_call, "PGT/CALL", "  per call")		\
	X(vmas_copied, "VMAS_CP", "VMAs copied")			\
	X(vmas_copied_per_call, "VMAS/CALL", "  per call")		\
	X(cow_parent, "COW_P", "COW faults, parent")			\
	X(cow_parent_per_call, "COW_P/CALL", "  per call")		\
	X(cow_child, "COW_C", "COW faults, child")			\
	X(cow_child_per_call, "COW_C/CALL", "  per call")		\
	X(cow_copies, "COPIES", "COW copies")				\
	X(cow_reuses, "REUSES", "COW reuses")

enum fs_gt_col {
#define FS_GT_ENUM(name, head, line) FS_GT_##name,
	FS_GT_COLUMNS(FS_GT_ENUM)
#undef FS_GT_ENUM
	FS_GT_COUNT
};

struct fs_group_table {
	struct fs_table t;
	const char *keys[FS_GT_COUNT + 1], *heads[FS_GT_COUNT + 1], *lines[FS_GT_COUNT + 1];
	int cols[FS_GT_COUNT];
};

/*
 * The label column (key, head), then the columns in cols[0..n) (all of them
 * when cols is NULL).
 */
void fs_group_table_init(struct fs_group_table *gt, const char *key, const char *head,
			 const int *cols, int n);
/* One row; sorts the group's samples. */
void fs_group_table_row(struct fs_group_table *gt, const char *label, struct fs_group *g);
void fs_group_table_free(struct fs_group_table *gt);
/* The count (enum fs_group_count) a column shows, or -1 for the others. */
int fs_group_table_count(int col);
/* The count a "_per_call" column divides by the calls, or -1 for the others. */
int fs_group_table_per_call(int col);

#endif /* FORKSTATS_GROUPTABLE_H */
