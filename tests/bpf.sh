#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# The BPF backend on the host, natively (docs/bpf.md): this kernel refuses
# fentry and has no kprobes, so the tracepoint chain.  Kinds and the page
# tables of a known mapping are exact; for the K/J/L write protocol the
# write-protect faults by side are exact (copies and reuses: unknown with
# these hooks, and said so).  Also the commands through the backend, and the
# errors a user meets.  TAP on stdout.  Needs root; the guests test the fentry
# chain (tests/guest/45-bpf.sh).
#
# Every command names its backend.  A backend the host has attached (sudo
# forkstats --backend bpf attach) is detached for the run and attached again
# at the end, with its chain and sizes (its counts start from zero): two
# backends attached at once, even on BPF filesystems of their own, each miss
# the first COW fault of a phase (measured: cow 100 100 100 counts 99).
set -u
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
top=$here/..
F=$top/tools/forkstats/forkstats
. "$here/tap.sh"
. "$here/host-bpf.sh"
tmp=$(mktemp -d)
# shellcheck disable=SC2034 # tests/tap.sh's
TAP_TMP=$tmp
host_bpf_save
restore() {
	host_bpf_restore bpf.sh
	rm -rf "$tmp"
}
trap restore EXIT

make -s -C "$top/tests" progs O="$tmp/build" >"$tmp/build.log" 2>&1 ||
	{ not_ok "test programs build"; sed 's/^/#   /' "$tmp/build.log"; done_testing; exit 1; }
A=$tmp/build/progs/fsaccept

"$F" --backend bpf detach >/dev/null 2>&1
t "unprivileged attach: one line saying root is needed, exit 1" sh -c \
	"setpriv --reuid=65534 --regid=65534 --clear-groups '$F' --backend bpf attach >'$tmp/o' 2>&1; test \$? = 1 && test \$(wc -l <'$tmp/o') = 1 && grep -q 'needs root' '$tmp/o'"
t "a kernel without BTF: one line saying so, exit 1 (BTF hidden in a mount namespace)" \
	unshare -m sh -c "mount -t tmpfs none /sys/kernel/btf && '$F' --backend bpf attach >'$tmp/o' 2>&1; test \$? = 1 && test \$(wc -l <'$tmp/o') = 1 && grep -q 'has no BTF' '$tmp/o'"
t "--chain takes fentry, tracepoint or kprobe only" sh -c \
	"! '$F' --backend bpf attach --chain ftrace 2>'$tmp/o' && grep -q 'fentry, tracepoint or kprobe' '$tmp/o'"
t "the kprobe chain, refused by this kernel (no kprobes): one line naming why, nothing left behind" sh -c \
	"! '$F' --backend bpf attach --chain kprobe >'$tmp/o' 2>&1 && test \$(wc -l <'$tmp/o') = 1 && grep -q 'kprobe: .*kprobe_events' '$tmp/o' && test ! -e /sys/fs/bpf/forkstats"
t "the fentry chain, refused by this kernel: one line naming why, no libbpf dump" sh -c \
	"! '$F' --backend bpf attach --chain fentry >'$tmp/o' 2>&1 && test \$(wc -l <'$tmp/o') = 1 && grep -q 'fentry: ' '$tmp/o'"
t "attach picks the tracepoint chain here" sh -c \
	"'$F' --backend bpf attach | grep -q 'tracepoint chain'"
t "status: auto reads the BPF backend, names the chain and the approximate columns" sh -c \
	"'$F' status >'$tmp/o' && grep -q '^reading:  bpf (tracepoint chain)' '$tmp/o' && grep -q '^approximate: create_ns total_ns' '$tmp/o'"
t "status --json: backend, chain, approximate" python3 -c "
import json, subprocess
d = json.loads(subprocess.run(['$F', '--backend', 'bpf', '--json', 'status'], capture_output=True, text=True, check=True).stdout)
assert d['backend'] == 'bpf' and d['chain'] == 'tracepoint', d
assert d['approximate'] == ['create_ns', 'total_ns'], d
assert d['split'] == 'unknown' and d['backends']['bpf'] is True, d
assert {p['probe'] for p in d['probes']} >= {'sys_enter', 'task_newtask', 'page_fault_user', 'exit_mmap'}, d['probes']
"

export FSACCEPT_BPF=$F
for m in 2 64 512; do
	tap_run "pgtables $m" "$A" pgtables $m
done
for kjl in "1 1 1" "100 100 100" "1000 1 1000" "8 100 200"; do
	tap_run "cow $kjl" "$A" cow $kjl
done
tap_run kinds "$A" kinds
tap_run "remap 64" "$A" remap 64 "$tmp"
tap_run failfork "$A" failfork
tap_run sums "$A" sums
unset FSACCEPT_BPF

t "show: the table, vmas_copied, copies/reuses and rss_pages unknown (-)" sh -c \
	"'$F' --backend bpf show >'$tmp/o' && grep -Eq '^fork +[0-9]+ +[0-9]+ .* - +[0-9]+ +[0-9]+ +- +- +[0-9.]+ [a-z]+ +[0-9.]+ [a-z]+ +[0-9]+ +-\$' '$tmp/o'"
