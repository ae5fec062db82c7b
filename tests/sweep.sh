#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# The fork-vs-vfork sweep script and its JSON reader on the host (no module
# here: the timing-only path), TAP on stdout.  The counters path runs in the
# guests (tests/guest/demo.sh through make demo, tests/guest/36-sweep.sh).
set -u
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
W=$here/../tools/workloads
. "$here/tap.sh"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

# jsonflat.awk, with the awk of this machine and busybox's (the guests').
printf '{"a": [1, {"b": "x\\"y"}], "c": null, "d": {}, "e": -1.5e3, "f": true}\n' >"$tmp/in.json"
printf 'a.0 1\na.1.b x"y\nc null\ne -1.5e3\nf true\n' >"$tmp/want"
t "jsonflat: paths and scalars" sh -c "awk -f '$W/jsonflat.awk' '$tmp/in.json' | diff - '$tmp/want'"
t "jsonflat: the same under busybox awk" sh -c "busybox awk -f '$W/jsonflat.awk' '$tmp/in.json' | diff - '$tmp/want'"
for bad in '{"a":' '{"a" 1}' '[1,]' '{"a":1} x' '"open'; do
	t "jsonflat: refuses $bad" sh -c "! printf '%s' '$bad' | awk -f '$W/jsonflat.awk' >/dev/null 2>'$tmp/err' && grep -q '^jsonflat: ' '$tmp/err'"
done
t "jsonflat: reads forkstats' own JSON" sh -c "'$here/../tools/forkstats/forkstats' --backend module --proc '$here/fixtures/proc' --json show | awk -f '$W/jsonflat.awk' | grep -qx 'kinds.4.kind kthread'"

# The sweep, timing only (no module on the host; --backend module: whatever BPF
# backend the host has attached is not read).
"$W/fork-vs-vfork" --sizes "0 16" --methods "fork vfork posix_spawn fork-exec" -n 5 --warmup 1 \
	--backend module --out "$tmp/out" >"$tmp/table" 2>"$tmp/progress"
rc=$?
t "fork-vs-vfork: exit 0" test $rc = 0
t "fork-vs-vfork: says it measures timing only" grep -q 'timing only' "$tmp/progress"
t "fork-vs-vfork: progress names method, size and iteration" grep -q '\[3/8\] posix_spawn .* 0 MiB' "$tmp/progress"
t "fork-vs-vfork: the CSV has a header and a row per method and size" python3 -c "
import csv, sys
rows = list(csv.DictReader(open('$tmp/out/fork-vs-vfork.csv')))
assert len(rows) == 8, len(rows)
assert [(r['method'], r['size_mib']) for r in rows][:2] == [('fork', '0'), ('vfork', '0')]
for r in rows:
    assert int(r['latency_min_ns']) <= int(r['latency_median_ns']) <= int(r['latency_p99_ns']), r
    assert r['pgtable_bytes_per_call'] == '', r
"
t "fork-vs-vfork: the table has every row" sh -c "test \$(grep -cE '^(fork|vfork|posix_spawn|fork-exec) ' '$tmp/table') = 8"
if command -v gnuplot >/dev/null; then
	t "fork-vs-vfork: the latency plot, and no page-table plot without counters" sh -c "file '$tmp/out/latency.png' | grep -q 'PNG image' && test ! -e '$tmp/out/pgtables.png' && grep -q 'no page-table plot' '$tmp/progress'"
	t "fork-vs-vfork --plot: both plots from a CSV with counters" sh -c "'$W/fork-vs-vfork' --plot '$here/fixtures/fork-vs-vfork.csv' --out '$tmp/fx' 2>/dev/null && file '$tmp/fx/latency.png' '$tmp/fx/pgtables.png' | grep -c 'PNG image' | grep -qx 2"
else
	not_ok "gnuplot is installed (scripts/deps.sh)"
fi
t "fork-vs-vfork --plot: plots a CSV made elsewhere" sh -c "'$W/fork-vs-vfork' --plot '$tmp/out/fork-vs-vfork.csv' --out '$tmp/replot' 2>/dev/null && test -s '$tmp/replot/latency.png'"
t "fork-vs-vfork: a bad option is exit 2" sh -c "'$W/fork-vs-vfork' --bogus >/dev/null 2>&1; test \$? = 2"
done_testing
