// SPDX-License-Identifier: GPL-2.0
/*
 * forkbench: the cost of creating a process or thread, by method, as the
 * parent's memory grows.  docs/workloads.md describes the options, what each
 * method measures and the output formats.
 */
#include <errno.h>
#include <getopt.h>
#include <inttypes.h>
#include <limits.h>
#include <pthread.h>
#include <sched.h>
#include <signal.h>
#include <spawn.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "forkutil.h"
#include "group.h"

#define PAGE		FS_PAGE
#define GIB		(1UL << 30)
#define STACK_SIZE	(256UL << 10)

extern char **environ;

enum method { M_FORK, M_VFORK, M_SPAWN, M_CLONE_VFORK, M_CLONE_VM, M_PTHREAD, M_COUNT };
static const char *const method_names[M_COUNT] = {
	"fork", "vfork", "posix_spawn", "clone-vfork", "clone-vm", "pthread",
};

enum child { C_EXIT, C_WRITE, C_EXEC };

struct bench {
	enum method method;
	uint64_t size;			/* bytes of the parent's region */
	int fragmented, thp;
	enum child child;
	unsigned long child_writes;	/* pages, for --child write:K */
	unsigned long parent_writes;	/* pages */
	unsigned long iterations, warmup;
	const char *format;
	int progress;
	char exec_path[PATH_MAX];
	char *region;
	unsigned long pages;
	char *stack;
};

static void die(const char *fmt, const char *arg)
{
	fprintf(stderr, "forkbench: ");
	fprintf(stderr, fmt, arg);
	fprintf(stderr, ": %s\n", strerror(errno));
	exit(1);
}

static uint64_t now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

static void write_pages(const struct bench *b, unsigned long first, unsigned long n, char v)
{
	unsigned long i;

	for (i = 0; i < n && b->pages; i++)
		((volatile char *)b->region)[((first + i) % b->pages) * PAGE] = v;
}

/* What a child does; never returns. */
static void child_work(const struct bench *b)
{
	char *argv[] = { (char *)b->exec_path, NULL };

	switch (b->child) {
	case C_WRITE:
		write_pages(b, 0, b->child_writes, 2);
		break;
	case C_EXEC:
		execve(b->exec_path, argv, environ);
		_exit(127);
	case C_EXIT:
		break;
	}
	_exit(0);
}

static int clone_fn(void *arg)
{
	child_work(arg);
	return 0;
}

static void *thread_fn(void *arg)
{
	return arg;
}

static void reap(pid_t pid)
{
	int st;

	if (fs_reap(pid, &st)) {
		if (st == -1)
			die("waitpid%s", "");
		fprintf(stderr, "forkbench: a child failed (status 0x%x)%s\n", st,
			WIFEXITED(st) && WEXITSTATUS(st) == 127 ? ": could not exec the target" : "");
		exit(1);
	}
}

/* One creation: the call's latency in the parent and the whole cycle. */
static void one(struct bench *b, uint64_t *latency, uint64_t *cycle)
{
	char *argv[] = { b->exec_path, NULL };
	uint64_t t0, t1;
	pthread_t th;
	pid_t pid = 0;
	int e;

	t0 = now_ns();
	switch (b->method) {
	case M_FORK:
		pid = fork();
		if (pid == 0)
			child_work(b);
		break;
	case M_VFORK:
		pid = vfork();
		if (pid == 0)
			child_work(b);
		break;
	case M_SPAWN:
		e = posix_spawn(&pid, b->exec_path, NULL, NULL, argv, environ);
		if (e) {
			errno = e;
			die("posix_spawn %s", b->exec_path);
		}
		break;
	case M_CLONE_VFORK:
		pid = clone(clone_fn, b->stack + STACK_SIZE, CLONE_VM | CLONE_VFORK | SIGCHLD, b);
		break;
	case M_CLONE_VM:
		pid = clone(clone_fn, b->stack + STACK_SIZE, CLONE_VM | SIGCHLD, b);
		break;
	case M_PTHREAD:
		e = pthread_create(&th, NULL, thread_fn, NULL);
		if (e) {
			errno = e;
			die("pthread_create%s", "");
		}
		break;
	case M_COUNT:
		break;
	}
	t1 = now_ns();
	if (pid < 0)
		die("%s", method_names[b->method]);
	write_pages(b, b->child_writes, b->parent_writes, 3);
	if (b->method == M_PTHREAD)
		pthread_join(th, NULL);
	else
		reap(pid);
	*latency = t1 - t0;
	*cycle = now_ns() - t0;
}

/*
 * The region starts on a 1 GiB boundary: its page tables are then its PTE
 * pages plus the fewest upper-level pages (one PMD page per GiB slot, a PUD
 * page if its 512 GiB slot is new), whatever ASLR picked.
 */
