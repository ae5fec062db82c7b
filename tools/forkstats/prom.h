/* SPDX-License-Identifier: GPL-2.0 */
#ifndef FORKSTATS_PROM_H
#define FORKSTATS_PROM_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "table.h"

/*
 * Prometheus text exposition (format 0.0.4: what promtool and node_exporter's
 * textfile collector read), through the same cells: a sample's value is a
 * cell, an unknown cell writes no sample (the series is absent: unknown is
 * never 0), FS_UNIT_NS is written in seconds (the exact decimal of the
 * integer ns), every other number as an integer.  A family's "# HELP" and
 * "# TYPE" lines are written before its first sample, so that a family with
 * no known sample writes nothing.  The name of a counter ends in _total; a
 * histogram's samples add _bucket (with an "le" label), _sum and _count.
 */
enum fs_prom_type { FS_PROM_COUNTER, FS_PROM_GAUGE, FS_PROM_HISTOGRAM };

struct fs_prom_family {
	FILE *f;
	const char *name;
	enum fs_prom_type type;
	const char *help;
	int started;			/* HELP and TYPE written */
};

struct fs_prom_label {
	const char *name;
	const char *value;		/* escaped as the format wants: \\, \", \n */
};

void fs_prom_family(struct fs_prom_family *m, FILE *f, const char *name,
		    enum fs_prom_type type, const char *help);
/* One sample: the family's name, then suffix ("" or _bucket, _sum, _count). */
void fs_prom_sample(struct fs_prom_family *m, const char *suffix,
		    const struct fs_prom_label *labels, size_t nlabels, const struct fs_cell *v);
/* The same, of the number v. */
void fs_prom_u64(struct fs_prom_family *m, const char *suffix,
		 const struct fs_prom_label *l, size_t nl, uint64_t v);
/* ns in seconds, exactly ("0.000524287", "12"), in buf (FS_CELL_TEXT bytes). */
const char *fs_prom_seconds(char *buf, uint64_t ns);

#endif /* FORKSTATS_PROM_H */
