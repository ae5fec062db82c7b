// SPDX-License-Identifier: GPL-2.0
/*
 * lab: the claims of the course notes (../shared/seeds/, five Chinese texts
 * on fork, vfork, clone and copy-on-write), each checked with numbers from
 * forkstats: the program's own per-call records, found by the child's pid
 * among those of the source (source.h: the module's debugfs calls, or the
 * BPF backend's maps when the module is not loaded).  docs/lab.md lists the
 * claims.
 *
 *   lab [--backend auto|module|bpf] [--proc PATH] [--debugfs DIR] all | CLAIM | check
 *
 * all or one claim; check: can the records be read?  (exit 0, or 1 and why).
 * Records: the module's when it is loaded, else the BPF backend's when it is
 * attached; as root with neither, the BPF backend attached for this run.
 *
 * Each claim prints the note's words, the evidence and a verdict; the last
 * line is "result CLAIM pass|FAIL VERDICT".  The exit status is 1 when a
 * measurement failed or a verdict is not the one this kernel should give.
 *
 * Fault counts here allow for the pages each side writes anyway after a fork
 * (its stack, libc's data, the rseq area): at most SLACK per side.  The exact
 * counts are proven by tests/progs/fsaccept/ and stattree.c.  A figure the
 * backend cannot give (the record's unknown bits: the tracepoint chain has no
 * child RSS and no copy/reuse split) is said to be unknown and not judged.
 *
 * Every child is tracked until reaped: whatever path exits (a record that
 * cannot be read, a failed call), kill_children() kills and reaps those left,
 * so no child waits on a pipe after the lab is gone.
 */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <pthread.h>
#include <sched.h>
#include <signal.h>
#include <spawn.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "calls.h"
#include "forkutil.h"
#include "source.h"

#define PAGE	FS_PAGE
#define MIB	(1UL << 20)
#define GIB	(1UL << 30)
#define SLACK	16
extern char **environ;

static int failed;
static struct fs_source *src;
static struct fs_source_conf conf = FS_SOURCE_CONF_DEFAULT;

/* The children not reaped yet (at most a few at a time). */
static pid_t children[8];

static void track(pid_t pid)
{
	size_t i;

	for (i = 0; pid > 0 && i < sizeof(children) / sizeof(children[0]); i++) {
		if (!children[i]) {
			children[i] = pid;
			return;
		}
	}
}

static void untrack(pid_t pid)
{
	size_t i;

	for (i = 0; i < sizeof(children) / sizeof(children[0]); i++)
		if (children[i] == pid)
			children[i] = 0;
}

/* atexit: kill and reap every child left (an error path exits early). */
static void kill_children(void)
{
	size_t i;

	for (i = 0; i < sizeof(children) / sizeof(children[0]); i++) {
		if (!children[i])
			continue;
		kill(children[i], SIGKILL);
		waitpid(children[i], NULL, __WALL);
		children[i] = 0;
	}
	fs_source_close(src);
	src = NULL;
}

/* v in decimal, for printing beside "unknown" (four at a time). */
static const char *u64(uint64_t v)
{
	static char buf[4][24];
	static int n;

	n = (n + 1) % 4;
	snprintf(buf[n], sizeof(buf[n]), "%llu", (unsigned long long)v);
	return buf[n];
}

static void die(const char *what)
{
	fprintf(stderr, "lab: %s: %s\n", what, strerror(errno));
	exit(1);
}

static void say(const char *note, const char *zh, const char *en)
{
	printf("   note %s:\n     「%s」\n   claim: %s\n", note, zh, en);
}

static void evidence(const char *fmt, ...)
{
	va_list ap;

	printf("   evidence: ");
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	printf("\n");
}

/*
 * The verdict: measured is what the numbers say, expected what this kernel
 * should say; a mismatch fails the claim.
 */
static void verdict(const char *name, const char *measured, const char *expected, const char *why)
{
	int ok = !strcmp(measured, expected);

	printf("   verdict: %s%s%s\n", measured, why ? " — " : "", why ? why : "");
	printf("result %s %s %s\n\n", name, ok ? "pass" : "FAIL", measured);
	if (!ok)
		failed = 1;
	fflush(stdout);
}

