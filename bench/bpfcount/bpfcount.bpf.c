// SPDX-License-Identifier: GPL-2.0
/*
 * bpfcount: a plain BPF counter on forkstats' hooks -- what a bpftrace
 * one-liner costs.  The hook points and types of the forkstats BPF backend's
 * fentry chain (tools/bpf/forkstats.bpf.c), each program only
 * incrementing its slot of a per-CPU array.  The loader (bpfcount.c) decides
 * which of them the running kernel gets, as the backend does.
 */
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_tracing.h>

#include "bpfcount.h"

char LICENSE[] SEC("license") = "GPL";

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, BC_NPROGS);
	__type(key, __u32);
	__type(value, __u64);
} counts SEC(".maps");

static __always_inline int hit(__u32 slot)
{
	__u64 *c = bpf_map_lookup_elem(&counts, &slot);

	if (c)
		*c += 1;
	return 0;
}

/* A program at sec that counts into slot. */
#define COUNTER(sec, name, slot)		\
	SEC(sec)				\
	int BPF_PROG(name)			\
	{					\
		return hit(slot);		\
	}

COUNTER("fentry/kernel_clone", kernel_clone_entry, BC_KERNEL_CLONE_ENTRY)
COUNTER("fexit/kernel_clone", kernel_clone_exit, BC_KERNEL_CLONE_EXIT)
COUNTER("fentry/copy_process", copy_process_entry, BC_COPY_PROCESS_ENTRY)
COUNTER("fexit/copy_process", copy_process_exit, BC_COPY_PROCESS_EXIT)
COUNTER("fentry/copy_page_range", copy_page_range_entry, BC_COPY_PAGE_RANGE_ENTRY)
COUNTER("fentry/__mmdrop", mmdrop_entry, BC_MMDROP_ENTRY)
COUNTER("fentry/wp_page_copy", wp_page_copy_entry, BC_WP_PAGE_COPY_ENTRY)
COUNTER("fentry/do_wp_page", do_wp_page_entry, BC_DO_WP_PAGE_ENTRY)
COUNTER("fexit/do_wp_page", do_wp_page_exit, BC_DO_WP_PAGE_EXIT)
COUNTER("fentry/wp_page_reuse", wp_page_reuse_entry, BC_WP_PAGE_REUSE_ENTRY)

/* Where wp_page_reuse has no fentry, the backend tries a kprobe instead. */
SEC("kprobe/wp_page_reuse")
int BPF_KPROBE(wp_page_reuse_kprobe)
{
	return hit(BC_WP_PAGE_REUSE_KPROBE);
}
