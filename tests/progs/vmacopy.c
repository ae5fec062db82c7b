// SPDX-License-Identifier: GPL-2.0
/*
 * vmacopy UFFD_WP HUGETLB GUARD: a fork's vmas_copied against what
 * copy_page_range really copied, VMA class by VMA class (issue 17, defect 4).
 *
 *   UFFD_WP  1 if this kernel copies the page tables of a VMA registered for
 *            userfaultfd write-protect in the child (dup_userfaultfd() kept
 *            VM_UFFD_WP: UFFD_FEATURE_EVENT_FORK) without an anon_vma
 *            (vma_needs_copy(), 5.19+), 0 if it skips it (5.10)
 *   HUGETLB  1 if it copies a hugetlb VMA without an anon_vma (5.10), 0 if
 *            it leaves it to faults (6.0+)
 *   GUARD    1 if the kernel has guard regions (MADV_GUARD_INSTALL) and
 *            copies a shmem VMA holding one, which has no anon_vma (7.x:
 *            VM_MAYBE_GUARD in VM_COPY_ON_FORK), 0 if it has none (the class
 *            is skipped: madvise() must refuse it)
 *
 * uffd-wp on shmem (UFFD_FEATURE_WP_HUGETLBFS_SHMEM) came with that rule
 * (5.19): where UFFD_WP is 1 the kernel must have it, and a shmem page
 * write-protected untouched holds a uffd-wp PTE marker, which pagemap shows
 * (swap/uffd-wp bits) and fork copies with the rest; where UFFD_WP is 0 it
 * must not, and those classes are skipped.
 *
 * For each VMA class: a baseline fork, then one VMA of the class alone in its
 * own 2 MiB slot, then the measured fork.  When the parent has a PTE there
 * (written; read: the zero page, mapped without an anon_vma; or a PTE
 * marker), the child's pagemap says whether copy_page_range copied it, and
 * that must be the expected rule (a VM_PFNMAP VMA, which pagemap does not
 * walk: whether the child got page tables for its slot); an untouched VMA
 * has no PTE to see, its read twin (same flags, no anon_vma either) stands
 * for it.  Then the measured record must
 * have exactly the baseline's vmas_copied plus 1 if the class is copied, 0
 * if not, and both records pgtable_bytes equal to their child's VmPTE.
 * With VMACOPY_BPF=<forkstats binary>, the records are the BPF backend's.
 * Prints TAP lines ("ok - ...", "# ...") for tests/tap.sh's tap_run.
 */
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <linux/userfaultfd.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "calls.h"
#include "forkutil.h"
#include "jsonread.h"
#include "tap.h"

#define PAGE		4096UL
#define SLOT		(2UL << 20)
#define CALLS_PATH	FS_DEBUGFS_DIR "/calls"
#define BPF_CALLS	"/tmp/vmacopy.json"	/* forkstats --json calls */
#define PM_PRESENT	(1ULL << 63)
#define PM_SWAP		(1ULL << 62)	/* also a PTE marker */
#define PM_UFFD_WP	(1ULL << 57)
#define PM_GUARD	(1ULL << 58)	/* a guard region's PTE marker */
#define PM_ENTRY	(PM_PRESENT | PM_SWAP | PM_UFFD_WP | PM_GUARD)
#ifndef MADV_GUARD_INSTALL
#define MADV_GUARD_INSTALL	102
#endif
#ifndef UFFD_FEATURE_WP_HUGETLBFS_SHMEM
#define UFFD_FEATURE_WP_HUGETLBFS_SHMEM	(1 << 12)	/* 5.19+ */
#endif

/* A SLOT-aligned slot of size bytes in a PROT_NONE reservation (no page tables). */
static char *reserve_slot(size_t size)
{
	char *raw;

	raw = mmap(NULL, size + 2 * SLOT, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE,
		   -1, 0);
	if (raw == MAP_FAILED)
		bail("mmap reserve");
	return (char *)(((uintptr_t)raw + SLOT - 1) & ~(uintptr_t)(SLOT - 1));
}

/* The class's VMA in its slot: a VMA of its own, between PROT_NONE ones. */
static char *map_in(char *slot, size_t size, int flags)
{
	if (mmap(slot, size, PROT_READ | PROT_WRITE, flags | MAP_ANONYMOUS | MAP_FIXED, -1, 0) ==
	    MAP_FAILED)
		bail("mmap");
	return slot;
}

/*
 * The BIOS ROM page at 0xf0000 of /dev/mem, read-only: below 1 MiB, which
 * STRICT_DEVMEM allows; mmap_mem() maps it with remap_pfn_range().
 */
