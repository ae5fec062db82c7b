#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# forkstats top on a terminal (tmux), on the host with the BPF backend, as a
# user runs it: as root with nothing attached, top attaches the backend for
# its run (tracepoint chain here); a command of a known name forks a known
# number of times; the screen shows its row with that count; q quits (exit
# 0); the backend is detached after.  TAP on stdout.  Root, tmux
# (scripts/deps.sh); run under the host's BPF lock
# (flock /tmp/fs-host-bpf.lock tests/top-tmux.sh).
#
# A backend the host has attached is detached for the run and attached again
# at the end, with its chain and sizes (as tests/bpf.sh does).
set -u
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
top=$here/..
F=$top/tools/forkstats/forkstats
. "$here/tap.sh"
. "$here/host-bpf.sh"
command -v tmux >/dev/null || { echo "1..0 # SKIP tmux is not installed (scripts/deps.sh)"; exit 0; }
tmp=$(mktemp -d)
# shellcheck disable=SC2034 # tests/tap.sh's
TAP_TMP=$tmp
PIN=/sys/fs/bpf/forkstats
S=fstop$$
host_bpf_save
restore() {
	tmux kill-session -t "$S" 2>/dev/null
	host_bpf_restore top-tmux.sh
	rm -rf "$tmp"
}
trap restore EXIT
"$F" detach >/dev/null 2>&1

# until SECONDS COMMAND...: COMMAND succeeds within SECONDS (polled every 0.1 s)
until_ok() {
	local n=$(($1 * 10))
	shift
	while [ $n -gt 0 ]; do
		"$@" && return 0
		sleep 0.1
		n=$((n - 1))
	done
	return 1
}
none_left() { [ ! -e $PIN ] && [ "$(bpf_ours)" = 0 ]; }
session_gone() { ! tmux has-session -t "$S" 2>/dev/null; }

t "nothing attached at the start (a detached backend's programs freed within 3 s)" until_ok 3 none_left
# The workload: a shell of its own name (the comm top shows), forking N times
# (each child a builtin: no further call).
cp "$(command -v sh)" "$tmp/fsforker"
N=12
work() { "$tmp/fsforker" -c "i=0; while [ \$i -lt $N ]; do true & wait; i=\$((i + 1)); done"; }

tmux new-session -d -s "$S" -x 160 -y 40 \
	"'$F' top -i 2 2>'$tmp/err'; echo \$? >'$tmp/exit'"
t "top starts on a terminal and attaches the BPF backend for its run" bpf_wait_loaded 10
t "... saying so in one line on stderr" sh -c \
	"grep -q '^forkstats: no backend was active: the BPF backend is attached for this run (tracepoint chain) and detached at its end\$' '$tmp/err' && test \$(wc -l <'$tmp/err') = 1"
# The first screen comes one interval after the baseline.
t "the first screen is drawn (its header)" until_ok 10 sh -c "tmux capture-pane -p -t '$S' | grep -q '^forkstats top '"
# A screen counts the calls of one interval: the workload (a few ms) runs
# right after a screen, well inside the next interval of 2 s; if it still
# straddles two screens, it runs again (3 tries).
row() {
	local i before
	for i in 1 2 3; do
		before=$(tmux capture-pane -p -t "$S" | head -n 1)
		until_ok 5 sh -c "test \"\$(tmux capture-pane -p -t '$S' | head -n 1)\" != '$before'" || return 1
		work
		sleep 2.5
		tmux capture-pane -p -t "$S" >"$tmp/screen"
		grep -Eq "^fsforker +$N +0 " "$tmp/screen" && return 0
	done
	echo "no row 'fsforker $N 0' in 3 tries; the last screen:"
	cat "$tmp/screen"
	return 1
}
t "the screen shows the workload's row: fsforker, $N calls, 0 failed" row
tmux send-keys -t "$S" q
t "q quits" until_ok 5 session_gone
t "top's exit status is 0" sh -c "test \"\$(cat '$tmp/exit')\" = 0"
t "the backend top attached is detached after (no pins, none of our programs loaded)" until_ok 3 none_left
# Ctrl-C quits too.
rm -f "$tmp/exit"
tmux new-session -d -s "$S" -x 160 -y 40 "'$F' top -i 2 2>/dev/null; echo \$? >'$tmp/exit'"
ctrl_c() {
	bpf_wait_loaded 10 && until_ok 10 sh -c "tmux capture-pane -p -t '$S' | grep -q '^forkstats top '" &&
		tmux send-keys -t "$S" C-c && until_ok 5 session_gone && test "$(cat "$tmp/exit")" = 0
}
t "Ctrl-C quits (exit 0)" ctrl_c
t "... and the backend is detached after" until_ok 3 none_left
done_testing
