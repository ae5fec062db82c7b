// SPDX-License-Identifier: GPL-2.0
/*
 * fsaccept: the in-guest acceptance tests of the forkstats module's per-call
 * records.  Each subcommand makes calls whose numbers the kernel makes exact,
 * finds their records in debugfs forkstats/calls, and prints one TAP line per
 * assertion ("ok - ..." / "not ok - ..."; tests/tap.sh tap_run numbers them).
 *
 *   fsaccept pgtables MIB      page tables copied for a MIB region
 *   fsaccept cow K J L         COW copies and reuses, by side
 *   fsaccept kinds             vfork, posix_spawn, thread, clone(CLONE_VM)
 *   fsaccept zero N            zero-page COW, shared mappings
 *   fsaccept remap N DIR       a shared file mapping (DIR: a filesystem
 *                              that write-protects shared pages, e.g. ext4)
 *                              where a private one was: not COW
 *   fsaccept failfork          a fork refused by RLIMIT_NPROC
 *   fsaccept sums              /proc/forkstats totals = sums over calls
 *   fsaccept thp K J L RULE    the THP rule (docs/design.md); RULE: what the
 *                              kernel does to the 4 KiB pages of a split THP
 *                              no longer shared, copy (up to 6.x) or reuse
 *   fsaccept events N RING     the events stream (RING: records= if N > RING)
 *   fsaccept control           enable, disable, reset
 *   fsaccept iouring           io-wq workers: copy_process without kernel_clone
 *   fsaccept forks N           print this pid, then fork N times
 *
 * One file per area of checks (pgtables.c, cow.c, kinds.c, faults.c,
 * sums.c, events.c, control.c); what they share in records.c (the files
 * read) and procs.c (the processes and memory they are made of), declared
 * in fsaccept.h; this file only dispatches.
 */
#include "fsaccept.h"

/* Argument i as a number; ~0UL when it is missing or not one. */
static unsigned long arg(char **argv, int i)
{
	char *end;
	unsigned long v;

	if (!argv[i])
		return ~0UL;
	v = strtoul(argv[i], &end, 10);
	return *end ? ~0UL : v;
}

int main(int argc, char **argv)
{
	const char *cmd = argc > 1 ? argv[1] : "";
	int ret;

	backend_start();
	if (!strcmp(cmd, "pgtables") && arg(argv, 2) != ~0UL)
		ret = cmd_pgtables(arg(argv, 2));
	else if (!strcmp(cmd, "cow") && arg(argv, 4) != ~0UL)
		ret = cmd_cow(arg(argv, 2), arg(argv, 3), arg(argv, 4), MADV_NOHUGEPAGE, 0, "cow");
	else if (!strcmp(cmd, "thp") && arg(argv, 4) != ~0UL && argv[5] &&
		 (!strcmp(argv[5], "copy") || !strcmp(argv[5], "reuse")))
		ret = cmd_cow(arg(argv, 2), arg(argv, 3), arg(argv, 4), MADV_HUGEPAGE,
			      !strcmp(argv[5], "reuse"), "thp");
	else if (!strcmp(cmd, "kinds"))
		ret = cmd_kinds();
	else if (!strcmp(cmd, "zero") && arg(argv, 2) != ~0UL)
		ret = cmd_zero(arg(argv, 2));
	else if (!strcmp(cmd, "remap") && arg(argv, 2) != ~0UL && argc > 3)
		ret = cmd_remap(arg(argv, 2), argv[3]);
	else if (!strcmp(cmd, "failfork"))
		ret = cmd_failfork();
	else if (!strcmp(cmd, "sums"))
		ret = cmd_sums(argv[0]);
	else if (!strcmp(cmd, "workload"))
		ret = cmd_workload();
	else if (!strcmp(cmd, "forks") && arg(argv, 2) != ~0UL) {
		unsigned long i, n = arg(argv, 2);

		printf("%d\n", (int)getpid());
		fflush(stdout);
		for (i = 0; i < n; i++)
			fork_exit();
		ret = 0;
	} else if (!strcmp(cmd, "iouring"))
		ret = cmd_iouring();
	else if (!strcmp(cmd, "control"))
		ret = cmd_control();
	else if (!strcmp(cmd, "events") && arg(argv, 3) != ~0UL)
		ret = cmd_events(arg(argv, 2), arg(argv, 3));
	else {
		fprintf(stderr, "usage: fsaccept pgtables MIB | cow K J L | thp K J L copy|reuse | kinds | zero N | remap N DIR | failfork | sums | events N RING | control | iouring | forks N\n");
		return 2;
	}
	return ret || failures ? 1 : 0;
}
