#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# A machine where no module can be loaded but BPF works (this host: no
# CONFIG_MODULES, the tracepoint chain), as a user meets it (docs/bpf.md,
# "Who can do what"): status with nothing attached and with the BPF backend
# attached; every other command with nothing attached naming both ways out in
# one line; stat and top as root attaching the BPF backend for their run and
# detaching it after (at their end, after SIGTERM), a backend attached before
# left attached; the errors of an unprivileged user naming the path and mode
# in the way; attach and detach idempotent; stat --json after the command,
# with exact counts.  TAP on stdout.  Root; run under the host's BPF lock
# (flock /tmp/fs-host-bpf.lock tests/access.sh).
#
# A backend the host has attached is detached for the run and attached again
# at the end, with its chain and sizes (as tests/bpf.sh does).
set -u
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
top=$here/..
F=$(realpath "${FORKSTATS:-$top/tools/forkstats/forkstats}")	# FORKSTATS=PATH: another binary
fx=$here/fixtures
. "$here/tap.sh"
. "$here/host-bpf.sh"
tmp=$(mktemp -d)
chmod 755 "$tmp"	# the unprivileged user reads fixtures here
# shellcheck disable=SC2034 # tests/tap.sh's
TAP_TMP=$tmp
PIN=/sys/fs/bpf/forkstats
host_bpf_save
restore() {
	host_bpf_restore access.sh
	rm -rf "$tmp"
}
trap restore EXIT
"$F" detach >/dev/null 2>&1

# none_left: no pin directory, none of our programs loaded (2 s for the kernel to free them).
none_left() {
	local i
	for i in $(seq 20); do
		[ ! -e $PIN ] && [ "$(bpf_ours)" = 0 ] && return 0
		sleep 0.1
	done
	echo "pins: $(ls $PIN 2>&1); programs of ours loaded: $(bpf_ours)"
	return 1
}
# one_line FILE: exactly one line
one_line() { test "$(wc -l <"$1")" = 1 || { echo "not one line:"; cat "$1"; return 1; }; }
# The way to the module this kernel allows, as the message must give it.
if [ -e /proc/modules ]; then
	modway='insmod module/forkstats.ko|modprobe forkstats'
else
	modway='not on this kernel: no CONFIG_MODULES'
fi
# both_ways FILE: one line naming the module's way (or why not) and the BPF backend's attach
both_ways() {
	one_line "$1" && grep -Eq "$modway" "$1" && grep -q 'sudo forkstats attach' "$1" &&
		{ [ -e /proc/modules ] || ! grep -q insmod "$1"; } || { cat "$1"; return 1; }
}
t "nothing attached at the start (our programs not loaded)" none_left

# -- Nothing attached -------------------------------------------------------
status_none() {
	"$F" status >"$tmp/o" 2>"$tmp/e" || { echo "exit $?"; cat "$tmp/e"; return 1; }
	! test -s "$tmp/e" &&
		grep -q '^backends: module not loaded; bpf not attached$' "$tmp/o" &&
		grep '^reading:  nothing: ' "$tmp/o" >"$tmp/r" && both_ways "$tmp/r" &&
		grep -Eq "^module:   (not on this kernel: no CONFIG_MODULES|loadable|no kernel headers)" "$tmp/o" &&
		grep -Eq '^bpf:      BTF yes; fentry no \(.+\); tracepoint yes; kprobe no \(.+\)$' "$tmp/o" ||
		{ cat "$tmp/o"; return 1; }
}
t "status, nothing attached: exit 0, what is active, both ways out, what this machine can do (tracepoint yes, fentry and kprobe no, with why)" status_none
t "status --json, nothing attached: reading null, not_reading the advice, machine's module state and chains" python3 -c "
import json, os, subprocess
r = subprocess.run(['$F', 'status', '--json'], capture_output=True, text=True)
assert r.returncode == 0 and r.stderr == '', r
d = json.loads(r.stdout)
assert d['reading'] is None and d['backend'] is None and d['counters'] is None, d
assert d['backends'] == {'module': False, 'bpf': False}, d['backends']
assert 'sudo forkstats attach' in d['not_reading'], d['not_reading']
m = d['machine']
if not os.path.exists('/proc/modules'):
    assert m['module']['state'] == 'no-modules' and 'CONFIG_MODULES' in m['module']['why'], m['module']
