// SPDX-License-Identifier: GPL-2.0
/*
 * pidns: the child_pid of fork records made inside a PID namespace, on each
 * path that records a call (tests/guest/62-pidns.sh, docs/reliability.md).
 *
 *   pidns MIB [LATE]
 *	Unshares a PID namespace.  Its init (the controller) forks two
 *	processes, H (small) and P (MIB MiB mapped and touched), and with the
 *	module loaded with max_active=N (read from debugfs probes) their forks
 *	take each path that records a call:
 *	  A  H's N threads fork with CLONE_PARENT_SETTID aimed at a page of a
 *	     userfaultfd region: each blocks in kernel_clone after copy_process
 *	     returned, holding one of kernel_clone's N kretprobe instances
 *	     (recorded by copy_process, closed by kernel_clone: the normal path);
 *	  B  P's N threads fork at once: kernel_clone finds no free instance
 *	     (missed), copy_process takes all N of its own, and they queue on
 *	     P's mmap lock in dup_mmap (recorded by copy_process alone);
 *	  C  H resolves the faults: the A forks return;
 *	  D  P's LATE threads (default 16) fork at once: kernel_clone has
 *	     instances again, copy_process none while the B forks queue: their
 *	     copy_process return is missed and kernel_clone's return records
 *	     them from its return value, the pid in the caller's namespace
 *	     (the fallback path).
 *	While one of P's forks copies its address space, any page fault of P
 *	waits for it (the copy holds the mmap lock, and write-protects the
 *	pages it has copied): so P's forking threads wait for their stage in a
 *	futex and fork with one piece of assembly that writes no memory, rseq
 *	unregistered and every page of P present (mlockall), and the stages
 *	are driven by the controller, whose address space no fork copies.
 *	Every child reports its pid in the initial namespace (the first NSpid
 *	of /proc/self/status: /proc is the initial namespace's) and in the new
 *	one, and stays alive until the end.  The fork records of H and P must
 *	name exactly these children, by their pids in the initial namespace
 *	(docs/interfaces.md).  Prints TAP lines ("ok - ...", tap.h).
 */
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <limits.h>
#include <linux/futex.h>
#include <linux/userfaultfd.h>
#include <poll.h>
#include <pthread.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/rseq.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "calls.h"
#include "forkutil.h"
#include "probesfile.h"
#include "tap.h"

#if !defined(__x86_64__)
#error "pidns forks with x86-64 assembly"
#endif

#define PAGE		FS_PAGE
#define MAX_N		64
#define MAX_KIDS	(2 * MAX_N + 64)
#define STACK		(256 * 1024)

/* Shared by the controller, H, P and every child (MAP_SHARED). */
struct shared {
	volatile int go_a, go_b, go_c, go_d;	/* futex words: a stage starts */
	volatile int a_ready, a_done, p_ready, p_waiting;
	volatile int h_tgid, p_tgid;		/* in the initial namespace */
	volatile int failed;			/* a stage went wrong: stop */
	volatile int kid_init[MAX_KIDS];	/* each child's pid, initial namespace */
	volatile int kid_ns[MAX_KIDS];		/* ... and in the new one */
	char why[256];
};

static struct shared *sh;
static unsigned int n, late;

static void die(const char *what)
{
	fprintf(stderr, "pidns: %s: %s\n", what, strerror(errno));
	exit(1);
}

static void fail(const char *why)
{
	if (!sh->failed)
		snprintf(sh->why, sizeof(sh->why), "%s", why);
	sh->failed = 1;
}

static void nap(void)
{
	struct timespec ts = { 0, 10 * 1000 * 1000 };

	nanosleep(&ts, NULL);
}

static double now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1e3 + ts.tv_nsec / 1e6;
}

/* Stages start through futexes of the shared page (FUTEX_WAIT/WAKE, shared). */
static void go_wait(volatile int *go)
{
	while (!*go)
		syscall(SYS_futex, go, FUTEX_WAIT, 0, NULL, NULL, 0);
}

static void go_start(volatile int *go)
{
	*go = 1;
	syscall(SYS_futex, go, FUTEX_WAKE, INT_MAX, NULL, NULL, 0);
}