static void setup_region(struct bench *b)
{
	b->pages = b->size / PAGE;
	if (!b->size)
		return;
	b->region = fs_map_region(b->size, GIB, b->thp ? MADV_HUGEPAGE : MADV_NOHUGEPAGE);
	if (!b->region)
		die("mmap of the %s parent region", "");
	fs_touch(b->region, b->pages, 1);
	if (!b->fragmented)
		return;
	/*
	 * Every other page read-only: neighbours differ in protection, so no
	 * two VMAs can merge and the region becomes one VMA per page, each with
	 * its anonymous page (written above), which fork must copy.
	 */
	for (unsigned long i = 1; i < b->pages; i += 2)
		if (mprotect(b->region + i * PAGE, PAGE, PROT_READ))
			die("mprotect (a fragmented layout needs a VMA per page: see sysctl vm.max_map_count)%s", "");
}

static int parse_size(const char *s, uint64_t *out)
{
	char *end;
	unsigned long long v;
	unsigned int shift = 0;

	errno = 0;
	v = strtoull(s, &end, 10);
	if (errno || end == s || *s == '-')
		return -1;
	switch (*end) {
	case 'K': case 'k': shift = 10; end++; break;
	case 'M': case 'm': shift = 20; end++; break;
	case 'G': case 'g': shift = 30; end++; break;
	}
	if (*end == 'i' && shift)
		end++;
	if (*end == 'B' || (*end == 'b' && shift))
		end++;
	if (*end || v > (UINT64_MAX >> shift))
		return -1;
	*out = (uint64_t)v << shift;
	if (*out % PAGE)
		return -1;
	return 0;
}

static int parse_ulong(const char *s, unsigned long *out)
{
	char *end;

	errno = 0;
	*out = strtoul(s, &end, 10);
	return errno || end == s || *end || *s == '-' ? -1 : 0;
}

static void usage(FILE *f)
{
	fprintf(f,
		"usage: forkbench --method M [--size SIZE] [--layout dirty|fragmented] [--thp on|off]\n"
		"                 [--child exit|write:K|exec] [--parent-writes K] [-n ITER] [--warmup W]\n"
		"                 [--format summary|csv|json] [--exec PATH] [--progress]\n"
		"\n"
		"Creates a child ITER times (after W unreported warm-up rounds) with method M and reports\n"
		"the latency of the call in the parent and of the whole cycle (call to reaped/joined).\n"
		"  --method M        fork, vfork, posix_spawn (spawns the exec target), clone-vfork\n"
		"                    (CLONE_VM|CLONE_VFORK, own stack), clone-vm (CLONE_VM, own stack),\n"
		"                    pthread (pthread_create + join)\n"
		"  --size SIZE       the parent's private anonymous region, every page written first:\n"
		"                    bytes, or with K, M, G (binary); a multiple of 4 KiB (default 0)\n"
		"  --layout L        dirty (one VMA, default) or fragmented (one VMA per page: every\n"
		"                    other page read-only, as in \"A fork() in the road\", HotOS 2019)\n"
		"  --thp on|off      madvise the region MADV_HUGEPAGE (2 MiB-aligned) or MADV_NOHUGEPAGE\n"
		"                    (default off)\n"
		"  --child C         what a fork/vfork/clone-* child does: exit at once (default), write:K\n"
		"                    pages of the region then exit (with CLONE_VM the memory is shared:\n"
		"                    no COW), or exec the target\n"
		"  --parent-writes K pages the parent writes after each call, before it waits\n"
		"  -n ITER           measured iterations (default 100); --warmup W (default 5)\n"
		"  --format F        summary (default), csv (one row per iteration), json\n"
		"  --exec PATH       the exec target (default: fb-exit next to forkbench)\n"
		"  --progress        the iteration count on stderr while it runs\n"
		"latency_ns: from just before the call until it returns in the parent; for vfork,\n"
		"clone-vfork and posix_spawn that includes the time the parent is suspended until the\n"
		"child execs or exits.  cycle_ns: until the child is reaped (or the thread joined),\n"
		"including the parent's writes.  Percentiles are nearest-rank.\n");
}

static void progress(const struct bench *b, unsigned long i, unsigned long n, int tty)
{
	if (!b->progress)
		return;
	if (tty)
		fprintf(stderr, "\rforkbench: %s %" PRIu64 " MiB: iteration %lu/%lu%s", method_names[b->method],
			b->size >> 20, i, n, i == n ? "\n" : "");
	else if (i == n || i % (n / 5 ? n / 5 : 1) == 0)
		fprintf(stderr, "forkbench: %s %" PRIu64 " MiB: iteration %lu/%lu\n",
			method_names[b->method], b->size >> 20, i, n);
}

