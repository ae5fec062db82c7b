// SPDX-License-Identifier: GPL-2.0
/*
 * forkstats: per-call statistics for process creation and copy-on-write.
 *
 * Load and unload, and the module parameters.  Handlers start disabled and
 * are enabled only once everything they touch exists and the probes are
 * configured for the running kernel.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/init.h>
#include <linux/module.h>
#include <linux/moduleparam.h>

#include "forkstats.h"

unsigned int fs_param_records = FS_RECORDS_DEFAULT;
module_param_named(records, fs_param_records, uint, 0444);
MODULE_PARM_DESC(records, "Per-call records kept in the ring (16..1048576, default 4096)");

unsigned int fs_param_max_tracked = FS_MAX_TRACKED_DEFAULT;
module_param_named(max_tracked, fs_param_max_tracked, uint, 0444);
MODULE_PARM_DESC(max_tracked, "Address spaces tracked for COW attribution (64..4194304, default 16384)");

unsigned int fs_param_max_active = FS_MAX_ACTIVE_DEFAULT;
module_param_named(max_active, fs_param_max_active, uint, 0444);
MODULE_PARM_DESC(max_active,
		 "kretprobe maxactive: kernel_clone and copy_process calls running at once; vfork parents waiting for their child hold none (16..65536, default 1024)");

unsigned int fs_param_max_vforks = FS_MAX_VFORKS_DEFAULT;
module_param_named(max_vforks, fs_param_max_vforks, uint, 0444);
MODULE_PARM_DESC(max_vforks,
		 "vfork calls waiting for their child at once (0: threads-max of this machine's memory, or 64..4194304)");

bool fs_enabled;

static int __init check_range(const char *name, unsigned int v, unsigned int lo, unsigned int hi)
{
	if (v >= lo && v <= hi)
		return 0;
	pr_err("%s=%u is out of range [%u, %u]\n", name, v, lo, hi);
	return -EINVAL;
}

/*
 * Nothing is reachable from outside before the state behind it is complete:
 * the records and tables first, then the probes (registered with the
 * handlers disabled, and configured for the running kernel), then the
 * files: /proc/forkstats (if it cannot be created, nothing was reachable
 * yet), then debugfs, which cannot fail the load (it is optional); then the
 * handlers are enabled.  A failure undoes in reverse.  Unload removes the files first (no reader
 * is left: an open file holds a reference to the module, so rmmod waits
 * for none), then the probes, which waits for the handlers running.
 */
static int __init forkstats_init(void)
{
	int ret;

	/* The ranges: <forkstats/limits.h> (the parameters' descriptions repeat them) */
	ret = check_range("records", fs_param_records, FS_RECORDS_MIN, FS_RECORDS_MAX);
	ret = ret ?: check_range("max_tracked", fs_param_max_tracked, FS_MAX_TRACKED_MIN,
				 FS_MAX_TRACKED_MAX);
	ret = ret ?: check_range("max_active", fs_param_max_active, FS_MAX_ACTIVE_MIN,
				 FS_MAX_ACTIVE_MAX);
	if (fs_param_max_vforks)
		ret = ret ?: check_range("max_vforks", fs_param_max_vforks, FS_MAX_VFORKS_MIN,
					 FS_MAX_VFORKS_MAX);
	if (ret)
		return ret;

	ret = fs_records_init();
	if (ret)
		return ret;
	ret = fs_fork_probes_init();
	if (ret)
		goto err_records;
	fs_fork_probes_setup();
	fs_cow_probes_setup();
	ret = fs_probes_register();
	if (ret)
		goto err_fork;
	fs_fork_probes_configure();
	fs_cow_probes_configure();
	ret = fs_procfs_init();
	if (ret)
		goto err_probes;
	fs_debugfs_init();
	WRITE_ONCE(fs_enabled, true);
	pr_info("loaded: records=%u max_tracked=%u max_active=%u max_vforks=%u\n",
		fs_param_records, fs_param_max_tracked, fs_param_max_active, fs_param_max_vforks);
	return 0;

err_probes:
	fs_probes_unregister();
err_fork:
	fs_fork_probes_exit();
err_records:
	fs_records_exit();
	return ret;
}

static void __exit forkstats_exit(void)
{
	fs_debugfs_exit();
	fs_procfs_exit();
	WRITE_ONCE(fs_enabled, false);
	/* Waits for running handlers; no handler runs after this. */
	fs_probes_unregister();
	fs_fork_probes_exit();
	fs_records_exit();
	pr_info("unloaded\n");
}

module_init(forkstats_init);
module_exit(forkstats_exit);

MODULE_LICENSE("GPL");
MODULE_AUTHOR("forkstats developers");
MODULE_DESCRIPTION("Per-call fork statistics: page tables copied and copy-on-write faults");
MODULE_VERSION(FORKSTATS_VERSION);
/* The Kbuild feature probes that compiled (module/Kbuild): modinfo -F conftest. */
MODULE_INFO(conftest, FS_CONFTEST);