static char *map_devmem(char *slot)
{
	int fd = open("/dev/mem", O_RDONLY | O_CLOEXEC);

	if (fd < 0)
		bail("/dev/mem");
	if (mmap(slot, PAGE, PROT_READ, MAP_SHARED | MAP_FIXED, fd, 0xf0000) == MAP_FAILED)
		bail("mmap /dev/mem");
	close(fd);
	return slot;
}

/* A userfaultfd with these features; -1 if the kernel does not know them. */
static int uffd_open(uint64_t features)
{
	struct uffdio_api api = { .api = UFFD_API, .features = features };
	int fd = (int)syscall(SYS_userfaultfd, O_CLOEXEC);

	if (fd < 0)
		bail("userfaultfd");
	if (ioctl(fd, UFFDIO_API, &api)) {
		if (errno != EINVAL)
			bail("UFFDIO_API");
		close(fd);
		return -1;
	}
	return fd;
}

static void uffd_register_wp(int fd, char *p, size_t len)
{
	struct uffdio_register reg = {
		.range = { .start = (uintptr_t)p, .len = len },
		.mode = UFFDIO_REGISTER_MODE_WP,
	};

	if (ioctl(fd, UFFDIO_REGISTER, &reg))
		bail("UFFDIO_REGISTER (WP)");
}

/* Write-protects a page never touched: on shmem, a uffd-wp PTE marker. */
static void uffd_protect(int fd, char *p)
{
	struct uffdio_writeprotect wp = {
		.range = { .start = (uintptr_t)p, .len = PAGE },
		.mode = UFFDIO_WRITEPROTECT_MODE_WP,
	};

	if (ioctl(fd, UFFDIO_WRITEPROTECT, &wp))
		bail("UFFDIO_WRITEPROTECT");
}

/*
 * The monitor: a fork event holds the forking parent until it is read.  The
 * child's userfaultfd it brings stays open: its release would unregister the
 * child's VMAs and clear their uffd-wp PTE markers before pagemap sees them.
 */
static void *monitor(void *arg)
{
	int fd = *(int *)arg;
	struct uffd_msg msg;

	for (;;) {
		ssize_t n = read(fd, &msg, sizeof(msg));

		if (n < 0 && errno != EINTR && errno != EAGAIN)
			return NULL;
	}
}

static uint64_t pagemap(pid_t pid, const char *p)
{
	char path[64];
	uint64_t e = 0;
	int fd;

	snprintf(path, sizeof(path), "/proc/%d/pagemap", (int)pid);
	fd = open(path, O_RDONLY);
	if (fd < 0 || pread(fd, &e, 8, (off_t)((uintptr_t)p / PAGE * 8)) != 8)
		bail(path);
	close(fd);
	return e;
}

static int record_of(const struct fs_calls *c, pid_t child, struct fs_call *out)
{
	size_t i;

	for (i = c->n; i-- > 0;) {
		if (c->v[i].r.child_pid == child) {
			*out = c->v[i];
			return 0;
		}
	}
	tap(0, "a record for child %d exists", (int)child);
	return -1;
}

static __attribute__((noinline)) void stack_prefault(void)
{
	volatile char pad[64 * 1024];
	size_t i;

	for (i = 0; i < sizeof(pad); i += 512)
		pad[i] = 0;
}

enum touch { UNTOUCHED, READ, WRITTEN, MARKED, GUARDED };
enum uffd { NO_UFFD, UFFD_FORK, UFFD_NOFORK, UFFD_SHMEM_FORK, UFFD_SHMEM_NOFORK, UFFDS };

#define C(n, f, u, t, e, w) \
	{ .name = (n), .flags = (f), .uffd = (u), .touch = (t), .expect = (e), .why = (w) }

struct class {
	const char *name;
	int flags;		/* mmap flags, MAP_ANONYMOUS and MAP_FIXED added */
	enum uffd uffd;		/* registered for WP in this userfaultfd */
	int devmem;		/* a page of /dev/mem: VM_PFNMAP (remap_pfn_range) */
	char *p;
	enum touch touch;
	int expect;		/* copy_page_range copies its page tables */
	const char *why;
	pid_t base, child;	/* the baseline fork's child, the measured one's */
	uint64_t base_vm, vm;	/* their VmPTE */
};

