// SPDX-License-Identifier: GPL-2.0
/*
 * stattree: a process tree whose forkstats numbers are known exactly, for
 * "forkstats stat -- stattree M K J".  It prints the numbers stat must report,
 * one "KIND COLUMN VALUE" line each, measured without forkstats.
 *
 * The tree:
 *   stattree (R)  posix_spawn   -> W          vfork
 *                 vfork + _exit               vfork
 *                 pthread_create + join       thread
 *                 clone(CLONE_VM) + wait      clone
 *                 clone(CLONE_SIGHAND) alone  fork, refused with -EINVAL
 *   W             fork          -> C          fork: one level down the tree
 *
 * W maps M MiB, writes every page, and forks C.  C writes K pages of the
 * region, W then writes J others while C lives: C takes K COW copies, W J
 * copies, and nothing else may write a page the fork shares.  Ordinary C
 * code cannot promise that (every call writes a return address to the
 * stack; glibc's fork runs handlers that write its data), so everything
 * after the fork, in both processes, is the assembly routine below: system
 * calls and the page writes, registers only, no stack.  rseq is unregistered
 * first (the kernel writes its area on preemption).  C reports its VmPTE
 * right after the fork, before it touches anything: that is what the call
 * copied (the record's pgtable_bytes; tests/progs/fsaccept/pgtables.c
 * checks the equality for every kernel).
 *
 * Expected: fork 2 calls (1 failed), pgtable_bytes = C's VmPTE, cow_parent J,
 * cow_child K, cow_copies K + J, cow_reuses 0; vfork 2, thread 1, clone 1,
 * all without page tables or COW; kthread 0.
 */
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <sched.h>
#include <signal.h>
#include <spawn.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/rseq.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include "forkutil.h"

#ifndef __x86_64__
#error "stattree's post-fork path is x86-64 assembly"
#endif

#define PAGE 4096UL
#define MIB (1UL << 20)
#define STATUS_FD 3

extern char **environ;

/* What the post-fork routine reads; offsets are used by the assembly. */
struct plan {
	char *region;		/*  0 */
	long k;			/*  8: pages the child writes, from region */
	long j;			/* 16: pages the parent writes, after those */
	char *cscratch;		/* 24: a page nobody touched before the fork */
	char *pscratch;		/* 32: another one */
	long to_child_rd;	/* 40 */
	long to_child_wr;	/* 48 */
	long to_parent_rd;	/* 56 */
	long to_parent_wr;	/* 64 */
	long status_fd;		/* 72 */
	char path[32];		/* 80: "/proc/self/status" */
};

_Static_assert(__builtin_offsetof(struct plan, path) == 80, "plan layout");

/* Forks; exits 0 in both processes when all went well, 99 otherwise. */
__attribute__((noreturn)) void stattree_fork(const struct plan *p);

