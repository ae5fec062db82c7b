/* mm->rss_stat[] as per-CPU counters: 6.2+ */
#include <linux/mm_types.h>
#include <linux/percpu_counter.h>
s64 fs_conftest(struct mm_struct *mm);
s64 fs_conftest(struct mm_struct *mm) { return percpu_counter_sum(&mm->rss_stat[0]); }
