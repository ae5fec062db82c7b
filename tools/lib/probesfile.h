/* SPDX-License-Identifier: GPL-2.0 */
/* Parser for debugfs forkstats/probes (docs/interfaces.md). */
#ifndef FORKSTATS_PROBESFILE_H
#define FORKSTATS_PROBESFILE_H

#include <stddef.h>
#include <stdint.h>

#include "procfile.h"

#define FS_PROBES_PATH	"/sys/kernel/debug/forkstats/probes"

struct fs_probe_row {
	char name[FS_PROC_NAME_MAX];	/* the probed symbol */
	char type[20];			/* kprobe | kretprobe; BPF: fentry | fexit | fentry.fexit |
					   tp_btf | kprobe.kretprobe */
	int attached;
	uint64_t hits;			/* handler runs since load */
	uint64_t missed;		/* kprobe + kretprobe nmissed */
};

struct fs_probes {
	size_t nprobes;
	struct fs_probe_row probes[FS_PROC_MAX_PROBES];
	size_t ncounters;		/* "name value" lines after the table */
	struct fs_proc_counter counters[FS_PROC_MAX_COUNTERS];
	char kprobe_group[FS_PROC_NAME_MAX];	/* BPF kprobe chain: its tracefs group, or "" */
};

int fs_probes_parse(const char *text, size_t len, struct fs_probes *out, char *err, size_t errlen);
int fs_probes_read(const char *path, struct fs_probes *out, char *err, size_t errlen);
const struct fs_probe_row *fs_probes_find(const struct fs_probes *p, const char *name);
const struct fs_proc_counter *fs_probes_counter(const struct fs_probes *p, const char *name);

#endif /* FORKSTATS_PROBESFILE_H */
