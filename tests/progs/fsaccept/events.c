// SPDX-License-Identifier: GPL-2.0
/*
 * fsaccept events: the events stream, with and without a ring that
 * overflows.
 */
#include "fsaccept.h"

/* Calls completed since load (debugfs probes), the events stream's positions. */
static uint64_t completed(void)
{
	struct fs_probes p;
	const struct fs_proc_counter *c;
	char err[256];

	if (fs_probes_read(FS_PROBES_PATH, &p, err, sizeof(err)))
		bail(err);
	c = fs_probes_counter(&p, "completed");
	if (!c)
		bail("probes: no completed line");
	return c->value;
}

/* Read the stream until it would block; returns 0 when nothing was read. */
static int events_drain(int fd, char *buf, size_t *have, size_t size, struct fs_calls_cols *cols,
			int *header, int *bad, uint64_t *lost, uint64_t *got, const pid_t *kids,
			unsigned long n, unsigned long *next, unsigned long *seen)
{
	int any = 0;
	ssize_t r;
	char *p, *nl, err[200];

	for (;;) {
		r = read(fd, buf + *have, size - *have - 1);
		if (r < 0 && errno == EAGAIN)
			return any;
		if (r <= 0)
			bail("read events");
		any = 1;
		*have += (size_t)r;
		buf[*have] = '\0';
		for (p = buf; (nl = strchr(p, '\n')); p = nl + 1) {
			struct fs_call c;

			*nl = '\0';
			if (!*header) {
				*header = !fs_calls_header(p, cols, err, sizeof(err));
				*bad |= !*header;
			} else if (!strncmp(p, "# lost ", 7)) {
				*lost += strtoull(p + 7, NULL, 10);
			} else if (fs_calls_record(p, cols, &c, err, sizeof(err))) {
				diag("events: %s", err);
				*bad = 1;
			} else {
				/* Ours must come in fork order; others are other calls. */
				unsigned long x = *next;

				(*got)++;
				while (x < n && kids[x] != c.r.child_pid)
					x++;
				if (x < n) {
					(*seen)++;
					*next = x + 1;
				}
			}
		}
		*have = strlen(p);
		memmove(buf, p, *have);
	}
}

/*
 * events: a reader sees every call that completes after it opened the file,
 * in completion order; our N forks among them, in order.  With a ring of
 * RING records and more completions unread, it is told exactly how many it
 * lost: lost + delivered = completed since open, and RING are delivered.
 */
int cmd_events(unsigned long n, unsigned long ring)
{
	static char buf[65536];
	struct fs_calls_cols cols;
	pid_t *kids = calloc(n, sizeof(*kids));
	unsigned long i, seen = 0, next = 0;
	uint64_t lost = 0, got = 0, from, to, again;
	int fd = -1, header = 0, bad = 0;
	size_t have = 0;

	if (!kids)
		bail("calloc");
	/* The stream starts at the completions at open: make that exact. */
	for (;;) {
		from = completed();
		fd = open(FS_DEBUGFS_DIR "/events", O_RDONLY | O_NONBLOCK);
		if (fd < 0)
			bail("open events");
		if (completed() == from)
			break;
		close(fd);
	}
	for (i = 0; i < n; i++) {
		kids[i] = fork();
		if (kids[i] == 0)
			_exit(0);
		reap(kids[i]);
	}
	/* Read until the stream has delivered every completion counted. */
	do {
		to = completed();
		events_drain(fd, buf, &have, sizeof(buf), &cols, &header, &bad, &lost, &got, kids,
			     n, &next, &seen);
		again = completed();
	} while (again != to);
	close(fd);
	tap(!bad && header, "events: a header, then records that parse");
	tap(lost + got == to - from,
	    "events: lost %" PRIu64 " + delivered %" PRIu64 " = %" PRIu64 " calls completed since open",
	    lost, got, to - from);
	if (ring && to - from > ring) {
		tap(got == ring && lost == to - from - ring,
		    "events: a ring of %lu, %" PRIu64 " completed unread: \"# lost %" PRIu64 "\", then %lu records",
		    ring, to - from, lost, ring);
		tap(seen > 0 && seen <= ring && next == n,
		    "events: the forks among them are the last ones, in order (%lu)", seen);
	} else {
		tap(lost == 0 && seen == n, "events: nothing lost, all %lu forks in order (%lu)", n, seen);
	}
	free(kids);
	return 0;
}
