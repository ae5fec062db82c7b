// SPDX-License-Identifier: GPL-2.0
/*
 * userstorm: what a lab user does to the module while the machine forks
 * (tests/guest/51-users-storm.sh, docs/reliability.md).
 *
 *   userstorm load SECONDS STOPFILE
 *	The users' load, in a loop until SECONDS have passed or STOPFILE
 *	exists: fork with copy-on-write writes on both sides, vfork + exec,
 *	posix_spawn, fork + exec, clone(CLONE_VM), pthread_create, and a
 *	parent that touches 8 MiB, forks once and lets the child write 50
 *	pages.  Then one line "seconds N forks N vforks N spawns N execs N
 *	clones N threads N pairs N".
 *
 *   userstorm readers STOPFILE
 *	Readers of every file of the module, none of them forking: threads
 *	loop over /proc/forkstats, debugfs calls, probes, hist, control and
 *	events (each open, read to the end or for a while, closed, with a
 *	short random pause between files), whether the module is loaded or
 *	not, until STOPFILE exists.  Two of the events readers share one open
 *	file.  Then one line "opens N reads N bytes N events_eof N errors N"
 *	(errors: errnos other than those of a module coming and going).
 *
 *   userstorm conserve
 *	The module's invariants, exactly, at a moment when no call is being
 *	made (the caller stops its load first; the kernel's own threads may
 *	still fork: the files are read until two rounds agree).  Prints "ok -"
 *	and "not ok -" lines (tests/tap.sh tap_run) and "# " details.
 *
 *   userstorm grab PATH SECONDS
 *	Tries to open PATH as fast as it can for SECONDS; once open, reads
 *	it (blocking) to its end or an error, and exits 1 ("opened" on
 *	stdout); exits 0 when it never could open it.
 *
 *   userstorm unload MODULE SECONDS
 *	delete_module(MODULE) every millisecond while the kernel refuses
 *	because the module is in use (a reader has one of its files open),
 *	for at most SECONDS.  Prints "refused N" and exits 0 once unloaded,
 *	1 otherwise (errno said).
 *
 *   userstorm noop
 *	Exits 0 (what the load's exec and posix_spawn run).
 */
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <poll.h>
#include <pthread.h>
#include <sched.h>
#include <signal.h>
#include <spawn.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "calls.h"
#include "forkutil.h"
#include "histfile.h"
#include "probesfile.h"
#include "procfile.h"
#include "tap.h"

extern char **environ;

#define PAGE		FS_PAGE
#define REGION_PAGES	64
#define PAIR_PAGES	((8u << 20) / PAGE)	/* 8 MiB */
#define STACK_SIZE	(64 * 1024)

/* This program, whatever PATH found it by: what exec and posix_spawn run. */
static const char self[] = "/proc/self/exe";

static void die(const char *what)
{
	perror(what);
	exit(1);
}

static void reap(pid_t pid)
{
	if (pid < 0 || fs_reap(pid, NULL))
		die("child");
}

static int stopped(time_t end, const char *stop)
{
	return time(NULL) >= end || !access(stop, F_OK);
}

static void *thread_fn(void *arg)
{
	fs_touch(arg, 4, 5);
	return NULL;
}

static int clone_fn(void *arg)
{
	fs_touch(arg, 2, 6);
	return 0;
}

static pid_t spawn_noop(void)
{
	char *argv[] = { (char *)self, "noop", NULL };
	pid_t pid;

	return posix_spawn(&pid, self, NULL, NULL, argv, environ) ? -1 : pid;
}

static void exec_noop(void)
{
	execl(self, self, "noop", (char *)NULL);
	_exit(127);
}

