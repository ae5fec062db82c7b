// SPDX-License-Identifier: GPL-2.0
/*
 * fsaccept: the in-guest acceptance tests of the forkstats module's per-call
 * records.  Each subcommand makes calls whose numbers the kernel makes exact,
 * finds their records in debugfs forkstats/calls, and prints one TAP line per
 * assertion ("ok - ..." / "not ok - ..."; tests/guest/tap.sh numbers them).
 *
 *   fsaccept pgtables MIB      page tables copied for a MIB region
 *   fsaccept cow K J L         COW copies and reuses, by side
 *   fsaccept kinds             vfork, posix_spawn, thread, clone(CLONE_VM)
 *   fsaccept zero N            zero-page COW, shared mappings
 *   fsaccept remap N DIR       a shared file mapping (DIR: a filesystem
 *                              that write-protects shared pages, e.g. ext4)
 *                              where a private one was: not COW
 *   fsaccept failfork          a fork refused by RLIMIT_NPROC
 *   fsaccept sums              /proc/forkstats totals = sums over calls
 *   fsaccept thp K J L RULE    the THP rule (docs/design.md); RULE: what the
 *                              kernel does to the 4 KiB pages of a split THP
 *                              no longer shared, copy (up to 6.x) or reuse
 *   fsaccept events N RING     the events stream (RING: records= if N > RING)
 *   fsaccept control           enable, disable, reset
 *   fsaccept iouring           io-wq workers: copy_process without kernel_clone
 *   fsaccept forks N           print this pid, then fork N times
 */
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <pthread.h>
#include <sched.h>
#include <signal.h>
#include <spawn.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <linux/io_uring.h>
#include <sys/resource.h>
#include <sys/rseq.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "calls.h"
#include "forkutil.h"
#include "probesfile.h"
#include "procfile.h"
#include "textparse.h"
#include "tap.h"

#define CALLS_PATH	FS_DEBUGFS_DIR "/calls"
#define PAGE		4096UL
#define MIB		(1UL << 20)
#define GIB		(1UL << 30)

