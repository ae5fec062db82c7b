// SPDX-License-Identifier: GPL-2.0
/*
 * fsaccept pgtables: page tables copied for a region of M MiB.
 */
#include "fsaccept.h"

/*
 * 1. Page tables: a fork of a process with an M MiB touched region copies
 * M/2 PTE pages more than the same fork without it, plus the PMD page of the
 * region's fresh 1 GiB slot (and a PUD page if its 512 GiB slot is new too).
 */
int cmd_pgtables(unsigned long mib)
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
