// SPDX-License-Identifier: GPL-2.0
/*
 * storm: the hardening workloads of tests/guest/50-storm.sh (docs/reliability.md).
 *
 *   storm run SECONDS [STOPFILE]
 *	Forks, vforks, threads, clone(CLONE_VM) and copy-on-write writes on
 *	both sides, in a loop, until SECONDS have passed or STOPFILE exists;
 *	then one line "seconds N forks N vforks N threads N clones N
 *	cow_writes N".
 *
 *   storm vforks N SECONDS
 *	N processes, each blocked in a vfork at once (the vfork child sleeps
 *	SECONDS on its own stack, then exits): N kernel_clone calls in flight.
 *	Afterwards reads debugfs calls and probes and prints
 *	"vforks N recorded R alone A missed M window W": R records of the N
 *	vfork children, A records of the window closed by copy_process alone
 *	(total_ns == create_ns: their kernel_clone return was not seen), M the
 *	kernel_clone kretprobe's nmissed delta, W the records of the window.
 *
 *   storm hold N SECONDS
 *	N forked children alive at once (no exec: N address spaces to track),
 *	each sleeping SECONDS, then exiting.
 *
 *   storm uffdwp N
 *	N threads each write one page of a userfaultfd write-protected region:
 *	each write faults into do_wp_page, which sleeps in handle_userfault
 *	until the region is unprotected — N do_wp_page calls in flight at
 *	once.  Prints "faults N blocked B missed M hits H per_fault K probed P
 *	counted C": B faults reported by
 *	userfaultfd while all slept, M and H the do_wp_page probe's missed
 *	and hits deltas, K the entries of do_wp_page one such fault makes alone
 *	(1 or 2), P whether do_wp_page is probed at all, C the COW faults
 *	counted meanwhile (this exec'd process has no fork record: its faults
 *	are cow_unattributed): the sleeping entries are not counted, their
 *	retries are, so C = N x (K - 1) in a quiet guest.
 *
 *   storm badwrites N SEED
 *	N writes to the module's writable files (/proc/forkstats, debugfs
 *	control), each from a fresh open, made by garbage_write()
 *	(tests/progs/garbage.h): random bytes, commands with whitespace,
 *	garbage around them, cut short, with a NUL inside, overlong (up to
 *	8 KiB), numbers and other words.  A write must be applied (its
 *	length returned) exactly when it is a valid command — the file's
 *	command with surrounding whitespace (the kernel's isspace), shorter than
 *	16 bytes, no NUL — and fail with EINVAL otherwise.  Prints "writes N
 *	valid V mismatches M enabled E" (E: what control should read now).
 *
 *   storm poke users|parallel
 *	One write to a writable file of the module, picked at random from a
 *	set of garbage_poke() (tests/progs/garbage.h); whether it is refused is
 *	not checked.
 *
 *   storm asuser UID CMD [ARGS...]
 *	Runs CMD as UID (group UID, no supplementary groups).
 *
 *   storm mmreuse N
 *	A fork whose child exits at once leaves its record R; then N short-
 *	lived processes (forked, writing pages, exiting) recycle mm_structs.
 *	Prints "before P C after P C" (R's cow_parent and cow_child before and
 *	after) and "processes N".
 */
#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <inttypes.h>
#include <linux/userfaultfd.h>
#include <poll.h>
#include <sys/ioctl.h>
#include <pthread.h>
#include <sched.h>
#include <signal.h>
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
#include "probesfile.h"
#include "procfile.h"
#include "garbage.h"

#define PAGE		FS_PAGE
#define REGION_PAGES	64
#define STACK_SIZE	(64 * 1024)

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

