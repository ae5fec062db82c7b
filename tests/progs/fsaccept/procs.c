// SPDX-License-Identifier: GPL-2.0
/*
 * fsaccept: the processes and the memory the checks are made of: regions,
 * forks that wait or exit, LRU drains, the stack prefault, rseq off.
 */
#include "fsaccept.h"

/* Empty every CPU's LRU caches, which hold page references (docs/design.md). */
void drain_lru(void)
{
	if (fs_drain_lru())
		bail("move_pages");
}

char *map_region(size_t size, size_t align, int advice)
{
	char *p = fs_map_region(size, align, advice);

	if (!p)
		bail("mmap");
	return p;
}

pid_t fork_waiter(int *release_fd)
{
	pid_t pid = fs_fork_waiter(release_fd);

	if (pid < 0)
		bail("fork");
	return pid;
}

void reap(pid_t pid)
{
	if (fs_reap(pid, NULL))
		bail("child");
}

/*
 * Write every stack page the next calls may use, down to 32 KiB below this
 * frame: after fork the first write to each shared stack page is a COW fault,
 * and it must not fall inside a measured phase.
 */
__attribute__((noinline)) void stack_prefault(void)
{
	volatile char pad[32 * 1024];
	size_t i;

	for (i = 0; i < sizeof(pad); i += 512)
		pad[i] = 0;
}

/*
 * glibc registers rseq, and the kernel then writes the thread's rseq area (in
 * its TCB) on every return to user space after a context switch: a COW fault
 * whenever that page is still shared, at moments set by the scheduler.  The
 * COW protocols unregister it (docs/design.md).  Returns the size that was
 * registered (0: none).
 */
unsigned int without_rseq(void)
{
	unsigned int size = __rseq_size;

	if (size && syscall(SYS_rseq, (char *)__builtin_thread_pointer() + __rseq_offset,
			    size < 32 ? 32 : size, 1 /* RSEQ_FLAG_UNREGISTER */, RSEQ_SIG))
		bail("rseq unregister");
	return size;
}

void *pthread_fn(void *arg)
{
	*(pid_t *)arg = (pid_t)syscall(SYS_gettid);
	return NULL;
}

pid_t vfork_exit(void)
{
	pid_t pid = vfork();

	if (pid == 0)
		_exit(0);
	return pid;
}

pid_t fork_exit(void)
{
	pid_t pid = fork();

	if (pid == 0)
		_exit(0);
	reap(pid);
	return pid;
}