__asm__(
	"	.text\n"
	"	.globl stattree_fork\n"
	"	.type stattree_fork, @function\n"
	"stattree_fork:\n"
	"	movq %rdi, %r12\n"
	"	movl $56, %eax\n"		/* clone(SIGCHLD, 0, 0, 0, 0) */
	"	movl $17, %edi\n"
	"	xorl %esi, %esi\n"
	"	xorl %edx, %edx\n"
	"	xorl %r10d, %r10d\n"
	"	xorl %r8d, %r8d\n"
	"	syscall\n"
	"	testq %rax, %rax\n"
	"	js 9f\n"
	"	jz 5f\n"
	/* Parent: wait until the child wrote its K pages. */
	"	movq %rax, %r13\n"
	"	xorl %eax, %eax\n"		/* read(to_parent_rd, pscratch, 1) */
	"	movq 56(%r12), %rdi\n"
	"	movq 32(%r12), %rsi\n"
	"	movl $1, %edx\n"
	"	syscall\n"
	"	cmpq $1, %rax\n"
	"	jne 9f\n"
	"	movq 8(%r12), %rbx\n"		/* the J pages after the K */
	"	shlq $12, %rbx\n"
	"	addq (%r12), %rbx\n"
	"	movq 16(%r12), %r14\n"
	"1:	testq %r14, %r14\n"
	"	jz 2f\n"
	"	movb $2, (%rbx)\n"
	"	addq $4096, %rbx\n"
	"	decq %r14\n"
	"	jmp 1b\n"
	"2:	movl $1, %eax\n"		/* write(to_child_wr, path, 1): go */
	"	movq 48(%r12), %rdi\n"
	"	leaq 80(%r12), %rsi\n"
	"	movl $1, %edx\n"
	"	syscall\n"
	"	cmpq $1, %rax\n"
	"	jne 9f\n"
	"	movl $61, %eax\n"		/* wait4(child, pscratch, 0, NULL) */
	"	movq %r13, %rdi\n"
	"	movq 32(%r12), %rsi\n"
	"	xorl %edx, %edx\n"
	"	xorl %r10d, %r10d\n"
	"	syscall\n"
	"	cmpq %r13, %rax\n"
	"	jne 9f\n"
	"	movq 32(%r12), %rax\n"		/* the child exited 0 */
	"	cmpl $0, (%rax)\n"
	"	jne 9f\n"
	"	xorl %edi, %edi\n"
	"	jmp 10f\n"
	/* Child: report VmPTE before anything else. */
	"5:	movl $2, %eax\n"		/* open(path, O_RDONLY) */
	"	leaq 80(%r12), %rdi\n"
	"	xorl %esi, %esi\n"
	"	xorl %edx, %edx\n"
	"	syscall\n"
	"	testq %rax, %rax\n"
	"	js 9f\n"
	"	movq %rax, %r14\n"
	"	xorl %eax, %eax\n"		/* read(fd, cscratch, 4095) */
	"	movq %r14, %rdi\n"
	"	movq 24(%r12), %rsi\n"
	"	movl $4095, %edx\n"
	"	syscall\n"
	"	testq %rax, %rax\n"
	"	jle 9f\n"
	"	movq %rax, %rdx\n"		/* write(status_fd, cscratch, n) */
	"	movl $1, %eax\n"
	"	movq 72(%r12), %rdi\n"
	"	movq 24(%r12), %rsi\n"
	"	syscall\n"
	"	movl $3, %eax\n"		/* close(fd) */
	"	movq %r14, %rdi\n"
	"	syscall\n"
	"	movl $3, %eax\n"		/* close(status_fd) */
	"	movq 72(%r12), %rdi\n"
	"	syscall\n"
	"	movq (%r12), %rbx\n"		/* the K pages */
	"	movq 8(%r12), %r14\n"
	"6:	testq %r14, %r14\n"
	"	jz 7f\n"
	"	movb $1, (%rbx)\n"
	"	addq $4096, %rbx\n"
	"	decq %r14\n"
	"	jmp 6b\n"
	"7:	movl $1, %eax\n"		/* write(to_parent_wr, path, 1) */
	"	movq 64(%r12), %rdi\n"
	"	leaq 80(%r12), %rsi\n"
	"	movl $1, %edx\n"
	"	syscall\n"
	"	xorl %eax, %eax\n"		/* read(to_child_rd, cscratch, 1) */
	"	movq 40(%r12), %rdi\n"
	"	movq 24(%r12), %rsi\n"
	"	movl $1, %edx\n"
	"	syscall\n"
	"	cmpq $1, %rax\n"
	"	jne 9f\n"
	"	xorl %edi, %edi\n"
	"	jmp 10f\n"
	"9:	movl $99, %edi\n"
	"10:	movl $231, %eax\n"		/* exit_group */
	"	syscall\n"
	"	hlt\n"
	"	.size stattree_fork, .-stattree_fork\n");

static void die(const char *what)
{
	fprintf(stderr, "stattree: %s: %s\n", what, strerror(errno));
	exit(2);
}

