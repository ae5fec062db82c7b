/* VM_FAULT_WRITE: removed in 6.2 */
#include <linux/mm_types.h>
int fs_conftest(void);
int fs_conftest(void) { return VM_FAULT_WRITE; }