t "show --json: backend bpf, its chain, the approximate columns" python3 -c "
import json, subprocess
d = json.loads(subprocess.run(['$F', '--backend', 'bpf', '--json', 'show'], capture_output=True, text=True, check=True).stdout)
assert d['backend'] == 'bpf' and d['chain'] == 'tracepoint', d
assert d['approximate'] == ['create_ns', 'total_ns'], d
fork = [k for k in d['kinds'] if k['kind'] == 'fork'][0]
assert fork['vmas_copied'] is None and fork['cow_copies'] is None and fork['calls'] > 0, fork
"
t "show: the header names the chain and the approximate columns" sh -c \
	"'$F' --backend bpf show | head -n 1 | grep -q 'BPF backend, tracepoint chain; approximate: create_ns,total_ns'"
t "calls --json parses and has the records" python3 -c "
import json, subprocess
d = json.loads(subprocess.run(['$F', '--backend', 'bpf', '--json', 'calls'], capture_output=True, text=True, check=True).stdout)
calls = d['calls'] if isinstance(d, dict) else d
assert len(calls) > 10, len(calls)
"
t "hist: buckets for fork" sh -c "'$F' --backend bpf hist | grep -q '^fork'"
t "stat through the pinned backend: a fork, its page tables" sh -c \
	"'$F' --backend bpf stat -- sh -c 'true & wait' 2>'$tmp/o' && grep -Eq '^ +fork +total\$' '$tmp/o' && grep -Eq '^calls +1 +1\$' '$tmp/o'"
# stat of a known tree: 5 forks (subshells), nothing else.
printf '#!/bin/sh\nfor i in 1 2 3 4 5; do (:); done\n' >"$tmp/five"
chmod +x "$tmp/five"
t "stat --json of 5 forks: calls 5, per-call = sum / 5 exactly, null (not 0) for what the chain cannot know in every kind, no mean without calls" python3 -c "
import json, subprocess
subprocess.run(['$F', '--backend', 'bpf', '--json', 'stat', '-o', '$tmp/five.json', '--', '$tmp/five'], check=True)
d = json.load(open('$tmp/five.json'))
show = json.loads(subprocess.run(['$F', '--backend', 'bpf', '--json', 'show'], capture_output=True, text=True, check=True).stdout)
assert (d['backend'], d['chain'], d['approximate']) == ('bpf', 'tracepoint', ['create_ns', 'total_ns']), d
k = {r['kind']: r for r in d['kinds']}
assert [k[n]['calls'] for n in ('fork', 'vfork', 'thread', 'clone', 'kthread', 'total')] == [5, 0, 0, 0, 0, 5], d['kinds']
f = k['fork']
assert f['pgtable_bytes'] > 0 and f['pgtable_bytes'] % 4096 == 0, f
for c in ('pgtable_bytes', 'cow_parent', 'cow_child'):
    assert f[c + '_per_call'] == f[c] / 5 and k['total'][c + '_per_call'] == f[c] / 5, (c, f)
unknown = [c for c in ('vmas_copied', 'cow_copies', 'cow_reuses') if [r for r in show['kinds'] if r['kind'] == 'total'][0][c] is None]
assert 'vmas_copied' in unknown and 'cow_copies' in unknown, unknown
for r in d['kinds']:
    for c in unknown:
        assert r[c] is None and r.get(c + '_per_call') is None, (r['kind'], c, r)
    if r['calls'] == 0:
        for c in r:
            if c.endswith(('_mean', '_p50', '_p99', '_per_call')):
                assert r[c] is None, (r['kind'], c, r)
        assert (r['pgtable_bytes'], r['cow_parent'], r['failed']) == (0, 0, 0), r
"
t "stat -r 3 of 5 forks, text: a column per kind that made calls, 'calls 5.00', per-call lines, spread in units, '-' for unknown" sh -c \
	"'$F' --backend bpf stat -r 3 -- '$tmp/five' 2>'$tmp/o' && grep -Eq '^ +fork +total\$' '$tmp/o' && grep -Eq '^calls +5\.00 +5\.00\$' '$tmp/o' &&
	 grep -Eq '^page tables copied +[0-9.]+ KiB +[0-9.]+ KiB\$' '$tmp/o' && test \$(grep -c '^  per call ' '$tmp/o') = 4 &&
	 grep -Eq '^VMAs copied +- +-\$' '$tmp/o' && grep -Eq '^COW copies +- +-\$' '$tmp/o' && grep -q 'tracepoint chain; approximate: create_ns,total_ns' '$tmp/o' &&
	 grep -Eq '^fork +calls +5\.00 +5\.00 +5\.00 +0\.00\$' '$tmp/o' && grep -Eq '^fork +pgtable_bytes +[0-9.]+ KiB +[0-9.]+ KiB +[0-9.]+ KiB +[0-9.]+ (B|KiB)\$' '$tmp/o' &&
	 grep -Eq '^fork +total_ns_mean +[0-9.]+ [um]s +[0-9.]+ [um]s +[0-9.]+ [um]s +[0-9.]+ [num]s\$' '$tmp/o' &&
	 grep -Eq '^fork +vmas_copied +- +- +- +-\$' '$tmp/o'"
