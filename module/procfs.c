// SPDX-License-Identifier: GPL-2.0
/*
 * /proc/forkstats: the aggregate view, readable by everyone (no pids, no
 * command names), or by root and one group only (proc_gid).  Root may write
 * "reset".  Format: docs/interfaces.md.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/capability.h>
#include <linux/kernel.h>
#include <linux/mm.h>
#include <linux/moduleparam.h>
#include <linux/proc_fs.h>
#include <linux/seq_file.h>
#include <linux/uaccess.h>
#include <linux/uidgid.h>
#include <linux/user_namespace.h>
#include <linux/utsname.h>

#include "forkstats.h"

static u64 avg(u64 sum, u64 n)
{
	return n ? div64_u64(sum, n) : 0;
}

static void put_u64(struct seq_file *m, u64 v, bool unknown)
{
	if (unknown)
		seq_printf(m, " %14s", "-");
	else
		seq_printf(m, " %14llu", v);
}

static void show_row(struct seq_file *m, const char *name, const struct fs_agg *a)
{
	bool split_unknown = fs_records_split() == FS_SPLIT_NONE;

	seq_printf(m, "%-8s", name);
	put_u64(m, a->calls, false);
	put_u64(m, a->failed, false);
	put_u64(m, avg(a->create_ns, a->calls), false);
	put_u64(m, avg(a->total_ns, a->closed), false);
	put_u64(m, a->pgtable_bytes, false);
	put_u64(m, a->vmas_copied, fs_records_unknown(FS_COL_vmas_copied));
	put_u64(m, a->cow_parent, false);
	put_u64(m, a->cow_child, false);
	put_u64(m, a->cow_copies, split_unknown);
	put_u64(m, a->cow_reuses, split_unknown);
	put_u64(m, a->create_ns, false);
	put_u64(m, a->total_ns, false);
	put_u64(m, a->closed, false);
	put_u64(m, a->rss_pages, false);
	seq_putc(m, '\n');
}

static int fs_proc_show(struct seq_file *m, void *v)
{
	static const char *const counter_names[] = {
#define FS_CTR_NAME(name) #name,
		FS_COUNTERS(FS_CTR_NAME)
#undef FS_CTR_NAME
	};
	static const char *const split_names[] = {
		[FS_SPLIT_NONE] = "unknown",
		[FS_SPLIT_COUNT_COPIES] = "copies",
		[FS_SPLIT_COUNT_REUSES] = "reuses",
	};
	struct fs_agg agg[FS_KIND_COUNT], total = {};
	struct fs_probe_stat st;
	const char *sep = "";
	int i;

	seq_printf(m, "forkstats %d kernel=%s split=%s page_size=%lu probes=",
		   FS_PROC_FORMAT_VERSION, utsname()->release, split_names[fs_records_split()],
		   PAGE_SIZE);
	for (i = 0; i < FS_PROBE_COUNT; i++) {
		if (!fs_probe_attached(i))
			continue;
		seq_printf(m, "%s%s", sep, fs_probes[i].name);
		sep = ",";
	}
	seq_putc(m, '\n');

	seq_printf(m, "%-8s", "kind");
#define FS_AGG_HEAD(name) seq_printf(m, " %14s", #name);
	FS_AGG_COLUMNS(FS_AGG_HEAD)
#undef FS_AGG_HEAD
	seq_putc(m, '\n');

	fs_agg_read(agg);
	for (i = 0; i < FS_KIND_COUNT; i++) {
		show_row(m, fs_kind_name(i), &agg[i]);
#define FS_AGG_TOTAL(name) total.name += agg[i].name;
		FS_AGG_SUMS(FS_AGG_TOTAL)
#undef FS_AGG_TOTAL
	}
	show_row(m, "total", &total);
	seq_putc(m, '\n');

	for (i = 0; i < FS_CTR_COUNT; i++)
		seq_printf(m, "%s %llu\n", counter_names[i], fs_counter_read(i));
	for (i = 0; i < FS_PROBE_COUNT; i++) {
		if (!fs_probe_attached(i))
			continue;
		fs_probe_stat(i, &st);
		seq_printf(m, "missed_%s %lu\n", st.name, st.missed);
	}
	return 0;
}

static int fs_proc_open(struct inode *inode, struct file *file)
{
	return single_open(file, fs_proc_show, NULL);
}

/*
 * A command written to a control file: at most size - 1 bytes, copied into
 * buf, surrounding whitespace (the newline of echo) stripped in place.
 * Returns the offset of the command in buf, or a negative errno.
 */
int fs_user_command(const char __user *ubuf, size_t len, char *buf, size_t size)
{
	if (len == 0 || len >= size)
		return -EINVAL;
	if (copy_from_user(buf, ubuf, len))
		return -EFAULT;
	/* "reset\0junk" is not "reset". */
	if (memchr(buf, '\0', len))
		return -EINVAL;
	buf[len] = '\0';
	return strim(buf) - buf;
}

static ssize_t fs_proc_write(struct file *file, const char __user *ubuf, size_t len,
			     loff_t *off)
{
	char buf[16];
	int at;

	if (!capable(CAP_SYS_ADMIN))
		return -EPERM;
	at = fs_user_command(ubuf, len, buf, sizeof(buf));
	if (at < 0)
		return at;
	if (strcmp(buf + at, "reset"))
		return -EINVAL;
	fs_records_reset();
	return len;
}

static const struct proc_ops fs_proc_ops = {
	.proc_open = fs_proc_open,
	.proc_read = seq_read,
	.proc_lseek = seq_lseek,
	.proc_release = single_release,
	.proc_write = fs_proc_write,
};

/*
 * Who may read /proc/forkstats: everyone (-1, mode 0644 root:root), or
 * root and the members of one group (mode 0640 root:proc_gid).  Here rather
 * than in main.c: only this file uses it.
 */
static int fs_param_proc_gid = -1;
module_param_named(proc_gid, fs_param_proc_gid, int, 0444);
MODULE_PARM_DESC(proc_gid,
		 "/proc/forkstats readable by root and this group only, 0640 (-1: by all, 0644)");

int fs_procfs_init(void)
{
	struct proc_dir_entry *pde;
	kgid_t gid = GLOBAL_ROOT_GID;

	if (fs_param_proc_gid != -1) {
		gid = make_kgid(&init_user_ns, fs_param_proc_gid);
		if (fs_param_proc_gid < 0 || !gid_valid(gid)) {
			pr_err("proc_gid=%d is not a group id (-1: readable by everyone)\n",
			       fs_param_proc_gid);
			return -EINVAL;
		}
	}
	/* Created 0640 root:root then given its group: never wider than asked. */
	pde = proc_create("forkstats", fs_param_proc_gid == -1 ? 0644 : 0640, NULL,
			  &fs_proc_ops);
	if (!pde) {
		pr_err("cannot create /proc/forkstats\n");
		return -ENOMEM;
	}
	proc_set_user(pde, GLOBAL_ROOT_UID, gid);
	return 0;
}

void fs_procfs_exit(void)
{
	remove_proc_entry("forkstats", NULL);
}
