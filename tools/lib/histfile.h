/* SPDX-License-Identifier: GPL-2.0 */
/* Parser for debugfs forkstats/hist (docs/interfaces.md). */
#ifndef FORKSTATS_HISTFILE_H
#define FORKSTATS_HISTFILE_H

#include <stddef.h>
#include <stdint.h>

#include <forkstats/record.h>

struct fs_hist_bucket {
	unsigned int kind;	/* enum fs_kind */
	int total;		/* 0: create latency, 1: total latency */
	uint64_t lo_ns, hi_ns, count;
};

struct fs_hist {
	size_t n, cap;
	struct fs_hist_bucket *v;
};

int fs_hist_parse(const char *text, size_t len, struct fs_hist *out, char *err, size_t errlen);
int fs_hist_read(const char *path, struct fs_hist *out, char *err, size_t errlen);
void fs_hist_free(struct fs_hist *h);

#endif /* FORKSTATS_HISTFILE_H */
