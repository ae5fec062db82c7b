// SPDX-License-Identifier: GPL-2.0
/*
 * sharedevents THREADS SECONDS: THREADS threads read one open debugfs
 * events file at once (O_NONBLOCK, poll) while two processes fork as fast
 * as they can, for SECONDS; then the load ends and the threads keep
 * reading, all at once, until nothing more comes (tests/guest/57-events-
 * readers.sh, issue 17 defect 3).  Checks, as "ok -" / "not ok -" lines
 * (tests/tap.sh tap_run):
 *
 *   - every read() returns whole lines, each the header, a "# lost N" line
 *     with N >= 1, or a record of the header's column count;
 *   - the header comes once for the open file, not once per thread;
 *   - no record comes twice (seq);
 *   - records + lost = the completions between open and the end (debugfs
 *     probes "completed"), exactly: every completion is streamed once or
 *     reported lost, none invented (nothing resets the module meanwhile);
 *   - every read() returns, within 5 s: a read that spins in the kernel
 *     (its position beyond the log's head) is reported, and the program
 *     forks until the head catches up with it, so that it can end.
 */
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "tap.h"

#define EVENTS	"/sys/kernel/debug/forkstats/events"
#define PROBES	"/sys/kernel/debug/forkstats/probes"
#define MAX_THREADS 16
#define MAX_SEQS (1u << 22)

static int fd;
static volatile int stop_load_phase;
static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
static uint64_t *seqs;
static size_t nseqs;
static uint64_t lost, headers, torn, bad_lines, bad_lost, reads, read_errors, longest_ns;
static int header_fields;
static char first_bad[256];
static int in_read[MAX_THREADS];
static uint64_t read_t0[MAX_THREADS];
static uint64_t now_ns(void)
{
	struct timespec t;

	clock_gettime(CLOCK_MONOTONIC, &t);
	return (uint64_t)t.tv_sec * 1000000000u + (uint64_t)t.tv_nsec;
}

static uint64_t completed(void)
{
	char line[256];
	uint64_t v = UINT64_MAX;
	FILE *f = fopen(PROBES, "r");

	if (!f)
		return v;
	while (fgets(line, sizeof(line), f))
		if (sscanf(line, "completed %" SCNu64, &v) == 1)
			break;
	fclose(f);
	return v;
}

static int fields(const char *s, size_t n)
{
	int k = 0, in = 0;
	size_t i;

	for (i = 0; i < n; i++) {
		int sp = s[i] == ' ';

		if (!sp && !in)
			k++;
		in = !sp;
	}
	return k;
}

static void note_bad(const char *what, const char *s, size_t n)
{
	if (!first_bad[0])
		snprintf(first_bad, sizeof(first_bad), "%s: '%.*s'", what, (int)(n > 120 ? 120 : n), s);
}

/* One read's bytes: whole lines only. */
static void take(const char *buf, size_t n)
{
	size_t i = 0;

	pthread_mutex_lock(&lock);
	reads++;
	if (n && buf[n - 1] != '\n') {
		torn++;
		note_bad("a read ends inside a line", buf, n);
	}
	while (i < n) {
		const char *l = buf + i, *e = memchr(l, '\n', n - i);
		size_t len = e ? (size_t)(e - l) : n - i;
		uint64_t v;

		i += len + 1;
		if (len >= 6 && !strncmp(l, "# seq ", 6)) {
			headers++;
			header_fields = fields(l, len) - 1;
		} else if (len > 7 && !strncmp(l, "# lost ", 7)) {
			v = strtoull(l + 7, NULL, 10);
			if (!v) {
				bad_lost++;
				note_bad("a loss of 0", l, len);
			}
			lost += v;
		} else if (len && l[0] >= '1' && l[0] <= '9' &&
			   (!header_fields || fields(l, len) == header_fields)) {
			if (nseqs < MAX_SEQS)
				seqs[nseqs++] = strtoull(l, NULL, 10);
		} else {
			bad_lines++;
			note_bad("a line that is no record", l, len);
		}
	}
	pthread_mutex_unlock(&lock);
}

static void *reader(void *arg)
{
	static __thread char buf[1 << 16];
	int id = (int)(intptr_t)arg;
	struct pollfd p = { .events = POLLIN };
	int idle = 0;

	p.fd = fd;
	for (;;) {
		uint64_t t0, dt;
		ssize_t n;

		if (stop_load_phase && idle >= 20)
			break;
		poll(&p, 1, 20);
		t0 = now_ns();
		__atomic_store_n(&read_t0[id], t0, __ATOMIC_RELEASE);
		__atomic_store_n(&in_read[id], 1, __ATOMIC_RELEASE);
		n = read(fd, buf, sizeof(buf));
		__atomic_store_n(&in_read[id], 0, __ATOMIC_RELEASE);
		dt = now_ns() - t0;
		pthread_mutex_lock(&lock);
		if (dt > longest_ns)
			longest_ns = dt;
		if (n < 0 && errno != EAGAIN && errno != EINTR)
			read_errors++;
		pthread_mutex_unlock(&lock);
		if (n > 0) {
			take(buf, (size_t)n);
			idle = 0;
		} else {
			idle++;
		}
	}
	return NULL;
}

static pid_t loader(void)
{
	pid_t pid = fork();

	if (pid)
		return pid;
	for (;;) {
		pid_t c = fork();

		if (c == 0)
			_exit(0);
		if (c > 0)
			waitpid(c, NULL, 0);
	}
}