static const char *child_name(const struct bench *b, char *buf, size_t len)
{
	if (b->child == C_WRITE)
		snprintf(buf, len, "write:%lu", b->child_writes);
	else
		snprintf(buf, len, "%s", b->child == C_EXEC ? "exec" : "exit");
	return buf;
}

static void json_stats(const char *key, struct fs_lat *l, int comma)
{
	printf("\"%s\":{\"min\":%" PRIu64 ",\"median\":%" PRIu64 ",\"p99\":%" PRIu64
	       ",\"mean\":%" PRIu64 "}%s", key, fs_lat_percentile(l, 0),
	       fs_lat_percentile(l, 50), fs_lat_percentile(l, 99), fs_lat_mean(l), comma ? "," : "");
}

static void report(const struct bench *b, struct fs_lat *lat, struct fs_lat *cyc,
		   const uint64_t *raw_lat, const uint64_t *raw_cyc)
{
	const char *layout = b->fragmented ? "fragmented" : "dirty", *thp = b->thp ? "on" : "off";
	const char *m = method_names[b->method];
	char cbuf[32];
	unsigned long i;

	child_name(b, cbuf, sizeof(cbuf));
	if (!strcmp(b->format, "csv")) {
		printf("method,size_bytes,layout,thp,child,parent_writes,iteration,latency_ns,cycle_ns\n");
		for (i = 0; i < b->iterations; i++)
			printf("%s,%" PRIu64 ",%s,%s,%s,%lu,%lu,%" PRIu64 ",%" PRIu64 "\n", m, b->size,
			       layout, thp, cbuf, b->parent_writes, i, raw_lat[i], raw_cyc[i]);
	} else if (!strcmp(b->format, "json")) {
		printf("{\"method\":\"%s\",\"size_bytes\":%" PRIu64 ",\"layout\":\"%s\",\"thp\":\"%s\","
		       "\"child\":\"%s\",\"parent_writes\":%lu,\"iterations\":%lu,", m, b->size, layout,
		       thp, cbuf, b->parent_writes, b->iterations);
		json_stats("latency_ns", lat, 1);
		json_stats("cycle_ns", cyc, 1);
		printf("\"samples\":[");
		for (i = 0; i < b->iterations; i++)
			printf("%s{\"latency_ns\":%" PRIu64 ",\"cycle_ns\":%" PRIu64 "}", i ? "," : "",
			       raw_lat[i], raw_cyc[i]);
		printf("]}\n");
	} else {
		printf("%s, parent %" PRIu64 " MiB %s (THP %s), child %s, parent writes %lu, %lu iterations\n",
		       m, b->size >> 20, layout, thp, cbuf, b->parent_writes, b->iterations);
		printf("           %10s %10s %10s %10s\n", "min", "median", "p99", "mean");
		printf("  latency  %10.1f %10.1f %10.1f %10.1f  us\n", fs_lat_percentile(lat, 0) / 1e3,
		       fs_lat_percentile(lat, 50) / 1e3, fs_lat_percentile(lat, 99) / 1e3,
		       fs_lat_mean(lat) / 1e3);
		printf("  cycle    %10.1f %10.1f %10.1f %10.1f  us\n", fs_lat_percentile(cyc, 0) / 1e3,
		       fs_lat_percentile(cyc, 50) / 1e3, fs_lat_percentile(cyc, 99) / 1e3,
		       fs_lat_mean(cyc) / 1e3);
	}
}

/* The exec target: fb-exit next to this program. */
static void default_target(struct bench *b)
{
	ssize_t n = readlink("/proc/self/exe", b->exec_path, sizeof(b->exec_path) - 16);
	char *slash;

	if (n < 0)
		die("readlink /proc/self/exe%s", "");
	b->exec_path[n] = '\0';
	slash = strrchr(b->exec_path, '/');
	strcpy(slash ? slash + 1 : b->exec_path, "fb-exit");
}

