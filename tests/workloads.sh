#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# forkbench on the host: every method runs, every output format parses (a
# real parser: python3), bad arguments are refused, and fork's latency grows
# with the parent's size while vfork's and posix_spawn's do not (ratios of
# medians, never absolute times).  TAP on stdout.  The page-table and COW
# figures need the module: tests/guest/35-workloads.sh.
set -u
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
B=$here/../tools/workloads/forkbench
. "$here/tap.sh"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

for m in fork vfork posix_spawn clone-vfork clone-vm pthread; do
	t "forkbench --method $m runs and names itself" sh -c "'$B' --method $m --size 1M -n 3 --warmup 1 | grep -q '^$m, parent 1 MiB'"
done
t "--child exec with fork and vfork, --child write:K, --parent-writes" sh -c \
	"'$B' --method fork --child exec -n 2 >/dev/null && '$B' --method vfork --child exec -n 2 >/dev/null &&
	 '$B' --method fork --size 1M --child write:16 --parent-writes 16 -n 2 >/dev/null"
t "--layout fragmented and --thp on" sh -c \
	"'$B' --method fork --size 4M --layout fragmented -n 2 | grep -q fragmented && '$B' --method fork --size 4M --thp on -n 2 2>&1 | grep -q 'THP on'"
t "csv: the header and one integer row per iteration" python3 -c "
import csv, subprocess
out = subprocess.run(['$B', '--method', 'fork', '--size', '2M', '-n', '7', '--format', 'csv'],
                     capture_output=True, text=True, check=True).stdout
rows = list(csv.reader(out.splitlines()))
assert rows[0] == 'method,size_bytes,layout,thp,child,parent_writes,iteration,latency_ns,cycle_ns'.split(','), rows[0]
assert len(rows) == 8
for i, r in enumerate(rows[1:]):
    assert r[:7] == ['fork', '2097152', 'dirty', 'off', 'exit', '0', str(i)], r
    assert 0 < int(r[7]) <= int(r[8]), r
"
t "json: one document, statistics consistent with the samples" python3 -c "
import json, subprocess
d = json.loads(subprocess.run(['$B', '--method', 'vfork', '--child', 'write:3', '--size', '1M', '-n', '9', '--format', 'json'],
                              capture_output=True, text=True, check=True).stdout)
assert d['method'] == 'vfork' and d['child'] == 'write:3' and d['iterations'] == 9, d
s = sorted(x['latency_ns'] for x in d['samples'])
assert len(s) == 9
assert d['latency_ns']['min'] == s[0] and d['latency_ns']['median'] == s[4] and d['latency_ns']['p99'] == s[8], d['latency_ns']
assert d['latency_ns']['mean'] == sum(s) // 9
"
t "--progress: the iteration count on stderr" sh -c "'$B' --method fork -n 10 --progress 2>&1 >/dev/null | grep -q 'fork 0 MiB: iteration 10/10'"
for bad in "" "--method spoon" "--method fork --size 5K" "--method fork --size -1M" "--method fork -n 0" \
	"--method fork --child write:x" "--method fork --format xml" "--method fork --size 1M --child write:300"; do
	# shellcheck disable=SC2086
	t "refused with usage, exit 2: forkbench $bad" sh -c "'$B' $bad >/dev/null 2>&1; test \$? = 2"
done
t "forkbench --help: the usage on stdout, exit 0" sh -c "'$B' --help | grep -q '^usage: forkbench'"
L=$here/../tools/workloads/lab
t "lab --help: the usage and the claims on stdout, exit 0" sh -c "'$L/lab' --help | grep -q '^claims: pgtables cow'"
t "run-lab --help: exit 0" sh -c "'$L/run-lab' --help | grep -q '^usage: run-lab'"
t "lab: no argument, a bad option or backend: usage, exit 2" sh -c \
	"'$L/lab' >/dev/null 2>&1; a=\$?; '$L/lab' --bogus all >/dev/null 2>&1; b=\$?; '$L/lab' --backend spoon all >/dev/null 2>&1; echo \$a\$b\$? | grep -qx 222"
t "lab check: records that cannot be read: the reason and both ways out, exit 1" sh -c \
	"'$L/lab' --backend module --proc /nonexistent --debugfs /nonexistent check 2>'$tmp/err'; test \$? = 1 && grep -q 'insmod' '$tmp/err' && grep -q 'attach' '$tmp/err'"
# A claim whose records cannot be found (the fixture's records are not the
# lab's calls): the lab fails, at once, and no child of it is left (the cow
# claim's child waits on a pipe; the pgtables claim's two on theirs).
for c in cow pgtables one-thread order; do
	start=$(date +%s%N)
	setsid sh -c "echo \$\$ >'$tmp/sid'; exec '$L/lab' --backend module --proc '$here/fixtures/proc' --debugfs '$here/fixtures/debugfs' $c" \
		>/dev/null 2>"$tmp/lab.err"
	rc=$?
	ms=$(( ($(date +%s%N) - start) / 1000000 ))
	sleep 0.1
	left=$(ps -o pid= -s "$(cat "$tmp/sid")" | wc -l)
	if [ $c = order ]; then
		# order reads no record: it runs to its verdict.
		t "lab order with the fixture's files: exit 0, no child left ($left)" test "$rc $left" = "0 0"
	else
		t "lab $c, no record of its child: exit 1 in ${ms} ms (< 2 s), no child left ($left)" sh -c \
			"test $rc = 1 && test $ms -lt 2000 && test $left = 0 && grep -q 'no record of the call' '$tmp/lab.err'"
	fi
done
t "a missing exec target: one line, exit 1" sh -c \
	"'$B' --method posix_spawn --exec /nonexistent -n 1 2>'$tmp/err'; test \$? = 1 && test \$(wc -l <'$tmp/err') = 1 && grep -q '/nonexistent' '$tmp/err'"

# Latency against size, on one CPU (a child migrating to the other CPU makes
# the medians bimodal on a 2-CPU machine), each point the least median of
# three runs made in turn (another busy process only ever adds time).
median() {	# method size
	local i
	for i in 1 2 3; do
		taskset -c 0 "$B" --method "$1" --size "$2" -n 30 --warmup 5 --format json |
			python3 -c 'import json, sys; print(json.load(sys.stdin)["latency_ns"]["median"])'
	done | sort -n | head -n 1
}
for m in fork vfork posix_spawn; do
	small=$(median $m 0)
	big=$(median $m 1G)
	eval "r_$m=$(python3 -c "print('%.2f' % ($big / $small))")"
	echo "# $m: median latency $small ns at 0 MiB, $big ns at 1 GiB"
done
# shellcheck disable=SC2154
t "fork's latency grows with the parent (1 GiB / 0 MiB: $r_fork > 4)" python3 -c "assert $r_fork > 4"
t "vfork's does not ($r_vfork < 1.5)" python3 -c "assert $r_vfork < 1.5"
t "posix_spawn's does not ($r_posix_spawn < 1.5)" python3 -c "assert $r_posix_spawn < 1.5"
done_testing
