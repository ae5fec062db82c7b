// SPDX-License-Identifier: GPL-2.0
/* Per-call records summed by group (see group.h). */
#include "group.h"

#include <stdlib.h>
#include <string.h>

static const char *const names[] = {
#define FS_GROUP_NAME(name) #name,
	FS_GROUP_COUNTS(FS_GROUP_NAME)
#undef FS_GROUP_NAME
};

const char *fs_group_count_name(int col)
{
	return col >= 0 && col < FS_GROUP_COUNT ? names[col] : "?";
}

int fs_lat_add(struct fs_lat *l, uint64_t ns)
{
	if (l->n == l->cap) {
		size_t cap = l->cap ? l->cap * 2 : 64;
		uint64_t *v = realloc(l->v, cap * sizeof(*v));

		if (!v)
			return -1;
		l->v = v;
		l->cap = cap;
	}
	l->v[l->n++] = ns;
	l->sum += ns;
	l->sorted = 0;
	return 0;
}

uint64_t fs_lat_mean(const struct fs_lat *l)
{
	return l->n ? l->sum / l->n : 0;
}

static int cmp_u64(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;

	return x < y ? -1 : x > y;
}

uint64_t fs_lat_percentile(struct fs_lat *l, unsigned int p)
{
	size_t rank;

	if (!l->n)
		return 0;
	if (!l->sorted) {
		qsort(l->v, l->n, sizeof(*l->v), cmp_u64);
		l->sorted = 1;
	}
	if (p > 100)
		p = 100;
	/* rank = ceil(p / 100 * n), at least 1 */
	rank = ((size_t)p * l->n + 99) / 100;
	return l->v[rank ? rank - 1 : 0];
}

/* A record's column behind a count, or -1 for counts not read from one column. */
static const int record_col[FS_GROUP_COUNT] = {
	[FS_GROUP_calls] = -1,
	[FS_GROUP_failed] = FS_COL_err,
	[FS_GROUP_pgtable_bytes] = FS_COL_pgtable_bytes,
	[FS_GROUP_vmas_copied] = FS_COL_vmas_copied,
	[FS_GROUP_cow_parent] = FS_COL_cow_parent,
	[FS_GROUP_cow_child] = FS_COL_cow_child,
	[FS_GROUP_cow_copies] = FS_COL_cow_copies,
	[FS_GROUP_cow_reuses] = FS_COL_cow_reuses,
};

int fs_group_add(struct fs_group *g, const struct fs_call *x)
{
	const struct fs_record *r = &x->r;
	int i;

	for (i = 0; i < FS_GROUP_COUNT; i++)
		if (record_col[i] >= 0 && (x->unknown & (1u << record_col[i])))
			g->unknown |= 1u << i;
	g->v[FS_GROUP_calls]++;
	g->v[FS_GROUP_failed] += r->err != 0;
	g->v[FS_GROUP_pgtable_bytes] += r->pgtable_bytes;
	g->v[FS_GROUP_vmas_copied] += r->vmas_copied;
	g->v[FS_GROUP_cow_parent] += r->cow_parent;
	g->v[FS_GROUP_cow_child] += r->cow_child;
	g->v[FS_GROUP_cow_copies] += r->cow_copies;
	g->v[FS_GROUP_cow_reuses] += r->cow_reuses;
	if (!(x->unknown & (1u << FS_COL_create_ns)) && fs_lat_add(&g->create, r->create_ns))
		return -1;
	if (!(x->unknown & (1u << FS_COL_total_ns)) && fs_lat_add(&g->total, r->total_ns))
		return -1;
	return 0;
}

int fs_group_merge(struct fs_group *g, const struct fs_group *o)
{
	size_t i;
	int c;

	for (c = 0; c < FS_GROUP_COUNT; c++)
		g->v[c] += o->v[c];
	g->unknown |= o->unknown;
	for (i = 0; i < o->create.n; i++)
		if (fs_lat_add(&g->create, o->create.v[i]))
			return -1;
	for (i = 0; i < o->total.n; i++)
		if (fs_lat_add(&g->total, o->total.v[i]))
			return -1;
	return 0;
}

void fs_group_free(struct fs_group *g)
{
	free(g->create.v);
	free(g->total.v);
	memset(g, 0, sizeof(*g));
}
