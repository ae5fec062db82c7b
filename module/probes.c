// SPDX-License-Identifier: GPL-2.0
/*
 * The probe table: registration by symbol name, per-CPU hit counts, nmissed.
 *
 * Entry hooks (FS_ENTRY_HOOK, forkstats.h) go on an ftrace_ops of the
 * module's own, filtered to the one function: ftrace calls the callback
 * straight from the function's fentry site, about 35 guest instructions
 * where an empty kprobe costs 150 and an empty kretprobe 400
 * (docs/bench.md).  A function ftrace cannot trace gets a kprobe running
 * the same body.
 *
 * The ftrace_ops are FTRACE_OPS_FL_PERMANENT: while one is registered
 * ftrace refuses sysctl kernel.ftrace_enabled=0 (-EBUSY), which would
 * otherwise silence them and every kprobe on an fentry site (kretprobes on
 * kernel_clone, copy_process go through kprobes-on-ftrace) while the probes
 * file still said attached, 0 missed.  With ftrace already disabled,
 * registering one fails with -EBUSY and so does the load: a kprobe instead
 * would be on ftrace too (docs/reliability.md).
 *
 * fork_probes.c and cow_probes.c fill in their entries (symbol, handlers,
 * whether required).  A required probe the running kernel lacks fails the
 * load, naming the symbol; an optional one is reported as not attached and
 * the counters that depend on it are reported as unknown.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/ftrace.h>
#include <linux/kernel.h>
#include <linux/kprobes.h>
#include <linux/percpu.h>
#include <linux/string.h>

#include "forkstats.h"

struct fs_probe fs_probes[FS_PROBE_COUNT];
DEFINE_PER_CPU(u64, fs_hits[FS_PROBE_COUNT]);

static bool is_ret(const struct fs_probe *p)
{
	return p->rp.handler;
}

/*
 * An empty filter frees the ops' filter hash (ftrace keeps its shared empty
 * hash instead); ftrace_free_filter() does the same but 5.10 does not
 * export it.
 */
static void fs_ftrace_clear_filter(struct fs_probe *p)
{
	ftrace_set_filter(&p->ops, NULL, 0, 1);
}

/*
 * An entry hook: on ftrace where it can trace the function, else a kprobe.
 * -EBUSY: ftrace is disabled by the sysctl (__register_ftrace_function()
 * refuses a permanent ops then); no fallback, the load fails.
 */
static int register_entry(struct fs_probe *p)
{
	char buf[KSYM_NAME_LEN];
	int ret;

	strscpy(buf, p->name, sizeof(buf));
	p->ops.func = p->entry_ftrace;
	p->ops.flags = FS_FTRACE_FLAGS | FTRACE_OPS_FL_PERMANENT;
	ret = ftrace_set_filter(&p->ops, buf, strlen(buf), 1);
	if (!ret) {
		ret = register_ftrace_function(&p->ops);
		if (!ret) {
			p->ftrace = true;
			return 0;
		}
	}
	fs_ftrace_clear_filter(p);
	if (ret == -EBUSY) {
		pr_err("cannot hook %s: ftrace is off (kernel.ftrace_enabled=0)\n", p->name);
		pr_err("to load: sysctl kernel.ftrace_enabled=1 (kprobes on ftrace are off too)\n");
		return ret;
	}
	p->kp.symbol_name = p->name;
	p->kp.pre_handler = p->entry_kprobe;
	return register_kprobe(&p->kp);
}

void fs_probe_detach(enum fs_probe_id id)
{
	struct fs_probe *p = &fs_probes[id];

	if (!p->attached)
		return;
	if (is_ret(p)) {
		unregister_kretprobe(&p->rp);
	} else if (p->ftrace) {
		unregister_ftrace_function(&p->ops);
		fs_ftrace_clear_filter(p);
		p->ftrace = false;
	} else {
		unregister_kprobe(&p->kp);
	}
	p->attached = false;
}

void fs_probes_unregister(void)
{
	int i;

	for (i = 0; i < FS_PROBE_COUNT; i++)
		fs_probe_detach(i);
}

int fs_probes_register(void)
{
	bool ftrace_off;
	int i, ret;

	for (i = 0; i < FS_PROBE_COUNT; i++) {
		struct fs_probe *p = &fs_probes[i];

		if (!p->name || (p->fallback && fs_probes[i - 1].attached))
			continue;
		if (is_ret(p)) {
			p->rp.kp.symbol_name = p->name;
			p->rp.maxactive = fs_param_max_active;
			ret = register_kretprobe(&p->rp);
		} else if (p->entry_ftrace) {
			ret = register_entry(p);
		} else {
			p->kp.symbol_name = p->name;
			ret = register_kprobe(&p->kp);
		}
		if (!ret) {
			p->attached = true;
			continue;
		}
		/* ftrace disabled: register_entry() said why. */
		ftrace_off = p->entry_ftrace && ret == -EBUSY;
		if (p->required || ftrace_off) {
			if (ret == -ENOENT)
				pr_err("cannot probe %s: symbol not found in this kernel\n", p->name);
			else if (!ftrace_off)
				pr_err("cannot probe %s: error %d\n", p->name, ret);
			fs_probes_unregister();
			return ret;
		}
		pr_info("optional probe %s not attached (%s): its counters are unknown\n",
			p->name, ret == -ENOENT ? "no such symbol" : "error");
	}
	return 0;
}

size_t fs_probes_memory(void)
{
	size_t sum = 0;
	int i;

	for (i = 0; i < FS_PROBE_COUNT; i++) {
		const struct fs_probe *p = &fs_probes[i];

		if (p->attached && is_ret(p))
			sum += fs_kretprobe_bytes(&p->rp);
	}
	return sum;
}

void fs_probe_stat(enum fs_probe_id id, struct fs_probe_stat *st)
{
	const struct fs_probe *p = &fs_probes[id];
	int cpu;

	st->name = p->name;
	st->type = is_ret(p) ? "kretprobe" : p->ftrace ? "ftrace" : "kprobe";
	st->attached = p->attached;
	if (is_ret(p))
		st->missed = p->rp.kp.nmissed + p->rp.nmissed;
	else
		st->missed = p->ftrace ? 0 : p->kp.nmissed;
	st->hits = 0;
	for_each_possible_cpu(cpu)
		st->hits += per_cpu(fs_hits[id], cpu);
}
