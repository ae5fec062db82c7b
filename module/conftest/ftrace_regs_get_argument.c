/* ftrace_regs_get_argument(): 6.2+, ftrace callbacks read arguments through it */
#include <linux/ftrace.h>
unsigned long fs_conftest(struct ftrace_regs *fregs);
unsigned long fs_conftest(struct ftrace_regs *fregs) { return ftrace_regs_get_argument(fregs, 0); }