/* The newest record of the call that created pid (exits when there is none). */
static struct fs_call call_of(pid_t pid)
{
	struct fs_calls c;
	struct fs_call r;
	char err[256];
	size_t i;

	if (fs_source_calls(src, &c, err, sizeof(err))) {
		fprintf(stderr, "lab: %s\n", err);
		exit(1);
	}
	for (i = c.n; i-- > 0;) {
		if (c.v[i].r.child_pid == pid) {
			r = c.v[i];
			r.unknown |= c.v[i].r.unknown;
			fs_calls_free(&c);
			return r;
		}
	}
	fs_calls_free(&c);
	fprintf(stderr, "lab: no record of the call that created %d (%s backend)\n", (int)pid,
		fs_backend_name(fs_source_backend(src)));
	exit(1);
}

static struct fs_record record_of(pid_t pid)
{
	return call_of(pid).r;
}

/* Does the record know column col (enum fs_record_column)? */
static int known(const struct fs_call *c, int col)
{
	return !(c->unknown & (1u << col));
}

/* size bytes, 1 GiB-aligned (page tables: its PTE pages and one PMD page), written. */
static char *region(size_t size)
{
	char *p = fs_map_region(size, GIB, MADV_NOHUGEPAGE);

	if (!p)
		die("mmap");
	fs_touch(p, size / PAGE, 1);
	return p;
}

static void reap(pid_t pid)
{
	untrack(pid);
	if (fs_reap(pid, NULL)) {
		fprintf(stderr, "lab: child %d failed\n", (int)pid);
		exit(1);
	}
}

/* A child that waits until *rel is closed (release()), then exits. */
static pid_t waiter(int *rel)
{
	pid_t pid = fs_fork_waiter(rel);

	if (pid < 0)
		die("fork");
	track(pid);
	return pid;
}

static void release(int rel, pid_t pid)
{
	close(rel);
	reap(pid);
}

/*
 * 1. fork copies the page tables, not the pages.  Two forks of the same
 * parent, whose 64 MiB region (1 GiB-aligned, its own PMD page) has first
 * one page written, then all: the upper levels and the rest of the parent
 * are alike, so the second child's page tables are larger by exactly the
 * region's other PTE pages, whatever the address space layout (ASLR).  Both
 * records are read once both children exist: reading them allocates, and the
 * heap it grows would be copied too.
 */
static void claim_pgtables(void)
{
	size_t mib = 64, pages = mib * MIB / PAGE, ptes = pages / 512;
	struct fs_record one, all;
	struct fs_call all_call;
	int rel_one, rel_all, rss_known;
	char rss[32];
	pid_t pid_one, pid_all;
	char *p = fs_map_region(mib * MIB, GIB, MADV_NOHUGEPAGE);
	uint64_t delta;

	say("000_4d1199572ef953fb.txt",
	    "fork执行时并不真正复制用户空间的所有页面，而只是复制页面表",
	    "fork does not copy the pages of user space, only the page tables");
	if (!p)
		die("mmap");
	fs_touch(p, 1, 1);
	pid_one = waiter(&rel_one);
	fs_touch(p, pages, 1);
	pid_all = waiter(&rel_all);
	one = record_of(pid_one);
	all_call = call_of(pid_all);
	all = all_call.r;
	rss_known = known(&all_call, FS_COL_rss_pages);
	if (rss_known)
		snprintf(rss, sizeof(rss), "%llu pages", (unsigned long long)all.rss_pages);
	/* The second child holds a copy of the first one's pipe: it goes first. */
	release(rel_all, pid_all);
	release(rel_one, pid_one);
	delta = all.pgtable_bytes - one.pgtable_bytes;
	evidence("a fork of a parent with %zu MiB written copies %llu B more page tables than "
		 "with one page of it written (%llu pages: the other %zu of the %zu PTE pages "
		 "that map %zu MiB) and maps %s in the child; when the child was "
		 "created, %llu of them had been copied (COW faults)",
		 mib, (unsigned long long)delta, (unsigned long long)(delta / PAGE), ptes - 1,
		 ptes, mib, rss_known ? rss : "? pages (unknown with this backend)",
		 (unsigned long long)(all.cow_parent + all.cow_child));
	verdict("pgtables", delta == (ptes - 1) * PAGE && (!rss_known || all.rss_pages >= pages) &&
		all.cow_parent + all.cow_child <= 2 * SLACK ? "CONFIRMED" : "NOT-SEEN",
		"CONFIRMED", NULL);
	munmap(p, mib * MIB);
}