static int cmp(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;

	return x < y ? -1 : x > y;
}

/* Forks until no thread is inside read() for more than 5 s; 1 if one was. */
static int watch(unsigned int nthreads)
{
	int stuck = 0, i;
	unsigned int t;

	for (;;) {
		int any = 0;

		for (t = 0; t < nthreads; t++) {
			/*
			 * in_read, then the start it was published after, then
			 * the clock, compared signed: a read that began after
			 * a clock read first made an unsigned now - t0 wrap
			 * to "forever", a false "stuck" (6.12, parallel boot).
			 */
			uint64_t t0;

			if (!__atomic_load_n(&in_read[t], __ATOMIC_ACQUIRE))
				continue;
			t0 = __atomic_load_n(&read_t0[t], __ATOMIC_ACQUIRE);
			if ((int64_t)(now_ns() - t0) > 5000000000ll)
				any = 1;
		}
		if (!any)
			return stuck;
		if (!stuck)
			printf("# a read() has not returned for 5 s: forking until it does\n");
		stuck = 1;
		for (i = 0; i < 50; i++) {
			pid_t c = fork();

			if (c == 0)
				_exit(0);
			if (c > 0)
				waitpid(c, NULL, 0);
		}
	}
}

int main(int argc, char **argv)
{
	pthread_t th[MAX_THREADS];
	unsigned int nthreads, seconds, t, joined;
	uint64_t c0, c1, c0b, dups = 0, start;
	pid_t load[2];
	size_t i;
	int stuck = 0;

	if (argc != 3 || (nthreads = (unsigned int)atoi(argv[1])) < 2 || nthreads > MAX_THREADS) {
		fprintf(stderr, "usage: sharedevents THREADS(2..16) SECONDS\n");
		return 2;
	}
	seconds = (unsigned int)atoi(argv[2]);
	seqs = malloc(sizeof(*seqs) * MAX_SEQS);
	if (!seqs)
		return 1;
	/* The stream starts at open: completed before and after it agree. */
	do {
		c0 = completed();
		fd = open(EVENTS, O_RDONLY | O_NONBLOCK);
		if (fd < 0) {
			perror(EVENTS);
			return 1;
		}
		c0b = completed();
		if (c0 != c0b)
			close(fd);
	} while (c0 != c0b);
	if (c0 == UINT64_MAX) {
		fprintf(stderr, "no 'completed' in %s\n", PROBES);
		return 1;
	}
	load[0] = loader();
	load[1] = loader();
	for (t = 0; t < nthreads; t++)
		if (pthread_create(&th[t], NULL, reader, (void *)(intptr_t)t))
			return 1;
	start = now_ns();
	while (now_ns() - start < (uint64_t)seconds * 1000000000ull) {
		usleep(100000);
		stuck |= watch(nthreads);
	}
	/* The load ends; the threads read on, all at once, until 20 idle polls each. */
	kill(load[0], SIGKILL);
	kill(load[1], SIGKILL);
	waitpid(load[0], NULL, 0);
	waitpid(load[1], NULL, 0);
	stop_load_phase = 1;
	for (joined = 0; joined < nthreads;) {
		struct timespec ts;

		clock_gettime(CLOCK_REALTIME, &ts);
		ts.tv_sec += 1;
		if (!pthread_timedjoin_np(th[joined], NULL, &ts))
			joined++;
		stuck |= watch(nthreads);
	}
	/* Whatever completed since (the kernel's own threads), read by one thread. */
	do {
		c1 = completed();
		reader((void *)(intptr_t)0);
	} while (completed() != c1);
	close(fd);

	qsort(seqs, nseqs, sizeof(*seqs), cmp);
	for (i = 1; i < nseqs; i++)
		dups += seqs[i] == seqs[i - 1];
	printf("# %u threads, %u s: completions %" PRIu64 ", records %zu (duplicated %" PRIu64
	       "), lost %" PRIu64 ", reads %" PRIu64 ", longest read %" PRIu64 " us\n",
	       nthreads, seconds, c1 - c0, nseqs, dups, lost, reads, longest_ns / 1000);
	if (first_bad[0])
		printf("# first bad: %s\n", first_bad);
	tap(!torn && !bad_lines && !bad_lost && !read_errors,
	    "events shared by %u threads: every read gives whole lines, records or '# lost N' "
	    "with N >= 1 (torn %" PRIu64 ", bad lines %" PRIu64 ", bad losses %" PRIu64
	    ", errors %" PRIu64 ")",
	    nthreads, torn, bad_lines, bad_lost, read_errors);
	tap(headers == 1, "events shared by %u threads: the header once for the open file (%" PRIu64 ")",
	    nthreads, headers);
	tap(!dups, "events shared by %u threads: no record streamed twice (%" PRIu64 " of %zu)",
	    nthreads, dups, nseqs);
	tap(nseqs + lost == c1 - c0 && nseqs - dups + lost == c1 - c0,
	    "events shared by %u threads: records + lost = completions since open, exactly "
	    "(%zu + %" PRIu64 " = %" PRIu64 ")", nthreads, nseqs, lost, c1 - c0);
	tap(!stuck && nseqs > 0,
	    "events shared by %u threads: every read() returns (longest %" PRIu64
	    " us), none spins in the kernel",
	    nthreads, longest_ns / 1000);
	return failures ? 1 : 0;
}
