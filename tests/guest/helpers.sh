# SPDX-License-Identifier: GPL-2.0
# What the in-guest tests (busybox sh) share besides TAP (tests/tap.sh,
# sourced here; results on fd 3): the kernel log check, waiting for a process
# to open a file, forkstats stat against stattree's oracle, stopping process
# groups, the vmalloc areas of unloaded code, and the kernels' rules the tests
# compare against.
. /forkstats/tests/tap.sh

# Kernel log lines that must never appear.
KERNEL_BAD='WARNING:|BUG:|Oops|Call Trace|general protection|sleeping function called|scheduling while atomic|Kernel panic|list_add corruption|refcount_t:'

# kernel_log_clean DESCRIPTION: passes when dmesg holds none of KERNEL_BAD,
# once the reports of the kernel's own debugfs race that tests/vm/kernel-log.awk
# knows are left out (each said as a diagnostic).
kernel_log_clean() {
	dmesg | awk -v races=/tmp/races -f /forkstats/kernel-log.awk | grep -E "$KERNEL_BAD" >/tmp/bad.log
	read -r _ _races </tmp/races
	[ "${_races:-0}" = 0 ] ||
		diag "$_races report(s) of the kernel's debugfs owner race left out (docs/reliability.md)"
	if [ -s /tmp/bad.log ]; then
		not_ok "$1"
		diag_file /tmp/bad.log
	else
		ok "$1"
	fi
}

# wait_open PID FILE-PATTERN: until process PID has a file matching the
# pattern open (at most 5 s), e.g. a follower's debugfs events.
wait_open() {
	_i=0
	while ! ls -l /proc/$1/fd 2>/dev/null | grep -q "$2" && [ $_i -lt 250 ]; do
		usleep 20000
		_i=$((_i + 1))
	done
}

# stat_oracle M K J: every "KIND COLUMN VALUE" stattree expects is what stat says
# (28-stat.sh; 45-bpf.sh with FS_BACKEND=bpf).
stat_oracle() {
	if ! forkstats ${FS_BACKEND:+--backend $FS_BACKEND} --json stat -o /tmp/stat.json -- \
		stattree "$@" >/tmp/oracle 2>/tmp/stat.err; then
		not_ok "${FS_BACKEND:+bpf }stat -- stattree $*: exit 0"
		diag_file /tmp/stat.err
		return
	fi
	check "${FS_BACKEND:+bpf }stat -- stattree $*: the report is one JSON document" jsonq /tmp/stat.json
	is "$(jsonq /tmp/stat.json lost cow_incomplete exit_status | tr '\n' ' ')" "0 0 0 " \
		"${FS_BACKEND:+bpf }stat -- stattree $*: nothing lost, every final COW read, exit status 0"
	_bad=0
	_n=0
	_nosplit=0
	[ -n "$FS_BACKEND" ] && forkstats --backend "$FS_BACKEND" --json show >/tmp/split.json &&
		[ "$(jsonq /tmp/split.json split)" = unknown ] && _nosplit=1
	while read -r _kind _col _want; do
		case $_nosplit:$_col in
		1:cow_copies|1:cow_reuses)
			# Unknown with these hooks: stat must say so (null), not a number.
			_got=$(jsonq /tmp/stat.json "kinds.kind=$_kind.$_col")
			[ "$_got" = null ] || { diag "  $_kind $_col: $_got, expected null (unknown)"; _bad=1; }
			_n=$((_n + 1))
			continue
			;;
		esac
		_got=$(jsonq /tmp/stat.json "kinds.kind=$_kind.$_col")
		_n=$((_n + 1))
		if [ "$_got" != "$_want" ]; then
			diag "  $_kind $_col: stat says $_got, the oracle $_want"
			_bad=1
		fi
	done </tmp/oracle
	if [ $_bad = 0 ] && [ $_n -ge 20 ]; then
		ok "${FS_BACKEND:+bpf }stat -- stattree $*: all $_n oracle numbers exact ($(grep '^fork pgtable' /tmp/oracle | cut -d' ' -f3) B of page tables, K=$2 child, J=$3 parent COW copies)"
	else
		not_ok "${FS_BACKEND:+bpf }stat -- stattree $*: the oracle numbers ($_n checked)"
	fi
}