int main(int argc, char **argv)
{
	static const uint64_t features[UFFDS] = {
		[UFFD_FORK] = UFFD_FEATURE_EVENT_FORK,
		[UFFD_SHMEM_FORK] = UFFD_FEATURE_EVENT_FORK | UFFD_FEATURE_WP_HUGETLBFS_SHMEM,
		[UFFD_SHMEM_NOFORK] = UFFD_FEATURE_WP_HUGETLBFS_SHMEM,
	};
	const char *bpf = getenv("VMACOPY_BPF");
	int uffd_rule, huge_rule, guard_rule, uffd[UFFDS], rb, rc, i, n;
	struct fs_calls calls;
	char err[256];
	pthread_t th;

	if (argc != 4) {
		fprintf(stderr, "usage: vmacopy UFFD_WP(0|1) HUGETLB(0|1) GUARD(0|1)\n");
		return 2;
	}
	uffd_rule = atoi(argv[1]);
	huge_rule = atoi(argv[2]);
	guard_rule = atoi(argv[3]);

	struct class cls[] = {
		C("anonymous written", MAP_PRIVATE, NO_UFFD, WRITTEN, 1, "anon_vma"),
		C("anonymous untouched", MAP_PRIVATE, NO_UFFD, UNTOUCHED, 0, "no anon_vma"),
		C("anonymous read (zero page)", MAP_PRIVATE, NO_UFFD, READ, 0, "no anon_vma"),
		C("uffd-wp, fork event, untouched", MAP_PRIVATE, UFFD_FORK, UNTOUCHED, uffd_rule,
		  "child VMA has VM_UFFD_WP, no anon_vma"),
		C("uffd-wp, fork event, read", MAP_PRIVATE, UFFD_FORK, READ, uffd_rule,
		  "child VMA has VM_UFFD_WP, no anon_vma"),
		C("uffd-wp, no fork event, untouched", MAP_PRIVATE, UFFD_NOFORK, UNTOUCHED, 0,
		  "dup_userfaultfd() cleared the child's VM_UFFD_WP"),
		C("uffd-wp, no fork event, read", MAP_PRIVATE, UFFD_NOFORK, READ, 0,
		  "dup_userfaultfd() cleared the child's VM_UFFD_WP"),
		C("shmem uffd-wp, fork event, PTE marker", MAP_SHARED, UFFD_SHMEM_FORK, MARKED,
		  uffd_rule, "child VMA has VM_UFFD_WP, no anon_vma"),
		C("shmem uffd-wp, no fork event, PTE marker", MAP_SHARED, UFFD_SHMEM_NOFORK,
		  MARKED, 0, "dup_userfaultfd() cleared the child's VM_UFFD_WP"),
		C("wipeonfork written", MAP_PRIVATE, NO_UFFD, WRITTEN, 0,
		  "VM_WIPEONFORK: no copy_page_range"),
		C("dontfork written", MAP_PRIVATE, NO_UFFD, WRITTEN, 0,
		  "VM_DONTCOPY: not in the child"),
		C("shared anonymous written", MAP_SHARED, NO_UFFD, WRITTEN, 0,
		  "shmem, no anon_vma"),
		{ .name = "/dev/mem BIOS page read", .flags = MAP_SHARED, .devmem = 1,
		  .touch = READ, .expect = 1, .why = "VM_PFNMAP, no anon_vma" },
		C("hugetlb shared written", MAP_SHARED | MAP_HUGETLB, NO_UFFD, WRITTEN, huge_rule,
		  "VM_HUGETLB, no anon_vma"),
		C("hugetlb private written", MAP_PRIVATE | MAP_HUGETLB, NO_UFFD, WRITTEN, 1,
		  "VM_HUGETLB, anon_vma"),
		C("shmem guard region", MAP_SHARED, NO_UFFD, GUARDED, 1,
		  "child VMA has VM_MAYBE_GUARD, no anon_vma"),
	};
	n = (int)(sizeof(cls) / sizeof(cls[0]));

	stack_prefault();
	for (i = NO_UFFD + 1; i < UFFDS; i++) {
		uffd[i] = uffd_open(features[i]);
		if (uffd[i] < 0 && i < UFFD_SHMEM_FORK)
			bail("UFFDIO_API");
		/* A fork event holds the forking parent until a monitor reads it. */
		if (uffd[i] >= 0 && (features[i] & UFFD_FEATURE_EVENT_FORK) &&
		    pthread_create(&th, NULL, monitor, &uffd[i]))
			bail("pthread_create");
	}
	/* uffd-wp on shmem (PTE markers) came with the fork rule, 5.19. */
	tap((uffd[UFFD_SHMEM_FORK] >= 0) == uffd_rule,
	    "userfaultfd WP on shmem (UFFD_FEATURE_WP_HUGETLBFS_SHMEM) %s",
	    uffd_rule ? "is there" : "is not there (the shmem classes are skipped)");

	for (i = 0; i < n; i++) {
		struct class *k = &cls[i];
		size_t size = k->flags & MAP_HUGETLB ? SLOT : PAGE;
		uint64_t pe, ce;
		int copied;
		char *slot;

		if (k->uffd != NO_UFFD && uffd[k->uffd] < 0)
			continue;
		/* The slot first: the baseline fork has all but the class's VMA. */
		slot = reserve_slot(size);
		k->base = fs_fork_waiter(&rb);
		if (k->base < 0)
			bail("fork");
		k->base_vm = vmpte_bytes(k->base);
		close(rb);
		if (fs_reap(k->base, NULL))
			bail("baseline child");

		k->p = k->devmem ? map_devmem(slot) : map_in(slot, size, k->flags);
		if (strstr(k->name, "wipeonfork") && madvise(k->p, PAGE, MADV_WIPEONFORK))
			bail("MADV_WIPEONFORK");
		if (strstr(k->name, "dontfork") && madvise(k->p, PAGE, MADV_DONTFORK))
			bail("MADV_DONTFORK");
		if (k->uffd != NO_UFFD)
			uffd_register_wp(uffd[k->uffd], k->p, PAGE);
		if (k->touch == GUARDED) {
			int ret = madvise(k->p, PAGE, MADV_GUARD_INSTALL);

			tap(guard_rule ? ret == 0 : ret && errno == EINVAL,
			    "%s: MADV_GUARD_INSTALL %s", k->name,
			    guard_rule ? "installs it" : "is refused (EINVAL): the class is skipped");
			if (ret) {
				munmap(k->p, size);
				k->p = NULL;
				continue;
			}
		}
		if (k->touch == MARKED)
			uffd_protect(uffd[k->uffd], k->p);
		else if (k->touch == WRITTEN)
			*(volatile char *)k->p = 1;
		else if (k->touch == READ)
			(void)*(volatile char *)k->p;

		k->child = fs_fork_waiter(&rc);
		if (k->child < 0)
			bail("fork");
		k->vm = vmpte_bytes(k->child);
		pe = pagemap(getpid(), k->p);
		ce = pagemap(k->child, k->p);
		/*
		 * pagemap does not walk a VM_PFNMAP VMA (walk_page_test()): there,
		 * whether the child got page tables for the slot says it.
		 */
		copied = k->devmem ? k->vm > k->base_vm : !!(ce & PM_ENTRY);
		close(rc);
		if (fs_reap(k->child, NULL))
			bail("child");
		if (munmap(k->p, size))
			bail("munmap");

		if (k->touch == UNTOUCHED) {
			tap(!(pe & PM_ENTRY),
			    "%s: no PTE in the parent (%s): copied = %d as its read twin",
			    k->name, k->why, k->expect);
			continue;
		}
		if (!k->devmem)
			tap(!!(pe & PM_ENTRY), "%s: the parent has its PTE", k->name);
		tap(copied == k->expect, "%s: the child %s it (%s): copy_page_range %s",
		    k->name, copied ? "has" : "has not", k->why,
		    k->expect ? "copies it" : "skips it");
	}

	/*
	 * VMACOPY_BPF=<forkstats binary>: the BPF backend's records, through
	 * the CLI's output layer (it has no text files).
	 */
	if (bpf && *bpf) {
		char cmd[512];

		snprintf(cmd, sizeof(cmd), "%s --backend bpf --json calls >%s", bpf, BPF_CALLS);
		if (system(cmd)) {
			tap(0, "%s", cmd);
			return 1;
		}
	}
	if (bpf && *bpf ? fs_json_calls_read(BPF_CALLS, &calls, err, sizeof(err)) :
			  fs_calls_read(CALLS_PATH, &calls, err, sizeof(err))) {
		tap(0, "read the records: %s", err);
		return 1;
	}
	for (i = 0; i < n; i++) {
		struct class *k = &cls[i];
		struct fs_call base, rec;
		int known;

		if (!k->p)
			continue;
		if (record_of(&calls, k->base, &base) || record_of(&calls, k->child, &rec))
			continue;
		tap(base.r.pgtable_bytes == k->base_vm && rec.r.pgtable_bytes == k->vm,
		    "%s: records' pgtable_bytes %" PRIu64 ", %" PRIu64
		    " = children's VmPTE %" PRIu64 ", %" PRIu64, k->name,
		    (uint64_t)base.r.pgtable_bytes, (uint64_t)rec.r.pgtable_bytes,
		    k->base_vm, k->vm);
		known = !((base.unknown | rec.unknown) & (1u << FS_COL_vmas_copied));
		tap(known && rec.r.vmas_copied == base.r.vmas_copied + (unsigned int)k->expect,
		    "%s: vmas_copied %u = baseline %u + %d (%s)%s", k->name, rec.r.vmas_copied,
		    base.r.vmas_copied, k->expect, k->why, known ? "" : ": unknown ('-')");
	}
	fs_calls_free(&calls);
	return failures ? 1 : 0;
}
