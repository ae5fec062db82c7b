# SPDX-License-Identifier: GPL-2.0
# forkstats stat -- CMD: the exact numbers of a known process tree
# (tests/progs/stattree.c says how it knows them), exit statuses, -r N.
insmod /forkstats/forkstats.ko || not_ok "insmod forkstats.ko for the stat tests"

# stat_oracle M K J: every "KIND COLUMN VALUE" stattree expects is what stat says.
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
	[ -n "$FS_BACKEND" ] && forkstats --backend "$FS_BACKEND" cat proc | head -n 1 | grep -q 'split=unknown' && _nosplit=1
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

stat_oracle 2 1 1
stat_oracle 8 100 200
stat_oracle 64 1000 1000
stat_oracle 16 0 0

check "stat: the text report names the command and has a total row" sh -c \
	'forkstats stat -- stattree 2 1 1 >/dev/null 2>/tmp/stat.txt && grep -q "forkstats stat: stattree 2 1 1" /tmp/stat.txt && grep -q "^total " /tmp/stat.txt'
forkstats stat -- sh -c 'exit 3' 2>/dev/null
is "$?" 3 "stat: the exit status is the command's"
forkstats stat -- sh -c 'kill -TERM $$' 2>/dev/null
is "$?" 143 "stat: a command killed by SIGTERM gives 128 + 15"
forkstats stat -- /nonexistent/cmd 2>/tmp/stat.err
is "$?" 127 "stat: a command that does not exist gives 127"
check "stat: ... with one line naming it" sh -c 'test $(wc -l </tmp/stat.err) = 1 && grep -q "/nonexistent/cmd: No such file or directory" /tmp/stat.err'
forkstats stat 2>/tmp/stat.err
is "$?" 2 "stat without a command: usage, exit 2"

forkstats --json stat -r 3 -o /tmp/stat3.json -- stattree 4 10 20 >/dev/null 2>&1
is "$(jsonq /tmp/stat3.json runs kinds.kind=fork.calls kinds.kind=fork.cow_child kinds.kind=vfork.calls | tr '\n' ' ')" \
	"3 2 10 2 " "stat -r 3: three runs, counts are means per run"
check "stat -r 3: the spread of every count of every kind that made calls" sh -c \
	'test $(grep -o "\"column\":" /tmp/stat3.json | wc -l) = 45'
is "$(jsonq /tmp/stat3.json spread.column=calls.stddev)" 0 "stat -r 3: the first spread row (fork calls) has no spread"

# A busy machine: the tree's calls are all found while other processes fork.
storm run 6 >/dev/null 2>&1 &
churn=$!
forkstats --json stat -o /tmp/statb.json -- stattree 8 50 50 >/tmp/oracleb 2>&1
wait $churn
is "$(jsonq /tmp/statb.json kinds.kind=total.calls kinds.kind=fork.cow_child kinds.kind=fork.cow_parent | tr '\n' ' ')" \
	"6 50 50 " "stat on a busy machine: the tree's 6 calls and its COW, nothing of the other forks"
rmmod forkstats
