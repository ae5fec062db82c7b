// SPDX-License-Identifier: GPL-2.0
/*
 * fsfloor: the floor any kprobe module pays on forkstats' hooks.
 *
 * The probes forkstats registers on the running kernel -- the same symbols,
 * the same kind (kprobe or kretprobe), the same kretprobe maxactive and
 * instance data size, the same choice of optional probes -- with handlers
 * that do nothing.  Loaded instead of forkstats it measures what the probes
 * themselves cost; forkstats minus fsfloor is the work inside forkstats'
 * handlers (issue 8, bench/README.md).
 *
 *   kernel_clone     kretprobe  required
 *   copy_process     kretprobe  required
 *   copy_page_range  kprobe     optional
 *   __mmdrop         kprobe     required
 *   do_wp_page       entry hook required
 *   wp_page_copy     entry hook optional
 *   wp_page_reuse    entry hook optional; detached where wp_page_copy
 *                               attached (forkstats splits by one helper)
 *
 * An entry hook is an ftrace_ops of the module's own, with forkstats'
 * flags, else (a function ftrace cannot trace) a kprobe (module/probes.c).
 *
 * As in forkstats, a required symbol missing fails the load naming it.  The
 * load's log line names the probes attached; /sys/kernel/debug/fsfloor/probes
 * lists them in the columns of forkstats' own probes file.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/debugfs.h>
#include <linux/ftrace.h>
#include <linux/init.h>
#include <linux/kernel.h>
#include <linux/kprobes.h>
#include <linux/module.h>
#include <linux/moduleparam.h>
#include <linux/seq_file.h>
#include <linux/string.h>

static unsigned int max_active = 1024;
module_param(max_active, uint, 0444);
MODULE_PARM_DESC(max_active,
		 "kretprobe maxactive, as forkstats' max_active (16..65536, default 1024)");

/*
 * kretprobe instance data, laid out as forkstats' own so that an instance
 * costs the same: struct call_data of module/fork_probes.c (kernel_clone,
 * copy_process: 32 bytes).  Never written.
 */
struct floor_call_data {
	u64 t0, ts, flags;
	bool untracked;
};

/* forkstats' ftrace_ops flags (module/compat.h). */
#ifdef FSF_HAVE_FTRACE_FUNC_FREGS
#define FLOOR_FTRACE_REGS	struct ftrace_regs
#define FLOOR_FTRACE_FLAGS	0
#else
#define FLOOR_FTRACE_REGS	struct pt_regs
#define FLOOR_FTRACE_FLAGS	(FTRACE_OPS_FL_SAVE_REGS | FTRACE_OPS_FL_RECURSION_SAFE)
#endif

enum floor_id {
	FLOOR_KERNEL_CLONE,
	FLOOR_COPY_PROCESS,
	FLOOR_COPY_PAGE_RANGE,
	FLOOR_MMDROP,
	FLOOR_DO_WP_PAGE,
	FLOOR_WP_PAGE_COPY,
	FLOOR_WP_PAGE_REUSE,
	FLOOR_COUNT
};

struct floor_probe {
	const char *name;
	bool ret;		/* a kretprobe */
	bool entry;		/* an entry hook: ftrace_ops, else a kprobe */
	bool ftrace;		/* the entry hook is on ftrace */
	bool required;		/* the load fails without it */
	bool listed;		/* forkstats names it on this kernel */
	bool attached;
	size_t data_size;	/* kretprobe instance data */
	struct kprobe kp;
	struct kretprobe rp;
	struct ftrace_ops ops;
};

static struct floor_probe floor_probes[FLOOR_COUNT] = {
	[FLOOR_KERNEL_CLONE] = {
		.name = "kernel_clone", .ret = true, .required = true, .listed = true,
		.data_size = sizeof(struct floor_call_data),
	},
	[FLOOR_COPY_PROCESS] = {
		.name = "copy_process", .ret = true, .required = true, .listed = true,
		.data_size = sizeof(struct floor_call_data),
	},
	[FLOOR_COPY_PAGE_RANGE] = {
		.name = "copy_page_range", .listed = true,
	},
	[FLOOR_MMDROP] = {
		.name = "__mmdrop", .required = true, .listed = true,
	},
	[FLOOR_DO_WP_PAGE] = {
		.name = "do_wp_page", .entry = true, .required = true, .listed = true,
	},
	[FLOOR_WP_PAGE_COPY] = {
		.name = "wp_page_copy", .entry = true, .listed = true,
	},
	[FLOOR_WP_PAGE_REUSE] = {
		.name = "wp_page_reuse", .entry = true, .listed = true,
	},
};

static struct dentry *floor_dir;

/* The handlers: nothing, and the kretprobe instance kept for the return. */
static int floor_entry(struct kretprobe_instance *ri, struct pt_regs *regs)
{
	return 0;
}
NOKPROBE_SYMBOL(floor_entry);

static int floor_ret(struct kretprobe_instance *ri, struct pt_regs *regs)
{
	return 0;
}
NOKPROBE_SYMBOL(floor_ret);

static int floor_pre(struct kprobe *kp, struct pt_regs *regs)
{
	return 0;
}
NOKPROBE_SYMBOL(floor_pre);

