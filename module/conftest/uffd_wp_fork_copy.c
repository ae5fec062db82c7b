/*
 * fork copies the page tables of a VMA whose child keeps uffd-wp (5.19+:
 * vma_needs_copy(), "mm/shmem: handle uffd-wp during fork()"); the same
 * series gave copy_hugetlb_page_range() the child's VMA ("mm/hugetlb:
 * handle uffd-wp during fork()"), the part of it a header shows
 */
#include <linux/hugetlb.h>
int fs_conftest(struct mm_struct *d, struct mm_struct *s, struct vm_area_struct *dv,
		struct vm_area_struct *sv);
int fs_conftest(struct mm_struct *d, struct mm_struct *s, struct vm_area_struct *dv,
		struct vm_area_struct *sv) { return copy_hugetlb_page_range(d, s, dv, sv); }