/* One option of the command line into b: 0, or -1 when its value is bad. */
static int set_option(struct bench *b, int opt, const char *arg)
{
	int m;

	switch (opt) {
	case 'm':
		for (m = 0; m < M_COUNT && strcmp(method_names[m], arg); m++)
			;
		if (m == M_COUNT)
			return -1;
		b->method = (enum method)m;
		return 0;
	case 's':
		return parse_size(arg, &b->size) ? -1 : 0;
	case 'l':
		if (strcmp(arg, "dirty") && strcmp(arg, "fragmented"))
			return -1;
		b->fragmented = !strcmp(arg, "fragmented");
		return 0;
	case 't':
		if (strcmp(arg, "on") && strcmp(arg, "off"))
			return -1;
		b->thp = !strcmp(arg, "on");
		return 0;
	case 'c':
		if (!strcmp(arg, "exit"))
			b->child = C_EXIT;
		else if (!strcmp(arg, "exec"))
			b->child = C_EXEC;
		else if (!strncmp(arg, "write:", 6) && !parse_ulong(arg + 6, &b->child_writes))
			b->child = C_WRITE;
		else
			return -1;
		return 0;
	case 'P':
		return parse_ulong(arg, &b->parent_writes) ? -1 : 0;
	case 'n':
		if (parse_ulong(arg, &b->iterations) || !b->iterations || b->iterations > 10000000)
			return -1;
		return 0;
	case 'w':
		return parse_ulong(arg, &b->warmup) ? -1 : 0;
	case 'f':
		if (strcmp(arg, "summary") && strcmp(arg, "csv") && strcmp(arg, "json"))
			return -1;
		b->format = arg;
		return 0;
	case 'e':
		snprintf(b->exec_path, sizeof(b->exec_path), "%s", arg);
		return 0;
	case 'p':
		b->progress = 1;
		return 0;
	default:
		return -1;
	}
}

/*
 * The command line into b: 0, or the exit status: 0 after --help, 2 after
 * the usage for a bad option or argument (*done set in both cases).
 */
static int parse_options(struct bench *b, int argc, char **argv, int *done)
{
	static const struct option opts[] = {
		{ "method", required_argument, NULL, 'm' },
		{ "size", required_argument, NULL, 's' },
		{ "layout", required_argument, NULL, 'l' },
		{ "thp", required_argument, NULL, 't' },
		{ "child", required_argument, NULL, 'c' },
		{ "parent-writes", required_argument, NULL, 'P' },
		{ "warmup", required_argument, NULL, 'w' },
		{ "format", required_argument, NULL, 'f' },
		{ "exec", required_argument, NULL, 'e' },
		{ "progress", no_argument, NULL, 'p' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	int opt;

	*done = 1;
	while ((opt = getopt_long(argc, argv, "n:h", opts, NULL)) != -1) {
		if (opt == 'h') {
			usage(stdout);
			return 0;
		}
		if (set_option(b, opt, optarg))
			goto bad;
	}
	if (optind < argc || b->method == M_COUNT)
		goto bad;
	*done = 0;
	return 0;
bad:
	usage(stderr);
	return 2;
}

/* A warning when --thp on cannot have huge pages here. */
static void check_thp(void)
{
	char buf[64] = "";
	FILE *f = fopen("/sys/kernel/mm/transparent_hugepage/enabled", "r");

	if (!f || !fgets(buf, sizeof(buf), f) || strstr(buf, "[never]"))
		fprintf(stderr, "forkbench: warning: transparent huge pages are not available here\n");
	if (f)
		fclose(f);
}

int main(int argc, char **argv)
{
	struct bench b = { .method = M_COUNT, .iterations = 100, .warmup = 5, .format = "summary" };
	struct fs_lat lat = { 0 }, cyc = { 0 };
	uint64_t *raw_lat, *raw_cyc, l, c;
	unsigned long i;
	int tty = isatty(2), done, ret;

	ret = parse_options(&b, argc, argv, &done);
	if (done)
		return ret;
	if ((b.child_writes || b.parent_writes) && b.child_writes + b.parent_writes > b.size / PAGE) {
		fprintf(stderr, "forkbench: the child's and the parent's writes must fit in --size\n");
		return 2;
	}
	if (!b.exec_path[0])
		default_target(&b);
	if ((b.method == M_SPAWN || b.child == C_EXEC) && access(b.exec_path, X_OK))
		die("the exec target %s (build it with make tools, or give --exec PATH)", b.exec_path);
	if (b.thp)
		check_thp();
	b.stack = mmap(NULL, STACK_SIZE, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	raw_lat = calloc(b.iterations, sizeof(*raw_lat));
	raw_cyc = calloc(b.iterations, sizeof(*raw_cyc));
	if (b.stack == MAP_FAILED || !raw_lat || !raw_cyc)
		die("out of memory%s", "");
	setup_region(&b);
	for (i = 0; i < b.warmup; i++)
		one(&b, &l, &c);
	for (i = 0; i < b.iterations; i++) {
		one(&b, &raw_lat[i], &raw_cyc[i]);
		if (fs_lat_add(&lat, raw_lat[i]) || fs_lat_add(&cyc, raw_cyc[i]))
			die("out of memory%s", "");
		progress(&b, i + 1, b.iterations, tty);
	}
	report(&b, &lat, &cyc, raw_lat, raw_cyc);
	return fflush(stdout) ? 1 : 0;
}