/* 2. pages are copied on the first write, by whichever side writes. */
static void claim_cow(void)
{
	size_t k = 200, j = 100;
	struct fs_record r0, r1, r2, r3;
	struct fs_call c2;
	int copies_known;
	char *p = region(4 * MIB);
	int start[2], go[2], done[2];
	pid_t pid;
	char x;

	say("003_2cdf43890e66a6ca.txt",
	    "数据空间、堆、栈的副本在创建子进程时并不创建副本。而是在父进程或者子进程修改这片区域时，内核为修改区域的那块内存制作一个副本",
	    "data, heap and stack are not copied when the child is created; when the parent or "
	    "the child writes, the kernel copies the page written");
	if (pipe(start) || pipe(done) || pipe(go))
		die("pipe");
	pid = fork();
	if (pid < 0)
		die("fork");
	if (pid == 0) {
		close(start[1]);
		close(go[1]);
		close(done[0]);
		if (read(start[0], &x, 1) != 1)
			_exit(1);
		fs_touch(p, k, 2);
		if (write(done[1], "x", 1) != 1 || read(go[0], &x, 1) != 1)
			_exit(1);
		_exit(0);
	}
	track(pid);
	close(start[0]);
	close(go[0]);
	close(done[1]);
	r0 = record_of(pid);
	if (write(start[1], "x", 1) != 1 || read(done[0], &x, 1) != 1)
		die("pipe");
	r1 = record_of(pid);
	fs_touch(p + k * PAGE, j, 3);
	c2 = call_of(pid);
	r2 = c2.r;
	copies_known = known(&c2, FS_COL_cow_copies);
	fs_touch(p + k * PAGE, j, 4);	/* the same pages again */
	r3 = record_of(pid);
	if (write(go[1], "x", 1) != 1)
		die("write");
	reap(pid);
	close(start[1]);
	close(go[1]);
	close(done[0]);
	evidence("child writes %zu pages: child COW %llu -> %llu; parent writes %zu others: "
		 "parent COW %llu -> %llu (copies %s%s%s); parent writes them again: "
		 "parent COW %llu -> %llu", k, (unsigned long long)r0.cow_child,
		 (unsigned long long)r1.cow_child, j, (unsigned long long)r1.cow_parent,
		 (unsigned long long)r2.cow_parent,
		 copies_known ? u64(r1.cow_copies) : "unknown with this backend",
		 copies_known ? " -> " : "", copies_known ? u64(r2.cow_copies) : "",
		 (unsigned long long)r2.cow_parent, (unsigned long long)r3.cow_parent);
	verdict("cow", r1.cow_child - r0.cow_child >= k && r1.cow_child - r0.cow_child <= k + SLACK &&
		r2.cow_parent - r1.cow_parent >= j && r2.cow_parent - r1.cow_parent <= j + SLACK &&
		(!copies_known || r2.cow_copies - r1.cow_copies >= j) &&
		r3.cow_parent - r2.cow_parent <= SLACK ?
		"CONFIRMED" : "NOT-SEEN", "CONFIRMED", NULL);
	munmap(p, 4 * MIB);
}

/* 3. vfork: shared variables, the parent suspended until exit or exec. */
static volatile int count;

