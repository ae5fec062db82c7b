// SPDX-License-Identifier: GPL-2.0
/*
 * fsaccept cow, thp: COW copies and reuses by side, phase by phase, for 4 KiB
 * pages and for THPs.
 */
#include "fsaccept.h"

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
int cmd_cow(size_t k, size_t j, size_t l, int advice, int rule, const char *what)
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
