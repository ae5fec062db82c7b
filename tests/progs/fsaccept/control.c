// SPDX-License-Identifier: GPL-2.0
/*
 * fsaccept control, iouring: enable, disable and reset; io-wq workers (a
 * copy_process without kernel_clone).
 */
#include "fsaccept.h"

static void write_file(const char *path, const char *text)
{
	int fd = open(path, O_WRONLY);

	if (fd < 0 || write(fd, text, strlen(text)) != (ssize_t)strlen(text))
		bail(path);
	close(fd);
}

/*
 * The records present and /proc/forkstats at one moment: read both until the
 * records did not change around the /proc read.
 */
static size_t stable_totals(uint64_t after, size_t *old, struct fs_proc *p)
{
	uint64_t s1, s2;
	size_t n1, n2, o2;

	do {
		n1 = count_records_after(after, &s1, old);
		read_proc(p);
		n2 = count_records_after(after, &s2, &o2);
	} while (n1 != n2 || s1 != s2);
	return n1;
}

static int has_record(pid_t child)
{
	struct fs_calls c;
	size_t i;
	int found = 0;

	calls_read(&c);
	for (i = 0; i < c.n; i++)
		found |= c.v[i].r.child_pid == child;
	fs_calls_free(&c);
	return found;
}

/*
 * io_uring: an async request makes the kernel create an io-wq worker.  Since
 * 5.12 that is create_io_thread(): a copy_process made without kernel_clone,
 * recorded as kind kthread with the submitter as parent and total_ns equal to
 * create_ns.  On 5.10 io-wq workers are kernel threads forked by kthreadd.
 */
int cmd_iouring(void)
{
	struct io_uring_params par;
	struct io_uring_sqe *sqe;
	struct fs_calls c;
	char *sq;
	unsigned int *tail, *array;
	uint64_t last;
	size_t i, found = 0, k5 = 0, old;
	int fd;

	count_records_after(0, &last, &old);
	memset(&par, 0, sizeof(par));
	fd = (int)syscall(__NR_io_uring_setup, 4, &par);
	if (fd < 0) {
		tap(0, "iouring: io_uring_setup: %s", strerror(errno));
		return 1;
	}
	sq = mmap(NULL, par.sq_off.array + par.sq_entries * sizeof(unsigned int),
		  PROT_READ | PROT_WRITE, MAP_SHARED | MAP_POPULATE, fd, IORING_OFF_SQ_RING);
	sqe = mmap(NULL, par.sq_entries * sizeof(*sqe), PROT_READ | PROT_WRITE,
		   MAP_SHARED | MAP_POPULATE, fd, IORING_OFF_SQES);
	if (sq == MAP_FAILED || sqe == MAP_FAILED)
		bail("io_uring mmap");
	tail = (unsigned int *)(sq + par.sq_off.tail);
	array = (unsigned int *)(sq + par.sq_off.array);
	memset(sqe, 0, sizeof(*sqe));
	sqe->opcode = IORING_OP_NOP;
	sqe->flags = IOSQE_ASYNC;	/* punt to an io-wq worker */
	array[*tail & *(unsigned int *)(sq + par.sq_off.ring_mask)] = 0;
	__atomic_store_n(tail, *tail + 1, __ATOMIC_RELEASE);
	if (syscall(__NR_io_uring_enter, fd, 1, 1, IORING_ENTER_GETEVENTS, NULL, 0) != 1)
		bail("io_uring_enter");
	calls_read(&c);
	for (i = 0; i < c.n; i++) {
		struct fs_record *r = &c.v[i].r;

		if (r->seq <= last || r->kind != FS_KIND_KTHREAD)
			continue;
		k5++;
		if (r->parent_tgid == getpid() && r->total_ns == r->create_ns && r->err == 0)
			found++;
	}
	fs_calls_free(&c);
	close(fd);
	if (found)
		tap(1, "iouring: an io-wq worker is a kthread call of this process made without kernel_clone (%zu)", found);
	else
		tap(k5 > 0, "iouring: io_uring created kernel threads (%zu kthread calls; workers forked by kthreadd on kernels before 5.12)", k5);
	return 0;
}

/* control: disable stops recording, enable resumes; reset empties everything. */
int cmd_control(void)
{
	const char *ctl = FS_DEBUGFS_DIR "/control";
	uint64_t last, seq;
	struct fs_proc p;
	size_t n, old;
	pid_t pid;

	tap(has_record(fork_exit()), "control: a fork makes a record");
	write_file(ctl, "disable\n");
	pid = fork_exit();
	tap(!has_record(pid), "control: disabled, a fork makes no record");
	write_file(ctl, "enable\n");
	tap(has_record(fork_exit()), "control: enabled again, a fork makes a record");

	/*
	 * After a reset no earlier record remains and the totals count exactly
	 * the records present (the kernel may have created a thread since).
	 */
	count_records_after(0, &last, &old);
	write_file(FS_PROC_PATH, "reset\n");
	n = stable_totals(last, &old, &p);
	tap(old == 0 && p.total.v[FS_AGG_calls] == n,
	    "reset through /proc/forkstats: no record from before, totals = the %zu records since (%" PRIu64 ")",
	    n, p.total.v[FS_AGG_calls]);
	pid = fork_exit();
	n = count_records_after(last, &seq, &old);
	tap(has_record(pid) && seq > last, "after reset a fork is recorded, with a later seq (%" PRIu64 " > %" PRIu64 ")",
	    seq, last);
	last = seq;
	write_file(ctl, "reset");
	n = stable_totals(last, &old, &p);
	tap(old == 0 && p.total.v[FS_AGG_calls] == n, "reset through control: no record from before");
	return 0;
}