static void claim_vfork_shares(void)
{
	struct timespec nap = { 0, 50 * 1000 * 1000 };
	struct fs_record r;
	pid_t pid;

	say("000_4d1199572ef953fb.txt",
	    "子进程修改了count变量,父进程的 count变量同样受到了影响 … 子进程执行时，父进程处于挂起状态 … 除非子进程exit或者execv",
	    "the vfork child changing count changes the parent's count; the parent is suspended "
	    "while the child runs, until it exits or execs");
	count = 0;
	pid = vfork();
	if (pid < 0)
		die("vfork");
	if (pid == 0) {
		count = 1;
		nanosleep(&nap, NULL);
		_exit(0);
	}
	reap(pid);
	r = record_of(pid);
	evidence("after the child set count = 1 and slept 50 ms, the parent reads count = %d; the "
		 "record: kind %s, %llu B of page tables, the call took %.1f ms in the parent",
		 count, fs_kind_name(r.kind), (unsigned long long)r.pgtable_bytes, r.total_ns / 1e6);
	verdict("vfork-shares", count == 1 && r.kind == FS_KIND_VFORK && !r.pgtable_bytes &&
		r.total_ns >= 50000000 ? "CONFIRMED" : "NOT-SEEN", "CONFIRMED", NULL);
}

/* 4. "vfork creates a thread, not a process". */
static void claim_vfork_thread(void)
{
	volatile pid_t child_tgid = 0;
	struct fs_record r;
	pid_t pid;

	say("000_4d1199572ef953fb.txt",
	    "vfork创建出来的不是真正意义上的进程，而是一个线程，因为它缺少独立的内存资源",
	    "vfork creates not a real process but a thread, because it lacks memory of its own");
	pid = vfork();
	if (pid < 0)
		die("vfork");
	if (pid == 0) {
		child_tgid = getpid();
		_exit(0);
	}
	reap(pid);
	r = record_of(pid);
	evidence("the vfork child has its own process id: getpid() %d = its pid, parent %d; the "
		 "clone flags 0x%llx have no CLONE_THREAD; it borrows the parent's memory only "
		 "until it execs or exits (the parent waits meanwhile), then it is an ordinary "
		 "process", (int)child_tgid, (int)getpid(), (unsigned long long)r.flags);
	verdict("vfork-thread", child_tgid == pid && child_tgid != getpid() &&
		!(r.flags & CLONE_THREAD) ? "WRONG" : "NOT-SEEN", "WRONG",
		"a vfork child is a process of its own that shares the memory for a while");
}

/* 5. fork copies only the calling thread. */
static void *idle_thread(void *arg)
{
	pause();
	return arg;
}

struct forker {
	pid_t pid;
	int threads;
};

static void *fork_from_thread(void *arg)
{
	struct forker *f = arg;
	int fds[2];
	char buf[4096], *s;
	ssize_t n;

	if (pipe(fds))
		die("pipe");
	f->pid = fork();
	if (f->pid < 0)
		die("fork");
	if (f->pid == 0) {
		int fd = open("/proc/self/status", O_RDONLY);

		n = fd < 0 ? -1 : read(fd, buf, sizeof(buf) - 1);
		if (n <= 0 || write(fds[1], buf, (size_t)n) != n)
			_exit(1);
		_exit(0);
	}
	track(f->pid);
	close(fds[1]);
	n = read(fds[0], buf, sizeof(buf) - 1);
	close(fds[0]);
	buf[n > 0 ? n : 0] = '\0';
	s = strstr(buf, "Threads:");
	f->threads = s ? atoi(s + 8) : -1;
	reap(f->pid);
	return NULL;
}

static void claim_one_thread(void)
{
	pthread_t idle[3], t;
	struct forker f = { 0, 0 };
	struct fs_record r;
	int i;

	say("issue 5 / 002_570d642e9dad2f7c.txt",
	    "一个进程的所有信息对该进程的线程都是共享的 (fork 只复制调用它的线程)",
	    "a fork in a multi-threaded process copies only the calling thread");
	for (i = 0; i < 3; i++)
		if (pthread_create(&idle[i], NULL, idle_thread, NULL))
			die("pthread_create");
	if (pthread_create(&t, NULL, fork_from_thread, &f) || pthread_join(t, NULL))
		die("pthread_create");
	r = record_of(f.pid);
	evidence("a process of 5 threads forks from one of them: the child's /proc/self/status "
		 "says Threads: %d; one %s call (made by thread %d of process %d)", f.threads,
		 fs_kind_name(r.kind), (int)r.parent_pid, (int)r.parent_tgid);
	verdict("one-thread", f.threads == 1 && r.kind == FS_KIND_FORK && r.parent_pid != r.parent_tgid ?
		"CONFIRMED" : "NOT-SEEN", "CONFIRMED", NULL);
	for (i = 0; i < 3; i++)
		pthread_cancel(idle[i]);
	for (i = 0; i < 3; i++)
		pthread_join(idle[i], NULL);
}

