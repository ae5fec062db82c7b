/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The BPF backend: loads the programs of ../bpf/ (one object per hook
 * chain) with the best hook chain the running kernel allows, keeps them
 * attached (pinned under FSB_PIN_DIR, or for the life of this process), and
 * reads its maps into the structs of the source interface (source.h,
 * source_bpf.c), the same the module's source parses from its files.
 * docs/bpf.md.
 */
#ifndef FORKSTATS_BPF_BACKEND_H
#define FORKSTATS_BPF_BACKEND_H

#include <stddef.h>
#include <stdint.h>

#include <forkstats/limits.h>

#define FSB_PIN_DIR	"/sys/fs/bpf/forkstats"

struct fsb;

struct fsb_params {
	unsigned int records;		/* ring size, as the module's records= */
	unsigned int max_tracked;	/* address spaces tracked */
	unsigned int max_active;	/* tasks inside a call at once */
	const char *chain;		/* NULL (best), "fentry", "tracepoint" or "kprobe" */
};

#define FSB_PARAMS_DEFAULT								\
	{ .records = FS_RECORDS_DEFAULT, .max_tracked = FS_MAX_TRACKED_DEFAULT,		\
	  .max_active = FS_MAX_ACTIVE_DEFAULT }

/* Is the backend attached (pinned)? */
int fsb_pinned(void);
/*
 * The same, as this user can tell: 1 attached (its pin directory is there,
 * readable or not), 0 not, -1 cannot tell.  Where this user cannot read the
 * pins (attached, not root) or cannot look (-1), why holds the directory in
 * the way and its mode: "/sys/fs/bpf/forkstats is 0700"; else "".
 */
int fsb_pin_state(char *why, size_t whylen);

/*
 * What this kernel allows, for status: BTF, and per hook chain (fentry,
 * tracepoint, kprobe) whether it can attach here.  As root the fentry and
 * tracepoint chains are tried where that is cheap and changes nothing: a
 * program that does nothing is loaded on the chain's first required target
 * (the verifier's verdict) and closed, never attached; the kprobe chain by
 * its targets in BTF and tracefs' kprobe_events.  Not root: what BTF says,
 * and that the rest cannot be tried (FSB_CAN_UNKNOWN).
 */
enum fsb_can { FSB_CAN_NO, FSB_CAN_YES, FSB_CAN_UNKNOWN = -1 };
struct fsb_caps {
	int btf;			/* /sys/kernel/btf/vmlinux is there */
	struct {
		const char *name;	/* "fentry", "tracepoint", "kprobe" */
		enum fsb_can can;
		char why[200];		/* why not, or why unknown; "" when it can */
	} chain[3];
};
/* attached: the chain attached now (known to work: not tried again), or NULL. */
void fsb_probe(struct fsb_caps *c, const char *attached);
/*
 * Loads and attaches; with pin, pins it under FSB_PIN_DIR so that it stays
 * after this process.  0, or -1 with one line in err.
 */
int fsb_attach(struct fsb **out, const struct fsb_params *p, int pin, char *err, size_t errlen);
/* Opens the pinned backend.  0, or -1 with one line in err. */
int fsb_open_pinned(struct fsb **out, char *err, size_t errlen);
/* Removes the pins (the programs detach when nothing holds them). */
int fsb_detach(char *err, size_t errlen);
/*
 * The pinned backend's chain and sizes (records, max_tracked, max_active as
 * attach takes them): 0, or -1 with why (not root, not attached).
 */
int fsb_pinned_params(char *chain, size_t chainlen, struct fsb_params *p, char *err,
		      size_t errlen);
void fsb_close(struct fsb *b);

const char *fsb_chain_name(const struct fsb *b);
/* As the module's reset: aggregates, attributions; earlier calls ignored. */
int fsb_reset(struct fsb *b, char *err, size_t errlen);

/*
 * What the maps hold, into the source's structs (source.h): the aggregates,
 * counters and header facts; each record of the ring, oldest first, handed
 * to fn (a non-zero return stops: "out of memory"); the histograms; the
 * probes and sizes.  0, or -1 with a reason.
 */
struct fs_proc;
struct fs_call;
struct fs_hist;
struct fs_probes;
int fsb_read_proc(struct fsb *b, struct fs_proc *p, char *err, size_t errlen);
int fsb_read_calls(struct fsb *b, int (*fn)(void *ctx, const struct fs_call *x), void *ctx,
		   char *err, size_t errlen);
int fsb_read_hist(struct fsb *b, struct fs_hist *h, char *err, size_t errlen);
int fsb_read_probes(struct fsb *b, struct fs_probes *pr, char *err, size_t errlen);

/* The completions, read from the done log: a reader's position and its losses. */
struct fsb_events {
	uint64_t pos;
	uint64_t lost;			/* records lost since the caller last took them */
};

void fsb_events_start(struct fsb *b, struct fsb_events *ev);
/* Completions logged so far (a reader at this position has read them all). */
uint64_t fsb_events_head(struct fsb *b);
/*
 * The next completed call into x: 1; 0 when there is none now (or the next
 * is claimed but not written yet).  Records overwritten before they were
 * read are added to ev->lost.
 */
int fsb_events_next(struct fsb *b, struct fsb_events *ev, struct fs_call *x);

#endif /* FORKSTATS_BPF_BACKEND_H */