/* Polls flag for up to 60 s; 0 once set. */
static int wait_flag(volatile int *flag)
{
	unsigned int i;

	for (i = 0; i < 6000 && !*flag && !sh->failed; i++)
		nap();
	return *flag ? 0 : -1;
}

/*
 * Waits until *go (in the shared page), then forks: the raw clone system
 * call with flags, no new stack, no tid pointers.  Writes no memory of the
 * process on the way: no page fault can make it wait for another fork's
 * copy.  The child's pid in the caller's namespace, 0 in the child.
 */
static long wait_and_fork(volatile int *go, unsigned long flags)
{
	long ret;

	__asm__ volatile("1:	movl (%[go]), %%eax\n"
		     "	testl %%eax, %%eax\n"
		     "	jnz 2f\n"
		     "	movq %[go], %%rdi\n"
		     "	xorl %%esi, %%esi\n"		/* FUTEX_WAIT, shared */
		     "	xorl %%edx, %%edx\n"		/* while the word is 0 */
		     "	xorl %%r10d, %%r10d\n"		/* no timeout */
		     "	movl %[futex], %%eax\n"
		     "	syscall\n"
		     "	jmp 1b\n"
		     "2:	movq %[flags], %%rdi\n"
		     "	xorl %%esi, %%esi\n"		/* no new stack */
		     "	xorl %%edx, %%edx\n"		/* parent_tid */
		     "	xorl %%r10d, %%r10d\n"		/* child_tid */
		     "	xorl %%r8d, %%r8d\n"		/* tls */
		     "	movl %[clone], %%eax\n"
		     "	syscall\n"
		     : "=&a"(ret)
		     : [go] "r"(go), [flags] "r"(flags), [futex] "i"(SYS_futex),
		       [clone] "i"(SYS_clone)
		     : "rdi", "rsi", "rdx", "r10", "r8", "rcx", "r11", "memory");
	return ret;
}

/* glibc registers rseq; the kernel writes its area on a return to user space. */
static void without_rseq(void)
{
	unsigned int size = __rseq_size;

	if (size && syscall(SYS_rseq, (char *)__builtin_thread_pointer() + __rseq_offset,
			    size < 32 ? 32 : size, 1 /* RSEQ_FLAG_UNREGISTER */, RSEQ_SIG))
		die("rseq unregister");
}

/* The first and last NSpid of /proc/self/status, with system calls only. */
static int nspid(int *init, int *ns)
{
	char buf[4096], *p;
	ssize_t len;
	int fd = open("/proc/self/status", O_RDONLY), v;

	if (fd < 0)
		return -1;
	len = read(fd, buf, sizeof(buf) - 1);
	close(fd);
	if (len <= 0)
		return -1;
	buf[len] = 0;
	p = strstr(buf, "\nNSpid:");
	if (!p)
		return -1;
	p += 7;
	*init = -1;
	for (;;) {
		while (*p == ' ' || *p == '\t')
			p++;
		if (*p < '0' || *p > '9')
			break;
		for (v = 0; *p >= '0' && *p <= '9'; p++)
			v = v * 10 + (*p - '0');
		if (*init < 0)
			*init = v;
		*ns = v;
	}
	return *init > 0 ? 0 : -1;
}

/* A child: a copy of one thread of a threaded process; system calls only. */
static void __attribute__((noreturn)) kid(unsigned int slot)
{
	int init, ns;

	if (nspid(&init, &ns))
		_exit(1);
	sh->kid_ns[slot] = ns;
	sh->kid_init[slot] = init;
	for (;;)
		pause();
}

struct forker {
	pthread_t t;
	unsigned int slot;
	int *ptid;			/* A: the CLONE_PARENT_SETTID target */
	volatile int *go;
	long ret;
};

/* H's threads: stage A. */
static void *a_fn(void *arg)
{
	struct forker *f = arg;
	long r;

	go_wait(f->go);
	r = syscall(SYS_clone, SIGCHLD | CLONE_PARENT_SETTID, NULL, f->ptid, NULL, 0UL);
	if (r == 0)
		kid(f->slot);
	f->ret = r;
	return NULL;
}

