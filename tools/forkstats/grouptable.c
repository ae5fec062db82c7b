// SPDX-License-Identifier: GPL-2.0
/* A table of groups of calls on the output layer (see grouptable.h). */
#include "grouptable.h"

#include <string.h>

static const char *const gt_keys[] = {
#define FS_GT_KEY(name, head, line) #name,
	FS_GT_COLUMNS(FS_GT_KEY)
#undef FS_GT_KEY
};
static const char *const gt_heads[] = {
#define FS_GT_HEAD(name, head, line) head,
	FS_GT_COLUMNS(FS_GT_HEAD)
#undef FS_GT_HEAD
};
static const char *const gt_lines[] = {
#define FS_GT_LINE(name, head, line) line,
	FS_GT_COLUMNS(FS_GT_LINE)
#undef FS_GT_LINE
};

void fs_group_table_init(struct fs_group_table *gt, const char *key, const char *head,
			 const int *cols, int n)
{
	int i;

	if (!cols)
		n = FS_GT_COUNT;
	gt->keys[0] = key;
	gt->heads[0] = head;
	gt->lines[0] = head;
	for (i = 0; i < n; i++) {
		gt->cols[i] = cols ? cols[i] : i;
		gt->keys[i + 1] = gt_keys[gt->cols[i]];
		gt->heads[i + 1] = gt_heads[gt->cols[i]];
		gt->lines[i + 1] = gt_lines[gt->cols[i]];
	}
	fs_table_init(&gt->t, n + 1, gt->keys, gt->heads);
}

int fs_group_table_count(int col)
{
	switch (col) {
#define COUNT(name) case FS_GT_##name: return FS_GROUP_##name;
	COUNT(calls) COUNT(failed) COUNT(pgtable_bytes) COUNT(vmas_copied)
	COUNT(cow_parent) COUNT(cow_child) COUNT(cow_copies) COUNT(cow_reuses)
#undef COUNT
	}
	return -1;
}

int fs_group_table_per_call(int col)
{
	switch (col) {
#define PER_CALL(name) case FS_GT_##name##_per_call: return FS_GROUP_##name;
	PER_CALL(pgtable_bytes) PER_CALL(vmas_copied) PER_CALL(cow_parent) PER_CALL(cow_child)
#undef PER_CALL
	}
	return -1;
}

static void count_cell(struct fs_cell *c, const struct fs_group *g, int count)
{
	if (g->unknown & (1u << count))
		return;
	if (count == FS_GROUP_pgtable_bytes)
		fs_cell_bytes(c, g->v[count]);
	else
		fs_cell_u64(c, g->v[count]);
}

/* sum / calls: unknown when the sum is, or without calls. */
static void per_call_cell(struct fs_cell *c, const struct fs_group *g, int count)
{
	if ((g->unknown & (1u << count)) || !g->v[FS_GROUP_calls])
		return;
	fs_cell_f64_unit(c, (double)g->v[count] / (double)g->v[FS_GROUP_calls],
			 count == FS_GROUP_pgtable_bytes ? FS_UNIT_BYTES : FS_UNIT_NONE);
}

static void lat_cell(struct fs_cell *c, struct fs_lat *l, unsigned int p)
{
	if (l->n)
		fs_cell_ns(c, p ? fs_lat_percentile(l, p) : fs_lat_mean(l));
}

void fs_group_table_row(struct fs_group_table *gt, const char *label, struct fs_group *g)
{
	struct fs_cell *row = fs_table_row(&gt->t);
	int i;

	if (!row)
		return;
	fs_cell_str(&row[0], label);
	for (i = 0; i < gt->t.ncols - 1; i++) {
		struct fs_cell *c = &row[i + 1];

		int count = fs_group_table_count(gt->cols[i]);

		if (count >= 0) {
			count_cell(c, g, count);
			continue;
		}
		count = fs_group_table_per_call(gt->cols[i]);
		if (count >= 0) {
			per_call_cell(c, g, count);
			continue;
		}
		switch (gt->cols[i]) {
		case FS_GT_create_ns_mean:
			lat_cell(c, &g->create, 0);
			break;
		case FS_GT_create_ns_p50:
			lat_cell(c, &g->create, 50);
			break;
		case FS_GT_create_ns_p99:
			lat_cell(c, &g->create, 99);
			break;
		case FS_GT_total_ns_mean:
			lat_cell(c, &g->total, 0);
			break;
		case FS_GT_total_ns_p50:
			lat_cell(c, &g->total, 50);
			break;
		case FS_GT_total_ns_p99:
			lat_cell(c, &g->total, 99);
			break;
		}
	}
}

void fs_group_table_free(struct fs_group_table *gt)
{
	fs_table_free(&gt->t);
}
