// SPDX-License-Identifier: GPL-2.0
/*
 * benchops: guest time per operation, for make bench (docs/bench.md).
 *
 *   benchops [-b BATCHES] [OP...]
 *
 * Under QEMU's -icount shift=0,sleep=off one nanosecond of guest time is one
 * guest instruction, so the CLOCK_MONOTONIC time of a batch divided by its
 * operations is the instructions one operation costs, everything included
 * (user and kernel, the child's side of a fork, the scheduler).  Each OP
 * runs one warm-up batch and BATCHES measured ones (default 7); one line
 * per OP:
 *
 *   OP MEDIAN MIN MAX N
 *
 * (ns per operation over the batches; N operations per batch).  OPs:
 *
 *   fork0       fork, the child _exits, waitpid; the parent maps nothing more
 *   fork16      the same with 16 MiB of the parent written
 *   fork256     the same with 256 MiB of the parent written
 *   vfork       vfork, _exit, waitpid
 *   thread      pthread_create of a thread that returns, pthread_join
 *   cow_copy    a write to a page shared with a waiting child: copied
 *   cow_reuse   a write to a page whose fork has exited: reused
 *   zero        a write to a page read before (the zero page): copied
 *
 * The fault OPs time N writes, one per page, after the sharing was set up
 * outside the timed window.
 */
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "forkutil.h"

#define PAGE		FS_PAGE
#define MIB		(1UL << 20)
#define FAULT_PAGES	4096		/* 16 MiB of faults per batch */

static void die(const char *what)
{
	perror(what);
	exit(1);
}

static uint64_t now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ULL + (uint64_t)ts.tv_nsec;
}

static char *region(size_t bytes, int touch)
{
	char *p = fs_map_region(bytes, 2 * MIB, MADV_NOHUGEPAGE);

	if (!p)
		die("mmap");
	if (touch)
		fs_touch(p, bytes / PAGE, 1);
	return p;
}

static void reap(pid_t pid)
{
	if (fs_reap(pid, NULL))
		die("child");
}

/* n forks of this process; t: the batch's time. */
static uint64_t forks(unsigned int n)
{
	uint64_t t = now();
	unsigned int i;

	for (i = 0; i < n; i++)
		if (fs_fork_exit() < 0)
			die("fork");
	return now() - t;
}

static uint64_t vforks(unsigned int n)
{
	uint64_t t = now();
	unsigned int i;

	for (i = 0; i < n; i++)
		if (fs_vfork_exit() < 0)
			die("vfork");
	return now() - t;
}

static void *nothing(void *arg)
{
	return arg;
}

static uint64_t threads(unsigned int n)
{
	uint64_t t = now();
	unsigned int i;
	pthread_t th;

	for (i = 0; i < n; i++)
		if (pthread_create(&th, NULL, nothing, NULL) || pthread_join(th, NULL))
			die("pthread");
	return now() - t;
}

static char *fault_region;

/* Writes to FAULT_PAGES pages shared with a child that waits: copies. */
static uint64_t cow_copy(unsigned int n)
{
	uint64_t t;
	pid_t pid;
	int rel;

	fs_touch(fault_region, n, 1);
	pid = fs_fork_waiter(&rel);
	if (pid < 0)
		die("fork");
	t = now();
	fs_touch(fault_region, n, 2);
	t = now() - t;
	close(rel);
	reap(pid);
	return t;
}

/* Writes to pages whose fork has exited (write-protected, ours alone): reuses. */
static uint64_t cow_reuse(unsigned int n)
{
	uint64_t t;

	fs_touch(fault_region, n, 1);
	if (fs_fork_exit() < 0)
		die("fork");
	if (fs_drain_lru())
		die("move_pages");
	t = now();
	fs_touch(fault_region, n, 3);
	return now() - t;
}

/* Writes to pages only read before: each copies the zero page. */
static uint64_t zero(unsigned int n)
{
	volatile char sum = 0;
	unsigned int i;
	uint64_t t;

	if (madvise(fault_region, (size_t)n * PAGE, MADV_DONTNEED))
		die("madvise");
	for (i = 0; i < n; i++)
		sum += ((volatile char *)fault_region)[(size_t)i * PAGE];
	t = now();
	fs_touch(fault_region, n, 4);
	(void)sum;
	return now() - t;
}

struct op {
	const char *name;
	uint64_t (*run)(unsigned int n);
	unsigned int n;
	size_t parent_mib;		/* written before the fork OPs */
};

static const struct op ops[] = {
	{ "fork0", forks, 200, 0 },
	{ "fork16", forks, 100, 16 },
	{ "fork256", forks, 20, 256 },
	{ "vfork", vforks, 200, 0 },
	{ "thread", threads, 200, 0 },
	{ "cow_copy", cow_copy, FAULT_PAGES, 0 },
	{ "cow_reuse", cow_reuse, FAULT_PAGES, 0 },
	{ "zero", zero, FAULT_PAGES, 0 },
};

static int cmp_u64(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;

	return x < y ? -1 : x > y;
}

static void run(const struct op *o, unsigned int batches)
{
	uint64_t v[64];
	char *p = NULL;
	unsigned int b;

	if (o->parent_mib)
		p = region(o->parent_mib * MIB, 1);
	o->run(o->n);
	for (b = 0; b < batches; b++)
		v[b] = o->run(o->n) / o->n;
	qsort(v, batches, sizeof(v[0]), cmp_u64);
	printf("%s %llu %llu %llu %u\n", o->name, (unsigned long long)v[batches / 2],
	       (unsigned long long)v[0], (unsigned long long)v[batches - 1], o->n);
	fflush(stdout);
	if (p)
		munmap(p, o->parent_mib * MIB);
}

int main(int argc, char **argv)
{
	unsigned int batches = 7, i;
	int c, any = 0, a;

	while ((c = getopt(argc, argv, "b:")) != -1) {
		if (c != 'b' || (batches = (unsigned int)atoi(optarg)) < 1 || batches > 63) {
			fprintf(stderr, "usage: benchops [-b BATCHES (1..63)] [OP...]\n");
			return 2;
		}
	}
	fault_region = region((size_t)FAULT_PAGES * PAGE, 0);
	for (i = 0; i < sizeof(ops) / sizeof(ops[0]); i++) {
		int want = optind == argc;

		for (a = optind; a < argc; a++)
			want |= !strcmp(argv[a], ops[i].name);
		if (want) {
			run(&ops[i], batches);
			any = 1;
		}
	}
	if (!any) {
		fprintf(stderr, "benchops: no such OP\n");
		return 2;
	}
	return 0;
}
