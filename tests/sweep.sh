#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# The fork-vs-vfork sweep script, its JSON reader, its conclusions and plots
# on the host, TAP on stdout: the timing-only path (--backend module: no
# module here), the conclusions and gnuplot's ranges on the fixture, and, as
# root, the sweep with the BPF backend it attaches itself — run this under
# flock /tmp/fs-host-bpf.lock when others use the host's BPF backend.  The
# module's counters path runs in the guests (tests/guest/35-workloads.sh, and
# tests/guest/demo.sh through make demo).
set -u
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
W=$here/../tools/workloads
F=$here/../tools/forkstats/forkstats
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
	t "fork-vs-vfork: the latency plot, and no page-table plot without counters" sh -c "file '$tmp/out/latency.png' | grep -q 'PNG image' && test -s '$tmp/out/latency.svg' && test ! -e '$tmp/out/pgtables.png' && grep -q 'no page-table' '$tmp/progress'"
fi
t "fork-vs-vfork: the conclusions follow the table" grep -q "^Conclusions (computed from this CSV" "$tmp/table"
t "fork-vs-vfork --plot: plots a CSV made elsewhere" sh -c "'$W/fork-vs-vfork' --plot '$tmp/out/fork-vs-vfork.csv' --out '$tmp/replot' 2>/dev/null && test -s '$tmp/replot/latency.png'"
t "fork-vs-vfork: a bad option is exit 2" sh -c "'$W/fork-vs-vfork' --bogus >/dev/null 2>&1; test \$? = 2"
t "fork-vs-vfork --help: exit 0, the usage on stdout" sh -c "'$W/fork-vs-vfork' --help | grep -q '^usage: fork-vs-vfork'"

# The conclusions of the fixture, whose figures are exact by construction:
# fork 60 us + 6.25 us per MiB, page tables 40 KiB + (size / 2 MiB + 1) pages.
"$W/fork-vs-vfork" --conclude "$here/fixtures/fork-vs-vfork.csv" >"$tmp/concl" 2>&1
t "conclusions: fork's slope, 6.40 ms per GiB over 16-256 MiB" grep -q "6.40 ms per GiB (slope of the median over 3 sizes > 0, 16–256 MiB)" "$tmp/concl"
t "conclusions: page tables, 2.00 MiB per GiB" grep -q "2.00 MiB per GiB" "$tmp/concl"
t "conclusions: fork+exec : vfork+exec : posix_spawn at 100 MiB, 8.8 : 1 : 2.5" grep -q "8.8 : 1 : 2.5 at 100 MiB (0.70 / 0.080 / 0.20 ms)" "$tmp/concl"
t "conclusions: vfork and posix_spawn flat (their fitted lines: +7 %, +3 % over 0-256 MiB)" sh -c "grep -q 'vfork flat in parent size? *flat: the fitted line changes +7 % over 0–256 MiB' '$tmp/concl' && grep -q 'posix_spawn flat in parent size? *flat: the fitted line changes +3 % over 0–256 MiB' '$tmp/concl'"
sed 's/^vfork,256,20,[0-9]*,[0-9]*,/vfork,256,20,1,40000,/' "$here/fixtures/fork-vs-vfork.csv" >"$tmp/steep.csv"
t "conclusions: a vfork whose median doubles at 256 MiB is not flat" sh -c "'$W/fork-vs-vfork' --conclude '$tmp/steep.csv' | grep -q 'vfork flat in parent size? *NOT flat: the fitted line changes +'"
t "conclusions: each beside its published figure" test "$(grep -c 'published: ' "$tmp/concl")" = 5
grep -v ',100,' "$here/fixtures/fork-vs-vfork.csv" >"$tmp/no100.csv"
t "conclusions: without 100 MiB, the nearest size, said" sh -c "'$W/fork-vs-vfork' --conclude '$tmp/no100.csv' | grep -q ' at 16 MiB (the measured size nearest to 100 MiB)'"
t "conclusions: a CSV without timing columns is refused" sh -c "echo a,b >'$tmp/bad.csv'; ! '$W/fork-vs-vfork' --conclude '$tmp/bad.csv' 2>/dev/null"

# ranges_ok FILE PLOTS: gnuplot's own ranges (plots.ranges, printed after each
# plot from GPVAL_*): every plot named, every data range strictly inside its
# axes, a log axis's floor not a decade below the data's minimum, a linear
# one from 0 (or the data's minimum) less 10 % of the axis at most.
ranges_ok() {
	awk -v want="$2" '
		{ seen[$1] = 1 }
		!($5 < $9 && $10 < $6 && $3 < $7 && $8 < $4) { print "data outside the axes: " $0; bad = 1 }
		$2 == "log" && !($5 >= $9 / 10 && $3 >= $7 / 10) { print "a floor a decade under the data: " $0; bad = 1 }
		$2 == "lin" && !($5 <= 0 && $5 >= ($9 < 0 ? $9 : 0) - 0.1 * ($6 - $5)) { print "a linear axis without 0, or its floor far under the data: " $0; bad = 1 }
		END {
			n = split(want, w, " ")
			for (i = 1; i <= n; i++)
				if (!(w[i] in seen)) { print "no ranges for " w[i]; bad = 1 }
			exit bad
		}' "$1"
}
if command -v gnuplot >/dev/null; then
	"$W/fork-vs-vfork" --plot "$here/fixtures/fork-vs-vfork.csv" --out "$tmp/fx" 2>"$tmp/fx.err"
	t "--plot: three plots, PNG and SVG, from a CSV with counters" bash -c "file '$tmp'/fx/{latency,pgtables,cow}.png | grep -c 'PNG image' | grep -qx 3 && grep -c '<svg' '$tmp'/fx/{latency,pgtables,cow}.svg | grep -c ':1' | grep -qx 3"
	t "--plot: says where the plots are" grep -q "plots: $tmp/fx/latency.png $tmp/fx/latency.svg $tmp/fx/pgtables.png" "$tmp/fx.err"
	t "--plot: gnuplot's axes hold every data range of the fixture (plots.ranges)" ranges_ok "$tmp/fx/plots.ranges" "latency pgtables cow"
	t "--plot: the timing-only CSV's latency plot, axes holding its data" ranges_ok "$tmp/out/plots.ranges" "latency"
	styles() {	# the distinct (colour, marker) pairs of the latency plot
		awk -v dir="$tmp/s" -v dat="$tmp/s.dat" -f "$W/fvv-plot.awk" "$here/fixtures/fork-vs-vfork.csv" |
			awk '/^plot /{ on = 1 } on { print } /^print /{ exit }' | grep -o "lc rgb '#[0-9A-F]*' pt [0-9]*" | sort -u | wc -l
	}
	is "$(styles)" 8 "--plot: a colour and a marker of its own for each of the 8 methods"
