/* VM_FAULT_WRITE: removed in 6.2 (the same test as module/conftest/) */
#include <linux/mm_types.h>
int fsf_conftest(void);
int fsf_conftest(void) { return VM_FAULT_WRITE; }
