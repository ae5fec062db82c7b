/* struct objpool_slot: 6.7+, kretprobe instances in a per-CPU object pool */
#include <linux/objpool.h>
size_t fs_conftest(void);
size_t fs_conftest(void) { return sizeof(struct objpool_slot); }
