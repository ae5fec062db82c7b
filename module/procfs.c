// SPDX-License-Identifier: GPL-2.0
/*
 * /proc/forkstats: the aggregate view, readable by everyone.
 * The format is described in docs/interfaces.md.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/kernel.h>
#include <linux/proc_fs.h>
#include <linux/seq_file.h>

#include "forkstats.h"

static int fs_proc_show(struct seq_file *m, void *v)
{
	struct fs_probe_stat st;
	int i;

	seq_printf(m, "forkstats %d\n", FORKSTATS_PROC_VERSION);
	seq_printf(m, "%-16s %20s %20s\n", "probe", "hits", "missed");
	for (i = 0; i < FS_PROBE_COUNT; i++) {
		fs_probe_stat(i, &st);
		seq_printf(m, "%-16s %20llu %20lu\n", st.name, st.hits, st.missed);
	}
	return 0;
}

int fs_procfs_init(void)
{
	if (!proc_create_single("forkstats", 0444, NULL, fs_proc_show)) {
		pr_err("cannot create /proc/forkstats\n");
		return -ENOMEM;
	}
	return 0;
}

void fs_procfs_exit(void)
{
	remove_proc_entry("forkstats", NULL);
}
