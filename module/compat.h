/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Kernel differences, in one place.  FS_HAVE_* come from the Kbuild feature
 * probes in module/Kbuild (module/conftest/: each file compiles only where the
 * feature exists); nothing here tests LINUX_VERSION_CODE, because stable
 * kernels backport.
 */
#ifndef FORKSTATS_COMPAT_H
#define FORKSTATS_COMPAT_H

#include <linux/mm.h>
#include <linux/sched.h>
#include <linux/sched/mm.h>
#include <linux/userfaultfd_k.h>

/* Task flags of kernel-created workers that are not kernel threads. */
#ifdef PF_IO_WORKER
#define FS_PF_IO_WORKER		PF_IO_WORKER
#else
#define FS_PF_IO_WORKER		0
#endif
#ifdef PF_USER_WORKER
#define FS_PF_USER_WORKER	PF_USER_WORKER
#else
#define FS_PF_USER_WORKER	0
#endif

/*
 * VM_FAULT_WRITE (removed in 6.2): do_wp_page and wp_page_copy return it
 * when a write fault made the PTE writable; a copy abandoned because the PTE
 * changed returns 0.  Without it success is "no error, no retry".
 */
#ifdef FS_HAVE_VM_FAULT_WRITE
#undef FS_HAVE_VM_FAULT_WRITE
#define FS_HAVE_VM_FAULT_WRITE	1
static inline bool fs_wp_fault_done(unsigned long ret)
{
	return ret & VM_FAULT_WRITE;
}

static inline bool fs_wp_copy_done(unsigned long ret)
{
	return ret & VM_FAULT_WRITE;
}
#else
#define FS_HAVE_VM_FAULT_WRITE	0
static inline bool fs_wp_fault_done(unsigned long ret)
{
	return !(ret & (VM_FAULT_ERROR | VM_FAULT_RETRY));
}

static inline bool fs_wp_copy_done(unsigned long ret)
{
	return false;	/* wp_page_copy is not probed without VM_FAULT_WRITE */
}
#endif

/* FAULT_FLAG_UNSHARE (5.19+): a read fault that breaks COW for GUP pins. */
static inline bool fs_vmf_is_unshare(const struct vm_fault *vmf)
{
#ifdef FS_HAVE_FAULT_FLAG_UNSHARE
	return vmf->flags & FAULT_FLAG_UNSHARE;
#else
	return false;
#endif
}

/*
 * Pages mapped by an mm.  Where the RSS counters are per-CPU counters (6.2+)
 * get_mm_counter() is approximate; sum them exactly.
 */
static inline unsigned long fs_mm_rss_pages(struct mm_struct *mm)
{
#ifdef FS_HAVE_MM_RSS_PERCPU
	unsigned long sum = 0;
	int i;

	for (i = 0; i < NR_MM_COUNTERS; i++)
		sum += percpu_counter_sum_positive(&mm->rss_stat[i]);
	return sum;
#else
	return get_mm_rss(mm);
#endif
}

/*
 * copy_page_range(dst_vma, src_vma) copies page tables only when this holds:
 * vma_needs_copy() in 6.1 and 6.12, the same test written inline in 5.10.
 * Two differences are not followed (docs/design.md): 5.10 also copies
 * hugetlb VMAs without an anon_vma, and since 5.19 a VMA with uffd-wp
 * registered is always copied (userfaultfd_wp() covers the latter where the
 * kernel has file-backed uffd-wp).
 */
static inline bool fs_vma_needs_copy(struct vm_area_struct *dst, struct vm_area_struct *src)
{
	if (userfaultfd_wp(dst))
		return true;
	if (src->vm_flags & (VM_PFNMAP | VM_MIXEDMAP))
		return true;
	return src->anon_vma;
}
#endif /* FORKSTATS_COMPAT_H */
