/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Per-call records summed by group (a kind of call, a command name): what
 * "forkstats stat" and "forkstats top" print.  Counts are sums over the
 * records; latencies keep every sample, for the mean and percentiles.
 */
#ifndef FORKSTATS_GROUP_H
#define FORKSTATS_GROUP_H

#include <stddef.h>
#include <stdint.h>

#include "calls.h"

/* The summed columns, named as in docs/interfaces.md. */
#define FS_GROUP_COUNTS(X)	\
	X(calls)		\
	X(failed)		\
	X(pgtable_bytes)	\
	X(vmas_copied)		\
	X(cow_parent)		\
	X(cow_child)		\
	X(cow_copies)		\
	X(cow_reuses)

enum fs_group_count {
#define FS_GROUP_ENUM(name) FS_GROUP_##name,
	FS_GROUP_COUNTS(FS_GROUP_ENUM)
#undef FS_GROUP_ENUM
	FS_GROUP_COUNT
};

/* Latency samples in ns. */
struct fs_lat {
	uint64_t *v;
	size_t n, cap;
	uint64_t sum;
	int sorted;
};

struct fs_group {
	uint64_t v[FS_GROUP_COUNT];
	uint32_t unknown;		/* bit per count: some record did not know it */
	struct fs_lat create, total;	/* create_ns, total_ns of the records that know them */
};

/* Adds one record.  0, or -1 when out of memory. */
int fs_group_add(struct fs_group *g, const struct fs_call *x);
/* Adds every count and sample of another group. */
int fs_group_merge(struct fs_group *g, const struct fs_group *other);
void fs_group_free(struct fs_group *g);
const char *fs_group_count_name(int col);

int fs_lat_add(struct fs_lat *l, uint64_t ns);
/* Mean (rounded down); 0 without samples. */
uint64_t fs_lat_mean(const struct fs_lat *l);
/*
 * The p-th percentile, nearest-rank: the smallest sample with at least p % of
 * the samples at or below it (p in 1..100; 0 gives the minimum); 0 without
 * samples.  Sorts.
 */
uint64_t fs_lat_percentile(struct fs_lat *l, unsigned int p);

#endif /* FORKSTATS_GROUP_H */