assert m['btf'] is True, m
c = m['chains']
assert c['tracepoint'] == {'can': True, 'why': None}, c
assert c['fentry']['can'] is False and c['fentry']['why'], c
assert c['kprobe']['can'] is False and 'kprobe_events' in c['kprobe']['why'], c
"
t "status as an unprivileged user, nothing attached: exit 0, chains it cannot try are unknown" sh -c \
	"setpriv --reuid=65534 --regid=65534 --clear-groups '$F' status >'$tmp/o' 2>&1 && grep -q '^reading:  nothing: ' '$tmp/o' && grep -q 'tracepoint unknown (its targets are in BTF; whether the kernel takes its programs is tried as root only)' '$tmp/o'"
for cmd in show calls hist reset "cat proc" "export --textfile $tmp"; do
	# shellcheck disable=SC2086 # the command's words
	t "$cmd, nothing attached: exit 1, one line naming both ways out" sh -c \
		"'$F' $cmd >'$tmp/o' 2>'$tmp/e'; test \$? = 1 && ! test -s '$tmp/o'"
	check "$cmd, nothing attached: the line names both ways out (never insmod where modules cannot load)" both_ways "$tmp/e"
done
t "stat as an unprivileged user, nothing attached: exit 1, one line naming both ways out, nothing attached" sh -c \
	"setpriv --reuid=65534 --regid=65534 --clear-groups '$F' stat -- true >'$tmp/o' 2>'$tmp/e'; test \$? = 1"
check "... the line names both ways out" both_ways "$tmp/e"
t "... and nothing is left attached" none_left

