/* FAULT_FLAG_UNSHARE: added in 5.19 */
#include <linux/mm_types.h>
int fs_conftest(void);
int fs_conftest(void) { return FAULT_FLAG_UNSHARE; }