static int cmd_load(unsigned int seconds, const char *stop)
{
	char *region = fs_map_region(REGION_PAGES * PAGE, PAGE, MADV_NORMAL);
	char *big = fs_map_region(PAIR_PAGES * PAGE, PAGE, MADV_NOHUGEPAGE);
	char *stack = malloc(STACK_SIZE);
	uint64_t forks = 0, vforks = 0, spawns = 0, execs = 0, clones = 0, threads = 0, pairs = 0;
	time_t start = time(NULL), end = start + seconds;
	pthread_t t;
	pid_t pid;

	if (!region || !big || !stack)
		die("memory");
	while (!stopped(end, stop)) {
		/* fork, both sides writing */
		fs_touch(region, REGION_PAGES, 1);
		pid = fork();
		if (pid == 0) {
			fs_touch(region, 8, 2);
			_exit(0);
		}
		fs_touch(region, 16, 3);
		reap(pid);
		forks++;
		/* vfork + exec */
		pid = vfork();
		if (pid == 0)
			exec_noop();
		reap(pid);
		vforks++;
		reap(spawn_noop());
		spawns++;
		/* fork + exec */
		pid = fork();
		if (pid == 0)
			exec_noop();
		reap(pid);
		execs++;
		pid = clone(clone_fn, stack + STACK_SIZE, CLONE_VM | SIGCHLD, region);
		reap(pid);
		clones++;
		if (pthread_create(&t, NULL, thread_fn, region) || pthread_join(t, NULL))
			die("pthread");
		threads++;
		/* 8 MiB touched, one fork, the child writes 50 pages */
		if (forks % 4 == 0) {
			fs_touch(big, PAIR_PAGES, (char)forks);
			pid = fork();
			if (pid == 0) {
				fs_touch(big, 50, 9);
				_exit(0);
			}
			reap(pid);
			pairs++;
		}
	}
	printf("seconds %lld forks %" PRIu64 " vforks %" PRIu64 " spawns %" PRIu64 " execs %" PRIu64
	       " clones %" PRIu64 " threads %" PRIu64 " pairs %" PRIu64 "\n",
	       (long long)(time(NULL) - start), forks, vforks, spawns, execs, clones, threads, pairs);
	return 0;
}

/* readers */

struct readers {
	const char *stop;
	pthread_mutex_t lock;
	uint64_t opens, reads, bytes, events_eof, errors;
	char first_error[256];
};

static struct readers rd = { .lock = PTHREAD_MUTEX_INITIALIZER };

static void tally(uint64_t opens, uint64_t reads, uint64_t bytes, uint64_t eof)
{
	pthread_mutex_lock(&rd.lock);
	rd.opens += opens;
	rd.reads += reads;
	rd.bytes += bytes;
	rd.events_eof += eof;
	pthread_mutex_unlock(&rd.lock);
}

/*
 * The errnos of a module coming and going: the file is not there (ENOENT),
 * its module is going away (ENXIO: debugfs, the open raced delete_module;
 * ENODEV, EIO), or a read was interrupted.  Anything else is counted.
 */
static void note_errno(const char *path, int e)
{
	if (e == ENOENT || e == ENXIO || e == ENODEV || e == EIO || e == EINTR || e == EAGAIN)
		return;
	pthread_mutex_lock(&rd.lock);
	if (!rd.errors++)
		snprintf(rd.first_error, sizeof(rd.first_error), "%s: %s", path, strerror(e));
	pthread_mutex_unlock(&rd.lock);
}

static unsigned int rnd(unsigned int *seed, unsigned int n)
{
	*seed = *seed * 1103515245u + 12345u;
	return (*seed >> 8) % n;
}

static void pause_ms(unsigned int ms)
{
	struct timespec ts = { ms / 1000, (long)(ms % 1000) * 1000000L };

	nanosleep(&ts, NULL);
}

/* One whole read of a file. */
static void read_file(const char *path)
{
	static __thread char buf[1 << 16];
	uint64_t reads = 0, bytes = 0;
	ssize_t n;
	int fd = open(path, O_RDONLY);

	if (fd < 0) {
		note_errno(path, errno);
		return;
	}
	while ((n = read(fd, buf, sizeof(buf))) > 0) {
		reads++;
		bytes += (uint64_t)n;
	}
	if (n < 0)
		note_errno(path, errno);
	close(fd);
	tally(1, reads, bytes, 0);
}

static void *file_reader(void *arg)
{
	static const char *const files[] = {
		"/proc/forkstats", FS_DEBUGFS_DIR "/calls", FS_DEBUGFS_DIR "/probes",
		FS_DEBUGFS_DIR "/hist", FS_DEBUGFS_DIR "/control",
	};
	unsigned int seed = (unsigned int)(uintptr_t)arg * 7919u + (unsigned int)getpid();

	while (access(rd.stop, F_OK)) {
		read_file(files[rnd(&seed, sizeof(files) / sizeof(files[0]))]);
		pause_ms(rnd(&seed, 200));
	}
	return NULL;
}

/* Events: poll and read fd for ms milliseconds; 1 at EOF, -1 on an error. */
static int events_for(int fd, unsigned int ms, uint64_t *reads, uint64_t *bytes)
{
	static __thread char buf[1 << 16];
	struct pollfd p = { .fd = fd, .events = POLLIN };
	struct timespec t0, t;
	ssize_t n;

	clock_gettime(CLOCK_MONOTONIC, &t0);
	for (;;) {
		clock_gettime(CLOCK_MONOTONIC, &t);
		if ((t.tv_sec - t0.tv_sec) * 1000 + (t.tv_nsec - t0.tv_nsec) / 1000000 >= ms)
			return 0;
		if (poll(&p, 1, 50) < 0)
			return -1;
		if (!(p.revents & (POLLIN | POLLERR | POLLHUP)))
			continue;
		n = read(fd, buf, sizeof(buf));
		if (n == 0)
			return 1;
		if (n < 0)
			return errno == EAGAIN || errno == EINTR ? 0 : -1;
		(*reads)++;
		*bytes += (uint64_t)n;
	}
}

