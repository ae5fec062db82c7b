// SPDX-License-Identifier: GPL-2.0
/*
 * fsaccept kinds, failfork: the calls that share the address space copy
 * nothing; a refused fork is recorded with its error.
 */
#include "fsaccept.h"

static int thread_fn(void *arg)
{
	*(volatile pid_t *)arg = (pid_t)syscall(SYS_gettid);
	return 0;
}


static void check_shared_call(const char *what, pid_t child, unsigned int kind)
{
	struct fs_call rec;

	if (record_of(child, &rec))
		return;
	tap(rec.r.kind == kind, "kinds: %s is a %s call (%s)", what, fs_kind_name(kind),
	    fs_kind_name(rec.r.kind));
	tap(rec.r.pgtable_bytes == 0 && rec.r.vmas_copied == 0,
	    "kinds: %s copies no page tables (%" PRIu64 " B, %u VMAs)", what,
	    (uint64_t)rec.r.pgtable_bytes, rec.r.vmas_copied);
	tap(rec.r.cow_parent == 0 && rec.r.cow_child == 0,
	    "kinds: %s has no COW attributed (%" PRIu64 "/%" PRIu64 ")", what,
	    (uint64_t)rec.r.cow_parent, (uint64_t)rec.r.cow_child);
}

/*
 * 3. Calls that share the address space copy nothing and never take COW
 * attribution: COW faults after them still belong to the fork before.
 */
int cmd_kinds(void)
{
	const size_t pages = 10;
	char *region = map_region(pages * PAGE, PAGE, MADV_NORMAL);
	char *argv[] = { "true", NULL }, *stack;
	pid_t vf, sp, cl, tid = 0, w;
	struct fs_call before, after;
	pthread_t th;
	int rel, st;

	fs_touch(region, pages, 1);
	w = fork_waiter(&rel);
	if (record_of(w, &before))
		return 1;

	vf = vfork_exit();
	reap(vf);
	if (posix_spawn(&sp, "/bin/busybox", NULL, NULL, argv, environ))
		bail("posix_spawn");
	reap(sp);
	if (pthread_create(&th, NULL, pthread_fn, &tid) || pthread_join(th, NULL))
		bail("pthread_create");
	stack = mmap(NULL, 64 * 1024, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (stack == MAP_FAILED)
		bail("mmap");
	cl = clone(thread_fn, stack + 64 * 1024, CLONE_VM | SIGCHLD, &st);
	if (cl < 0)
		bail("clone");
	reap(cl);

	/* Pages shared with the waiter: COW copies of the fork before. */
	fs_touch(region, pages, 2);
	if (record_of(w, &after))
		return 1;
	check_shared_call("vfork()", vf, FS_KIND_VFORK);
	check_shared_call("posix_spawn()", sp, FS_KIND_VFORK);
	check_shared_call("pthread_create()", tid, FS_KIND_THREAD);
	check_shared_call("clone(CLONE_VM)", cl, FS_KIND_CLONE);
	tap(after.r.cow_parent - before.r.cow_parent >= pages,
	    "kinds: writes after them go to the fork before (%" PRIu64 " >= %zu parent faults)",
	    (uint64_t)(after.r.cow_parent - before.r.cow_parent), pages);
	close(rel);
	reap(w);
	return 0;
}

/* 5. A fork refused by RLIMIT_NPROC has a record with its error. */
int cmd_failfork(void)
{
	struct fs_proc a, b;
	struct fs_calls c;
	size_t i, found = 0;
	pid_t helper;
	int st;

	read_proc(&a);
	helper = fork();
	if (helper < 0)
		bail("fork");
	if (helper == 0) {
		struct rlimit rl = { 1, 1 };

		/* Root ignores RLIMIT_NPROC: become nobody first. */
		if (setgid(65534) || setuid(65534) || setrlimit(RLIMIT_NPROC, &rl))
			_exit(2);
		_exit(fork() < 0 && errno == EAGAIN ? 0 : 3);
	}
	if (waitpid(helper, &st, 0) != helper || !WIFEXITED(st) || WEXITSTATUS(st))
		bail("the helper's fork was not refused with EAGAIN");
	read_proc(&b);
	calls_read(&c);
	for (i = 0; i < c.n; i++)
		if (c.v[i].r.parent_pid == helper && c.v[i].r.err == -EAGAIN &&
		    c.v[i].r.child_pid == 0 && c.v[i].r.kind == FS_KIND_FORK)
			found++;
	fs_calls_free(&c);
	tap(found == 1, "failfork: one fork record with err -EAGAIN and no child (%zu)", found);
	tap(b.kinds[FS_KIND_FORK].v[FS_AGG_failed] == a.kinds[FS_KIND_FORK].v[FS_AGG_failed] + 1,
	    "failfork: /proc/forkstats counts it as a failed fork");
	return 0;
}
