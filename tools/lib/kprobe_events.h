/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Kprobe events of tracefs (kprobe_events, kprobe_profile), for the BPF
 * backend's kprobe chain: created by hand rather than through libbpf's perf
 * kprobes so that a kretprobe gets the maxactive we choose ("rN:") and its
 * nmissed can be read back.  One group per attaching process,
 * "forkstats_<pid>"; kprobe_profile names events without their group, so
 * event names carry the pid too.  docs/bpf.md.
 */
#ifndef FORKSTATS_KPROBE_EVENTS_H
#define FORKSTATS_KPROBE_EVENTS_H

#include <stddef.h>
#include <stdint.h>

/* The most "rN:" takes (the kernel's KRETPROBE_MAXACTIVE_MAX). */
#define FS_KEV_MAXACTIVE_MAX	4096

/*
 * Adds event group/event on func: a kprobe, or with ret a kretprobe of
 * maxactive instances.  Returns a perf event fd for it (PERF_TYPE_TRACEPOINT,
 * every CPU through CPU 0's event, as libbpf does), or -1 with why.
 */
int fs_kev_open(const char *group, const char *event, const char *func, int ret,
		unsigned int maxactive, char *why, size_t whylen);
/*
 * Removes every event of group; tries for up to wait_ms while an event is
 * still in use (a perf event that is being released).  0, or -1 with errno.
 */
int fs_kev_remove_group(const char *group, unsigned int wait_ms);
/* Removes the groups "forkstats_<pid>" whose process is gone. */
void fs_kev_remove_stale(void);
/*
 * Can kprobe events be made here, as status asks (nothing mounted, nothing
 * written)?  1: tracefs has kprobe_events; 0: tracefs is there without it
 * (CONFIG_KPROBE_EVENTS); -1: tracefs cannot be seen (not mounted, or not
 * root).  why says which, "" for 1.
 */
int fs_kev_available(char *why, size_t whylen);
/* An event's hits and nmissed (kprobe_profile).  0, or -1. */
int fs_kev_profile(const char *event, uint64_t *hits, uint64_t *missed);

#endif /* FORKSTATS_KPROBE_EVENTS_H */