static int cmd_run(unsigned int seconds, const char *stop)
{
	char *region = fs_map_region(REGION_PAGES * PAGE, PAGE, MADV_NORMAL);
	char *stack = malloc(STACK_SIZE);
	uint64_t forks = 0, vforks = 0, threads = 0, clones = 0, writes = 0;
	time_t start = time(NULL), end = start + seconds;
	pthread_t t;
	pid_t pid;

	if (!region || !stack)
		die("memory");
	while (time(NULL) < end && (!stop || access(stop, F_OK))) {
		fs_touch(region, REGION_PAGES, 1);
		pid = fork();
		if (pid == 0) {
			fs_touch(region, 8, 2);
			_exit(0);
		}
		if (pid < 0)
			die("fork");
		fs_touch(region, 16, 3);
		reap(pid);
		forks++;
		writes += 24;
		if (fs_vfork_exit() < 0)
			die("vfork");
		vforks++;
		if (pthread_create(&t, NULL, thread_fn, region) || pthread_join(t, NULL))
			die("pthread");
		threads++;
		pid = clone(clone_fn, stack + STACK_SIZE, CLONE_VM | SIGCHLD, region);
		reap(pid);
		clones++;
	}
	printf("seconds %lld forks %" PRIu64 " vforks %" PRIu64 " threads %" PRIu64 " clones %" PRIu64
	       " cow_writes %" PRIu64 "\n", (long long)(time(NULL) - start), forks, vforks, threads, clones, writes);
	return 0;
}

static int sleep_fn(void *arg)
{
	struct timespec ts = { *(unsigned int *)arg, 0 };

	nanosleep(&ts, NULL);
	return 0;
}

static void calls_read(struct fs_calls *c)
{
	char err[256];

	if (fs_calls_read(FS_DEBUGFS_DIR "/calls", c, err, sizeof(err))) {
		fprintf(stderr, "storm: %s\n", err);
		exit(1);
	}
}

/* A probe's row of debugfs probes. */
static struct fs_probe_row probe_row(const char *name)
{
	const struct fs_probe_row *r;
	struct fs_probes p;
	char err[256];

	if (fs_probes_read(FS_PROBES_PATH, &p, err, sizeof(err))) {
		fprintf(stderr, "storm: %s\n", err);
		exit(1);
	}
	r = fs_probes_find(&p, name);
	if (!r) {
		fprintf(stderr, "storm: probe %s missing\n", name);
		exit(1);
	}
	return *r;
}

static uint64_t kc_missed(void)
{
	return probe_row("kernel_clone").missed;
}

static void *uffd_writer(void *arg)
{
	*(volatile char *)arg = 7;
	return NULL;
}

struct uffd_run {
	unsigned int blocked;
	int attached;			/* is do_wp_page probed on this kernel? */
	uint64_t missed, hits;
	uint64_t counted;		/* COW faults counted meanwhile (unattributed) */
};

/* /proc/forkstats' cow_unattributed: this exec'd process has no fork record. */
static uint64_t cow_unattributed(void)
{
	const struct fs_proc_counter *c;
	struct fs_proc p;
	char err[256];

	if (fs_proc_read("/proc/forkstats", &p, err, sizeof(err))) {
		fprintf(stderr, "storm: %s\n", err);
		exit(1);
	}
	c = fs_proc_counter(&p, "cow_unattributed");
	if (!c) {
		fprintf(stderr, "storm: /proc/forkstats has no cow_unattributed\n");
		exit(1);
	}
	return c->value;
}

/* n writers asleep in do_wp_page at once, then woken (see "uffdwp"). */
static struct uffd_run uffd_run(unsigned int n)
{
	struct uffdio_api api = { .api = UFFD_API, .features = UFFD_FEATURE_PAGEFAULT_FLAG_WP };
	struct uffdio_register reg;
	struct uffdio_writeprotect wp;
	struct fs_probe_row a, b;
	struct uffd_run res = { 0 };
	uint64_t c0, c1;
	struct uffd_msg msg;
	pthread_t *t = calloc(n, sizeof(*t));
	unsigned int i, blocked = 0;
	char *region;
	int uffd;

