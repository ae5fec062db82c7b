/* mm_exit_exec_release(): 7.x, exit_mm_release() and exec_mm_release() in one */
#include <linux/sched/mm.h>
void fs_conftest(struct task_struct *tsk, struct mm_struct *mm);
void fs_conftest(struct task_struct *tsk, struct mm_struct *mm) { mm_exit_exec_release(tsk, mm); }
