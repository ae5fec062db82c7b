/* 5.11+: an ftrace callback receives struct ftrace_regs, not struct pt_regs */
#include <linux/ftrace.h>
void fs_conftest(unsigned long ip, unsigned long pip, struct ftrace_ops *op, struct ftrace_regs *fregs);
void fs_conftest(unsigned long ip, unsigned long pip, struct ftrace_ops *op, struct ftrace_regs *fregs) { }
ftrace_func_t fs_conftest_func(void);
ftrace_func_t fs_conftest_func(void) { return fs_conftest; }