t "show --prometheus on the tracepoint chain (6.2+: the child RSS unknown): no fork RSS sample, forkstats_child_rss_known 0 for fork, promtool-clean" sh -c \
	"'$F' --backend bpf show --prometheus >'$tmp/m' 2>/dev/null && ! grep -q '^forkstats_child_rss_bytes_total{kind=\"fork\"}' '$tmp/m' &&
	 grep -qxF 'forkstats_child_rss_known{kind=\"fork\"} 0' '$tmp/m' && grep -qxF 'forkstats_child_rss_known{kind=\"vfork\"} 1' '$tmp/m' &&
	 '$F' --backend bpf --json show | python3 -c 'import json, sys; d = json.load(sys.stdin); assert [r for r in d[\"kinds\"] if r[\"kind\"] == \"fork\"][0][\"rss_pages\"] is None' &&
	 promtool check metrics <'$tmp/m'"
t "hist on the tracepoint chain: create and total latencies marked approximate, in the text and in JSON" sh -c \
	"'$F' --backend bpf hist | grep -q '^fork: create (copy_process) latency, approximate (BPF backend, tracepoint chain: docs/bpf.md)\$' &&
	 '$F' --backend bpf hist --total | grep -q '^fork: total (kernel_clone) latency, approximate' &&
	 '$F' --backend bpf --json hist | python3 -c 'import json, sys; d = json.load(sys.stdin); assert d and all(r[\"approximate\"] is True for r in d)'"
t "top through the backend: a command forking during the interval is on the screen" sh -c \
	"(sleep 0.2; sh -c 'true & wait') & '$F' --backend bpf top -n 3 -i 0.5 >'$tmp/o'; wait; grep -Eq '^sh +[1-9]' '$tmp/o'"
t "reset: totals back to zero" sh -c \
	"'$F' --backend bpf reset && '$F' --backend bpf --json show | python3 -c 'import json, sys; assert [k[\"calls\"] for k in json.load(sys.stdin)[\"kinds\"] if k[\"kind\"] == \"total\"][0] <= 5'"
t "show after reset: a kind without calls has no mean ('-' in text, null in JSON), whatever the host forks meanwhile" sh -c \
	"'$F' --backend bpf reset && '$F' --backend bpf --json show >'$tmp/r.json' && '$F' --backend bpf show >'$tmp/r.txt' &&
	 python3 -c 'import json, sys; d = json.load(open(sys.argv[1])); e = [r for r in d[\"kinds\"] if r[\"calls\"] == 0]; assert e, d; assert all(r[\"create_ns_mean\"] is None and r[\"total_ns_mean\"] is None for r in e), e' '$tmp/r.json' &&
	 awk '/^(thread|clone|kthread) / && \$2 == 0 { n++; if (\$4 != \"-\" || \$5 != \"-\") exit 1 } END { exit !n }' '$tmp/r.txt'"
t "cat: the BPF backend has no files; exit 1, the command that shows each named" sh -c \
	"! '$F' --backend bpf cat calls >'$tmp/o' 2>'$tmp/e' && ! test -s '$tmp/o' && grep -q \"shown by the command 'calls'\" '$tmp/e' &&
	 ! '$F' --backend bpf cat probes 2>'$tmp/e' >/dev/null && grep -q \"command 'status'\" '$tmp/e'"
# A backend attached by another version (another map layout: FSB_LAYOUT in
# tools/bpf/state.h, the state's "layout" field at byte 104) is refused with
# what to do, never misread.  The last test before detach: it rewrites the
# live state map.
t "a backend of another map layout: one line naming it and how to re-attach, exit 1" python3 -c "
import json, subprocess
st = '/sys/fs/bpf/forkstats/state'
v = json.loads(subprocess.run(['bpftool', '-j', 'map', 'lookup', 'pinned', st, 'key', '0', '0', '0', '0'], capture_output=True, text=True, check=True).stdout)['value']
v = [int(x, 16) for x in v]
assert v[104:108] == [2, 0, 0, 0], v[104:108]
v[104:108] = [99, 0, 0, 0]
subprocess.run(['bpftool', 'map', 'update', 'pinned', st, 'key', '0', '0', '0', '0', 'value'] + [str(x) for x in v], check=True)
r = subprocess.run(['$F', '--backend', 'bpf', 'show'], capture_output=True, text=True)
assert r.returncode == 1 and r.stdout == '', r
assert r.stderr.count(chr(10)) == 1 and 'another version of forkstats (map layout 99, this one reads 2)' in r.stderr and 'detach, then attach' in r.stderr, r.stderr
"
t "detach, then the backend is gone" sh -c \
	"'$F' --backend bpf detach && ! test -e /sys/fs/bpf/forkstats && ! '$F' --backend bpf show 2>/dev/null"
t "stat attaches the backend for its own run when none is pinned" sh -c \
	"'$F' --backend bpf stat -- sh -c 'true & wait' 2>'$tmp/o' && grep -Eq '^calls +1 +1\$' '$tmp/o' && ! test -e /sys/fs/bpf/forkstats"
done_testing
