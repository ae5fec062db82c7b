// SPDX-License-Identifier: GPL-2.0
/*
 * forkcount: drive the forkstats probes by a known amount and report how far
 * each hit counter moved, read from debugfs forkstats/probes inside this
 * process so that the shell running it adds nothing.
 *
 *   forkcount -f FORKS -w WRITES
 *
 * Phase 1: FORKS times fork(), the child exits at once, the parent waits.
 *          The kernel may create threads meanwhile (kworkers), so the calls
 *          are also counted by their records: "records" made in the window by
 *          anyone, "ours" made by this process as forks.  The records are read
 *          just outside the window of the hit counters, so a kernel call that
 *          lands between the two reads is in one count and not the other: the
 *          phase is then run again (up to 5 times; "attempts" says how many)
 *          until both cover the same calls.
 * Phase 2: the parent writes WRITES pages of a private anonymous mapping,
 *          forks one child that blocks on a pipe, then writes each page again:
 *          WRITES copy-on-write faults in the parent.
 *
 * Output, one "key value" per line:
 *   forks, kernel_clone, copy_process, records, ours   (phase 1)
 *   cow_writes, cow_probe_hits          (phase 2 delta: do_wp_page +
 *                                       wp_page_copy + wp_page_reuse)
 */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <unistd.h>

#include "calls.h"
#include "forkutil.h"
#include "probesfile.h"

static void snap(struct fs_probes *p)
{
	char err[512];

	if (fs_probes_read(FS_PROBES_PATH, p, err, sizeof(err))) {
		fprintf(stderr, "forkcount: %s\n", err);
		exit(1);
	}
}

static uint64_t delta(const struct fs_probes *a, const struct fs_probes *b, const char *name)
{
	const struct fs_probe_row *ra = fs_probes_find(a, name), *rb = fs_probes_find(b, name);

	if (!ra || !rb) {
		fprintf(stderr, "forkcount: probe %s missing from %s\n", name, FS_PROBES_PATH);
		exit(1);
	}
	return rb->hits - ra->hits;
}

/* The same for a probe this kernel may not list (wp_page_copy on 6.12): 0. */
static uint64_t delta_opt(const struct fs_probes *a, const struct fs_probes *b,
			  const char *name)
{
	return fs_probes_find(a, name) ? delta(a, b, name) : 0;
}

/* Records made after seq `after`: all of them, and this process's forks. */
static uint64_t records_since(uint64_t after, uint64_t *ours, uint64_t *last)
{
	struct fs_calls c;
	char err[512];
	uint64_t n = 0;
	size_t i;

	if (fs_calls_read(FS_DEBUGFS_DIR "/calls", &c, err, sizeof(err))) {
		fprintf(stderr, "forkcount: %s\n", err);
		exit(1);
	}
	*ours = 0;
	*last = after;
	for (i = 0; i < c.n; i++) {
		if (c.v[i].r.seq <= after)
			continue;
		n++;
		if (c.v[i].r.parent_tgid == getpid() && c.v[i].r.kind == FS_KIND_FORK)
			(*ours)++;
		if (c.v[i].r.seq > *last)
			*last = c.v[i].r.seq;
	}
	fs_calls_free(&c);
	return n;
}

static void reap(pid_t pid)
{
	if (fs_reap(pid, NULL)) {
		fprintf(stderr, "forkcount: child failed\n");
		exit(1);
	}
}

int main(int argc, char **argv)
{
	long forks = 0, writes = 0, i;
	long page = sysconf(_SC_PAGESIZE);
	struct fs_probes a, b;
	uint64_t ours, last, records;
	volatile char *mem;
	int c, fds[2], attempt;
	pid_t pid;
	char x;

	while ((c = getopt(argc, argv, "f:w:")) != -1) {
		switch (c) {
		case 'f':
			forks = strtol(optarg, NULL, 10);
			break;
		case 'w':
			writes = strtol(optarg, NULL, 10);
			break;
		default:
			fprintf(stderr, "usage: forkcount -f FORKS -w WRITES\n");
			return 2;
		}
	}
	if (forks < 0 || writes < 1) {
		fprintf(stderr, "forkcount: FORKS >= 0 and WRITES >= 1\n");
		return 2;
	}

	for (attempt = 1;; attempt++) {
		records_since(0, &ours, &last);
		snap(&a);
		for (i = 0; i < forks; i++) {
			pid = fork();
			if (pid == 0)
				_exit(0);
			reap(pid);
		}
		snap(&b);
		records = records_since(last, &ours, &last);
		if (attempt == 5 || (delta(&a, &b, "kernel_clone") == records &&
				     delta(&a, &b, "copy_process") == records))
			break;
	}
	printf("attempts %d\n", attempt);
	printf("forks %ld\n", forks);
	printf("kernel_clone %" PRIu64 "\n", delta(&a, &b, "kernel_clone"));
	printf("copy_process %" PRIu64 "\n", delta(&a, &b, "copy_process"));
	printf("records %" PRIu64 "\n", records);
	printf("ours %" PRIu64 "\n", ours);

	mem = mmap(NULL, writes * page, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS,
		   -1, 0);
	if (mem == MAP_FAILED || pipe(fds)) {
		perror("forkcount");
		return 1;
	}
	for (i = 0; i < writes; i++)
		mem[i * page] = 1;
	pid = fork();
	if (pid == 0) {
		close(fds[1]);
		_exit(read(fds[0], &x, 1) == 0 ? 0 : 1);
	}
	close(fds[0]);
	snap(&a);
	for (i = 0; i < writes; i++)
		mem[i * page] = 2;
	snap(&b);
	close(fds[1]);
	reap(pid);
	printf("cow_writes %ld\n", writes);
	/* One of them sees every fault: do_wp_page, or the helpers (cow_probes.c). */
	printf("cow_probe_hits %" PRIu64 "\n", delta(&a, &b, "do_wp_page") +
	       delta_opt(&a, &b, "wp_page_copy") + delta_opt(&a, &b, "wp_page_reuse"));
	return 0;
}