/* Half of a shared events file's readers: the other half is the caller. */
struct events_half {
	int fd, r;
	uint64_t reads, bytes;
};

static void *events_half(void *arg)
{
	struct events_half *h = arg;

	h->r = events_for(h->fd, 300, &h->reads, &h->bytes);
	return NULL;
}

/*
 * Events, opened for 300 ms at a time (a follower that comes and goes:
 * while it is open, the module cannot be unloaded); with shared, two
 * threads read the one open file at once.
 */
static void *events_reader(void *arg)
{
	const char *path = FS_DEBUGFS_DIR "/events";
	unsigned int seed = (unsigned int)(uintptr_t)arg;
	int shared = seed & 1;

	while (access(rd.stop, F_OK)) {
		struct events_half a = { 0 }, b = { 0 };
		pthread_t t;
		int other = 0;

		a.fd = open(path, O_RDONLY | O_NONBLOCK);
		if (a.fd < 0) {
			note_errno(path, errno);
			pause_ms(rnd(&seed, 50));
			continue;
		}
		b.fd = a.fd;
		if (shared)
			other = !pthread_create(&t, NULL, events_half, &b);
		events_half(&a);
		if (other)
			pthread_join(t, NULL);
		if (a.r < 0 || b.r < 0)
			note_errno(path, errno);
		tally(1, a.reads + b.reads, a.bytes + b.bytes, (a.r == 1) + (b.r == 1));
		close(a.fd);
		pause_ms(rnd(&seed, 600));
	}
	return NULL;
}

static int cmd_readers(const char *stop)
{
	pthread_t t[6];
	unsigned int i, n = 0;

	rd.stop = stop;
	for (i = 0; i < 4; i++)
		if (!pthread_create(&t[n], NULL, file_reader, (void *)(uintptr_t)(i + 1)))
			n++;
	/* One follower alone (even seed), one whose file two threads share (odd). */
	if (!pthread_create(&t[n], NULL, events_reader, (void *)(uintptr_t)16))
		n++;
	if (!pthread_create(&t[n], NULL, events_reader, (void *)(uintptr_t)99))
		n++;
	for (i = 0; i < n; i++)
		pthread_join(t[i], NULL);
	printf("opens %" PRIu64 " reads %" PRIu64 " bytes %" PRIu64 " events_eof %" PRIu64
	       " errors %" PRIu64 "%s%s\n", rd.opens, rd.reads, rd.bytes, rd.events_eof, rd.errors,
	       rd.errors ? " first " : "", rd.first_error);
	return rd.errors ? 1 : 0;
}

/* conserve */

struct snap {
	struct fs_proc p, p2;
	struct fs_calls c;
	struct fs_hist h;
	struct fs_probes pr, pr2;
};

static uint64_t counter(const struct fs_proc *p, const char *name)
{
	const struct fs_proc_counter *c = fs_proc_counter(p, name);

	return c ? c->value : UINT64_MAX;
}

static uint64_t probes_value(const struct fs_probes *p, const char *name)
{
	const struct fs_proc_counter *c = fs_probes_counter(p, name);

	return c ? c->value : UINT64_MAX;
}

static int same_proc(const struct fs_proc *a, const struct fs_proc *b)
{
	return !memcmp(a->kinds, b->kinds, sizeof(a->kinds)) && a->ncounters == b->ncounters &&
	       !memcmp(a->counters, b->counters, sizeof(a->counters[0]) * a->ncounters);
}

/* One round: probes, /proc, calls, hist, /proc, probes.  0 when all parsed. */
static int snap_read(struct snap *s, char *err, size_t len)
{
	memset(s, 0, sizeof(*s));
	if (fs_probes_read(FS_PROBES_PATH, &s->pr, err, len) ||
	    fs_proc_read(FS_PROC_PATH, &s->p, err, len) ||
	    fs_calls_read(FS_DEBUGFS_DIR "/calls", &s->c, err, len) ||
	    fs_hist_read(FS_DEBUGFS_DIR "/hist", &s->h, err, len) ||
	    fs_proc_read(FS_PROC_PATH, &s->p2, err, len) ||
	    fs_probes_read(FS_PROBES_PATH, &s->pr2, err, len))
		return -1;
	return 0;
}