	uffd = (int)syscall(SYS_userfaultfd, O_CLOEXEC | O_NONBLOCK);
	if (uffd < 0 || ioctl(uffd, UFFDIO_API, &api))
		die("userfaultfd");
	region = fs_map_region(n * PAGE, PAGE, MADV_NOHUGEPAGE);
	if (!region || !t)
		die("memory");
	fs_touch(region, n, 1);
	memset(&reg, 0, sizeof(reg));
	reg.range.start = (unsigned long)region;
	reg.range.len = n * PAGE;
	reg.mode = UFFDIO_REGISTER_MODE_WP;
	if (ioctl(uffd, UFFDIO_REGISTER, &reg))
		die("UFFDIO_REGISTER");
	memset(&wp, 0, sizeof(wp));
	wp.range = reg.range;
	wp.mode = UFFDIO_WRITEPROTECT_MODE_WP;
	if (ioctl(uffd, UFFDIO_WRITEPROTECT, &wp))
		die("UFFDIO_WRITEPROTECT");
	a = probe_row("do_wp_page");
	c0 = cow_unattributed();
	for (i = 0; i < n; i++)
		if (pthread_create(&t[i], NULL, uffd_writer, region + i * PAGE))
			die("pthread_create");
	/* Every writer asleep in its fault: userfaultfd has told us of each. */
	while (blocked < n) {
		struct pollfd pfd = { .fd = uffd, .events = POLLIN };

		if (poll(&pfd, 1, 10000) <= 0)
			break;
		while (read(uffd, &msg, sizeof(msg)) == sizeof(msg))
			blocked += msg.event == UFFD_EVENT_PAGEFAULT;
	}
	wp.mode = 0;
	if (ioctl(uffd, UFFDIO_WRITEPROTECT, &wp))
		die("UFFDIO_WRITEPROTECT (clear)");
	for (i = 0; i < n; i++)
		pthread_join(t[i], NULL);
	c1 = cow_unattributed();
	b = probe_row("do_wp_page");
	res.blocked = blocked;
	res.attached = b.attached;
	res.missed = b.missed - a.missed;
	res.hits = b.hits - a.hits;
	res.counted = c1 - c0;
	close(uffd);
	munmap(region, n * PAGE);
	free(t);
	return res;
}

/*
 * First one fault alone: how many times a sleeping fault enters do_wp_page
 * on this kernel (twice where unprotecting leaves the PTE read-only and the
 * retried fault comes back; once where it makes the PTE writable).  The
 * probe's hits are the whole guest's: other write faults in the window add
 * to them, never take away (one 7.3.4 boot counted 5 hits for the single
 * fault and then 200 for the 200; the other boots 1).  So the fewest hits of
 * three single-fault runs, each printed on a line of its own.
 */
static int cmd_uffdwp(unsigned int n)
{
	struct uffd_run run[3], one = { 0 }, all;
	unsigned int i;

	for (i = 0; i < 3; i++) {
		run[i] = uffd_run(1);
		if (!i || run[i].hits < one.hits)
			one = run[i];
	}
	if (one.blocked != 1 || one.missed) {
		fprintf(stderr, "storm: a single sleeping fault: blocked %u missed %" PRIu64 "\n",
			one.blocked, one.missed);
		return 1;
	}
	all = uffd_run(n);
	printf("faults %u blocked %u missed %" PRIu64 " hits %" PRIu64 " per_fault %" PRIu64
	       " probed %d counted %" PRIu64 "\n", n, all.blocked, all.missed, all.hits, one.hits,
	       all.attached, all.counted);
	for (i = 0; i < 3; i++)
		printf("single fault %u: hits %" PRIu64 " counted %" PRIu64 "\n", i + 1, run[i].hits,
		       run[i].counted);
	return 0;
}

static uint64_t last_seq(void)
{
	struct fs_calls c;
	uint64_t s;

	calls_read(&c);
	s = c.n ? c.v[c.n - 1].r.seq : 0;
	fs_calls_free(&c);
	return s;
}

static int cmd_vforks(unsigned int n, unsigned int seconds)
{
	pid_t *parents = calloc(n, sizeof(*parents)), *kids;
	uint64_t m0, m1, seq0, recorded = 0, alone = 0, window = 0;
	struct fs_calls c;
	unsigned int i;
	size_t k, j;

	kids = mmap(NULL, n * sizeof(*kids), PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS,
		    -1, 0);
	if (!parents || kids == MAP_FAILED)
		die("memory");
	seq0 = last_seq();
	m0 = kc_missed();
	for (i = 0; i < n; i++) {
		parents[i] = fork();
		if (parents[i] < 0)
			die("fork");
		if (parents[i] == 0) {
			char *stack = malloc(STACK_SIZE);
			pid_t v;

			if (!stack)
				_exit(1);
			/* The parent of the vfork is blocked until its child exits. */
			v = clone(sleep_fn, stack + STACK_SIZE,
				  CLONE_VM | CLONE_VFORK | SIGCHLD, &seconds);
			kids[i] = v;
			_exit(v > 0 && fs_reap(v, NULL) == 0 ? 0 : 1);
		}
	}
	for (i = 0; i < n; i++)
		reap(parents[i]);
	m1 = kc_missed();
	calls_read(&c);
	for (k = 0; k < c.n; k++) {
		const struct fs_record *r = &c.v[k].r;

		if (r->seq <= seq0)
			continue;
		window++;
		if (r->total_ns == r->create_ns)
			alone++;
		for (j = 0; j < n; j++)
			if (r->child_pid == kids[j] && r->kind == FS_KIND_VFORK)
				recorded++;
	}
	printf("vforks %u recorded %" PRIu64 " alone %" PRIu64 " missed %" PRIu64
	       " window %" PRIu64 " lost %" PRIu64 "\n", n, recorded, alone, m1 - m0, window,
	       c.lost);
	fs_calls_free(&c);
	return 0;
}

