# SPDX-License-Identifier: GPL-2.0
# forkstats stat -- CMD: the exact numbers of a known process tree
# (tests/progs/stattree.c says how it knows them), exit statuses, -r N.
insmod /forkstats/forkstats.ko || not_ok "insmod forkstats.ko for the stat tests"

# stat_oracle: tests/guest/helpers.sh

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