/* 6. fork + exec: the copied page tables are thrown away. */
static void claim_exec_waste(void)
{
	char *argv[] = { "true", NULL }, *p = region(64 * MIB);
	struct fs_record rf, rv, rs;
	pid_t pid;

	say("000_4d1199572ef953fb.txt",
	    "fork之后会紧接着exec，而exec的执行相当于之前fork复制的空间全部变成了无用功 … 所以设计了vfork",
	    "when exec follows fork at once, what fork copied is wasted work; that is why vfork "
	    "exists");
	pid = fork();
	if (pid == 0) {
		execve("/proc/self/exe", argv, environ);
		_exit(127);
	}
	reap(pid);
	rf = record_of(pid);
	pid = vfork();
	if (pid == 0) {
		execve("/proc/self/exe", argv, environ);
		_exit(127);
	}
	reap(pid);
	rv = record_of(pid);
	if (posix_spawn(&pid, "/proc/self/exe", NULL, NULL, argv, environ))
		die("posix_spawn");
	reap(pid);
	rs = record_of(pid);
	evidence("parent with 64 MiB written: fork + exec copied %llu B of page tables (%u VMAs) "
		 "that exec threw away, and %llu pages by COW before the exec; vfork + exec "
		 "copied %llu B, posix_spawn %llu B (kind %s)", (unsigned long long)rf.pgtable_bytes,
		 rf.vmas_copied, (unsigned long long)rf.cow_child, (unsigned long long)rv.pgtable_bytes,
		 (unsigned long long)rs.pgtable_bytes, fs_kind_name(rs.kind));
	verdict("exec-waste", rf.pgtable_bytes >= 32 * PAGE && !rv.pgtable_bytes && !rs.pgtable_bytes &&
		rs.kind == FS_KIND_VFORK ? "CONFIRMED" : "NOT-SEEN", "CONFIRMED",
		"the waste today is the page tables (and a few COW copies), not the pages");
	munmap(p, 64 * MIB);
}

/* 7. clone flags choose what is shared. */
static int fd_to_close;

static int clone_child(void *arg)
{
	(void)arg;
	close(fd_to_close);
	return 0;
}

static void claim_clone_flags(void)
{
	static char stack[64 * 1024] __attribute__((aligned(16)));
	struct fs_record vm, novm;
	int open_after_files, open_after_nofiles;
	pid_t pid;

	say("002_570d642e9dad2f7c.txt",
	    "clone允许子进程共享调用进程(即父进程)的部分执行上下文, 例如: 虚拟地址空间, 文件描述符表 … CLONE_FILES : 若设置, 则调用进程和新进程共享文件描述符表 … 关闭和修改文件描述符对其它进程也受影响",
	    "clone lets the child share parts of the parent's context — address space, file "
	    "descriptor table...; with CLONE_FILES, a descriptor the child closes is closed for "
	    "the parent too");
	fd_to_close = open("/dev/null", O_RDONLY);
	pid = clone(clone_child, stack + sizeof(stack), CLONE_VM | CLONE_FILES | SIGCHLD, NULL);
	if (pid < 0)
		die("clone");
	reap(pid);
	vm = record_of(pid);
	open_after_files = fcntl(fd_to_close, F_GETFD) != -1;
	fd_to_close = open("/dev/null", O_RDONLY);
	pid = clone(clone_child, stack + sizeof(stack), SIGCHLD, NULL);
	if (pid < 0)
		die("clone");
	reap(pid);
	novm = record_of(pid);
	open_after_nofiles = fcntl(fd_to_close, F_GETFD) != -1;
	close(fd_to_close);
	evidence("clone(CLONE_VM|CLONE_FILES): kind %s, %llu B of page tables, the fd the child "
		 "closed is %s in the parent; clone(SIGCHLD) alone: kind %s, %llu B of page "
		 "tables, the fd is %s in the parent", fs_kind_name(vm.kind),
		 (unsigned long long)vm.pgtable_bytes, open_after_files ? "still open" : "closed",
		 fs_kind_name(novm.kind), (unsigned long long)novm.pgtable_bytes,
		 open_after_nofiles ? "still open" : "closed");
	verdict("clone-flags", vm.kind == FS_KIND_CLONE && !vm.pgtable_bytes && !open_after_files &&
		novm.kind == FS_KIND_FORK && novm.pgtable_bytes && open_after_nofiles ?
		"CONFIRMED" : "NOT-SEEN", "CONFIRMED", NULL);
}

