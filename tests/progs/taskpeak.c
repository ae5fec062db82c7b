// SPDX-License-Identifier: GPL-2.0
/*
 * taskpeak: runs a command and reports the most tasks the system had at
 * once while it ran (tests/guest/65-vforkmany.sh).
 *
 *   taskpeak CMD [ARGS...]
 *	Starts CMD, then reads the task count of /proc/loadavg (the N of
 *	"R/N") every 20 ms until CMD exits, creating no process meanwhile: a
 *	load that exhausts threads-max makes every fork fail, and a shell that
 *	cannot fork exits (the guest's init is one).  Prints "before B peak P"
 *	on stdout; exits with CMD's status (128 + the signal if one killed it).
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static long tasks(void)
{
	char buf[256], *p;
	ssize_t n;
	int fd = open("/proc/loadavg", O_RDONLY);

	if (fd < 0)
		return -1;
	n = read(fd, buf, sizeof(buf) - 1);
	close(fd);
	if (n <= 0)
		return -1;
	buf[n] = 0;
	p = strchr(buf, '/');
	return p ? strtol(p + 1, NULL, 10) : -1;
}

int main(int argc, char **argv)
{
	struct timespec ts = { 0, 20 * 1000 * 1000 };
	long before = tasks(), peak = before, t;
	int st;
	pid_t pid, w;

	if (argc < 2) {
		fprintf(stderr, "usage: taskpeak CMD [ARGS...]\n");
		return 2;
	}
	pid = fork();
	if (pid < 0) {
		perror("taskpeak: fork");
		return 1;
	}
	if (pid == 0) {
		execvp(argv[1], argv + 1);
		fprintf(stderr, "taskpeak: %s: %s\n", argv[1], strerror(errno));
		_exit(127);
	}
	for (;;) {
		w = waitpid(pid, &st, WNOHANG);
		if (w == pid)
			break;
		if (w < 0 && errno != EINTR) {
			perror("taskpeak: waitpid");
			return 1;
		}
		t = tasks();
		if (t > peak)
			peak = t;
		nanosleep(&ts, NULL);
	}
	printf("before %ld peak %ld\n", before, peak);
	fflush(stdout);
	return WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st);
}
