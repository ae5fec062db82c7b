// SPDX-License-Identifier: GPL-2.0
/*
 * forkvfork: a small fork-vs-vfork comparison for `make demo`.
 *
 *   forkvfork [-n ITERATIONS] [-s MIB]
 *
 * The parent first writes every page of a SIZE MiB buffer, then creates
 * ITERATIONS children with fork() and ITERATIONS with vfork(); each child
 * exits at once.  Prints the mean time per call (create, child exit, wait)
 * for each method.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static double now_us(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1e6 + ts.tv_nsec / 1e3;
}

static int reap(pid_t pid)
{
	int status;

	if (pid < 0) {
		perror("forkvfork: fork");
		return -1;
	}
	if (waitpid(pid, &status, 0) != pid || !WIFEXITED(status) || WEXITSTATUS(status)) {
		fprintf(stderr, "forkvfork: child %d did not exit cleanly\n", (int)pid);
		return -1;
	}
	return 0;
}

/* The child of vfork() may only call _exit(): it runs on the parent's stack. */
static pid_t vfork_exit(void)
{
	pid_t pid = vfork();

	if (pid == 0)
		_exit(0);
	return pid;
}

static pid_t fork_exit(void)
{
	pid_t pid = fork();

	if (pid == 0)
		_exit(0);
	return pid;
}

int main(int argc, char **argv)
{
	long iters = 100, mib = 64, i;
	double t0, tfork, tvfork;
	char *mem = NULL;
	int c;

	while ((c = getopt(argc, argv, "n:s:h")) != -1) {
		switch (c) {
		case 'n':
			iters = strtol(optarg, NULL, 10);
			break;
		case 's':
			mib = strtol(optarg, NULL, 10);
			break;
		default:
			fprintf(stderr, "usage: forkvfork [-n ITERATIONS] [-s MIB]\n");
			return c == 'h' ? 0 : 2;
		}
	}
	if (iters <= 0 || mib < 0) {
		fprintf(stderr, "forkvfork: ITERATIONS must be > 0 and MIB >= 0\n");
		return 2;
	}
	if (mib) {
		mem = mmap(NULL, (size_t)mib << 20, PROT_READ | PROT_WRITE,
			   MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
		if (mem == MAP_FAILED) {
			perror("forkvfork: mmap");
			return 1;
		}
		memset(mem, 1, (size_t)mib << 20);
	}

	t0 = now_us();
	for (i = 0; i < iters; i++)
		if (reap(fork_exit()))
			return 1;
	tfork = (now_us() - t0) / iters;

	t0 = now_us();
	for (i = 0; i < iters; i++)
		if (reap(vfork_exit()))
			return 1;
	tvfork = (now_us() - t0) / iters;

	printf("parent memory %ld MiB, %ld calls each\n", mib, iters);
	printf("  fork  + exit + wait: %10.1f us/call\n", tfork);
	printf("  vfork + exit + wait: %10.1f us/call\n", tvfork);
	return 0;
}