# stop_groups PID...: SIGSTOP the process groups led by the PIDs (setsid'ed
# programs), then wait until none of their tasks is running or runnable
# (state R in /proc/*/task/*/stat; a task asleep, or stopped, runs no code),
# at most 10 s, seen so twice in a row.  A program started with 'setsid
# prog &' just before may not have called setsid() yet: its group does not
# exist, kill misses it and it runs on (a parallel boot's insmod then
# patched code the load was running: Oops, 6.12); so each PID's group is
# waited for first.  cont_groups PID...: SIGCONT them.
stop_groups() {
	for _p in "$@"; do
		_i=0
		while [ $_i -lt 500 ] && [ -r /proc/"$_p"/stat ] &&
			[ "$(sed 's/.*) //' /proc/"$_p"/stat 2>/dev/null | cut -d' ' -f3)" != "$_p" ]; do
			usleep 10000
			_i=$((_i + 1))
		done
		kill -s STOP -"$_p"
	done
	_i=0 _idle=0
	while [ $_i -lt 500 ]; do
		if cat /proc/[0-9]*/task/[0-9]*/stat 2>/dev/null | sed 's/.*) //' |
			awk -v g=" $* " '$1 == "R" && index(g, " " $3 " ") { busy = 1 } END { exit !busy }'; then
			_idle=0
		else
			_idle=$((_idle + 1))
			[ $_idle -lt 2 ] || return 0
		fi
		usleep 20000
		_i=$((_i + 1))
	done
	diag "stop_groups: tasks of groups $* still running after 10 s"
	return 1
}
cont_groups() {
	for _p in "$@"; do kill -s CONT -"$_p"; done
}

# vm_orphans: the lines of /proc/vmallocinfo whose caller is a raw address
# (field 3: "0xSTART-0xEND SIZE CALLER pages=N ..."): areas allocated by code
# that is gone: an unloaded module's, or a detached BPF trampoline's.
vm_orphans() {
	awk '$3 ~ /^0x[0-9a-f]+$/' /proc/vmallocinfo
}

# thp_rule: what the kernel does on a write to a 4 KiB page of a split THP that
# the other side of the fork no longer maps (fsaccept thp's RULE): copy it (up
# to 6.12: the compound page's references exceed what the reuse test allows)
# or reuse it (7.3.4: COW reuse of PTE-mapped THPs, CONFIG_MM_ID), measured.
thp_rule() {
	case $(cat /forkstats/series) in
	5.10 | 6.1 | 6.12) echo copy ;;
	*) echo reuse ;;
	esac
}

# ftrace_sysctl_rule: whether sysctl kernel.ftrace_enabled=0 turns ftrace off
# (off: up to 6.12, refused only while a permanent ftrace_ops is registered)
# or is always refused (refused: 7.3.4, where the file is deprecated and a
# write of 0 fails with EOPNOTSUPP: ftrace cannot be turned off at all).
ftrace_sysctl_rule() {
	case $(cat /forkstats/series) in
	5.10 | 6.1 | 6.12) echo off ;;
	*) echo refused ;;
	esac
}

# ftrace_sysctl_refused DESCRIPTION: with forkstats unloaded, a write of 0 to
# kernel.ftrace_enabled fails with EOPNOTSUPP and the sysctl stays 1 (the
# kernels where ftrace_sysctl_rule says refused).
ftrace_sysctl_refused() {
	if echo 0 >/proc/sys/kernel/ftrace_enabled 2>/tmp/fe.err; then
		not_ok "$1: ftrace_enabled=0 is refused with EOPNOTSUPP (it was accepted)"
		echo 1 >/proc/sys/kernel/ftrace_enabled
	else
		check "$1: ftrace_enabled=0 is refused with EOPNOTSUPP" \
			grep -q 'Operation not supported' /tmp/fe.err
	fi
	is "$(cat /proc/sys/kernel/ftrace_enabled)" 1 "$1: ftrace_enabled is still 1"
}
