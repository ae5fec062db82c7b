/*
 * VM_COPY_ON_FORK (7.x): the child VMA's flags for which vma_needs_copy()
 * copies page tables without an anon_vma (PFN/mixed maps, uffd-wp and -rwp,
 * guard regions)
 */
#include <linux/mm.h>
unsigned long fs_conftest(void);
unsigned long fs_conftest(void) { return VM_COPY_ON_FORK; }