/* 8. "all three call do_fork". */
static void claim_do_fork(void)
{
	FILE *f = fopen("/proc/kallsyms", "r");
	char line[512], name[256];
	int kernel_clone = 0, do_fork = 0;

	say("000_4d1199572ef953fb.txt / 002_570d642e9dad2f7c.txt",
	    "这三个API的内部实际都是调用一个内核内部函数do_fork … 调用`_do_fork()`来完成大部分创建工作",
	    "fork, vfork and clone all call one kernel function, do_fork (_do_fork)");
	if (!f)
		die("/proc/kallsyms");
	while (fgets(line, sizeof(line), f)) {
		if (sscanf(line, "%*s %*s %255s", name) != 1)
			continue;
		kernel_clone |= !strcmp(name, "kernel_clone");
		do_fork |= !strcmp(name, "do_fork") || !strcmp(name, "_do_fork");
	}
	fclose(f);
	evidence("/proc/kallsyms: kernel_clone %s, do_fork/_do_fork %s; forkstats probes "
		 "kernel_clone (renamed from _do_fork in Linux 5.10), which fork, vfork, clone "
		 "and clone3 all call", kernel_clone ? "present" : "absent",
		 do_fork ? "present" : "absent");
	verdict("do-fork", kernel_clone && !do_fork ? "OUTDATED" : "CONFIRMED", "OUTDATED",
		"one function still does the work, but it is kernel_clone since 5.10");
}

/* 9. the order after fork. */
static void claim_order(void)
{
	int child_first = 0, parent_first = 0, i, fds[2];
	char who;
	pid_t pid;

	say("003_2cdf43890e66a6ca.txt / 000_4d1199572ef953fb.txt",
	    "父进程和子进程的执行顺序谁先谁后是未知的，是竞争的关系 (vfork: 由vfork创建的子进程要先于父进程执行)",
	    "after fork, which of parent and child runs first is not known (and a vfork child "
	    "runs before its parent)");
	for (i = 0; i < 100; i++) {
		if (pipe(fds))
			die("pipe");
		pid = fork();
		if (pid < 0)
			die("fork");
		if (pid == 0) {
			_exit(write(fds[1], "c", 1) != 1);
		}
		track(pid);
		if (write(fds[1], "p", 1) != 1 || read(fds[0], &who, 1) != 1)
			die("pipe");
		child_first += who == 'c';
		parent_first += who == 'p';
		close(fds[0]);
		close(fds[1]);
		reap(pid);
	}
	{
		FILE *f = fopen("/proc/sys/kernel/sched_child_runs_first", "r");

		if (!f || fscanf(f, "%d", &i) != 1)
			i = -1;
		if (f)
			fclose(f);
	}
	evidence("of 100 forks on %ld CPUs, the parent wrote first %d times, the child %d times; "
		 "kernel.sched_child_runs_first is %s: nothing orders them, the scheduler "
		 "decides; a vfork child does run first, because the parent is suspended (claim "
		 "vfork-shares)", sysconf(_SC_NPROCESSORS_ONLN), parent_first, child_first,
		 i < 0 ? "absent on this kernel" : i ? "1" : "0 (the default)");
	verdict("order", parent_first + child_first == 100 ? "CONFIRMED" : "NOT-SEEN", "CONFIRMED",
		"the order is whatever the scheduler does");
}

