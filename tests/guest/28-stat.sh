# SPDX-License-Identifier: GPL-2.0
# forkstats stat -- CMD: the exact numbers of a known process tree
# (tests/progs/stattree.c says how it knows them), exit statuses, -r N.
insmod /forkstats/forkstats.ko || not_ok "insmod forkstats.ko for the stat tests"

# stat_oracle: tests/guest/helpers.sh

stat_oracle 2 1 1
stat_oracle 8 100 200
stat_oracle 64 1000 1000
stat_oracle 16 0 0

check "stat: the text report names the command, a column per kind that made calls and the total, calls 2 2 1 1 6" sh -c \
	'forkstats stat -- stattree 2 1 1 >/dev/null 2>/tmp/stat.txt && grep -q "forkstats stat: stattree 2 1 1" /tmp/stat.txt &&
	 grep -Eq "^ +fork +vfork +thread +clone +total\$" /tmp/stat.txt && grep -Eq "^calls +2 +2 +1 +1 +6\$" /tmp/stat.txt &&
	 grep -Eq "^page tables copied +[0-9.]+ [KM]iB +0 B +0 B +0 B +[0-9.]+ [KM]iB\$" /tmp/stat.txt && test $(grep -c "^  per call " /tmp/stat.txt) = 4'
# Per call: the sums over the calls (fork: 2 calls, one failed); no mean or per-call figure without calls.
forkstats --json stat -o /tmp/statpc.json -- stattree 8 100 200 >/dev/null 2>&1
is "$(jsonq /tmp/statpc.json kinds.kind=fork.calls kinds.kind=fork.pgtable_bytes kinds.kind=fork.pgtable_bytes_per_call \
	kinds.kind=fork.cow_child kinds.kind=fork.cow_child_per_call kinds.kind=fork.cow_parent_per_call | tr '\n' ' ' |
	awk '{ print $1, ($3 == $2 / 2) ? "pgt/2" : "pgt " $3, ($5 == $4 / 2) ? "child/2" : "child " $5, $6 + 0 }')" \
	"2 pgt/2 child/2 100" "stat: per-call figures are the sums over the 2 fork calls (page tables / 2, child COW / 2, 200 parent COW: 100 per call)"
is "$(jsonq /tmp/statpc.json kinds.kind=kthread.calls kinds.kind=kthread.create_ns_mean kinds.kind=kthread.total_ns_p99 \
	kinds.kind=kthread.pgtable_bytes kinds.kind=kthread.pgtable_bytes_per_call | tr '\n' ' ')" \
	"0 null null 0 null " "stat: a kind without calls: sums 0, no mean, percentile or per-call figure (null)"
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