extern char **environ;
static void diag(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static void diag(const char *fmt, ...)
{
	va_list ap;

	printf("# ");
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	printf("\n");
	fflush(stdout);
}

/*
 * Where the files come from: the module's, or with FSACCEPT_BPF=<forkstats
 * binary> the BPF backend's, answered by "forkstats --backend bpf cat
 * --serve" started here before any measured fork.  Either way a read only
 * writes into the caller's (fresh) buffer.
 */
static int srv_w = -1, srv_r = -1;

static void backend_start(void)
{
	const char *cli = getenv("FSACCEPT_BPF");
	int in[2], out[2];
	pid_t pid;

	if (!cli || !*cli)
		return;
	if (pipe2(in, O_CLOEXEC) || pipe2(out, O_CLOEXEC))
		bail("pipe");
	pid = fork();
	if (pid < 0)
		bail("fork");
	if (pid == 0) {
		dup2(in[0], 0);
		dup2(out[1], 1);
		execl(cli, cli, "--backend", "bpf", "cat", "--serve", (char *)NULL);
		_exit(127);
	}
	close(in[0]);
	close(out[1]);
	srv_w = in[1];
	srv_r = out[0];
}

/* A backend file ("calls", "hist" or "proc") into buf; its length. */
static size_t file_read(const char *name, char *buf, size_t max)
{
	const char *path = !strcmp(name, "proc") ? FS_PROC_PATH :
			   !strcmp(name, "hist") ? FS_DEBUGFS_DIR "/hist" : CALLS_PATH;
	size_t len = 0, nl = strlen(name);
	ssize_t n;
	int fd;

	if (srv_w >= 0) {
		if (write(srv_w, name, nl) != (ssize_t)nl || write(srv_w, "\n", 1) != 1)
			bail("forkstats cat --serve");
		for (;;) {
			n = read(srv_r, buf + len, max - len);
			if (n <= 0)
				bail("forkstats cat --serve");
			len += (size_t)n;
			if (buf[len - 1] == '\0')
				return len - 1;
		}
	}
	fd = open(path, O_RDONLY);
	if (fd < 0)
		bail(path);
	while ((n = read(fd, buf + len, max - len)) > 0)
		len += (size_t)n;
	if (n < 0)
		bail(path);
	close(fd);
	return len;
}

/* The backend's reset: /proc/forkstats, or "forkstats --backend bpf reset". */
static void backend_reset(void)
{
	const char *cli = getenv("FSACCEPT_BPF");
	char *argv[] = { (char *)cli, "--backend", "bpf", "reset", NULL };
	pid_t pid;
	int fd;

	if (srv_w >= 0) {
		if (posix_spawn(&pid, cli, NULL, NULL, argv, environ) || fs_reap(pid, NULL))
			bail("forkstats --backend bpf reset");
		return;
	}
	fd = open(FS_PROC_PATH, O_WRONLY);
	if (fd < 0 || write(fd, "reset\n", 6) != 6)
		bail("reset");
	close(fd);
}

/* Parsed calls (any memory: not for the measured phases). */
static void calls_read(struct fs_calls *c)
{
	const size_t max = 64 << 20;
	char *buf = malloc(max), err[256];
	size_t len;

	if (!buf)
		bail("malloc");
	len = file_read("calls", buf, max);
	if (fs_calls_parse(buf, len, c, err, sizeof(err))) {
		tap(0, "read calls: %s", err);
		exit(1);
	}
	free(buf);
}

/*
 * The newest record of a call that created child (by pid).  The file is read
 * into fresh memory before anything else is written: a write to a page shared
 * by the measured fork would be a COW fault of that fork, counted into the
 * very record being read (malloc writes its arena, for one).
 */
static int record_of(pid_t child, struct fs_call *out)
{
	const size_t max = 64 << 20;
	char *buf, err[256];
	struct fs_calls c;
	size_t i, len = 0;

	buf = mmap(NULL, max, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE,
		   -1, 0);
	if (buf == MAP_FAILED)
		bail("mmap");
	len = file_read("calls", buf, max);
	if (fs_calls_parse(buf, len, &c, err, sizeof(err))) {
		tap(0, "read calls: %s", err);
		exit(1);
	}
	munmap(buf, max);
	for (i = c.n; i-- > 0;) {
		if (c.v[i].r.child_pid == child) {
			*out = c.v[i];
			fs_calls_free(&c);
			return 0;
		}
	}
	fs_calls_free(&c);
	tap(0, "a record for child %d exists", (int)child);
	return -1;
}

static void read_proc(struct fs_proc *p)
{
	char buf[FS_PROC_MAX_BYTES], err[256];
	size_t len = file_read("proc", buf, sizeof(buf));

	if (fs_proc_parse(buf, len, p, err, sizeof(err))) {
		tap(0, "read proc: %s", err);
		exit(1);
	}
}

static uint64_t counter(const struct fs_proc *p, const char *name)
{
	const struct fs_proc_counter *c = fs_proc_counter(p, name);

	return c ? c->value : UINT64_MAX;
}

/* Records present: how many; the highest seq; how many have seq <= after. */
static size_t count_records_after(uint64_t after, uint64_t *max_seq, size_t *old)
{
	struct fs_calls c;
	size_t i;

	calls_read(&c);
	*old = 0;
	*max_seq = after;
	for (i = 0; i < c.n; i++) {
		*old += c.v[i].r.seq <= after;
		if (c.v[i].r.seq > *max_seq)
			*max_seq = c.v[i].r.seq;
	}
	i = c.n;
	fs_calls_free(&c);
	return i;
}

/* Empty every CPU's LRU caches, which hold page references (docs/design.md). */
static void drain_lru(void)
{
	if (fs_drain_lru())
		bail("move_pages");
}

static char *map_region(size_t size, size_t align, int advice)
{
	char *p = fs_map_region(size, align, advice);

	if (!p)
		bail("mmap");
	return p;
}

static pid_t fork_waiter(int *release_fd)
{
	pid_t pid = fs_fork_waiter(release_fd);

	if (pid < 0)
		bail("fork");
	return pid;
}

static void reap(pid_t pid)
{
	if (fs_reap(pid, NULL))
		bail("child");
}

/*
 * Write every stack page the next calls may use, down to 32 KiB below this
 * frame: after fork the first write to each shared stack page is a COW fault,
 * and it must not fall inside a measured phase.
 */
static __attribute__((noinline)) void stack_prefault(void)
{
	volatile char pad[32 * 1024];
	size_t i;

	for (i = 0; i < sizeof(pad); i += 512)
		pad[i] = 0;
}

/*
 * 1. Page tables: a fork of a process with an M MiB touched region copies
 * M/2 PTE pages more than the same fork without it, plus the PMD page of the
 * region's fresh 1 GiB slot (and a PUD page if its 512 GiB slot is new too).
 */
static int cmd_pgtables(unsigned long mib)
{
	uint64_t base_vm, vm, pte_pages = (mib + 1) / 2, delta;
	struct fs_call base, rec;
	pid_t b, c;
	int rb, rc;
	char *region;

	/*
	 * The stack this test will use is written first: a deeper frame after
	 * the baseline fork (vmpte_bytes' buffer) must not reach a new 2 MiB
	 * of stack, whose PTE page the second fork would copy too.
	 */
	stack_prefault();
	b = fork_waiter(&rb);
	base_vm = vmpte_bytes(b);
	close(rb);
	reap(b);

	region = map_region(mib * MIB, GIB, MADV_NOHUGEPAGE);
	fs_touch(region, mib * MIB / PAGE, 1);
	c = fork_waiter(&rc);
	vm = vmpte_bytes(c);
	if (record_of(b, &base) || record_of(c, &rec))
		return 1;
	close(rc);
	reap(c);

	tap(base.r.pgtable_bytes == base_vm,
	    "pgtables %lu MiB: baseline record pgtable_bytes %" PRIu64 " = child's VmPTE %" PRIu64,
	    mib, (uint64_t)base.r.pgtable_bytes, base_vm);
	tap(rec.r.pgtable_bytes == vm,
	    "pgtables %lu MiB: record pgtable_bytes %" PRIu64 " = child's VmPTE %" PRIu64,
	    mib, (uint64_t)rec.r.pgtable_bytes, vm);
	delta = rec.r.pgtable_bytes - base.r.pgtable_bytes;
	tap(delta == (pte_pages + 1) * PAGE || delta == (pte_pages + 2) * PAGE,
	    "pgtables %lu MiB: delta %" PRIu64 " B = %" PRIu64 " PTE pages + 1 PMD page (+1 PUD page at most): %" PRIu64 " or %" PRIu64,
	    mib, delta, pte_pages, (pte_pages + 1) * PAGE, (pte_pages + 2) * PAGE);
	/* A column the hooks cannot give must say so ("-"), never be a wrong 0. */
	if (rec.unknown & base.unknown & (1u << FS_COL_vmas_copied))
		tap(1, "pgtables %lu MiB: vmas_copied is marked unknown by these hooks", mib);
	else
		tap(rec.r.vmas_copied == base.r.vmas_copied + 1,
		    "pgtables %lu MiB: vmas_copied grows by the region's one VMA (%u -> %u)", mib,
		    base.r.vmas_copied, rec.r.vmas_copied);
	if (rec.unknown & base.unknown & (1u << FS_COL_rss_pages))
		tap(1, "pgtables %lu MiB: rss_pages is marked unknown by these hooks", mib);
	else
		tap(rec.r.rss_pages >= base.r.rss_pages + mib * MIB / PAGE,
		    "pgtables %lu MiB: rss_pages grows by at least the region's %lu pages (%" PRIu64 " -> %" PRIu64 ")",
		    mib, mib * MIB / PAGE, (uint64_t)base.r.rss_pages, (uint64_t)rec.r.rss_pages);
	return 0;
}

/* Page frame numbers of n pages from /proc/self/pagemap (root sees them). */
static void pfns(const char *p, size_t n, uint64_t *out)
{
	int fd = open("/proc/self/pagemap", O_RDONLY);
	size_t i;

	for (i = 0; i < n; i++) {
		uint64_t e = 0;

		if (fd < 0 || pread(fd, &e, 8, (off_t)((uintptr_t)(p + i * PAGE) / PAGE * 8)) != 8)
			e = 0;
		out[i] = e & ((1ULL << 55) - 1);
	}
	if (fd >= 0)
		close(fd);
}

/*
 * A snapshot of the calls file, taken without writing any page the measured
 * fork shares: the text goes into fresh memory (its first touch is no COW
 * fault) and is parsed only after the last snapshot.
 */
struct snap {
	char *buf;
	size_t len;
};

#define SNAP_MAX	(64UL << 20)

static void snap_alloc(struct snap *s)
{
	s->buf = mmap(NULL, SNAP_MAX, PROT_READ | PROT_WRITE,
		      MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
	if (s->buf == MAP_FAILED)
		bail("mmap");
	s->len = 0;
}

/* Write the struct itself (after a fork: its COW fault, now). */
static void snap_prefault(struct snap *s)
{
	((volatile struct snap *)s)->len = s->len;
}

static void snap_take(struct snap *s)
{
	s->len += file_read("calls", s->buf + s->len, SNAP_MAX - s->len);
}

/* The record of child in a snapshot (parsed now); frees the snapshot. */
static void snap_record(struct snap *s, pid_t child, struct fs_call *out)
{
	struct fs_calls c;
	char err[256];
	size_t i;

	if (fs_calls_parse(s->buf, s->len, &c, err, sizeof(err)))
		bail(err);
	munmap(s->buf, SNAP_MAX);
	for (i = c.n; i-- > 0;) {
		if (c.v[i].r.child_pid == child) {
			*out = c.v[i];
			fs_calls_free(&c);
			return;
		}
	}
	tap(0, "a record for child %d exists", (int)child);
	exit(1);
}

/* Counts of a record, as signed numbers for differences. */
struct cow {
	int64_t parent, child, copies, reuses;
};

static struct cow cow_of(const struct fs_call *c)
{
	return (struct cow){ (int64_t)c->r.cow_parent, (int64_t)c->r.cow_child,
			     (int64_t)c->r.cow_copies, (int64_t)c->r.cow_reuses };
}

static struct cow cow_delta(const struct fs_call *a, const struct fs_call *b)
{
	struct cow x = cow_of(a), y = cow_of(b);

	return (struct cow){ y.parent - x.parent, y.child - x.child, y.copies - x.copies,
			     y.reuses - x.reuses };
}

/*
 * 2. COW by side, phase by phase within one fork: the child writes K pages
 * (phase 1), the parent J others while the child lives (phase 2), and L more
 * after reaping it (phase 3).  The record is read before and after each
 * phase, so the faults the protocol itself takes (fork, exit, reading) fall
 * outside the phases.  Returns the deltas; l_copied counts L pages whose
 * frame changed, i.e. that the kernel really copied.
 */
static int cow_protocol(char *region, size_t k, size_t j, size_t l, struct cow d[3],
			size_t *l_copied)
{
	int ready[2], go[2], done[2], rel[2];
	struct snap s[6];
	struct fs_call r[6];
	uint64_t *before, *after;
	size_t i, nl = l ? l : 1;
	pid_t pid;
	char x = 0;

	for (i = 0; i < 6; i++)
		snap_alloc(&s[i]);
	before = mmap(NULL, 2 * nl * 8, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (before == MAP_FAILED || pipe(ready) || pipe(go) || pipe(done) || pipe(rel))
		bail("setup");
	after = before + nl;
	/* Warm up the paths the snapshots take, before the fork shares them. */
	snap_take(&s[5]);
	s[5].len = 0;
	/*
	 * No page shared by the fork may sit in an LRU cache: its reference
	 * turns a reuse into a copy (docs/design.md, "Copies and reuses").
	 */
	drain_lru();
	pid = fork();
	if (pid < 0)
		bail("fork");
	if (pid == 0) {
		/* Its frame and the stack below are written before "ready". */
		*(volatile char *)&x = 0;
		stack_prefault();
		if (write(ready[1], &x, 1) != 1 || read(go[0], &x, 1) != 1)
			_exit(1);
		fs_touch(region, k, 2);
		if (write(done[1], &x, 1) != 1)
			_exit(1);
		close(rel[1]);
		_exit(read(rel[0], &x, 1) == 0 ? 0 : 1);
	}
	close(rel[0]);
	/*
	 * The snapshots write s[i].len on this stack: if s[] straddles a page
	 * boundary (stack randomization decides), the first write after fork to
	 * the second page would be a COW fault inside a measured phase.  Write
	 * every slot now, before the first snapshot.
	 */
	for (i = 0; i < 6; i++)
		((volatile struct snap *)s)[i].len = 0;
	stack_prefault();
	if (read(ready[0], &x, 1) != 1)
		bail("pipe");
	snap_take(&s[0]);
	if (write(go[1], &x, 1) != 1 || read(done[0], &x, 1) != 1)
		bail("pipe");
	snap_take(&s[1]);
	fs_touch(region + k * PAGE, j, 3);
	snap_take(&s[2]);
	close(rel[1]);
	reap(pid);
	drain_lru();
	pfns(region + (k + j) * PAGE, nl, before);
	snap_take(&s[3]);
	fs_touch(region + (k + j) * PAGE, l, 4);
	snap_take(&s[4]);
	pfns(region + (k + j) * PAGE, nl, after);
	for (i = 0, *l_copied = 0; i < l; i++)
		*l_copied += before[i] != after[i];

	for (i = 0; i < 5; i++)
		snap_record(&s[i], pid, &r[i]);
	munmap(s[5].buf, SNAP_MAX);
	d[0] = cow_delta(&r[0], &r[1]);
	d[1] = cow_delta(&r[1], &r[2]);
	d[2] = cow_delta(&r[3], &r[4]);
	munmap(before, 2 * nl * 8);
	for (i = 0; i < 2; i++) {
		close(ready[i]);
		close(go[i]);
		close(done[i]);
	}
	/* Copies and reuses known?  Not with every hook chain (docs/bpf.md). */
	return !(r[4].unknown & (1u << FS_COL_cow_copies));
}

/* AnonHugePages of this process, in kB. */
static unsigned long anon_huge_kb(void)
{
	char buf[4096], *s;
	ssize_t n;
	int fd = open("/proc/self/smaps_rollup", O_RDONLY);

	if (fd < 0)
		return 0;
	n = read(fd, buf, sizeof(buf) - 1);
	close(fd);
	if (n <= 0)
		return 0;
	buf[n] = '\0';
	s = strstr(buf, "AnonHugePages:");
	return s ? strtoul(s + 14, NULL, 10) : 0;
}

/*
 * glibc registers rseq, and the kernel then writes the thread's rseq area (in
 * its TCB) on every return to user space after a context switch: a COW fault
 * whenever that page is still shared, at moments set by the scheduler.  The
 * COW protocols unregister it (docs/design.md).  Returns the size that was
 * registered (0: none).
 */
static unsigned int without_rseq(void)
{
	unsigned int size = __rseq_size;

	if (size && syscall(SYS_rseq, (char *)__builtin_thread_pointer() + __rseq_offset,
			    size < 32 ? 32 : size, 1 /* RSEQ_FLAG_UNREGISTER */, RSEQ_SIG))
		bail("rseq unregister");
	return size;
}

/*
 * The expected deltas of the three phases: child writes K, parent writes J,
 * parent writes L after reaping.  For THP (docs/design.md): a write to the
 * PMD-mapped THP while it is shared splits the writer's PMD and is a 4 KiB
 * COW copy; a write to a THP that is no longer shared and still PMD-mapped
 * reuses the whole huge page in do_huge_pmd_wp_page, which is not a
 * do_wp_page fault and is not counted; the 4 KiB pages of a split THP no
 * longer shared are copied or reused by the kernel's rule (cmd_cow checks
 * it): the L writes are copies and reuses as their frames say, as without THP.
 */
static int cow_expected(size_t k, size_t j, size_t l, int advice, size_t l_copied,
			int split_known, struct cow d[3], struct cow e[3])
{
	size_t faults = advice == MADV_HUGEPAGE && !j ? 0 : l;
	int64_t lc = (int64_t)l_copied, lr = (int64_t)(faults - l_copied);
	int i;

	e[0] = (struct cow){ 0, (int64_t)k, (int64_t)k, 0 };
	e[1] = (struct cow){ (int64_t)j, 0, (int64_t)j, 0 };
	e[2] = (struct cow){ lc + lr, 0, lc, lr };
	for (i = 0; i < 3 && !split_known; i++) {
		e[i].copies = e[i].reuses = 0;
		d[i].copies = d[i].reuses = 0;
	}
	for (i = 0; i < 3; i++)
		if (memcmp(&d[i], &e[i], sizeof(d[i])))
			return 0;
	return 1;
}

static const char *cow_text(const struct cow d[3], const struct cow e[3])
{
	static const char *const phase[] = { "child writes K", "parent writes J",
					     "parent writes L after reaping" };
	static char buf[1024];
	size_t n = 0;
	int i;

	for (i = 0; i < 3; i++)
		n += snprintf(buf + n, sizeof(buf) - n,
			      "%s%s: parent %" PRId64 " child %" PRId64 " copies %" PRId64
			      " reuses %" PRId64 " (expected %" PRId64 " %" PRId64 " %" PRId64
			      " %" PRId64 ")", i ? "; " : "", phase[i], d[i].parent, d[i].child,
			      d[i].copies, d[i].reuses, e[i].parent, e[i].child, e[i].copies,
			      e[i].reuses);
	return buf;
}

/* rule (THP): the kernel reuses (1) or copies (0) a split THP's pages no longer shared */
static int cmd_cow(size_t k, size_t j, size_t l, int advice, int rule, const char *what)
{
	size_t pages = k + j + l + 1, l_copied;
	struct sched_param fifo = { .sched_priority = 1 };
	struct cow d[3], e[3];
	int ok, split_known;
	cpu_set_t one;
	char *region;

	if (advice == MADV_HUGEPAGE)
		pages = (pages + 511) / 512 * 512;
	/*
	 * One CPU under SCHED_FIFO (inherited by the child): the parent runs
	 * until it blocks, then the child, so nothing runs between a phase and
	 * its snapshot.
	 */
	CPU_ZERO(&one);
	CPU_SET(0, &one);
	if (sched_setaffinity(0, sizeof(one), &one) || sched_setscheduler(0, SCHED_FIFO, &fifo))
		bail("sched_setaffinity/SCHED_FIFO");
	if (without_rseq() == 0 && k + j + l == 3)
		diag("%s: rseq was not registered", what);
	/* Its first call writes a static pointer: not inside a measured fork. */
	drain_lru();
	region = map_region(pages * PAGE, 2 * MIB, advice);
	fs_touch(region, pages, 1);
	if (advice == MADV_HUGEPAGE)
		tap(anon_huge_kb() >= pages * PAGE / 1024,
		    "%s K=%zu J=%zu L=%zu: the region is mapped by THPs (AnonHugePages %lu kB)", what,
		    k, j, l, anon_huge_kb());
	split_known = cow_protocol(region, k, j, l, d, &l_copied);
	ok = cow_expected(k, j, l, advice, l_copied, split_known, d, e);
	if (!split_known)
		diag("%s: copies and reuses are unknown with these hooks: faults by side only", what);
	if (l_copied)
		diag("%s: %zu of the L writes really copied their page (frame changed)", what, l_copied);
	tap(ok, "%s K=%zu J=%zu L=%zu: %s", what, k, j, l, cow_text(d, e));
	if (advice != MADV_HUGEPAGE)
		tap(l_copied == 0, "%s K=%zu J=%zu L=%zu: the kernel reused every L page", what, k, j, l);
	else if (j && l)
		tap(l_copied == (rule ? 0 : l),
		    "%s K=%zu J=%zu L=%zu: the kernel %s every L page of the split THP (%zu of %zu frames changed)",
		    what, k, j, l, rule ? "reused" : "copied", l_copied, l);
	else
		tap(l_copied == 0, "%s K=%zu J=%zu L=%zu: no L page changed frame (%zu)", what, k, j, l,
		    l_copied);
	return 0;
}

static int thread_fn(void *arg)
{
	*(volatile pid_t *)arg = (pid_t)syscall(SYS_gettid);
	return 0;
}

static void *pthread_fn(void *arg)
{
	*(pid_t *)arg = (pid_t)syscall(SYS_gettid);
	return NULL;
}

static pid_t vfork_exit(void)
{
	pid_t pid = vfork();

	if (pid == 0)
		_exit(0);
	return pid;
}

static void check_shared_call(const char *what, pid_t child, unsigned int kind)
{
	struct fs_call rec;

	if (record_of(child, &rec))
		return;
	tap(rec.r.kind == kind, "kinds: %s is a %s call (%s)", what, fs_kind_name(kind),
	    fs_kind_name(rec.r.kind));
	tap(rec.r.pgtable_bytes == 0 && rec.r.vmas_copied == 0,
	    "kinds: %s copies no page tables (%" PRIu64 " B, %u VMAs)", what,
	    (uint64_t)rec.r.pgtable_bytes, rec.r.vmas_copied);
	tap(rec.r.cow_parent == 0 && rec.r.cow_child == 0,
	    "kinds: %s has no COW attributed (%" PRIu64 "/%" PRIu64 ")", what,
	    (uint64_t)rec.r.cow_parent, (uint64_t)rec.r.cow_child);
}

/*
 * 3. Calls that share the address space copy nothing and never take COW
 * attribution: COW faults after them still belong to the fork before.
 */
static int cmd_kinds(void)
{
	const size_t pages = 10;
	char *region = map_region(pages * PAGE, PAGE, MADV_NORMAL);
	char *argv[] = { "true", NULL }, *stack;
	pid_t vf, sp, cl, tid = 0, w;
	struct fs_call before, after;
	pthread_t th;
	int rel, st;

	fs_touch(region, pages, 1);
	w = fork_waiter(&rel);
	if (record_of(w, &before))
		return 1;

	vf = vfork_exit();
	reap(vf);
	if (posix_spawn(&sp, "/bin/busybox", NULL, NULL, argv, environ))
		bail("posix_spawn");
	reap(sp);
	if (pthread_create(&th, NULL, pthread_fn, &tid) || pthread_join(th, NULL))
		bail("pthread_create");
	stack = mmap(NULL, 64 * 1024, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (stack == MAP_FAILED)
		bail("mmap");
	cl = clone(thread_fn, stack + 64 * 1024, CLONE_VM | SIGCHLD, &st);
	if (cl < 0)
		bail("clone");
	reap(cl);

	/* Pages shared with the waiter: COW copies of the fork before. */
	fs_touch(region, pages, 2);
	if (record_of(w, &after))
		return 1;
	check_shared_call("vfork()", vf, FS_KIND_VFORK);
	check_shared_call("posix_spawn()", sp, FS_KIND_VFORK);
	check_shared_call("pthread_create()", tid, FS_KIND_THREAD);
	check_shared_call("clone(CLONE_VM)", cl, FS_KIND_CLONE);
	tap(after.r.cow_parent - before.r.cow_parent >= pages,
	    "kinds: writes after them go to the fork before (%" PRIu64 " >= %zu parent faults)",
	    (uint64_t)(after.r.cow_parent - before.r.cow_parent), pages);
	close(rel);
	reap(w);
	return 0;
}

/*
 * 4. Read-then-write of fresh anonymous memory is zero-page COW, not a
 * fork's; writes to a MAP_SHARED mapping after fork attribute no COW, and
 * after clear_refs (soft-dirty) they are shared write faults.
 */
static int cmd_zero(size_t n)
{
	struct fs_proc a, b;
	char *p, *q, *sh;
	size_t i;
	volatile char sum = 0;
	struct fs_call r0, r1, r2;
	struct snap s0, s1, s2;
	int rel, fd;
	pid_t w;

	p = map_region(n * PAGE, 2 * MIB, MADV_NOHUGEPAGE);
	read_proc(&a);
	for (i = 0; i < n; i++)
		sum += ((volatile char *)p)[i * PAGE];
	fs_touch(p, n, 1);
	read_proc(&b);
	tap(counter(&b, "zero_page_cow") - counter(&a, "zero_page_cow") == n,
	    "zero: %zu read-then-write faults move zero_page_cow by %zu (%" PRIu64 ")", n, n,
	    counter(&b, "zero_page_cow") - counter(&a, "zero_page_cow"));

	/*
	 * Attribution is checked on one fork's record, not on the global sums
	 * (other processes of the guest may COW meanwhile): after a fork, the
	 * parent's read-then-write of memory neither side had touched, and its
	 * writes to a MAP_SHARED mapping, leave that fork's COW unchanged.
	 */
	q = map_region(n * PAGE, 2 * MIB, MADV_NOHUGEPAGE);
	sh = mmap(NULL, n * PAGE, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	if (sh == MAP_FAILED)
		bail("mmap");
	fs_touch(sh, n, 1);
	without_rseq();
	snap_alloc(&s0);
	snap_alloc(&s1);
	snap_alloc(&s2);
	w = fork_waiter(&rel);
	/*
	 * This frame's own stack page, and those below it, are shared with the
	 * child: the first write to each is a COW fault of this fork, and it
	 * must come before s0 (a CI run on 5.10 saw "sum" alone on a page).
	 * So must the first write to each snapshot's struct: snap_take() writes
	 * s->len after reading, and a struct alone on a page (stack ASLR moves
	 * the frame within its pages) faulted after s0's read, into s1.
	 */
	sum = 0;
	stack_prefault();
	snap_prefault(&s0);
	snap_prefault(&s1);
	snap_prefault(&s2);
	snap_take(&s0);
	for (i = 0; i < n; i++)
		sum += ((volatile char *)q)[i * PAGE];
	fs_touch(q, n, 1);
	snap_take(&s1);
	fs_touch(sh, n, 2);
	snap_take(&s2);
	close(rel);
	reap(w);
	snap_record(&s0, w, &r0);
	snap_record(&s1, w, &r1);
	snap_record(&s2, w, &r2);
	/*
	 * The parent's side only: the waiting child may still be running its
	 * own post-fork code (glibc's fork handlers, its stack) meanwhile.
	 */
	tap(r1.r.cow_parent == r0.r.cow_parent,
	    "zero: %zu read-then-write faults after a fork are not its COW (parent %" PRIu64 " before, %" PRIu64 " after)",
	    n, (uint64_t)r0.r.cow_parent, (uint64_t)r1.r.cow_parent);
	tap(r2.r.cow_parent == r1.r.cow_parent,
	    "shared: %zu writes to a MAP_SHARED mapping after fork attribute no COW (parent %" PRIu64 " before, %" PRIu64 " after)",
	    n, (uint64_t)r1.r.cow_parent, (uint64_t)r2.r.cow_parent);

	fd = open("/proc/self/clear_refs", O_WRONLY);
	if (fd < 0 || write(fd, "4", 1) != 1)
		bail("clear_refs");
	close(fd);
	read_proc(&a);
	fs_touch(sh, n, 3);
	read_proc(&b);
	tap(counter(&b, "shared_wp") - counter(&a, "shared_wp") == n,
	    "shared: %zu writes after clear_refs are shared_wp faults (%" PRIu64 ")", n,
	    counter(&b, "shared_wp") - counter(&a, "shared_wp"));
	return 0;
}

/*
 * 4b. A VMA replaced in place: the BPF backend's tracepoint chain reuses
 * the VMA of a CPU's last write fault while the mm's mmap sequence count
 * has not moved (docs/bpf.md).  A private mapping's write fault, then a
 * shared file mapping mapped over the same range: its write faults (read
 * first: the file system write-protects shared pages until page_mkwrite)
 * must be shared_wp faults, not COW of the fork made before.
 */
static int cmd_remap(size_t n, const char *dir)
{
	char path[4096];
	struct fs_proc a, b;
	struct fs_call r0, r1;
	struct snap s0, s1;
	volatile char sum = 0;
	char *x;
	int rel, fd;
	size_t i;
	pid_t w;

	snprintf(path, sizeof(path), "%s/fsaccept-remap.XXXXXX", dir);
	fd = mkstemp(path);
	if (fd < 0 || ftruncate(fd, (off_t)(n * PAGE)))
		bail(path);
	unlink(path);
	x = map_region(n * PAGE, 2 * MIB, MADV_NOHUGEPAGE);
	without_rseq();
	snap_alloc(&s0);
	snap_alloc(&s1);
	read_proc(&a);
	w = fork_waiter(&rel);
	stack_prefault();
	snap_prefault(&s0);
	snap_prefault(&s1);
	snap_take(&s0);
	/* A write fault in the private VMA (a zero-page COW: no fork's). */
	sum += ((volatile char *)x)[0];
	x[0] = 1;
	/* The same range, now shared: nothing in between faults for writing. */
	if (mmap(x, n * PAGE, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_FIXED, fd, 0) != x)
		bail("mmap");
	for (i = 0; i < n; i++)
		sum += ((volatile char *)x)[i * PAGE];
	fs_touch(x, n, 2);
	snap_take(&s1);
	close(rel);
	reap(w);
	read_proc(&b);
	close(fd);
	snap_record(&s0, w, &r0);
	snap_record(&s1, w, &r1);
	tap(r1.r.cow_parent == r0.r.cow_parent,
	    "remap: %zu writes to a shared file mapping put where a private one was are not the fork's COW (parent %" PRIu64 " before, %" PRIu64 " after)",
	    n, (uint64_t)r0.r.cow_parent, (uint64_t)r1.r.cow_parent);
	tap(counter(&b, "shared_wp") - counter(&a, "shared_wp") >= n,
	    "remap: they are shared_wp faults (%" PRIu64 " >= %zu; none: %s does not write-protect shared pages)",
	    counter(&b, "shared_wp") - counter(&a, "shared_wp"), n, dir);
	return 0;
}

/* 5. A fork refused by RLIMIT_NPROC has a record with its error. */
static int cmd_failfork(void)
{
	struct fs_proc a, b;
	struct fs_calls c;
	size_t i, found = 0;
	pid_t helper;
	int st;

	read_proc(&a);
	helper = fork();
	if (helper < 0)
		bail("fork");
	if (helper == 0) {
		struct rlimit rl = { 1, 1 };

		/* Root ignores RLIMIT_NPROC: become nobody first. */
		if (setgid(65534) || setuid(65534) || setrlimit(RLIMIT_NPROC, &rl))
			_exit(2);
		_exit(fork() < 0 && errno == EAGAIN ? 0 : 3);
	}
	if (waitpid(helper, &st, 0) != helper || !WIFEXITED(st) || WEXITSTATUS(st))
		bail("the helper's fork was not refused with EAGAIN");
	read_proc(&b);
	calls_read(&c);
	for (i = 0; i < c.n; i++)
		if (c.v[i].r.parent_pid == helper && c.v[i].r.err == -EAGAIN &&
		    c.v[i].r.child_pid == 0 && c.v[i].r.kind == FS_KIND_FORK)
			found++;
	fs_calls_free(&c);
	tap(found == 1, "failfork: one fork record with err -EAGAIN and no child (%zu)", found);
	tap(b.kinds[FS_KIND_FORK].v[FS_AGG_failed] == a.kinds[FS_KIND_FORK].v[FS_AGG_failed] + 1,
	    "failfork: /proc/forkstats counts it as a failed fork");
	return 0;
}

/* A mixed workload, run in a process of its own (see cmd_sums). */
static int cmd_workload(void)
{
	char *region = map_region(64 * PAGE, PAGE, MADV_NORMAL);
	pthread_t th;
	pid_t tid, pid;
	int i, rel;

	fs_touch(region, 64, 1);
	for (i = 0; i < 5; i++) {
		pid = fork_waiter(&rel);
		fs_touch(region, 8 * (i + 1), (char)i);
		close(rel);
		reap(pid);
		reap(vfork_exit());
		if (pthread_create(&th, NULL, pthread_fn, &tid) || pthread_join(th, NULL))
			bail("pthread_create");
	}
	return 0;
}

/* 6. After a reset, the /proc/forkstats totals equal the sums over calls. */
/* What a call's aggregates are made of, folded: equal when nothing moved. */
static uint64_t calls_digest(const struct fs_calls *c)
{
	uint64_t d = 0;
	size_t i;

	for (i = 0; i < c->n; i++) {
		const struct fs_record *r = &c->v[i].r;

		d = d * 31 + r->seq;
		d = d * 31 + r->done + r->err;
		d = d * 31 + r->cow_parent + (r->cow_child << 20);
		d = d * 31 + r->cow_copies + (r->cow_reuses << 20);
		d = d * 31 + r->total_ns;
	}
	return d;
}

static int cmd_sums(const char *self)
{
	struct fs_proc p;
	struct fs_calls c;
	struct fs_proc_row sum[FS_KIND_COUNT];
	uint64_t create[FS_KIND_COUNT] = { 0 }, total[FS_KIND_COUNT] = { 0 };
	char *argv[] = { (char *)self, "workload", NULL };
	const char *exe = "/proc/self/exe";
	unsigned int k, col, ok = 1;
	int fd;
	size_t i;
	pid_t pid;

	backend_reset();
	(void)fd;
	/* vfork + exec: this process's mm takes part in no tracked copy. */
	if (posix_spawn(&pid, exe, NULL, NULL, argv, environ))
		bail("posix_spawn");
	reap(pid);
	/*
	 * The calls and the totals at one moment: the kernel may create
	 * threads, and a process forked since the reset may still take COW
	 * faults (on the host, the BPF backend sees every process of a busy
	 * machine): read until the calls are the same before and after /proc.
	 */
	for (i = 0;; i++) {
		struct fs_calls c2;

		calls_read(&c);
		read_proc(&p);
		calls_read(&c2);
		/* Bounded: a machine that never stops still gets its verdict. */
		if ((calls_digest(&c) == calls_digest(&c2) && c.n == c2.n) || i == 1000) {
			fs_calls_free(&c2);
			break;
		}
		fs_calls_free(&c);
		fs_calls_free(&c2);
	}
	memset(sum, 0, sizeof(sum));
	for (i = 0; i < c.n; i++) {
		struct fs_record *r = &c.v[i].r;

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
		create[r->kind] += r->create_ns;
		if (r->done)
			total[r->kind] += r->total_ns;
	}
	tap(counter(&p, "records_overwritten") == 0 && c.lost == 0, "sums: nothing overwritten");
	for (k = 0; k < FS_KIND_COUNT; k++) {
		uint64_t n = sum[k].v[FS_AGG_calls];

		uint64_t nr = sum[k].v[FS_AGG_returned];

		sum[k].v[FS_AGG_create_avg_ns] = n ? create[k] / n : 0;
		sum[k].v[FS_AGG_total_avg_ns] = nr ? total[k] / nr : 0;
		sum[k].v[FS_AGG_create_ns_sum] = create[k];
		sum[k].v[FS_AGG_total_ns_sum] = total[k];
		for (col = 0; col < FS_AGG_COUNT; col++) {
			/* "-" in /proc (the tracepoint chain's rss_pages on 6.2+): nothing to compare */
			if (sum[k].v[col] == p.kinds[k].v[col] || (p.kinds[k].unknown & (1u << col)))
				continue;
			diag("sums: %s %s: /proc %" PRIu64 ", calls %" PRIu64, fs_kind_name(k),
			     fs_agg_column_name((int)col), p.kinds[k].v[col], sum[k].v[col]);
			ok = 0;
		}
	}
	tap(ok, "sums: every /proc/forkstats column of every kind equals the sum over %zu calls", c.n);
	{
		unsigned int need[] = { FS_AGG_create_ns_sum, FS_AGG_total_ns_sum, FS_AGG_returned,
					FS_AGG_rss_pages };
		/* Only the tracepoint chain may lack the RSS (docs/bpf.md). */
		int no_rss = !strcmp(p.chain, "tracepoint");
		int sok = 1;

		for (i = 0; i < sizeof(need) / sizeof(need[0]); i++)
			sok &= !(p.kinds[FS_KIND_FORK].unknown & (1u << need[i])) ||
			       (no_rss && need[i] == FS_AGG_rss_pages);
		tap(sok && sum[FS_KIND_FORK].v[FS_AGG_create_ns_sum] > 0 &&
		    (no_rss || sum[FS_KIND_FORK].v[FS_AGG_rss_pages] > 0),
		    "sums: fork's create_ns_sum %" PRIu64 ", total_ns_sum %" PRIu64 ", returned %" PRIu64 ", rss_pages %" PRIu64 " present, the sums non-zero (rss_pages: '-' only from the BPF backend where the hooks cannot read it)",
		    p.kinds[FS_KIND_FORK].v[FS_AGG_create_ns_sum], p.kinds[FS_KIND_FORK].v[FS_AGG_total_ns_sum],
		    p.kinds[FS_KIND_FORK].v[FS_AGG_returned], p.kinds[FS_KIND_FORK].v[FS_AGG_rss_pages]);
	}
	{
		uint64_t hc[FS_KIND_COUNT][2] = { { 0 } }, lo, hi, cnt;
		char kind[16], lat[16], *text, *line, *save = NULL;
		size_t len;
		int hok = 1;

		text = malloc(1 << 20);
		if (!text)
			bail("malloc");
		len = file_read("hist", text, (1 << 20) - 1);
		text[len] = '\0';
		for (line = strtok_r(text, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
			if (line[0] == '#')
				continue;
			if (sscanf(line, "%15s %15s %" SCNu64 " %" SCNu64 " %" SCNu64, kind, lat, &lo, &hi, &cnt) != 5) {
				hok = 0;
				continue;
			}
			for (k = 0; k < FS_KIND_COUNT; k++)
				if (!strcmp(kind, fs_kind_name(k)))
					hc[k][!strcmp(lat, "total")] += cnt;
		}
		free(text);
		for (k = 0; k < FS_KIND_COUNT; k++)
			hok &= hc[k][0] == p.kinds[k].v[FS_AGG_calls] && hc[k][1] == p.kinds[k].v[FS_AGG_calls];
		tap(hok, "sums: hist holds every call once per latency (create and total)");
	}
	tap(p.kinds[FS_KIND_FORK].v[FS_AGG_calls] >= 5 && p.kinds[FS_KIND_VFORK].v[FS_AGG_calls] >= 6 &&
	    p.kinds[FS_KIND_THREAD].v[FS_AGG_calls] >= 5, "sums: the workload's calls are all there");
	fs_calls_free(&c);
	return 0;
}

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
static int cmd_events(unsigned long n, unsigned long ring)
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


static void write_file(const char *path, const char *text)
{
	int fd = open(path, O_WRONLY);

	if (fd < 0 || write(fd, text, strlen(text)) != (ssize_t)strlen(text))
		bail(path);
	close(fd);
}

/*
 * The records present and /proc/forkstats at one moment: read both until the
 * records did not change around the /proc read.
 */
static size_t stable_totals(uint64_t after, size_t *old, struct fs_proc *p)
{
	uint64_t s1, s2;
	size_t n1, n2, o2;

	do {
		n1 = count_records_after(after, &s1, old);
		read_proc(p);
		n2 = count_records_after(after, &s2, &o2);
	} while (n1 != n2 || s1 != s2);
	return n1;
}

static int has_record(pid_t child)
{
	struct fs_calls c;
	size_t i;
	int found = 0;

	calls_read(&c);
	for (i = 0; i < c.n; i++)
		found |= c.v[i].r.child_pid == child;
	fs_calls_free(&c);
	return found;
}

static pid_t fork_exit(void)
{
	pid_t pid = fork();

	if (pid == 0)
		_exit(0);
	reap(pid);
	return pid;
}

/*
 * io_uring: an async request makes the kernel create an io-wq worker.  Since
 * 5.12 that is create_io_thread(): a copy_process made without kernel_clone,
 * recorded as kind kthread with the submitter as parent and total_ns equal to
 * create_ns.  On 5.10 io-wq workers are kernel threads forked by kthreadd.
 */
static int cmd_iouring(void)
{
	struct io_uring_params par;
	struct io_uring_sqe *sqe;
	struct fs_calls c;
	char *sq;
	unsigned int *tail, *array;
	uint64_t last;
	size_t i, found = 0, k5 = 0, old;
	int fd;

	count_records_after(0, &last, &old);
	memset(&par, 0, sizeof(par));
	fd = (int)syscall(__NR_io_uring_setup, 4, &par);
	if (fd < 0) {
		tap(0, "iouring: io_uring_setup: %s", strerror(errno));
		return 1;
	}
	sq = mmap(NULL, par.sq_off.array + par.sq_entries * sizeof(unsigned int),
		  PROT_READ | PROT_WRITE, MAP_SHARED | MAP_POPULATE, fd, IORING_OFF_SQ_RING);
	sqe = mmap(NULL, par.sq_entries * sizeof(*sqe), PROT_READ | PROT_WRITE,
		   MAP_SHARED | MAP_POPULATE, fd, IORING_OFF_SQES);
	if (sq == MAP_FAILED || sqe == MAP_FAILED)
		bail("io_uring mmap");
	tail = (unsigned int *)(sq + par.sq_off.tail);
	array = (unsigned int *)(sq + par.sq_off.array);
	memset(sqe, 0, sizeof(*sqe));
	sqe->opcode = IORING_OP_NOP;
	sqe->flags = IOSQE_ASYNC;	/* punt to an io-wq worker */
	array[*tail & *(unsigned int *)(sq + par.sq_off.ring_mask)] = 0;
	__atomic_store_n(tail, *tail + 1, __ATOMIC_RELEASE);
	if (syscall(__NR_io_uring_enter, fd, 1, 1, IORING_ENTER_GETEVENTS, NULL, 0) != 1)
		bail("io_uring_enter");
	calls_read(&c);
	for (i = 0; i < c.n; i++) {
		struct fs_record *r = &c.v[i].r;

		if (r->seq <= last || r->kind != FS_KIND_KTHREAD)
			continue;
		k5++;
		if (r->parent_tgid == getpid() && r->total_ns == r->create_ns && r->err == 0)
			found++;
	}
	fs_calls_free(&c);
	close(fd);
	if (found)
		tap(1, "iouring: an io-wq worker is a kthread call of this process made without kernel_clone (%zu)", found);
	else
		tap(k5 > 0, "iouring: io_uring created kernel threads (%zu kthread calls; workers forked by kthreadd on kernels before 5.12)", k5);
	return 0;
}

/* control: disable stops recording, enable resumes; reset empties everything. */
static int cmd_control(void)
{
	const char *ctl = FS_DEBUGFS_DIR "/control";
	uint64_t last, seq;
	struct fs_proc p;
	size_t n, old;
	pid_t pid;

	tap(has_record(fork_exit()), "control: a fork makes a record");
	write_file(ctl, "disable\n");
	pid = fork_exit();
	tap(!has_record(pid), "control: disabled, a fork makes no record");
	write_file(ctl, "enable\n");
	tap(has_record(fork_exit()), "control: enabled again, a fork makes a record");

	/*
	 * After a reset no earlier record remains and the totals count exactly
	 * the records present (the kernel may have created a thread since).
	 */
	count_records_after(0, &last, &old);
	write_file(FS_PROC_PATH, "reset\n");
	n = stable_totals(last, &old, &p);
	tap(old == 0 && p.total.v[FS_AGG_calls] == n,
	    "reset through /proc/forkstats: no record from before, totals = the %zu records since (%" PRIu64 ")",
	    n, p.total.v[FS_AGG_calls]);
	pid = fork_exit();
	n = count_records_after(last, &seq, &old);
	tap(has_record(pid) && seq > last, "after reset a fork is recorded, with a later seq (%" PRIu64 " > %" PRIu64 ")",
	    seq, last);
	last = seq;
	write_file(ctl, "reset");
	n = stable_totals(last, &old, &p);
	tap(old == 0 && p.total.v[FS_AGG_calls] == n, "reset through control: no record from before");
	return 0;
}

/* Fork and write until time is up: load for the load/unload test. */
static unsigned long arg(char **argv, int i)
{
	char *end;
	unsigned long v;

	if (!argv[i])
		return ~0UL;
	v = strtoul(argv[i], &end, 10);
	return *end ? ~0UL : v;
}

int main(int argc, char **argv)
{
	const char *cmd = argc > 1 ? argv[1] : "";
	int ret;

	backend_start();
	if (!strcmp(cmd, "pgtables") && arg(argv, 2) != ~0UL)
		ret = cmd_pgtables(arg(argv, 2));
	else if (!strcmp(cmd, "cow") && arg(argv, 4) != ~0UL)
		ret = cmd_cow(arg(argv, 2), arg(argv, 3), arg(argv, 4), MADV_NOHUGEPAGE, 0, "cow");
	else if (!strcmp(cmd, "thp") && arg(argv, 4) != ~0UL && argv[5] &&
		 (!strcmp(argv[5], "copy") || !strcmp(argv[5], "reuse")))
		ret = cmd_cow(arg(argv, 2), arg(argv, 3), arg(argv, 4), MADV_HUGEPAGE,
			      !strcmp(argv[5], "reuse"), "thp");
	else if (!strcmp(cmd, "kinds"))
		ret = cmd_kinds();
	else if (!strcmp(cmd, "zero") && arg(argv, 2) != ~0UL)
		ret = cmd_zero(arg(argv, 2));
	else if (!strcmp(cmd, "remap") && arg(argv, 2) != ~0UL && argc > 3)
		ret = cmd_remap(arg(argv, 2), argv[3]);
	else if (!strcmp(cmd, "failfork"))
		ret = cmd_failfork();
	else if (!strcmp(cmd, "sums"))
		ret = cmd_sums(argv[0]);
	else if (!strcmp(cmd, "workload"))
		ret = cmd_workload();
	else if (!strcmp(cmd, "forks") && arg(argv, 2) != ~0UL) {
		unsigned long i, n = arg(argv, 2);

		printf("%d\n", (int)getpid());
		fflush(stdout);
		for (i = 0; i < n; i++)
			fork_exit();
		ret = 0;
	} else if (!strcmp(cmd, "iouring"))
		ret = cmd_iouring();
	else if (!strcmp(cmd, "control"))
		ret = cmd_control();
	else if (!strcmp(cmd, "events") && arg(argv, 3) != ~0UL)
		ret = cmd_events(arg(argv, 2), arg(argv, 3));
	else {
		fprintf(stderr, "usage: fsaccept pgtables MIB | cow K J L | thp K J L copy|reuse | kinds | zero N | remap N DIR | failfork | sums | events N RING | control | iouring | forks N\n");
		return 2;
	}
	return ret || failures ? 1 : 0;
}
