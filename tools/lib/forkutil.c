// SPDX-License-Identifier: GPL-2.0
/* Helpers of the programs that fork on purpose (see forkutil.h). */
#include "forkutil.h"

#include <stdint.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

char *fs_map_region(size_t size, size_t align, int advice)
{
	char *raw, *p;

	raw = mmap(NULL, size + 2 * align, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE,
		   -1, 0);
	if (raw == MAP_FAILED)
		return NULL;
	p = (char *)(((uintptr_t)raw + align - 1) & ~(uintptr_t)(align - 1));
	if (mmap(p, size, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED,
		 -1, 0) == MAP_FAILED || madvise(p, size, advice))
		return NULL;
	return p;
}

void fs_touch(char *p, size_t pages, char v)
{
	size_t i;

	for (i = 0; i < pages; i++)
		((volatile char *)p)[i * FS_PAGE] = v;
}

pid_t fs_fork_waiter(int *release_fd)
{
	int fds[2];
	pid_t pid;
	char x;

	if (pipe(fds))
		return -1;
	pid = fork();
	if (pid < 0) {
		close(fds[0]);
		close(fds[1]);
		return -1;
	}
	if (pid == 0) {
		close(fds[1]);
		_exit(read(fds[0], &x, 1) == 0 ? 0 : 1);
	}
	close(fds[0]);
	*release_fd = fds[1];
	return pid;
}

pid_t fs_fork_exit(void)
{
	pid_t pid = fork();

	if (pid == 0)
		_exit(0);
	return fs_reap(pid, NULL) ? -1 : pid;
}

pid_t fs_vfork_exit(void)
{
	pid_t pid = vfork();

	if (pid == 0)
		_exit(0);
	return fs_reap(pid, NULL) ? -1 : pid;
}

int fs_drain_lru(void)
{
	static char *scratch;
	int node = 0, status;
	void *pages[1];

	if (!scratch) {
		scratch = mmap(NULL, FS_PAGE, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS,
			       -1, 0);
		if (scratch == MAP_FAILED) {
			scratch = NULL;
			return -1;
		}
		scratch[0] = 1;
	}
	pages[0] = scratch;
	return syscall(SYS_move_pages, 0, 1UL, pages, &node, &status, 0) ? -1 : 0;
}

int fs_reap(pid_t pid, int *status)
{
	int st = -1;

	if (pid <= 0 || waitpid(pid, &st, __WALL) != pid)
		st = -1;
	if (status)
		*status = st;
	return st != -1 && WIFEXITED(st) && !WEXITSTATUS(st) ? 0 : -1;
}