static void *map(size_t size)
{
	void *p = mmap(NULL, size, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

	if (p == MAP_FAILED)
		die("mmap");
	return p;
}

static int worker(unsigned long mib, long k, long j)
{
	unsigned int size = __rseq_size;
	struct plan *p;
	int to_child[2], to_parent[2];
	size_t i;

	if (size && syscall(SYS_rseq, (char *)__builtin_thread_pointer() + __rseq_offset,
			    size < 32 ? 32 : size, 1 /* RSEQ_FLAG_UNREGISTER */, RSEQ_SIG))
		die("rseq unregister");
	if (pipe(to_child) || pipe(to_parent))
		die("pipe");
	p = map(PAGE);
	p->region = map(mib * MIB);
	if (madvise(p->region, mib * MIB, MADV_NOHUGEPAGE))
		die("madvise");
	for (i = 0; i < mib * MIB / PAGE; i++)
		p->region[i * PAGE] = 1;
	p->k = k;
	p->j = j;
	p->cscratch = map(PAGE);
	p->pscratch = map(PAGE);
	p->to_child_rd = to_child[0];
	p->to_child_wr = to_child[1];
	p->to_parent_rd = to_parent[0];
	p->to_parent_wr = to_parent[1];
	p->status_fd = STATUS_FD;
	strcpy(p->path, "/proc/self/status");
	stattree_fork(p);
}

static void *thread_fn(void *arg)
{
	return arg;
}

static int clone_fn(void *arg)
{
	(void)arg;
	return 0;
}

static void reap(pid_t pid, const char *what)
{
	if (fs_reap(pid, NULL)) {
		fprintf(stderr, "stattree: %s failed\n", what);
		exit(2);
	}
}

int main(int argc, char **argv)
{
	static char stack[64 * 1024] __attribute__((aligned(16)));
	posix_spawn_file_actions_t fa;
	char *wargv[6], buf[8192], *s;
	unsigned long mib;
	long k, j;
	uint64_t vmpte;
	size_t have = 0;
	ssize_t n;
	pthread_t th;
	int fds[2], i;
	pid_t pid;

	if (argc == 5 && !strcmp(argv[1], "worker"))
		return worker(strtoul(argv[2], NULL, 10), atol(argv[3]), atol(argv[4]));
	if (argc != 4) {
		fprintf(stderr, "usage: stattree MIB K J\n");
		return 2;
	}
	mib = strtoul(argv[1], NULL, 10);
	k = atol(argv[2]);
	j = atol(argv[3]);
	if (!mib || k < 0 || j < 0 || (unsigned long)(k + j) > mib * MIB / PAGE) {
		fprintf(stderr, "stattree: K + J must fit in MIB MiB of pages\n");
		return 2;
	}

	/* W, with C's report on its fd 3. */
	if (pipe2(fds, O_CLOEXEC))
		die("pipe");
	/* Above STATUS_FD, so that the dup2 cannot clobber the other end. */
	for (i = 0; i < 2; i++) {
		int hi = fcntl(fds[i], F_DUPFD_CLOEXEC, 10);

		if (hi < 0)
			die("fcntl");
		close(fds[i]);
		fds[i] = hi;
	}
	posix_spawn_file_actions_init(&fa);
	posix_spawn_file_actions_adddup2(&fa, fds[1], STATUS_FD);
	wargv[0] = argv[0];
	wargv[1] = "worker";
	wargv[2] = argv[1];
	wargv[3] = argv[2];
	wargv[4] = argv[3];
	wargv[5] = NULL;
	if (posix_spawn(&pid, "/proc/self/exe", &fa, NULL, wargv, environ))
		die("posix_spawn");
	close(fds[1]);
	while ((n = read(fds[0], buf + have, sizeof(buf) - 1 - have)) > 0)
		have += (size_t)n;
	buf[have] = '\0';
	close(fds[0]);
	reap(pid, "the worker");
	s = strstr(buf, "VmPTE:");
	if (!s) {
		fprintf(stderr, "stattree: the child did not report its VmPTE\n");
		return 2;
	}
	vmpte = strtoull(s + 6, NULL, 10) * 1024;

	pid = vfork();
	if (pid == 0)
		_exit(0);
	if (pid < 0)
		die("vfork");
	reap(pid, "vfork");
	if (pthread_create(&th, NULL, thread_fn, NULL) || pthread_join(th, NULL))
		die("pthread_create");
	pid = clone(clone_fn, stack + sizeof(stack), CLONE_VM | SIGCHLD, NULL);
	if (pid < 0)
		die("clone");
	reap(pid, "clone");
	/* CLONE_SIGHAND without CLONE_VM: copy_process refuses it. */
	if (syscall(SYS_clone, CLONE_SIGHAND | SIGCHLD, 0, 0, 0, 0) != -1 || errno != EINVAL) {
		fprintf(stderr, "stattree: clone(CLONE_SIGHAND) was not refused with EINVAL\n");
		return 2;
	}

	printf("fork calls 2\nfork failed 1\nfork pgtable_bytes %llu\n", (unsigned long long)vmpte);
	printf("fork cow_parent %ld\nfork cow_child %ld\nfork cow_copies %ld\nfork cow_reuses 0\n",
	       j, k, k + j);
	printf("vfork calls 2\nvfork failed 0\nvfork pgtable_bytes 0\nvfork cow_parent 0\nvfork cow_child 0\n");
	printf("thread calls 1\nthread pgtable_bytes 0\nthread cow_parent 0\nthread cow_child 0\n");
	printf("clone calls 1\nclone pgtable_bytes 0\nclone cow_parent 0\nclone cow_child 0\n");
	printf("kthread calls 0\n");
	printf("total calls 6\ntotal failed 1\ntotal pgtable_bytes %llu\n", (unsigned long long)vmpte);
	printf("total cow_parent %ld\ntotal cow_child %ld\n", j, k);
	return 0;
}
