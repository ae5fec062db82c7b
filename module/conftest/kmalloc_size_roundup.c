/* kmalloc_size_roundup(): 6.1+, the size kmalloc() really gives */
#include <linux/slab.h>
size_t fs_conftest(size_t n);
size_t fs_conftest(size_t n) { return kmalloc_size_roundup(n); }
