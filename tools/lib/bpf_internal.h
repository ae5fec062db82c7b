/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The BPF backend's inside, shared by its three parts (docs/bpf.md):
 * bpf_attach.c loads the programs and attaches a hook chain, bpf_pin.c pins,
 * holds, opens, detaches and resets, bpf_read.c reads the maps.  Not for
 * the CLI: its API is bpf_backend.h.
 */
#ifndef FORKSTATS_BPF_INTERNAL_H
#define FORKSTATS_BPF_INTERNAL_H

#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>

#include <bpf/libbpf.h>

#include "../bpf/state.h"
#include "bpf_backend.h"

/* The programs, by chain; "target" is the function or tracepoint. */
enum { OPTIONAL, REQUIRED };

/*
 * How a program is attached: by libbpf (fentry, fexit, tp_btf); by libbpf
 * only where wp_page_copy's program attached (IF_COPY) or only where it did
 * not (UNLESS_COPY): do_wp_page is hooked at its entry where that helper
 * splits copies from reuses, at its return where the PTE must tell; by
 * libbpf's kprobe only where no program of the chain attached the hook;
 * through a kprobe event (kprobe chain) as a kprobe or as a kretprobe of
 * maxactive.
 */
enum attach_how {
	BY_LIBBPF, IF_COPY, UNLESS_COPY, FALLBACK_KPROBE, KPROBE_EVENT, KRETPROBE_EVENT
};

struct prog_info {
	const char *prog;
	enum fsb_hook hook;
	enum fsb_chain chain;
	const char *target;
	int required;
	enum attach_how how;
};

/* The programs of every chain (bpf_attach.c); NPROGS is checked there. */
#define NPROGS 29
extern const struct prog_info fsb_progs[];

/* The maps by name (bpf_attach.c), in the order of the M_ ids. */
#define NMAPS 9
extern const char *const fsb_map_names[];
enum { M_STATE, M_RECORDS, M_DONE, M_CLAIMS, M_PCPU, M_INFLIGHT, M_MMS, M_WP, M_WP_VMF };

struct fsbpf;

struct fsb {
	struct fsbpf *skel;		/* loaded by this process, or NULL (pins) */
	int map_fd[NMAPS];
	int link_fd[NPROGS];		/* -1: not attached */
	struct bpf_link *link[NPROGS];
	unsigned int nrecords, max_tracked, max_active, ncpus;
	__u32 hooks, hooks_kprobe;	/* attached by this process (bit per hook) */
	char group[32];			/* kprobe chain: its event group, "" if none */
	int own_group;			/* remove the group when closed */
	int keep_links;			/* pinned or held: closing must not detach */
	volatile struct fsb_state *st;	/* mmap of "state" */
	const volatile struct fs_record *rec;	/* mmap of "records" */
	const volatile struct fsb_done *done;	/* mmap of "done_log" */
	size_t st_len, rec_len, done_len;
};

/* One line into err (if any room); returns -1. */
static inline int fail(char *err, size_t errlen, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
static inline int fail(char *err, size_t errlen, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(err, errlen, fmt, ap);
	va_end(ap);
	return -1;
}

/* No maps, no links yet (bpf_attach.c). */
void fsb_init(struct fsb *b);
/* The maps' sizes and the shared mmap views (bpf_read.c). */
int fsb_map_views(struct fsb *b, char *err, size_t errlen);
/* Pins maps and links under FSB_PIN_DIR, or holds them (bpf_pin.c). */
int fsb_pin_all(struct fsb *b, char *err, size_t errlen);

#endif /* FORKSTATS_BPF_INTERNAL_H */
