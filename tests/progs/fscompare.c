// SPDX-License-Identifier: GPL-2.0
/*
 * fscompare: the module and the BPF backend, attached at once, must record
 * the same calls with the same numbers.
 *
 *   fscompare run                    a mixed workload (fork with child and
 *                                    parent writes, vfork, a thread, clone),
 *                                    prints its pid first
 *   fscompare check PID MOD BPF      every call PID made, in both backends'
 *                                    "forkstats --json calls" documents (the
 *                                    module's, the BPF backend's): TAP
 *
 * The workload has exited before the files are read, so no number of its
 * records can still move.
 */
#include <inttypes.h>
#include <pthread.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <unistd.h>

#include "calls.h"
#include "forkutil.h"
#include "jsonread.h"
#include "tap.h"

#define MIB (1UL << 20)

static void *thread_fn(void *arg)
{
	return arg;
}

static int clone_fn(void *arg)
{
	(void)arg;
	return 0;
}

static int run(void)
{
	const size_t pages = 64 * MIB / FS_PAGE;
	char *region = fs_map_region(64 * MIB, 1UL << 30, MADV_NOHUGEPAGE), *stack;
	pthread_t th;
	pid_t pid;
	int i;

	printf("%d\n", (int)getpid());
	fflush(stdout);
	stack = mmap(NULL, 64 * 1024, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (!region || stack == MAP_FAILED)
		return 1;
	fs_touch(region, pages, 1);
	for (i = 0; i < 10; i++) {
		pid = fork();
		if (pid < 0)
			return 1;
		if (pid == 0) {
			fs_touch(region, (size_t)i * 10, 2);
			_exit(0);
		}
		fs_touch(region + pages / 2 * FS_PAGE, (size_t)i * 3, 3);
		if (fs_reap(pid, NULL))
			return 1;
		fs_touch(region + pages / 4 * FS_PAGE, (size_t)i * 7, 4);
	}
	pid = vfork();
	if (pid == 0)
		_exit(0);
	if (pid < 0 || fs_reap(pid, NULL))
		return 1;
	if (pthread_create(&th, NULL, thread_fn, NULL) || pthread_join(th, NULL))
		return 1;
	pid = clone(clone_fn, stack + 64 * 1024, CLONE_VM | SIGCHLD, NULL);
	if (pid < 0 || fs_reap(pid, NULL))
		return 1;
	return 0;
}

static int load(const char *path, struct fs_calls *c)
{
	char err[256];

	if (fs_json_calls_read(path, c, err, sizeof(err))) {
		tap(0, "read %s: %s", path, err);
		return -1;
	}
	return 0;
}

static const struct fs_call *find(const struct fs_calls *c, const struct fs_call *x)
{
	size_t i;

	for (i = c->n; i-- > 0;)
		if (c->v[i].r.parent_tgid == x->r.parent_tgid &&
		    c->v[i].r.child_pid == x->r.child_pid && c->v[i].r.kind == x->r.kind)
			return &c->v[i];
	return NULL;
}

#define FIELDS(X)							\
	X(flags) X(parent_pid) X(err) X(pgtable_bytes) X(vmas) X(vmas_copied) \
	X(rss_pages) X(cow_parent) X(cow_child)

#define SPLIT_BITS ((1u << FS_COL_cow_copies) | (1u << FS_COL_cow_reuses))

static int check(pid_t pid, const char *mod_path, const char *bpf_path)
{
	struct fs_calls m, b;
	size_t i, n = 0, same = 0, kinds[FS_KIND_COUNT] = { 0 };
	int split_unknown = 0;
	uint64_t cow = 0, pgt = 0;

	if (load(mod_path, &m) || load(bpf_path, &b))
		return 1;
	for (i = 0; i < m.n; i++) {
		const struct fs_call *x = &m.v[i], *y;
		int diff = 0;

		if (x->r.parent_tgid != pid)
			continue;
		n++;
		if (x->r.kind < FS_KIND_COUNT)
			kinds[x->r.kind]++;
		y = find(&b, x);
		if (!y) {
			printf("# module call seq %" PRIu64 " (child %d) is not in the BPF calls\n",
			       (uint64_t)x->r.seq, x->r.child_pid);
			continue;
		}
#define CMP(f)								\
		if (x->r.f != y->r.f) {					\
			printf("# child %d: %s module %" PRIu64 " bpf %" PRIu64 "\n",	\
			       x->r.child_pid, #f, (uint64_t)x->r.f, (uint64_t)y->r.f);	\
			diff = 1;					\
		}
		FIELDS(CMP)
#define CMP2(f) CMP(f)
		/* Copies and reuses: where the backend can tell them apart. */
		if (!(y->unknown & SPLIT_BITS)) {
			CMP2(cow_copies)
			CMP2(cow_reuses)
		} else {
			split_unknown = 1;
		}
		if (strcmp(x->r.comm, y->r.comm) ||
		    (x->unknown & ~SPLIT_BITS) != (y->unknown & ~SPLIT_BITS)) {
			printf("# child %d: comm or unknown columns differ\n", x->r.child_pid);
			diff = 1;
		}
#undef CMP2
#undef CMP
		same += !diff;
		cow += x->r.cow_parent + x->r.cow_child;
		pgt += x->r.pgtable_bytes;
	}
	tap(n == 13 && kinds[FS_KIND_FORK] == 10 && kinds[FS_KIND_VFORK] == 1 &&
	    kinds[FS_KIND_THREAD] == 1 && kinds[FS_KIND_CLONE] == 1,
	    "both backends recorded the workload's %zu calls (%zu fork, %zu vfork, %zu thread, %zu clone)",
	    n, kinds[FS_KIND_FORK], kinds[FS_KIND_VFORK], kinds[FS_KIND_THREAD],
	    kinds[FS_KIND_CLONE]);
	tap(n && same == n && cow > 0 && pgt > 0,
	    "module and BPF backend agree on every field of %zu of %zu calls (%" PRIu64
	    " B of page tables, %" PRIu64 " COW faults)", same, n, pgt, cow);
	if (split_unknown)
		printf("# copies and reuses: unknown to the BPF backend on this kernel (docs/bpf.md); faults by side compared\n");
	fs_calls_free(&m);
	fs_calls_free(&b);
	return failures ? 1 : 0;
}

int main(int argc, char **argv)
{
	if (argc == 2 && !strcmp(argv[1], "run"))
		return run();
	if (argc == 5 && !strcmp(argv[1], "check"))
		return check((pid_t)atoi(argv[2]), argv[3], argv[4]);
	fprintf(stderr, "usage: fscompare run | check PID MODULE_CALLS_JSON BPF_CALLS_JSON\n");
	return 2;
}
