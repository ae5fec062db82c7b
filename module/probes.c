// SPDX-License-Identifier: GPL-2.0
/*
 * The probe table: registration by symbol name, per-CPU hit counts, nmissed.
 *
 * fork_probes.c and cow_probes.c fill in their entries (symbol, handlers,
 * whether required).  A required probe the running kernel lacks fails the
 * load, naming the symbol; an optional one is reported as not attached and
 * the counters that depend on it are reported as unknown.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/kernel.h>
#include <linux/kprobes.h>
#include <linux/percpu.h>

#include "forkstats.h"

struct fs_probe fs_probes[FS_PROBE_COUNT];
static DEFINE_PER_CPU(u64, fs_hits[FS_PROBE_COUNT]);

void fs_probe_hit(enum fs_probe_id id)
{
	this_cpu_inc(fs_hits[id]);
}
NOKPROBE_SYMBOL(fs_probe_hit);

static bool is_ret(const struct fs_probe *p)
{
	return p->rp.handler;
}

void fs_probes_unregister(void)
{
	int i;

	for (i = 0; i < FS_PROBE_COUNT; i++) {
		struct fs_probe *p = &fs_probes[i];

		if (!p->attached)
			continue;
		if (is_ret(p))
			unregister_kretprobe(&p->rp);
		else
			unregister_kprobe(&p->kp);
		p->attached = false;
	}
}

int fs_probes_register(void)
{
	int i, ret;

	for (i = 0; i < FS_PROBE_COUNT; i++) {
		struct fs_probe *p = &fs_probes[i];

		if (!p->name)
			continue;
		if (is_ret(p)) {
			p->rp.kp.symbol_name = p->name;
			p->rp.maxactive = fs_param_max_active;
			ret = register_kretprobe(&p->rp);
		} else {
			p->kp.symbol_name = p->name;
			ret = register_kprobe(&p->kp);
		}
		if (!ret) {
			p->attached = true;
			continue;
		}
		if (p->required) {
			if (ret == -ENOENT)
				pr_err("cannot probe %s: symbol not found in this kernel\n", p->name);
			else
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
			sum += (size_t)p->rp.maxactive *
			       (sizeof(struct kretprobe_instance) + p->rp.data_size);
	}
	return sum;
}

void fs_probe_stat(enum fs_probe_id id, struct fs_probe_stat *st)
{
	const struct fs_probe *p = &fs_probes[id];
	int cpu;

	st->name = p->name;
	st->type = is_ret(p) ? "kretprobe" : "kprobe";
	st->attached = p->attached;
	st->missed = is_ret(p) ? p->rp.kp.nmissed + p->rp.nmissed : p->kp.nmissed;
	st->hits = 0;
	for_each_possible_cpu(cpu)
		st->hits += per_cpu(fs_hits[id], cpu);
}
