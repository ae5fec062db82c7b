/* zero_pfn(addr): the zero page's pfn (7.x; my_zero_pfn() before, its variable zero_page_pfn) */
#include <linux/pgtable.h>
unsigned long fs_conftest(void);
unsigned long fs_conftest(void) { return zero_pfn(0); }