# -- stat and top attach for their run --------------------------------------
# N forks by sh, each of a builtin: exactly N calls of kind fork.
forks() { echo "i=0; while [ \$i -lt $1 ]; do true & wait; i=\$((i + 1)); done"; }
stat_json() {
	"$F" stat --json -o "$tmp/o" -- sh -c "$(forks 7)" 2>"$tmp/e" || { echo "exit $?"; cat "$tmp/e"; return 1; }
	one_line "$tmp/e" &&
		grep -q '^forkstats: no backend was active: the BPF backend is attached for this run (tracepoint chain) and detached at its end$' "$tmp/e" &&
		python3 -c "
import json, sys
d = json.load(open('$tmp/o'))
k = {x['kind']: x for x in d['kinds']}
assert k['fork']['calls'] == 7 and k['total']['calls'] == 7 and k['fork']['failed'] == 0, k['fork']
assert k['fork']['pgtable_bytes'] > 0, k['fork']
"
}
t "stat --json -- CMD (--json after the command), as root with nothing attached: one stderr line saying it attached the BPF backend, calls == 7 for 7 forks" stat_json
t "... detached after: no pin directory, none of our programs loaded" none_left
stat_text() {
	"$F" stat -- sh -c "$(forks 5)" 2>"$tmp/e" >/dev/null &&
		grep -q '^forkstats: no backend was active' "$tmp/e" && grep -Eq '^calls +5 +5$' "$tmp/e" ||
		{ cat "$tmp/e"; return 1; }
}
t "stat -- CMD (text): fork 5" stat_text
t "... detached after" none_left
stat_repeat() {
	"$F" stat -r 2 -o "$tmp/o" --json -- sh -c "$(forks 4)" 2>/dev/null &&
		python3 -c "
import json
d = json.load(open('$tmp/o'))
k = {x['kind']: x for x in d['kinds']}
assert d['runs'] == 2 and k['fork']['calls'] == 4, k['fork']
"
}
t "stat -r 2 -o FILE --json -- CMD: calls 4 per run" stat_repeat
t "... detached after" none_left
stat_fail() {
	"$F" stat -- /nonexistent/cmd 2>"$tmp/e"
	test $? = 127 && grep -q 'nonexistent' "$tmp/e"
}
t "stat of a command that cannot run: exit 127" stat_fail
t "... detached after the error" none_left
stat_term() {
	local pid child
	"$F" stat -- sleep 30 2>"$tmp/e" &
	pid=$!
	bpf_wait_loaded 5 || { echo "stat never attached"; kill "$pid"; return 1; }
	child=$(pgrep -P "$pid")	# CMD, orphaned by the kill: ended by its pid
	kill -TERM "$pid"
	wait "$pid"
	[ -z "$child" ] || kill "$child" 2>/dev/null
	none_left
}
t "stat killed by SIGTERM: the backend it attached goes with it (no pins, no programs)" stat_term
stat_int() {
	local pid
	# Ctrl-C on a terminal: SIGINT to the foreground group, stat and CMD.
	setsid "$F" stat -- sleep 30 2>"$tmp/e" &
	pid=$!
	bpf_wait_loaded 5 || { echo "stat never attached"; kill "$pid"; return 1; }
	sleep 0.2
	kill -INT -- -"$pid"
	wait "$pid"
	test $? = 130 || { echo "exit status $? (not 130: CMD's, killed by SIGINT)"; cat "$tmp/e"; return 1; }
	none_left
}
t "stat and CMD sent SIGINT (Ctrl-C): stat reports, exits 130, detached after" stat_int
top_auto() {
	"$F" top -n 2 -i 0.3 >"$tmp/o" 2>"$tmp/e" || { echo "exit $?"; cat "$tmp/e"; return 1; }
	one_line "$tmp/e" && grep -q '^forkstats: no backend was active: the BPF backend is attached for this run' "$tmp/e" &&
		grep -q '^COMMAND ' "$tmp/o"
}
t "top -n 2 as root with nothing attached: attaches for its run, says so in one stderr line" top_auto
t "... detached after" none_left
top_term() {
	local pid
	"$F" top -i 0.2 >/dev/null 2>&1 &
	pid=$!
	bpf_wait_loaded 5 || { echo "top never attached"; kill "$pid"; return 1; }
	sleep 0.5
	kill -TERM "$pid"
	wait "$pid"
	none_left
}
t "top ended by SIGTERM: detached after" top_term

# -- A backend attached before stays attached --------------------------------
t "attach: the tracepoint chain" sh -c "'$F' attach | grep -q 'tracepoint chain'"
pre() {
	"$F" stat -- sh -c "$(forks 3)" 2>"$tmp/e" && ! grep -q 'attached for this run' "$tmp/e" &&
		grep -Eq '^calls +3 +3$' "$tmp/e" && "$F" top -n 1 -i 0.2 >/dev/null 2>"$tmp/e2" && ! test -s "$tmp/e2" &&
		test -e $PIN/state || { cat "$tmp/e" "$tmp/e2"; return 1; }
}
t "stat and top through a backend attached before: no notice, exact counts, still attached after" pre

# -- status with the BPF backend attached ------------------------------------
status_bpf() {
	"$F" status >"$tmp/o" 2>&1 &&
		grep -q '^backends: module not loaded; bpf attached$' "$tmp/o" &&
		grep -q '^reading:  bpf (tracepoint chain)$' "$tmp/o" &&
		grep -q '; tracepoint yes;' "$tmp/o" || { cat "$tmp/o"; return 1; }
}
t "status, BPF attached: reading bpf (tracepoint chain), the machine's chains" status_bpf
t "status --json, BPF attached: reading bpf, not_reading null, counters" python3 -c "
import json, subprocess
d = json.loads(subprocess.run(['$F', '--json', 'status'], capture_output=True, text=True, check=True).stdout)
assert d['reading'] == 'bpf' and d['not_reading'] is None and d['chain'] == 'tracepoint', d
assert d['backends']['bpf'] is True and d['machine']['chains']['tracepoint']['can'] is True, d
assert isinstance(d['counters'], dict), d
"

