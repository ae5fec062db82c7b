/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Kernel differences, in one place.  FS_HAVE_* come from the Kbuild feature
 * probes in module/Kbuild (module/conftest/: each file compiles only where the
 * feature exists); nothing here tests LINUX_VERSION_CODE, because stable
 * kernels backport.
 */
#ifndef FORKSTATS_COMPAT_H
#define FORKSTATS_COMPAT_H

#include <linux/ftrace.h>
#include <linux/kprobes.h>
#include <linux/log2.h>
#include <linux/mm.h>
#include <linux/sched.h>
#include <linux/sched/mm.h>
#include <linux/slab.h>
#include <linux/userfaultfd_k.h>
#include <linux/vmalloc.h>

#include <forkstats/cow.h>
#ifdef FS_HAVE_OBJPOOL
#include <linux/objpool.h>
#endif
#ifdef CONFIG_KRETPROBE_ON_RETHOOK
#include <linux/rethook.h>
#endif

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
 * ftrace callbacks (probes.c's entry hooks).  5.10 passes struct pt_regs,
 * filled only with FTRACE_OPS_FL_SAVE_REGS, and wraps callbacks in a
 * recursion guard unless told FTRACE_OPS_FL_RECURSION_SAFE; 5.11+ pass
 * struct ftrace_regs with the argument registers always saved, and wrap
 * only on request (FTRACE_OPS_FL_RECURSION).  Ours need no guard: they
 * never re-enter the functions they hook (nothing on their path faults on
 * a user page), and the module's own functions on it are notrace.
 */
#if defined(FS_HAVE_FTRACE_FUNC_FREGS)
#define FS_FTRACE_REGS		struct ftrace_regs
#define FS_FTRACE_FLAGS		0
#ifdef FS_HAVE_FTRACE_REGS_GET_ARGUMENT
static __always_inline unsigned long fs_ftrace_arg0(struct ftrace_regs *fregs)
{
	return ftrace_regs_get_argument(fregs, 0);
}
#else
static __always_inline unsigned long fs_ftrace_arg0(struct ftrace_regs *fregs)
{
	return regs_get_kernel_argument(&fregs->regs, 0);
}
#endif
#else
#define FS_FTRACE_REGS		struct pt_regs
#define FS_FTRACE_FLAGS		(FTRACE_OPS_FL_SAVE_REGS | FTRACE_OPS_FL_RECURSION_SAFE)
static __always_inline unsigned long fs_ftrace_arg0(struct pt_regs *regs)
{
	return regs_get_kernel_argument(regs, 0);
}
#endif

/*
 * A write fault do_wp_page() hands to userfaultfd instead of resolving
 * (uffd-wp armed on the PTE): the fault is retried once the monitor
 * resolves it.  Since 6.7 an async uffd-wp VMA resolves it in place.
 */
static inline bool fs_uffd_wp_async(const struct vm_area_struct *vma)
{
#ifdef FS_HAVE_UFFD_WP_ASYNC
	return vma->vm_userfaultfd_ctx.ctx->features & UFFD_FEATURE_WP_ASYNC;
#else
	return false;
#endif
}

/* The rule: <forkstats/cow.h> fs_wp_uffd_handoff(). */
static inline bool fs_wp_to_userfaultfd(const struct vm_fault *vmf)
{
	bool armed = userfaultfd_pte_wp(vmf->vma, vmf->orig_pte);

	return fs_wp_uffd_handoff(armed, armed && fs_uffd_wp_async(vmf->vma));
}

/*
 * is_zero_pfn(pte_pfn(pte)) for a present PTE, as do_wp_page()'s orig_pte
 * always is.  x86's pte_pfn() first undoes the PROT_NONE inversion (L1TF)
 * that only a non-present PTE carries: here the pfn bits are compared in
 * place with zero_bits = fs_zero_pte_bits(), taken once at load.
 */
#ifdef CONFIG_X86_64
/* my_zero_pfn() became zero_pfn() (7.x, conftest zero_pfn) */
#ifdef FS_HAVE_ZERO_PFN
#define fs_zero_pfn(addr)	zero_pfn(addr)
#else
#define fs_zero_pfn(addr)	my_zero_pfn(addr)
#endif
static inline pteval_t fs_zero_pte_bits(void)
{
	return (pteval_t)fs_zero_pfn(0) << PAGE_SHIFT;	/* x86 has one zero page */
}

static __always_inline bool fs_present_pte_is_zero(pte_t pte, pteval_t zero_bits)
{
	return !((pte_val(pte) ^ zero_bits) & PTE_PFN_MASK);
}
#else
static inline pteval_t fs_zero_pte_bits(void)
{
	return 0;
}

static __always_inline bool fs_present_pte_is_zero(pte_t pte, pteval_t zero_bits)
{
	return is_zero_pfn(pte_pfn(pte));
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
 * copy_page_range(dst_vma, src_vma) copies page tables only when this holds
 * (mm/memory.c; dup_mmap() does not call it for VM_WIPEONFORK, and has
 * already cleared the child's VM_UFFD_WP unless the context asked for
 * UFFD_FEATURE_EVENT_FORK, dup_userfaultfd()):
 *  - 5.19+, vma_needs_copy(): userfaultfd_wp(dst_vma), VM_PFNMAP or
 *    VM_MIXEDMAP, or an anon_vma (6.0+ leaves hugetlb VMAs without an
 *    anon_vma to faults, "hugetlb: lazy page table copies in fork()");
 *  - before (5.10), at the top of copy_page_range(): VM_HUGETLB, VM_PFNMAP
 *    or VM_MIXEDMAP, or an anon_vma; uffd-wp plays no part.
 *  - 7.x, vma_needs_copy(): the child VMA's flags in VM_COPY_ON_FORK
 *    (VM_PFNMAP, VM_MIXEDMAP, VM_UFFD_WP, VM_UFFD_RWP, VM_MAYBE_GUARD: a
 *    VMA with guard regions), or an anon_vma.
 * FS_HAVE_UFFD_WP_FORK_COPY tells the first two apart, FS_HAVE_VM_COPY_ON_FORK
 * the third.  6.0's change is in mm/memory.c alone, out of a conftest's
 * sight: on 5.19 (end of life), which has both rules, hugetlb VMAs without
 * an anon_vma are missing from vmas_copied.
 */
#if defined(FS_HAVE_VM_COPY_ON_FORK)
#define FS_COPY_DST_MASK	VM_COPY_ON_FORK
#define FS_COPY_SRC_MASK	0
#elif defined(FS_HAVE_UFFD_WP_FORK_COPY)
#define FS_COPY_DST_MASK	VM_UFFD_WP	/* userfaultfd_wp(dst) */
#define FS_COPY_SRC_MASK	(VM_PFNMAP | VM_MIXEDMAP)
#else
#define FS_COPY_DST_MASK	0
#define FS_COPY_SRC_MASK	(VM_HUGETLB | VM_PFNMAP | VM_MIXEDMAP)
#endif

/* The flags read here, the rule in <forkstats/cow.h>. */
static inline bool fs_vma_needs_copy(struct vm_area_struct *dst, struct vm_area_struct *src)
{
	return fs_vma_needs_copy_flags(dst->vm_flags, FS_COPY_DST_MASK, src->vm_flags,
				       FS_COPY_SRC_MASK, src->anon_vma != NULL);
}

/*
 * Where a task releases its memory on exit and on exec (mm_release(), which
 * wakes a vfork parent): exit_mm_release() and exec_mm_release(), one
 * function since 7.x, mm_exit_exec_release() (conftest
 * mm_exit_exec_release).  Both take (struct task_struct *, struct mm_struct *).
 */
#ifdef FS_HAVE_MM_EXIT_EXEC_RELEASE
#define FS_EXIT_MM_RELEASE	"mm_exit_exec_release"
#define FS_EXEC_MM_RELEASE	NULL		/* the same function */
#else
#define FS_EXIT_MM_RELEASE	"exit_mm_release"
#define FS_EXEC_MM_RELEASE	"exec_mm_release"
#endif

/*
 * What kmalloc(size) really takes: the object size of its kmalloc cache, or
 * whole pages (an order of them) above KMALLOC_MAX_CACHE_SIZE.
 * kmalloc_size_roundup() (6.1+) says it; before, the same from
 * kmalloc_index(), whose index 1 and 2 are the 96 and 192 byte caches.
 */
static inline size_t fs_kmalloc_bytes(size_t size)
{
#ifdef FS_HAVE_KMALLOC_SIZE_ROUNDUP
	return kmalloc_size_roundup(size);
#else
	unsigned int i;

	if (size > KMALLOC_MAX_CACHE_SIZE)
		return PAGE_SIZE << get_order(size);
	i = kmalloc_index(size);
	return i == 1 ? 96 : i == 2 ? 192 : 1UL << i;
#endif
}

/*
 * What vmalloc(size) really takes: whole pages, and the array of their
 * struct page pointers (__vmalloc_area_node(): kmalloc'd up to a page, else
 * vmalloc'd, whose own array is then at most a page for areas up to 1 GiB).
 * The vm_struct, vmap_area and page tables are not counted.
 */
static inline size_t fs_vmalloc_bytes(size_t size)
{
	size_t pages = PAGE_ALIGN(size) >> PAGE_SHIFT;
	size_t array = pages * sizeof(struct page *);

	if (array <= PAGE_SIZE)
		return (pages << PAGE_SHIFT) + fs_kmalloc_bytes(array);
	return ((pages + (PAGE_ALIGN(array) >> PAGE_SHIFT)) << PAGE_SHIFT) +
	       fs_kmalloc_bytes((PAGE_ALIGN(array) >> PAGE_SHIFT) * sizeof(struct page *));
}

/*
 * What kvmalloc(size) (kvcalloc) really took for p, decided at run time:
 * kvmalloc_node() (mm/util.c) tries kmalloc first (its cache's size, or
 * whole pages above 8 KiB), then vmalloc.  Where kvmalloc passes
 * VM_ALLOW_HUGE_VMAP (5.18+, conftest vm_allow_huge_vmap) and the arch maps
 * huge vmalloc pages, __vmalloc_node_range() maps an area of PMD_SIZE or
 * more per node with PMD pages: its size rounded up to PMD_SIZE, aligned to
 * it, the page pointer array for all of its small pages; if the huge pages
 * could not be had it starts again with small pages, at the size asked.
 * A huge area is PMD-aligned and its first PMD_SIZE physically contiguous
 * from a PMD-aligned frame (vmalloc_to_pfn()); a small-page one almost
 * never is.
 */
static inline size_t fs_kvmalloc_bytes(const void *p, size_t size)
{
	if (!p)
		return 0;
	if (!is_vmalloc_addr(p))
		return fs_kmalloc_bytes(size);
#if defined(FS_HAVE_VM_ALLOW_HUGE_VMAP) && defined(CONFIG_HAVE_ARCH_HUGE_VMALLOC)
	if (size / num_online_nodes() >= PMD_SIZE && IS_ALIGNED((unsigned long)p, PMD_SIZE)) {
		unsigned long pfn = vmalloc_to_pfn(p);

		if (IS_ALIGNED(pfn, PMD_SIZE >> PAGE_SHIFT) &&
		    vmalloc_to_pfn((const char *)p + PMD_SIZE - PAGE_SIZE) == pfn + (PMD_SIZE >> PAGE_SHIFT) - 1)
			return fs_vmalloc_bytes(ALIGN(size, PMD_SIZE));
	}
#endif
	return fs_vmalloc_bytes(size);
}

/*
 * What register_kretprobe() allocated for rp (maxactive instances of
 * sizeof(struct kretprobe_instance) + data_size bytes), in bytes:
 *   6.7+ (objpool): rethook_alloc() (x86: CONFIG_KRETPROBE_ON_RETHOOK) or
 *     the kretprobe_holder, kzalloc'd, holding an objpool; objpool_init()
 *     (lib/objpool.c) kzallocs nr_cpu_ids struct objpool_slot pointers'
 *     worth (sizeof(struct objpool_slot) each, as it is written) and, per
 *     possible CPU, vmallocs one slot: its header,
 *     roundup_pow_of_two(maxactive) entry pointers and its share of the
 *     objects (maxactive / CPUs, the first maxactive % CPUs one more), each
 *     aligned to a long;
 *   6.1 on x86 (rethook, before objpool): a kzalloc'd struct rethook and
 *     maxactive kzalloc'd instances;
 *   5.10: maxactive kmalloc'd instances.
 * Elsewhere (no rethook, 5.11 to 6.6) a small kretprobe_holder is not
 * counted.
 */
static inline size_t fs_kretprobe_bytes(const struct kretprobe *rp)
{
	size_t obj = sizeof(struct kretprobe_instance) + rp->data_size;
#ifdef FS_HAVE_OBJPOOL
	size_t cap = roundup_pow_of_two(rp->maxactive), each, extra, sum;
	unsigned int cpus = num_possible_cpus(), n = 0;
	int cpu;

#ifdef CONFIG_KRETPROBE_ON_RETHOOK
	sum = fs_kmalloc_bytes(sizeof(struct rethook));
#else
	sum = fs_kmalloc_bytes(sizeof(struct kretprobe_holder));
#endif
	sum += fs_kmalloc_bytes(nr_cpu_ids * sizeof(struct objpool_slot));
	obj = ALIGN(obj, sizeof(long));
	each = rp->maxactive / cpus;
	extra = rp->maxactive % cpus;
	for_each_possible_cpu(cpu)
		sum += fs_vmalloc_bytes(sizeof(struct objpool_slot) + cap * sizeof(void *) +
					obj * (each + (n++ < extra)));
	return sum;
#elif defined(CONFIG_KRETPROBE_ON_RETHOOK)
	return fs_kmalloc_bytes(sizeof(struct rethook)) +
	       (size_t)rp->maxactive * fs_kmalloc_bytes(obj);
#else
	return (size_t)rp->maxactive * fs_kmalloc_bytes(obj);
#endif
}
#endif /* FORKSTATS_COMPAT_H */