static int cmd_hold(unsigned int n, unsigned int seconds)
{
	struct timespec ts = { seconds, 0 };
	unsigned int i;
	pid_t pid;

	for (i = 0; i < n; i++) {
		pid = fork();
		if (pid < 0)
			die("fork");
		if (pid == 0) {
			nanosleep(&ts, NULL);
			_exit(0);
		}
	}
	while (wait(NULL) > 0)
		;
	return 0;
}

/* The kernel's isspace (lib/ctype.c): NBSP (0xa0) is a space too. */
static int kspace(unsigned char c)
{
	return c == ' ' || (c >= '\t' && c <= '\r') || c == 0xa0;
}

/* The command a write means, or NULL: see "badwrites" above. */
static const char *command_of(const unsigned char *b, size_t len, const char *const *cmds)
{
	static char cmd[16];
	size_t s = 0, e = len, i;

	if (len == 0 || len >= 16 || memchr(b, '\0', len))
		return NULL;
	while (s < e && kspace(b[s]))
		s++;
	while (e > s && kspace(b[e - 1]))
		e--;
	memcpy(cmd, b + s, e - s);
	cmd[e - s] = '\0';
	for (i = 0; cmds[i]; i++)
		if (!strcmp(cmd, cmds[i]))
			return cmds[i];
	return NULL;
}

static int cmd_badwrites(unsigned int n, unsigned int seed)
{
	static const char *const proc_cmds[] = { "reset", NULL };
	static const char *const control_cmds[] = { "reset", "enable", "disable", NULL };
	static unsigned char buf[GARBAGE_MAX + 2];
	unsigned int i, valid = 0, bad = 0, enabled = 1;

	for (i = 0; i < n; i++) {
		int ctl = garbage_rnd(&seed, 2);
		const char *path = ctl ? FS_DEBUGFS_DIR "/control" : "/proc/forkstats";
		const char *const *cmds = ctl ? control_cmds : proc_cmds;
		const char *want;
		size_t len = garbage_write(&seed, i, buf), k;
		ssize_t got;
		int fd, err;

		want = command_of(buf, len, cmds);
		fd = open(path, O_WRONLY);
		if (fd < 0)
			die(path);
		got = write(fd, buf, len);
		err = errno;
		close(fd);
		if (want ? got == (ssize_t)len : (got < 0 && err == EINVAL)) {
			valid += !!want;
			if (want && !strcmp(want, "enable"))
				enabled = 1;
			if (want && !strcmp(want, "disable"))
				enabled = 0;
			continue;
		}
		if (bad++ < 10) {
			fprintf(stderr, "storm: write %u to %s (%zu bytes:", i, path, len);
			for (k = 0; k < len && k < 24; k++)
				fprintf(stderr, " %02x", buf[k]);
			fprintf(stderr, ") returned %zd (%s), expected %s\n", got,
				got < 0 ? strerror(err) : "ok", want ? "it applied" : "EINVAL");
		}
	}
	printf("writes %u valid %u mismatches %u enabled %u\n", n, valid, bad, enabled);
	return 0;
}

/* One write picked at random from a set of tests/progs/garbage.h; its errors
 * are what it is for. */
static int cmd_poke(const char *set)
{
	static unsigned char buf[GARBAGE_MAX];
	struct timespec ts;
	unsigned int seed;
	const char *path;
	size_t len;
	int fd;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	seed = (unsigned int)ts.tv_nsec ^ (unsigned int)getpid() << 16;
	if (!strcmp(set, "users"))
		path = garbage_poke(&seed, garbage_pokes_users,
				    sizeof(garbage_pokes_users) / sizeof(garbage_pokes_users[0]), buf, &len);
	else if (!strcmp(set, "parallel"))
		path = garbage_poke(&seed, garbage_pokes_parallel,
				    sizeof(garbage_pokes_parallel) / sizeof(garbage_pokes_parallel[0]), buf, &len);
	else
		return 2;
	fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0666);
	if (fd >= 0) {
		if (write(fd, buf, len) < 0) {
			/* refused: garbage */
		}
		close(fd);
	}
	return 0;
}