static const struct {
	const char *name;
	void (*fn)(void);
} claims[] = {
	{ "pgtables", claim_pgtables },
	{ "cow", claim_cow },
	{ "vfork-shares", claim_vfork_shares },
	{ "vfork-thread", claim_vfork_thread },
	{ "one-thread", claim_one_thread },
	{ "exec-waste", claim_exec_waste },
	{ "clone-flags", claim_clone_flags },
	{ "do-fork", claim_do_fork },
	{ "order", claim_order },
};

#define NCLAIMS (sizeof(claims) / sizeof(claims[0]))

/*
 * The source of the records: the module when it is loaded, else the BPF
 * backend when attached; as root with neither (and no files given), the BPF
 * backend attached for this process (transient: detached when it closes).
 */
static int open_source(void)
{
	struct fs_calls c;
	char err[512];

	/* fs_source_open decides (fs_source_would_attach), as for stat and top. */
	conf.transient = conf.backend == FS_BACKEND_AUTO;
	if (fs_source_open(&src, &conf, err, sizeof(err)) ||
	    fs_source_calls(src, &c, err, sizeof(err))) {
		fprintf(stderr, "lab: %s\n", err);
		fprintf(stderr, "lab: no records: load the module (sudo insmod module/forkstats.ko) or attach "
			"the BPF backend (sudo forkstats --backend bpf attach); run as root\n");
		fs_source_close(src);
		src = NULL;
		return -1;
	}
	fs_calls_free(&c);
	return 0;
}

static void usage(FILE *f)
{
	size_t i;

	fprintf(f, "usage: lab [--backend auto|module|bpf] [--proc PATH] [--debugfs DIR] all | CLAIM | check\n"
		"\n"
		"Checks the claims of the course notes on fork, vfork, clone and COW with forkstats'\n"
		"records of the lab's own calls (docs/lab.md): all, or one CLAIM; check says whether\n"
		"the records can be read.  Records: the module when loaded, else the BPF backend when\n"
		"attached; as root with neither, the BPF backend is attached for this run.\n"
		"  --backend B    where the records come from (default auto)\n"
		"  --proc PATH, --debugfs DIR   the module's files elsewhere (tests)\n"
		"claims:");
	for (i = 0; i < NCLAIMS; i++)
		fprintf(f, " %s", claims[i].name);
	fprintf(f, "\n");
}

/* The options into conf; the index of the claim argument, or -1 (usage: *ret). */
static int parse_options(int argc, char **argv, int *ret)
{
	static const struct option opts[] = {
		{ "backend", required_argument, NULL, 'b' },
		{ "proc", required_argument, NULL, 'p' },
		{ "debugfs", required_argument, NULL, 'd' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	int opt;

	*ret = 2;
	while ((opt = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
		switch (opt) {
		case 'b':
			if (fs_backend_parse(optarg, &conf.backend))
				goto bad;
			break;
		case 'p':
			conf.proc = optarg;
			conf.files_given = 1;
			break;
		case 'd':
			conf.debugfs = optarg;
			conf.files_given = 1;
			break;
		case 'h':
			usage(stdout);
			*ret = 0;
			return -1;
		default:
			goto bad;
		}
	}
	if (optind != argc - 1)
		goto bad;
	return optind;
bad:
	usage(stderr);
	return -1;
}

int main(int argc, char **argv)
{
	size_t i, ran = 0;
	const char *what;
	int arg, ret;

	/* The exec target of exec-waste: this program, exiting at once. */
	if (argc == 1 && !strcmp(argv[0], "true"))
		return 0;
	arg = parse_options(argc, argv, &ret);
	if (arg < 0)
		return ret;
	what = argv[arg];
	for (i = 0; i < NCLAIMS; i++)
		ran += !strcmp(what, "all") || !strcmp(what, claims[i].name);
	if (!ran && strcmp(what, "check")) {
		fprintf(stderr, "lab: no claim named %s\n", what);
		return 2;
	}
	if (open_source())
		return 1;
	atexit(kill_children);
	if (!strcmp(what, "check"))
		return 0;
	for (i = 0; i < NCLAIMS; i++) {
		if (strcmp(what, "all") && strcmp(what, claims[i].name))
			continue;
		printf("== [%zu] %s\n", i + 1, claims[i].name);
		claims[i].fn();
	}
	return failed;
}