/* P's threads: stages B and D. */
static void *p_fn(void *arg)
{
	struct forker *f = arg;
	long r;

	without_rseq();
	__atomic_add_fetch(&sh->p_waiting, 1, __ATOMIC_SEQ_CST);
	r = wait_and_fork(f->go, SIGCHLD);
	if (r == 0)
		kid(f->slot);
	f->ret = r;
	return NULL;
}

static void start(struct forker *f, void *(*fn)(void *), unsigned int slot, int *ptid,
		  volatile int *go)
{
	pthread_attr_t a;

	f->slot = slot;
	f->ptid = ptid;
	f->go = go;
	if (pthread_attr_init(&a) || pthread_attr_setstacksize(&a, STACK) ||
	    pthread_create(&f->t, &a, fn, f))
		die("pthread_create");
	pthread_attr_destroy(&a);
}

static int join(struct forker *f, unsigned int count)
{
	unsigned int i;
	int bad = 0;

	for (i = 0; i < count; i++) {
		pthread_join(f[i].t, NULL);
		bad |= f[i].ret <= 0;
	}
	return bad;
}

static struct fs_probe_row probe(const char *name)
{
	struct fs_probes p;
	const struct fs_probe_row *r;
	char err[256];

	if (fs_probes_read(FS_PROBES_PATH, &p, err, sizeof(err))) {
		fprintf(stderr, "pidns: %s\n", err);
		exit(1);
	}
	r = fs_probes_find(&p, name);
	if (!r) {
		fprintf(stderr, "pidns: no probe %s\n", name);
		exit(1);
	}
	return *r;
}

static uint64_t probes_value(const char *name)
{
	const struct fs_proc_counter *c;
	struct fs_probes p;
	char err[256];

	if (fs_probes_read(FS_PROBES_PATH, &p, err, sizeof(err))) {
		fprintf(stderr, "pidns: %s\n", err);
		exit(1);
	}
	c = fs_probes_counter(&p, name);
	if (!c) {
		fprintf(stderr, "pidns: no %s in probes\n", name);
		exit(1);
	}
	return c->value;
}