static int cmd_asuser(unsigned int uid, char **argv)
{
	if (setgroups(0, NULL) || setgid(uid) || setuid(uid))
		die("setuid");
	execvp(argv[0], argv);
	die(argv[0]);
	return 127;
}

static const struct fs_record *find(const struct fs_calls *c, pid_t child)
{
	size_t k;

	for (k = c->n; k-- > 0;)
		if (c->v[k].r.child_pid == child)
			return &c->v[k].r;
	fprintf(stderr, "storm: no record of child %d\n", (int)child);
	exit(1);
}

static int cmd_mmreuse(unsigned int n)
{
	char *region = fs_map_region(16 * PAGE, PAGE, MADV_NORMAL);
	const struct fs_record *r;
	struct fs_calls c;
	uint64_t bp, bc;
	pid_t gone, churn;
	unsigned int i;

	if (!region)
		die("mmap");
	fs_touch(region, 16, 1);
	gone = fs_fork_exit();
	if (gone < 0)
		die("fork");
	/*
	 * Another fork: this process's address space now belongs to it, so
	 * nothing of ours moves R any more; only a recycled mm_struct wrongly
	 * still attributed to R could.
	 */
	churn = fork();
	if (churn < 0)
		die("fork");
	if (churn == 0)
		_exit(0);
	calls_read(&c);
	r = find(&c, gone);
	bp = r->cow_parent;
	bc = r->cow_child;
	fs_calls_free(&c);
	for (i = 0; i < n; i++) {
		pid_t a = fork();

		if (a < 0)
			die("fork");
		if (a == 0) {
			pid_t b = fork();

			fs_touch(region, 16, 2);
			if (b == 0)
				_exit(0);
			_exit(b > 0 && fs_reap(b, NULL) == 0 ? 0 : 1);
		}
		reap(a);
	}
	calls_read(&c);
	r = find(&c, gone);
	printf("before %" PRIu64 " %" PRIu64 " after %" PRIu64 " %" PRIu64 "\nprocesses %u\n",
	       bp, bc, (uint64_t)r->cow_parent, (uint64_t)r->cow_child, 2 * n);
	fs_calls_free(&c);
	reap(churn);
	return 0;
}

int main(int argc, char **argv)
{
	const char *cmd = argc > 1 ? argv[1] : "";

	setvbuf(stdout, NULL, _IOLBF, 0);
	if (!strcmp(cmd, "run") && (argc == 3 || argc == 4))
		return cmd_run((unsigned int)atoi(argv[2]), argc == 4 ? argv[3] : NULL);
	if (!strcmp(cmd, "vforks") && argc == 4)
		return cmd_vforks((unsigned int)atoi(argv[2]), (unsigned int)atoi(argv[3]));
	if (!strcmp(cmd, "hold") && argc == 4)
		return cmd_hold((unsigned int)atoi(argv[2]), (unsigned int)atoi(argv[3]));
	if (!strcmp(cmd, "uffdwp") && argc == 3)
		return cmd_uffdwp((unsigned int)atoi(argv[2]));
	if (!strcmp(cmd, "badwrites") && argc == 4)
		return cmd_badwrites((unsigned int)atoi(argv[2]), (unsigned int)atoi(argv[3]));
	if (!strcmp(cmd, "poke") && argc == 3 && cmd_poke(argv[2]) == 0)
		return 0;
	if (!strcmp(cmd, "asuser") && argc >= 4)
		return cmd_asuser((unsigned int)atoi(argv[2]), argv + 3);
	if (!strcmp(cmd, "mmreuse") && argc == 3)
		return cmd_mmreuse((unsigned int)atoi(argv[2]));
	fprintf(stderr, "usage: storm run SECONDS [STOPFILE] | vforks N SECONDS | uffdwp N | hold N SECONDS | badwrites N SEED | poke users|parallel | asuser UID CMD... | mmreuse N\n");
	return 2;
}
