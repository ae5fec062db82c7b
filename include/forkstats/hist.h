/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The latency histograms' buckets, shared by the module, the BPF programs
 * and the tools: bucket b > 0 holds [2^b, 2^(b+1)) ns, bucket 0 holds 0 and
 * 1 ns, the last bucket everything above.  Scalars only.
 */
#ifndef FORKSTATS_HIST_H
#define FORKSTATS_HIST_H

#ifndef __VMLINUX_H__
#include <linux/types.h>
#endif

#define FS_HIST_BUCKETS 64

/* ilog2(ns), capped at the last bucket; 0 for 0.  Shifts: BPF has no clz. */
static inline unsigned int fs_hist_bucket(__u64 ns)
{
	unsigned int b = 0;

	if (ns >> 32) {
		b += 32;
		ns >>= 32;
	}
	if (ns >> 16) {
		b += 16;
		ns >>= 16;
	}
	if (ns >> 8) {
		b += 8;
		ns >>= 8;
	}
	if (ns >> 4) {
		b += 4;
		ns >>= 4;
	}
	if (ns >> 2) {
		b += 2;
		ns >>= 2;
	}
	if (ns >> 1)
		b += 1;
	return b < FS_HIST_BUCKETS ? b : FS_HIST_BUCKETS - 1;
}

/* The bucket's bounds in ns, as /sys/kernel/debug/forkstats/hist lists them. */
static inline __u64 fs_hist_lo(unsigned int b)
{
	return b ? 1ULL << b : 0;
}

static inline __u64 fs_hist_hi(unsigned int b)
{
	return b == FS_HIST_BUCKETS - 1 ? ~0ULL : (2ULL << b) - 1;
}

#endif /* FORKSTATS_HIST_H */
