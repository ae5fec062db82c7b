/* VM_ALLOW_HUGE_VMAP: 5.18+, kvmalloc() maps areas of PMD_SIZE or more with huge pages */
#include <linux/vmalloc.h>
unsigned long fs_conftest(void);
unsigned long fs_conftest(void) { return VM_ALLOW_HUGE_VMAP; }