static void snap_free(struct snap *s)
{
	fs_calls_free(&s->c);
	fs_hist_free(&s->h);
}

static int cmd_conserve(void)
{
	struct fs_proc_row sum[FS_KIND_COUNT];
	uint64_t open_calls[FS_KIND_COUNT] = { 0 }, hist[FS_KIND_COUNT][2] = { { 0 } };
	uint64_t calls = 0, returned = 0, over, completed;
	static const int cols[] = {
		FS_AGG_calls, FS_AGG_failed, FS_AGG_pgtable_bytes, FS_AGG_vmas_copied,
		FS_AGG_cow_parent, FS_AGG_cow_child, FS_AGG_cow_copies, FS_AGG_cow_reuses,
		FS_AGG_rss_pages, FS_AGG_returned, FS_AGG_create_ns_sum, FS_AGG_total_ns_sum,
	};
	struct snap s;
	char err[256];
	unsigned int k, i, tries;
	int exact, ok;
	size_t j;

	/* Until nothing moved while the files were read (kernel threads may fork). */
	for (tries = 0;; tries++) {
		if (snap_read(&s, err, sizeof(err))) {
			tap(0, "conserve: the module's files read and parse (%s)", err);
			return 1;
		}
		if ((same_proc(&s.p, &s.p2) &&
		     probes_value(&s.pr, "completed") == probes_value(&s.pr2, "completed")) ||
		    tries == 100)
			break;
		snap_free(&s);
	}
	if (tries == 100)
		diag("conserve: the files kept moving for 100 rounds; checking the last");
	memset(sum, 0, sizeof(sum));
	for (j = 0; j < s.c.n; j++) {
		const struct fs_record *r = &s.c.v[j].r;

		if (r->kind >= FS_KIND_COUNT)
			continue;
		sum[r->kind].v[FS_AGG_calls]++;
		sum[r->kind].v[FS_AGG_failed] += r->err != 0;
		sum[r->kind].v[FS_AGG_pgtable_bytes] += r->pgtable_bytes;
		sum[r->kind].v[FS_AGG_vmas_copied] += r->vmas_copied;
		sum[r->kind].v[FS_AGG_cow_parent] += r->cow_parent;
		sum[r->kind].v[FS_AGG_cow_child] += r->cow_child;
		sum[r->kind].v[FS_AGG_cow_copies] += r->cow_copies;
		sum[r->kind].v[FS_AGG_cow_reuses] += r->cow_reuses;
		sum[r->kind].v[FS_AGG_rss_pages] += r->rss_pages;
		sum[r->kind].v[FS_AGG_returned] += r->done;
		sum[r->kind].v[FS_AGG_create_ns_sum] += r->create_ns;
		if (r->done)
			sum[r->kind].v[FS_AGG_total_ns_sum] += r->total_ns;
		else
			open_calls[r->kind]++;
	}
	for (j = 0; j < s.h.n; j++)
		if (s.h.v[j].kind < FS_KIND_COUNT)
			hist[s.h.v[j].kind][s.h.v[j].total ? 1 : 0] += s.h.v[j].count;
	for (k = 0; k < FS_KIND_COUNT; k++) {
		calls += s.p.kinds[k].v[FS_AGG_calls];
		returned += s.p.kinds[k].v[FS_AGG_returned];
	}
	over = counter(&s.p, "records_overwritten");
	completed = probes_value(&s.pr, "completed");
	exact = over == 0 && s.c.lost == 0;
	diag("conserve: calls %" PRIu64 " returned %" PRIu64 " records %zu overwritten %" PRIu64
	     " completed %" PRIu64 " (%u rounds)", calls, returned, s.c.n, over, completed, tries + 1);

	tap(s.c.n + over == calls,
	    "conserve: every call counted is a record in calls or one overwritten (%zu + %" PRIu64
	    " = %" PRIu64 ")", s.c.n, over, calls);
	ok = 1;
	for (k = 0; k < FS_KIND_COUNT; k++) {
		const uint64_t *v = s.p.kinds[k].v;
		int kok = exact ? v[FS_AGG_calls] - v[FS_AGG_returned] == open_calls[k] :
				  v[FS_AGG_returned] <= v[FS_AGG_calls] &&
					  v[FS_AGG_calls] - v[FS_AGG_returned] >= open_calls[k];

		if (!kok) {
			diag("conserve: %s: calls %" PRIu64 " returned %" PRIu64 ", in calls %" PRIu64
			     " still open", fs_kind_name(k), v[FS_AGG_calls], v[FS_AGG_returned],
			     open_calls[k]);
			ok = 0;
		}
	}
	tap(ok, "conserve: per kind, calls - returned = the calls still open%s",
	    exact ? "" : " (records overwritten: at least those in calls)");
	ok = 1;
	for (k = 0; k < FS_KIND_COUNT; k++) {
		if (hist[k][0] == s.p.kinds[k].v[FS_AGG_calls] &&
		    hist[k][1] == s.p.kinds[k].v[FS_AGG_returned])
			continue;
		diag("conserve: %s: hist create %" PRIu64 " total %" PRIu64 ", calls %" PRIu64
		     " returned %" PRIu64, fs_kind_name(k), hist[k][0], hist[k][1],
		     s.p.kinds[k].v[FS_AGG_calls], s.p.kinds[k].v[FS_AGG_returned]);
		ok = 0;
	}
	tap(ok, "conserve: hist counts every call once by create latency, every returned one by total");
	ok = 1;
	for (k = 0; k < FS_KIND_COUNT; k++) {
		for (i = 0; i < sizeof(cols) / sizeof(cols[0]); i++) {
			uint64_t a = s.p.kinds[k].v[cols[i]], b = sum[k].v[cols[i]];

			if (s.p.kinds[k].unknown & (1u << cols[i]))
				continue;
			if (exact ? a == b : a >= b)
				continue;
			diag("conserve: %s %s: /proc %" PRIu64 ", sum over calls %" PRIu64,
			     fs_kind_name(k), fs_agg_column_name(cols[i]), a, b);
			ok = 0;
		}
	}
	tap(ok, "conserve: every /proc/forkstats column %s the sum over the %zu records",
	    exact ? "equals" : "(records overwritten) is at least", s.c.n);
	tap(completed != UINT64_MAX && completed >= returned,
	    "conserve: completed (%" PRIu64 ") counts at least the returned calls since the last reset (%" PRIu64 ")",
	    completed, returned);
	tap(probes_value(&s.pr, "mm_tracked") <= probes_value(&s.pr, "max_tracked"),
	    "conserve: mm_tracked (%" PRIu64 ") within max_tracked (%" PRIu64 ")",
	    probes_value(&s.pr, "mm_tracked"), probes_value(&s.pr, "max_tracked"));
	snap_free(&s);
	return failures ? 1 : 0;
}

