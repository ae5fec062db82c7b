/* SPDX-License-Identifier: GPL-2.0 */
/*
 * What the files of fsaccept (tests/progs/fsaccept/main.c) share: the
 * headers, the sizes, reading the backend's files and records (records.c),
 * the processes and memory of the checks (procs.c), and each area's command.
 */
#ifndef FS_TESTS_FSACCEPT_H
#define FS_TESTS_FSACCEPT_H

#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <pthread.h>
#include <sched.h>
#include <signal.h>
#include <spawn.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <linux/io_uring.h>
#include <sys/resource.h>
#include <sys/rseq.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "calls.h"
#include "forkutil.h"
#include "jsonread.h"
#include "probesfile.h"
#include "procfile.h"
#include "tap.h"

#define CALLS_PATH	FS_DEBUGFS_DIR "/calls"
#define PAGE		4096UL
#define MIB		(1UL << 20)
#define GIB		(1UL << 30)

extern char **environ;

/* records.c */
void backend_start(void);
size_t file_read(const char *name, char *buf, size_t max);
void backend_reset(void);
void calls_read(struct fs_calls *c);
int record_of(pid_t child, struct fs_call *out);
void read_proc(struct fs_proc *p);
/* Calls per kind and latency ([k][0] create, [k][1] total) of the hist; 0 when it does not parse. */
int hist_counts(uint64_t hc[FS_KIND_COUNT][2]);
uint64_t counter(const struct fs_proc *p, const char *name);
size_t count_records_after(uint64_t after, uint64_t *max_seq, size_t *old);

/*
 * A snapshot of the calls file, taken without writing any page the measured
 * fork shares: the text goes into fresh memory (its first touch is no COW
 * fault) and is parsed only after the last snapshot.
 */
struct snap {
	char *buf;
	size_t len;
};

#define SNAP_MAX	(64UL << 20)

void snap_alloc(struct snap *s);
void snap_prefault(struct snap *s);
void snap_take(struct snap *s);
void snap_record(struct snap *s, pid_t child, struct fs_call *out);

/* procs.c */
void drain_lru(void);
char *map_region(size_t size, size_t align, int advice);
pid_t fork_waiter(int *release_fd);
void reap(pid_t pid);
__attribute__((noinline)) void stack_prefault(void);
unsigned int without_rseq(void);
void *pthread_fn(void *arg);
pid_t vfork_exit(void);
pid_t fork_exit(void);

/* The areas: one TAP line per assertion; non-zero when a step failed. */
int cmd_pgtables(unsigned long mib);
int cmd_cow(size_t k, size_t j, size_t l, int advice, int rule, const char *what);
int cmd_kinds(void);
int cmd_failfork(void);
int cmd_zero(size_t n);
int cmd_remap(size_t n, const char *dir);
int cmd_workload(void);
int cmd_sums(const char *self);
int cmd_events(unsigned long n, unsigned long ring);
int cmd_iouring(void);
int cmd_control(void);

#endif
