// SPDX-License-Identifier: GPL-2.0
/*
 * forkstats probes: kprobes on the fork and copy-on-write paths.
 *
 * Every probe is registered by symbol name.  A symbol the running kernel
 * lacks makes the load fail, naming the symbol.  Hits are counted per CPU:
 * kprobe handlers run with preemption disabled, so this_cpu_inc() is safe
 * and costs no shared cache line.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/kernel.h>
#include <linux/kprobes.h>
#include <linux/percpu.h>

#include "forkstats.h"

struct fs_probe {
	struct kprobe kp;
	enum fs_probe_id id;
	bool registered;
};

static DEFINE_PER_CPU(u64, fs_hits[FS_PROBE_COUNT]);

static int fs_count_hit(struct kprobe *kp, struct pt_regs *regs)
{
	struct fs_probe *p = container_of(kp, struct fs_probe, kp);

	this_cpu_inc(fs_hits[p->id]);
	return 0;
}
NOKPROBE_SYMBOL(fs_count_hit);

#define FS_PROBE(_id, _sym) \
	[_id] = { .kp = { .symbol_name = _sym, .pre_handler = fs_count_hit }, .id = _id }

static struct fs_probe fs_probes[FS_PROBE_COUNT] = {
	FS_PROBE(FS_PROBE_KERNEL_CLONE, "kernel_clone"),
	FS_PROBE(FS_PROBE_COPY_PROCESS, "copy_process"),
	FS_PROBE(FS_PROBE_DO_WP_PAGE, "do_wp_page"),
};

void fs_probes_unregister(void)
{
	int i;

	for (i = 0; i < FS_PROBE_COUNT; i++) {
		if (!fs_probes[i].registered)
			continue;
		unregister_kprobe(&fs_probes[i].kp);
		fs_probes[i].registered = false;
	}
}

int fs_probes_register(void)
{
	int i, ret;

	for (i = 0; i < FS_PROBE_COUNT; i++) {
		struct fs_probe *p = &fs_probes[i];

		ret = register_kprobe(&p->kp);
		if (ret) {
			if (ret == -ENOENT)
				pr_err("cannot probe %s: symbol not found in this kernel\n",
				       p->kp.symbol_name);
			else
				pr_err("cannot probe %s: error %d\n", p->kp.symbol_name, ret);
			fs_probes_unregister();
			return ret;
		}
		p->registered = true;
	}
	return 0;
}

void fs_probe_stat(enum fs_probe_id id, struct fs_probe_stat *st)
{
	int cpu;

	st->name = fs_probes[id].kp.symbol_name;
	st->missed = fs_probes[id].kp.nmissed;
	st->hits = 0;
	for_each_possible_cpu(cpu)
		st->hits += per_cpu(fs_hits[id], cpu);
}