static int cmd_grab(const char *path, unsigned int seconds)
{
	static char buf[1 << 16];
	time_t end = time(NULL) + seconds;
	int fd;

	do {
		fd = open(path, O_RDONLY);
		if (fd >= 0) {
			printf("opened\n");
			fflush(stdout);
			while (read(fd, buf, sizeof(buf)) > 0)
				;
			close(fd);
			return 1;
		}
	} while (time(NULL) < end);
	return 0;
}

static int cmd_unload(const char *module, unsigned int seconds)
{
	struct timespec t0, t;
	unsigned long refused = 0;

	clock_gettime(CLOCK_MONOTONIC, &t0);
	for (;;) {
		if (!syscall(SYS_delete_module, module, O_NONBLOCK)) {
			printf("refused %lu\n", refused);
			return 0;
		}
		if (errno != EAGAIN && errno != EBUSY) {
			printf("refused %lu error %s\n", refused, strerror(errno));
			return 1;
		}
		refused++;
		clock_gettime(CLOCK_MONOTONIC, &t);
		if (t.tv_sec - t0.tv_sec >= seconds) {
			printf("refused %lu for %u s\n", refused, seconds);
			return 1;
		}
		pause_ms(1);
	}
}

int main(int argc, char **argv)
{
	if (argc == 2 && !strcmp(argv[1], "noop"))
		return 0;
	if (argc == 4 && !strcmp(argv[1], "load"))
		return cmd_load((unsigned int)atoi(argv[2]), argv[3]);
	if (argc == 3 && !strcmp(argv[1], "readers"))
		return cmd_readers(argv[2]);
	if (argc == 2 && !strcmp(argv[1], "conserve"))
		return cmd_conserve();
	if (argc == 4 && !strcmp(argv[1], "unload"))
		return cmd_unload(argv[2], (unsigned int)atoi(argv[3]));
	if (argc == 4 && !strcmp(argv[1], "grab"))
		return cmd_grab(argv[2], (unsigned int)atoi(argv[3]));
	fprintf(stderr, "usage: userstorm load SECONDS STOPFILE | readers STOPFILE | conserve | grab PATH SECONDS | unload MODULE SECONDS | noop\n");
	return 2;
}
