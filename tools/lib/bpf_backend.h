/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The BPF backend: loads the programs of ../bpf/forkstats.bpf.c with the best
 * hook chain the running kernel allows, keeps them attached (pinned under
 * FSB_PIN_DIR, or for the life of this process), and gives the module's
 * files as text in the module's formats, so that every command reads both
 * backends the same way.  docs/bpf.md.
 */
#ifndef FORKSTATS_BPF_BACKEND_H
#define FORKSTATS_BPF_BACKEND_H

#include <stddef.h>
#include <stdint.h>

#define FSB_PIN_DIR	"/sys/fs/bpf/forkstats"

struct fsb;

struct fsb_params {
	unsigned int records;		/* ring size, as the module's records= */
	unsigned int max_tracked;	/* address spaces tracked */
	unsigned int max_active;	/* tasks inside a call at once */
	const char *chain;		/* NULL (best), "fentry", "tracepoint" or "kprobe" */
};

#define FSB_PARAMS_DEFAULT { .records = 4096, .max_tracked = 16384, .max_active = 1024 }

/* Is the backend attached (pinned)? */
int fsb_pinned(void);
/*
 * Loads and attaches; with pin, pins it under FSB_PIN_DIR so that it stays
 * after this process.  0, or -1 with one line in err.
 */
int fsb_attach(struct fsb **out, const struct fsb_params *p, int pin, char *err, size_t errlen);
/* Opens the pinned backend.  0, or -1 with one line in err. */
int fsb_open_pinned(struct fsb **out, char *err, size_t errlen);
/* Removes the pins (the programs detach when nothing holds them). */
int fsb_detach(char *err, size_t errlen);
void fsb_close(struct fsb *b);

const char *fsb_chain_name(const struct fsb *b);
/* As the module's reset: aggregates, attributions; earlier calls ignored. */
int fsb_reset(struct fsb *b, char *err, size_t errlen);

/*
 * One of the module's files as text: "proc" (/proc/forkstats), "calls",
 * "hist", "probes".  A malloc'ed NUL-terminated buffer, or NULL with a reason.
 */
char *fsb_text(struct fsb *b, const char *name, size_t *len, char *err, size_t errlen);

/* The events stream: a reader's position, as debugfs events keeps it. */
struct fsb_events {
	uint64_t pos;
	uint64_t lost;
	int header_sent;
};

void fsb_events_start(struct fsb *b, struct fsb_events *ev);
/* Completions logged so far (a reader at this position has read them all). */
uint64_t fsb_events_head(struct fsb *b);
/* Appends new lines to buf (at most len bytes); returns the bytes written. */
size_t fsb_events_read(struct fsb *b, struct fsb_events *ev, char *buf, size_t len);

#endif /* FORKSTATS_BPF_BACKEND_H */