else
	not_ok "gnuplot is installed (scripts/deps.sh)"
fi

# With the BPF backend on this module-less host, as root: the sweep attaches
# it for its run (and detaches it), fills the counters and draws every plot;
# the lab likewise gives every verdict.
# Run under flock /tmp/fs-host-bpf.lock when others use the host's backend.
# ASLR off for the sweep (setarch -R, inherited): the page tables of two
# sizes then differ by exactly the region's (docs/workloads.md).
if [ "$(id -u)" = 0 ] && [ ! -e /proc/forkstats ] && command -v setarch >/dev/null; then
	before=$(test -e /sys/fs/bpf/forkstats && echo attached)
	[ -n "$before" ] && diag "a BPF backend was attached before: the sweep uses it"
	t0=$(date +%s)
	setarch -R "$W/fork-vs-vfork" --sizes "0 64 256" -n 3 --warmup 1 --out "$tmp/bpf" >"$tmp/bpf.table" 2>"$tmp/bpf.err"
	rc=$?
	diag "BPF sweep: $(( $(date +%s) - t0 )) s"
	t "BPF: the sweep exits 0" test $rc = 0
	if [ -z "$before" ]; then
		t "BPF: it timed with nothing attached, then attached the backend for itself to count, and said so" grep -q 'timing with nothing attached, then counting page tables and COW faults with forkstats stat (the BPF backend, attached for this sweep' "$tmp/bpf.err"
		t "BPF: the counting pass after the timing pass" sh -c "grep -q '\[24/24\] vfork-exec .* 256 MiB\$' '$tmp/bpf.err' && grep -q '\[1/24\] fork .* 0 MiB (counting)' '$tmp/bpf.err'"
		t "BPF: and detached it at the end" test ! -e /sys/fs/bpf/forkstats
	fi
	t "BPF: page tables per fork grow by exactly the region's PTE pages (size / 2 MiB) and its PMD page, vfork-likes 0" python3 -c "
import csv
rows = {(r['method'], int(r['size_mib'])): r for r in csv.DictReader(open('$tmp/bpf/fork-vs-vfork.csv'))}
assert len(rows) == 24, len(rows)
for m in ('fork', 'fork-exec'):
    base = int(rows[(m, 0)]['pgtable_bytes_per_call'])
    assert base > 0, (m, base)
    for s in (64, 256):
        got = int(rows[(m, s)]['pgtable_bytes_per_call']) - base
        want = (s // 2 + 1) * 4096
        assert got == want, (m, s, got, want)
for m in ('vfork', 'vfork-exec', 'posix_spawn', 'clone-vfork', 'clone-vm', 'pthread'):
    for s in (0, 64, 256):
        r = rows[(m, s)]
        assert r['pgtable_bytes_per_call'] == '0', (m, s, r)
        assert float(r['cow_parent_per_call']) == 0 and float(r['cow_child_per_call']) == 0, (m, s, r)
"
	t "BPF: fork's COW faults by side do not grow with the parent (the child exits at once: only the pages each side writes anyway, <= 16)" python3 -c "
import csv
rows = [r for r in csv.DictReader(open('$tmp/bpf/fork-vs-vfork.csv')) if r['method'] in ('fork', 'fork-exec')]
for side in ('cow_parent_per_call', 'cow_child_per_call'):
    v = [float(r[side]) for r in rows]
    assert 0 < min(v) and max(v) <= 16 and max(v) - min(v) <= 1, (side, v)
"
	t "BPF: the conclusions, page tables 2.00 MiB per GiB" grep -q '2.00 MiB per GiB (slope' "$tmp/bpf.table"
	if command -v gnuplot >/dev/null; then
		t "BPF: every plot drawn, PNG and SVG" bash -c "ls '$tmp'/bpf/{latency,pgtables,cow}.{png,svg} >/dev/null"
		t "BPF: gnuplot's axes hold every data range of the host's run" ranges_ok "$tmp/bpf/plots.ranges" "latency pgtables cow"
	fi
	# The lab with the same backend, attached by the lab for its run when none is.
	"$W/lab/run-lab" >"$tmp/lab.out" 2>&1
	rc=$?
	t "BPF: run-lab, every claim as expected (exit 0: $rc)" sh -c "test $rc = 0 && grep -qx '9 claims, 9 as expected, 0 not' '$tmp/lab.out'"
	t "BPF: the lab says which figures this backend cannot give" grep -q 'unknown with this backend' "$tmp/lab.out"
	if [ -z "$before" ]; then
		t "BPF: nothing left attached by the lab" test ! -e /sys/fs/bpf/forkstats
	fi
else
	diag "not root, or the module is loaded: the BPF sweep is not run"
fi
done_testing
