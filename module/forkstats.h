/* SPDX-License-Identifier: GPL-2.0 */
/*
 * forkstats: internal interfaces between the module's parts.
 *
 *   probes.c  - the kprobes and their hit counters
 *   procfs.c  - /proc/forkstats
 *   main.c    - module load and unload
 */
#ifndef FORKSTATS_H
#define FORKSTATS_H

#include <linux/types.h>

/* Version of the /proc/forkstats format (first line: "forkstats <n>"). */
#define FORKSTATS_PROC_VERSION	1

enum fs_probe_id {
	FS_PROBE_KERNEL_CLONE,
	FS_PROBE_COPY_PROCESS,
	FS_PROBE_DO_WP_PAGE,
	FS_PROBE_COUNT
};

struct fs_probe_stat {
	const char *name;	/* probed symbol */
	u64 hits;		/* handler runs, summed over CPUs */
	unsigned long missed;	/* kprobe nmissed */
};

int fs_probes_register(void);
void fs_probes_unregister(void);
void fs_probe_stat(enum fs_probe_id id, struct fs_probe_stat *st);

int fs_procfs_init(void);
void fs_procfs_exit(void);

#endif /* FORKSTATS_H */