# -- An unprivileged user, the backend attached ------------------------------
mode=$(stat -c %a $PIN)
for cmd in show calls "stat -- true" "top -n 1"; do
	# shellcheck disable=SC2086 # the command's words
	t "$cmd as an unprivileged user, BPF attached: exit 1, one line 'needs root ($PIN is 0$mode)'" sh -c \
		"setpriv --reuid=65534 --regid=65534 --clear-groups '$F' $cmd >'$tmp/o' 2>'$tmp/e'; test \$? = 1 && test \$(wc -l <'$tmp/e') = 1 && grep -q 'needs root ($PIN is 0$mode): run with sudo' '$tmp/e' && ! grep -q 'not attached' '$tmp/e'"
done
t "status as an unprivileged user, BPF attached: exit 0, bpf attached, why it is not read" sh -c \
	"setpriv --reuid=65534 --regid=65534 --clear-groups '$F' status >'$tmp/o' 2>&1 && grep -q '^backends: module not loaded; bpf attached$' '$tmp/o' && grep -q \"^reading:  nothing: the BPF backend's data needs root ($PIN is 0$mode)\" '$tmp/o'"
t "detach as an unprivileged user: exit 1, one line naming the directory and mode" sh -c \
	"setpriv --reuid=65534 --regid=65534 --clear-groups '$F' detach >'$tmp/o' 2>&1; test \$? = 1 && test \$(wc -l <'$tmp/o') = 1 && grep -q 'detach needs root ($PIN is 0$mode)' '$tmp/o' && test -e $PIN/state"
# The module's per-call files, unreadable: the directory in the way and its mode.
mkdir -m 700 "$tmp/dbg"
cp "$fx/debugfs/"* "$tmp/dbg/"
cp "$fx/proc" "$tmp/proc"
chmod 644 "$tmp/proc"
t "module's per-call files as an unprivileged user: one line 'needs root ($tmp/dbg is 0700)'" sh -c \
	"setpriv --reuid=65534 --regid=65534 --clear-groups '$F' calls --backend module --proc '$tmp/proc' --debugfs '$tmp/dbg' >'$tmp/o' 2>&1; test \$? = 1 && test \$(wc -l <'$tmp/o') = 1 && grep -q 'per-call data needs root ($tmp/dbg is 0700): run with sudo' '$tmp/o'"

# -- attach and detach are idempotent -----------------------------------------
t "attach when attached: exit 0, one line 'attached already' with what is attached" sh -c \
	"'$F' attach >'$tmp/o' 2>&1 && test \$(wc -l <'$tmp/o') = 1 && grep -q 'attached already (tracepoint chain, --records [0-9]* --max-tracked [0-9]* --max-active [0-9]*)' '$tmp/o'"
t "attach --chain tracepoint when so attached: exit 0" sh -c "'$F' attach --chain tracepoint | grep -q 'attached already'"
t "attach --records 1024 when attached with other records: exit 1, one line naming the difference and how to re-attach" sh -c \
	"'$F' attach --records 1024 >'$tmp/o' 2>&1; test \$? = 1 && test \$(wc -l <'$tmp/o') = 1 && grep -q 'other options (--records [0-9]*, not 1024): sudo forkstats detach, then attach' '$tmp/o' && test -e $PIN/state"
t "detach: the backend is gone" sh -c "'$F' detach && ! test -e $PIN"
t "detach when detached: exit 0, one line" sh -c \
	"'$F' detach >'$tmp/o' 2>&1 && test \$(wc -l <'$tmp/o') = 1 && grep -q 'not attached: nothing to detach' '$tmp/o'"
t "detach as an unprivileged user when detached: exit 0 too" sh -c \
	"setpriv --reuid=65534 --regid=65534 --clear-groups '$F' detach >/dev/null 2>&1"
t "nothing left at the end" none_left
done_testing
