// SPDX-License-Identifier: GPL-2.0
/*
 * fsaccept zero, remap: faults that are not COW (the zero page, shared
 * mappings, a shared file mapping where a private one was).
 */
#include "fsaccept.h"

/*
 * 4. Read-then-write of fresh anonymous memory is zero-page COW, not a
 * fork's; writes to a MAP_SHARED mapping after fork attribute no COW, and
 * after clear_refs (soft-dirty) they are shared write faults.
 */
int cmd_zero(size_t n)
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
int cmd_remap(size_t n, const char *dir)
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