/* H: stage A (go_a), then C (go_c). */
static int run_h(void)
{
	struct uffdio_api api = { .api = UFFD_API };
	struct uffdio_register reg;
	struct uffdio_zeropage zp;
	struct forker f[MAX_N];
	unsigned int i, blocked = 0;
	struct uffd_msg msg;
	char *region;
	int uffd, init, ns;

	if (nspid(&init, &ns))
		die("NSpid");
	sh->h_tgid = init;
	uffd = (int)syscall(SYS_userfaultfd, O_CLOEXEC | O_NONBLOCK);
	if (uffd < 0 || ioctl(uffd, UFFDIO_API, &api))
		die("userfaultfd");
	region = mmap(NULL, n * PAGE, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (region == MAP_FAILED)
		die("mmap");
	memset(&reg, 0, sizeof(reg));
	reg.range.start = (unsigned long)region;
	reg.range.len = n * PAGE;
	reg.mode = UFFDIO_REGISTER_MODE_MISSING;
	if (ioctl(uffd, UFFDIO_REGISTER, &reg))
		die("UFFDIO_REGISTER");
	for (i = 0; i < n; i++)
		start(&f[i], a_fn, i, (int *)(region + i * PAGE), &sh->go_a);
	go_start(&sh->go_a);
	/* Every A fork asleep in its put_user of the new pid. */
	while (blocked < n) {
		struct pollfd pfd = { .fd = uffd, .events = POLLIN };

		if (poll(&pfd, 1, 30000) <= 0)
			break;
		while (read(uffd, &msg, sizeof(msg)) == sizeof(msg))
			blocked += msg.event == UFFD_EVENT_PAGEFAULT;
	}
	printf("# A: %u of %u forks blocked in kernel_clone after copy_process (put_user of the pid on a userfaultfd page)\n",
	       blocked, n);
	if (blocked < n)
		fail("stage A: not every fork blocked in kernel_clone");
	sh->a_ready = 1;
	go_wait(&sh->go_c);
	memset(&zp, 0, sizeof(zp));
	zp.range = reg.range;
	if (ioctl(uffd, UFFDIO_ZEROPAGE, &zp))
		die("UFFDIO_ZEROPAGE");
	if (join(f, n))
		fail("stage A: a fork failed");
	sh->a_done = 1;
	return 0;
}

/* P: MIB MiB touched, the threads of stages B (go_b) and D (go_d). */
static int run_p(unsigned long mib)
{
	struct forker *b = calloc(n, sizeof(*b)), *d = calloc(late, sizeof(*d));
	unsigned int i;
	int init, ns;
	char *big;

	if (!b || !d)
		die("memory");
	if (nspid(&init, &ns))
		die("NSpid");
	sh->p_tgid = init;
	big = fs_map_region(mib << 20, PAGE, MADV_NOHUGEPAGE);
	if (!big)
		die("mmap");
	fs_touch(big, (mib << 20) / PAGE, 1);
	for (i = 0; i < n; i++)
		start(&b[i], p_fn, n + i, NULL, &sh->go_b);
	for (i = 0; i < late; i++)
		start(&d[i], p_fn, 2 * n + i, NULL, &sh->go_d);
	while (sh->p_waiting < (int)(n + late))
		nap();
	/* Every page present: the forking threads touch none that faults. */
	if (mlockall(MCL_CURRENT))
		die("mlockall");
	sh->p_ready = 1;
	if (join(b, n) | join(d, late))
		fail("stage B or D: a fork failed");
	return 0;
}

static int cmp_int(const void *a, const void *b)
{
	int x = *(const int *)a, y = *(const int *)b;

	return (x > y) - (x < y);
}

/* Sets off every stage still waiting: after a failure, nothing stays blocked. */
static void release_all(void)
{
	go_start(&sh->go_b);
	go_start(&sh->go_c);
	go_start(&sh->go_d);
}

/* The namespace's init, the controller: H and P, the stages, then the records. */
static int run_init(unsigned long mib)
{
	int kids_init[MAX_KIDS], rec[MAX_KIDS], got = 0;
	unsigned int i, kids = 2 * n + late, fallback = 0, mismatch = 0, waited;
	struct fs_probe_row cp0, kc0, cp1 = { 0 }, kc1, cpd;
	double t0, t1, t2;
	uint64_t seq0;
	struct fs_calls c;
	char err[256];
	pid_t h, p;
	size_t k;

	if (fs_calls_read(FS_DEBUGFS_DIR "/calls", &c, err, sizeof(err))) {
		fprintf(stderr, "pidns: %s\n", err);
		return 1;
	}
	seq0 = c.n ? c.v[c.n - 1].r.seq : 0;
	fs_calls_free(&c);
	fflush(stdout);
	h = fork();
	if (h < 0)
		die("fork");
	if (h == 0)
		exit(run_h());
	p = fork();
	if (p < 0)
		die("fork");
	if (p == 0)
		exit(run_p(mib));
	if (wait_flag(&sh->a_ready) || wait_flag(&sh->p_ready))
		fail("H or P did not get ready");
	if (!sh->failed) {
		nap();
		cp0 = probe("copy_process");
		kc0 = probe("kernel_clone");
		t0 = now_ms();
		go_start(&sh->go_b);
		/* Every B fork inside copy_process with an instance of its own. */
		for (waited = 0; waited < 3000; waited++) {
			cp1 = probe("copy_process");
			if (cp1.hits - cp0.hits >= n)
				break;
			nap();
		}
		kc1 = probe("kernel_clone");
		t1 = now_ms();
		printf("# B: copy_process entered with an instance %" PRIu64 " times, kernel_clone missed %" PRIu64 " times, in %.0f ms\n",
		       cp1.hits - cp0.hits, kc1.missed - kc0.missed, t1 - t0);
		if (cp1.hits - cp0.hits < n)
			fail("stage B: the forks of the big process did not all enter copy_process");
		/* C: H resolves the faults, the A forks return; D. */
		go_start(&sh->go_c);
		if (wait_flag(&sh->a_done))
			fail("stage C: the A forks did not return");
		t2 = now_ms();
		go_start(&sh->go_d);
		printf("# C: the A forks returned in %.0f ms; D started\n", t2 - t1);
	}
	release_all();
	if (fs_reap(h, NULL) || fs_reap(p, NULL))
		fail("H or P failed");
	cpd = probe("copy_process");
	printf("# the B and D forks done; copy_process missed %" PRIu64 " since B\n",
	       cpd.missed - cp0.missed);
	if (sh->failed) {
		tap(0, "pidns: %s", sh->why);
		return 1;
	}
	for (waited = 0, i = 0; i < kids && waited < 3000; waited++) {
		while (i < kids && sh->kid_init[i])
			i++;
		if (i < kids)
			nap();
	}
	if (i < kids) {
		tap(0, "pidns: only %u of %u children reported their pids", i, kids);
		return 1;
	}
	for (i = 0; i < kids; i++)
		kids_init[i] = sh->kid_init[i];
	if (fs_calls_read(FS_DEBUGFS_DIR "/calls", &c, err, sizeof(err))) {
		fprintf(stderr, "pidns: %s\n", err);
		return 1;
	}
	for (k = 0; k < c.n; k++) {
		const struct fs_call *x = &c.v[k];
		const struct fs_record *r = &x->r;

		if (r->seq <= seq0 || r->kind != FS_KIND_FORK ||
		    (r->parent_tgid != sh->h_tgid && r->parent_tgid != sh->p_tgid))
			continue;
		if (got == MAX_KIDS)
			break;
		if (r->create_ns == 0 || (x->unknown & (1u << FS_COL_create_ns)))
			fallback++;
		if (x->unknown & (1u << FS_COL_child_pid)) {
			printf("# seq %llu: child_pid unknown ('-')\n", (unsigned long long)r->seq);
			rec[got++] = -1;
			continue;
		}
		rec[got++] = r->child_pid;
	}
	printf("# %u children (A %u, B %u, D %u), %d fork records of H and P, %u by kernel_clone's return alone\n",
	       kids, n, n, late, got, fallback);
	tap((unsigned int)got == kids, "pidns: all %u forks of H and P are recorded (got %d records)",
	    kids, got);
	tap(fallback != 0, "pidns: the fallback path was taken: %u forks recorded by kernel_clone's return after copy_process's was missed (at least 1)",
	    fallback);
	qsort(kids_init, kids, sizeof(int), cmp_int);
	qsort(rec, got, sizeof(int), cmp_int);
	for (k = 0; k < (size_t)got; k++) {
		if (bsearch(&rec[k], kids_init, kids, sizeof(int), cmp_int))
			continue;
		mismatch++;
		for (i = 0; i < kids; i++)
			if (sh->kid_ns[i] == rec[k])
				break;
		printf("# a record's child_pid %d is no child's pid in the initial namespace%s\n",
		       rec[k], i < kids ? " (it is a child's pid in the new namespace)" : "");
	}
	tap(!mismatch && (unsigned int)got == kids,
	    "pidns: every fork record's child_pid is its child's pid in the initial namespace (%u of %d are not)",
	    mismatch, got);
	fs_calls_free(&c);
	fflush(stdout);
	return 0;
}

int main(int argc, char **argv)
{
	unsigned long mib = argc > 1 ? strtoul(argv[1], NULL, 10) : 0;
	uint64_t ma;
	pid_t init;
	int st;

	late = argc > 2 ? (unsigned int)strtoul(argv[2], NULL, 10) : 16;
	if (argc < 2 || argc > 3 || !mib || mib > 4096 || !late || late > 64) {
		fprintf(stderr, "usage: pidns MIB [LATE]\n");
		return 2;
	}
	ma = probes_value("max_active");
	if (ma > MAX_N) {
		fprintf(stderr, "pidns: max_active=%" PRIu64 ": load the module with max_active=16\n", ma);
		return 2;
	}
	n = (unsigned int)ma;
	sh = mmap(NULL, sizeof(*sh), PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	if (sh == MAP_FAILED)
		die("mmap");
	memset((void *)sh, 0, sizeof(*sh));
	setvbuf(stdout, NULL, _IOLBF, 0);
	if (unshare(CLONE_NEWPID))
		die("unshare(CLONE_NEWPID)");
	init = fork();
	if (init < 0)
		die("fork");
	/* The namespace's init: its exit kills every child left in it. */
	if (init == 0)
		exit(run_init(mib));
	if (waitpid(init, &st, 0) != init)
		die("waitpid");
	return WIFEXITED(st) ? WEXITSTATUS(st) : 1;
}
