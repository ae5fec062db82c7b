// SPDX-License-Identifier: GPL-2.0
/*
 * The BPF backend's source (source.h): its maps read into the structs by
 * bpf_read.c, no text in between.  The events stream is the done log read
 * where it lies; what a caller polls is a timer ticking every 5 ms while
 * the stream is open (the maps have no descriptor that wakes a reader).
 */
#include "source.h"
#include "source_internal.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/timerfd.h>
#include <time.h>
#include <unistd.h>

#include "bpf_backend.h"
#include "textparse.h"

#define TICK_NS		(5 * 1000 * 1000)
#define SYNC_WAIT_MS	2000

int fs_source_bpf_open(struct fs_source *s, int transient, char *err, size_t errlen)
{
	struct fsb_params p = FSB_PARAMS_DEFAULT;

	if (fsb_pin_state(NULL, 0))
		return fsb_open_pinned(&s->bpf, err, errlen) ? FS_SRC_ERR : 0;
	if (!transient)
		return fs_fail(err, errlen, "the BPF backend is not attached: sudo forkstats attach (stat and top attach it for themselves)");
	/* Attached for this process only. */
	if (fsb_attach(&s->bpf, &p, 0, err, errlen))
		return FS_SRC_ERR;
	s->transient = 1;
	return 0;
}

static int bpf_snapshot(struct fs_source *s, struct fs_proc *out, char *err, size_t errlen)
{
	return fsb_read_proc(s->bpf, out, err, errlen) ? FS_SRC_ERR : 0;
}

static int bpf_records(struct fs_source *s, fs_record_fn fn, void *ctx, uint64_t *lost,
		       char *err, size_t errlen)
{
	*lost = 0;
	return fsb_read_calls(s->bpf, fn, ctx, err, errlen) ? FS_SRC_ERR : 0;
}

static int bpf_hist(struct fs_source *s, struct fs_hist *out, char *err, size_t errlen)
{
	return fsb_read_hist(s->bpf, out, err, errlen) ? FS_SRC_ERR : 0;
}

static int bpf_probes(struct fs_source *s, struct fs_probes *out, char *err, size_t errlen)
{
	return fsb_read_probes(s->bpf, out, err, errlen) ? FS_SRC_ERR : 0;
}

static int bpf_reset(struct fs_source *s, char *err, size_t errlen)
{
	return fsb_reset(s->bpf, err, errlen) ? FS_SRC_ERR : 0;
}

struct bpf_events {
	struct fs_source_events head;	/* fd: the timer */
	struct fsb_events ev;
	struct fs_call x;		/* read, not handed out yet (a loss goes first) */
	int have;
	uint64_t target;		/* fs_source_events_sync(): the head then */
};

static int bpf_events_open(struct fs_source *s, struct fs_source_events **out, char *err,
			   size_t errlen)
{
	const struct itimerspec tick = { { 0, TICK_NS }, { 0, TICK_NS } };
	struct bpf_events *e = calloc(1, sizeof(*e));

	if (!e)
		return fs_fail(err, errlen, "out of memory");
	e->head.fd = timerfd_create(CLOCK_MONOTONIC, TFD_NONBLOCK | TFD_CLOEXEC);
	if (e->head.fd < 0 || timerfd_settime(e->head.fd, 0, &tick, NULL)) {
		fs_fail(err, errlen, "the BPF backend's events: timerfd: %s", strerror(errno));
		if (e->head.fd >= 0)
			close(e->head.fd);
		free(e);
		return FS_SRC_EOPEN;
	}
	e->head.s = s;
	snprintf(e->head.name, sizeof(e->head.name), "the BPF backend's events");
	/* The stream starts now, as an open of debugfs events does. */
	fsb_events_start(s->bpf, &e->ev);
	*out = &e->head;
	return 0;
}

static int bpf_events_next(struct fs_source_events *ev, struct fs_call *x, uint64_t *lost,
			   char *err, size_t errlen)
{
	const struct timespec nap = { 0, 1000 * 1000 };
	struct bpf_events *e = (struct bpf_events *)ev;
	uint64_t ticks;
	int waited = 0;

	(void)err;
	(void)errlen;
	for (;;) {
		if (!e->have)
			e->have = fsb_events_next(ev->s->bpf, &e->ev, &e->x);
		if (e->ev.lost) {
			*lost = e->ev.lost;
			e->ev.lost = 0;
			return FS_EVENTS_LOST;
		}
		if (e->have) {
			*x = e->x;
			e->have = 0;
			return FS_EVENTS_RECORD;
		}
		/* A call completed before the sync whose record is being written. */
		if (e->ev.pos >= e->target || waited++ == SYNC_WAIT_MS)
			break;
		nanosleep(&nap, NULL);
	}
	e->target = 0;
	/* Nothing now: the timer's ticks are taken, poll waits for the next. */
	if (read(ev->fd, &ticks, sizeof(ticks)) < 0 && errno == EINTR)
		return FS_EVENTS_AGAIN;
	errno = EAGAIN;
	return FS_EVENTS_AGAIN;
}

static void bpf_events_sync(struct fs_source_events *ev)
{
	struct bpf_events *e = (struct bpf_events *)ev;

	e->target = fsb_events_head(ev->s->bpf);
}

static void bpf_events_close(struct fs_source_events *ev)
{
	close(ev->fd);
	free(ev);
}

static void bpf_close(struct fs_source *s)
{
	fsb_close(s->bpf);
}

const struct fs_source_ops fs_source_bpf_ops = {
	.snapshot = bpf_snapshot,
	.records = bpf_records,
	.hist = bpf_hist,
	.probes = bpf_probes,
	.reset = bpf_reset,
	.events_open = bpf_events_open,
	.events_next = bpf_events_next,
	.events_sync = bpf_events_sync,
	.events_close = bpf_events_close,
	.close = bpf_close,
};
