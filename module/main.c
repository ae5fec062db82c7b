// SPDX-License-Identifier: GPL-2.0
/*
 * forkstats: per-call statistics for process creation and copy-on-write.
 *
 * Module load and unload.  The probes live in probes.c, the /proc
 * interface in procfs.c.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/init.h>
#include <linux/module.h>

#include "forkstats.h"

static int __init forkstats_init(void)
{
	int ret;

	ret = fs_procfs_init();
	if (ret)
		return ret;
	ret = fs_probes_register();
	if (ret) {
		fs_procfs_exit();
		return ret;
	}
	pr_info("loaded\n");
	return 0;
}

static void __exit forkstats_exit(void)
{
	fs_procfs_exit();
	fs_probes_unregister();
	pr_info("unloaded\n");
}

module_init(forkstats_init);
module_exit(forkstats_exit);

MODULE_LICENSE("GPL");
MODULE_AUTHOR("forkstats developers");
MODULE_DESCRIPTION("Per-call fork statistics: page tables copied and copy-on-write faults");