static void notrace floor_ftrace(unsigned long ip, unsigned long parent_ip,
				 struct ftrace_ops *op, FLOOR_FTRACE_REGS *regs)
{
}

/* An entry hook: on ftrace where it can trace the function, else a kprobe. */
static int floor_register_entry(struct floor_probe *p)
{
	char buf[KSYM_NAME_LEN];
	int ret;

	strscpy(buf, p->name, sizeof(buf));
	p->ops.func = floor_ftrace;
	p->ops.flags = FLOOR_FTRACE_FLAGS;
	ret = ftrace_set_filter(&p->ops, buf, strlen(buf), 1);
	if (!ret) {
		ret = register_ftrace_function(&p->ops);
		if (!ret) {
			p->ftrace = true;
			return 0;
		}
	}
	ftrace_set_filter(&p->ops, NULL, 0, 1);
	p->kp.symbol_name = p->name;
	p->kp.pre_handler = floor_pre;
	return register_kprobe(&p->kp);
}

static void floor_detach(struct floor_probe *p)
{
	if (!p->attached)
		return;
	if (p->ret) {
		unregister_kretprobe(&p->rp);
	} else if (p->ftrace) {
		unregister_ftrace_function(&p->ops);
		ftrace_set_filter(&p->ops, NULL, 0, 1);
		p->ftrace = false;
	} else {
		unregister_kprobe(&p->kp);
	}
	p->attached = false;
}

static void floor_unregister(void)
{
	int i;

	for (i = 0; i < FLOOR_COUNT; i++)
		floor_detach(&floor_probes[i]);
}

static int floor_register_one(struct floor_probe *p)
{
	if (p->ret) {
		p->rp.kp.symbol_name = p->name;
		p->rp.entry_handler = floor_entry;
		p->rp.handler = floor_ret;
		p->rp.data_size = p->data_size;
		p->rp.maxactive = max_active;
		return register_kretprobe(&p->rp);
	}
	if (p->entry)
		return floor_register_entry(p);
	p->kp.symbol_name = p->name;
	p->kp.pre_handler = floor_pre;
	return register_kprobe(&p->kp);
}

static int floor_register(void)
{
	int i, ret;

	for (i = 0; i < FLOOR_COUNT; i++) {
		struct floor_probe *p = &floor_probes[i];

		if (!p->listed)
			continue;
		ret = floor_register_one(p);
		if (!ret) {
			p->attached = true;
			continue;
		}
		if (p->required) {
			if (ret == -ENOENT)
				pr_err("cannot probe %s: symbol not found in this kernel\n", p->name);
			else
				pr_err("cannot probe %s: error %d\n", p->name, ret);
			floor_unregister();
			return ret;
		}
		pr_info("optional probe %s not attached (%s)\n", p->name,
			ret == -ENOENT ? "no such symbol" : "error");
	}
	/* forkstats splits copies from reuses by one helper (cow_probes.c). */
	if (floor_probes[FLOOR_WP_PAGE_COPY].attached)
		floor_detach(&floor_probes[FLOOR_WP_PAGE_REUSE]);
	return 0;
}

static unsigned long floor_missed(const struct floor_probe *p)
{
	if (p->ret)
		return p->rp.kp.nmissed + p->rp.nmissed;
	return p->ftrace ? 0 : p->kp.nmissed;
}

static int probes_show(struct seq_file *m, void *v)
{
	int i;

	seq_puts(m, "# probe type attached missed data_size\n");
	for (i = 0; i < FLOOR_COUNT; i++) {
		const struct floor_probe *p = &floor_probes[i];

		if (!p->listed)
			continue;
		seq_printf(m, "%s %s %d %lu %zu\n", p->name,
			   p->ret ? "kretprobe" : p->ftrace ? "ftrace" : "kprobe",
			   p->attached, floor_missed(p), p->ret ? p->data_size : 0);
	}
	seq_putc(m, '\n');
	seq_printf(m, "max_active %u\n", max_active);
	return 0;
}
DEFINE_SHOW_ATTRIBUTE(probes);

static int __init floor_init(void)
{
	char list[192];
	size_t len = 0;
	int i, ret;

	if (max_active < 16 || max_active > 65536) {
		pr_err("max_active=%u is out of range [16, 65536]\n", max_active);
		return -EINVAL;
	}
	ret = floor_register();
	if (ret)
		return ret;
	/* Optional: the log line below says the same. */
	floor_dir = debugfs_create_dir(KBUILD_MODNAME, NULL);
	debugfs_create_file("probes", 0400, floor_dir, NULL, &probes_fops);

	list[0] = '\0';
	for (i = 0; i < FLOOR_COUNT; i++)
		if (floor_probes[i].attached)
			len += scnprintf(list + len, sizeof(list) - len, "%s%s", len ? "," : "",
					 floor_probes[i].name);
	pr_info("loaded: probes=%s max_active=%u\n", list, max_active);
	return 0;
}

static void __exit floor_exit(void)
{
	debugfs_remove_recursive(floor_dir);
	floor_unregister();
	pr_info("unloaded\n");
}

module_init(floor_init);
module_exit(floor_exit);

MODULE_LICENSE("GPL");
MODULE_AUTHOR("forkstats developers");
MODULE_DESCRIPTION("forkstats' probes with empty handlers: the floor of the overhead benchmark");
