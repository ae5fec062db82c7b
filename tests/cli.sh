#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# The forkstats CLI on the host, against the files in tests/fixtures/: every
# --json output is one document that a real JSON parser (python3) accepts,
# the text forms show what they should, errors are one line with the right
# exit status.  TAP on stdout.
#
# FORKSTATS=PATH tests another binary; with one built with ASan and UBSan
# (tests/sanitize.sh says how), every test also fails on a sanitizer report:
#   FORKSTATS=build/asan/forkstats/forkstats tests/cli.sh
set -u
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
F=$(realpath "${FORKSTATS:-$here/../tools/forkstats/forkstats}")	# top runs it elsewhere
fx=$here/fixtures
. "$here/tap.sh"
. "$here/sanitize.sh"
san_setup
cli() { "$F" --backend module --proc "$fx/proc" --debugfs "$fx/debugfs" "$@"; }
json() { cli --json "$@" | python3 -c 'import json, sys; json.load(sys.stdin)'; }
# no_bpf_pins COMMAND...: COMMAND where no BPF backend is attached, whatever
# the host has attached: as root, in a mount namespace of its own with a fresh
# BPF filesystem on /sys/fs/bpf (the host's pins stay where they are).  Not
# root: as it is (an unprivileged forkstats cannot attach the backend).
no_bpf_pins() {
	if [ "$(id -u)" = 0 ]; then
		unshare -m --propagation private sh -c 'mount -t bpf bpf /sys/fs/bpf && exec "$@"' sh "$@"
	else
		"$@"
	fi
}

for cmd in show status calls hist "hist --total" "calls -n 1" "calls --kind vfork"; do
	# shellcheck disable=SC2086
	t "--json $cmd is one valid JSON document" json $cmd
done
t "show: a row per kind and a total" sh -c "'$F' --backend module --proc '$fx/proc' | grep -c -E '^(fork|vfork|thread|clone|kthread|total) ' | grep -qx 6"
t "show: unknown values print as -" sh -c "'$F' --backend module --proc '$fx/proc' | grep -E '^kthread ' | grep -q ' - '"
t "show --json: unknown values are null" sh -c "'$F' --backend module --proc '$fx/proc' --json show | python3 -c 'import json,sys; d=json.load(sys.stdin); k=[r for r in d[\"kinds\"] if r[\"kind\"]==\"kthread\"][0]; sys.exit(0 if k[\"cow_copies\"] is None and k[\"calls\"]==1 else 1)'"
tmp_show=$(mktemp)
t "show --json: the sum columns exactly (fork create_ns_sum 45516417, total_ns_sum 49003805, returned 53, rss_pages 17408)" sh -c "'$F' --backend module --proc '$fx/proc' --json show | python3 -c 'import json,sys; d=json.load(sys.stdin); k=[r for r in d[\"kinds\"] if r[\"kind\"]==\"fork\"][0]; sys.exit(0 if (k[\"create_ns_sum\"], k[\"total_ns_sum\"], k[\"returned\"], k[\"rss_pages\"]) == (45516417, 49003805, 53, 17408) else 1)'"
t "show: the sum columns in the text (CREATE_SUM 45.5 ms, RSS_PAGES 17408 for fork)" sh -c "'$F' --backend module --proc '$fx/proc' show >'$tmp_show' && grep -q '^KIND .* CREATE_SUM  *TOTAL_SUM  *RETURNED  *RSS_PAGES\$' '$tmp_show' && grep -qE '^fork .* 45\.5 ms +49\.0 ms +53 +17408\$' '$tmp_show'"
t "show --json, a file without the sum columns (an older module): they are null" sh -c "awk 'NR == 2 || (NR > 2 && NF == 15) { NF = 11 } { print }' '$fx/proc' >'$tmp_show' && '$F' --backend module --proc '$tmp_show' --json show | python3 -c 'import json,sys; d=json.load(sys.stdin); k=d[\"kinds\"][0]; sys.exit(0 if k[\"rss_pages\"] is None and k[\"create_ns_sum\"] is None and k[\"calls\"] == 53 else 1)'"
t "show: a kind without calls has no mean (CREATE and TOTAL '-', not '0 ns'); the sums stay 0" sh -c "'$F' --backend module --proc '$fx/proc' show | grep -qE '^thread +0 +0 +- +- +0 B +0 +0 +0 +0 +0 +0 ns +0 ns +0 +0\$'"
t "show --json: one name per quantity (create_ns_mean 858800, total_ns_mean 924600 for fork; no create_avg_ns); a kind without calls has null means" sh -c "'$F' --backend module --proc '$fx/proc' --json show | python3 -c 'import json,sys; d=json.load(sys.stdin); k={r[\"kind\"]: r for r in d[\"kinds\"]}; f=k[\"fork\"]; t=k[\"thread\"]; sys.exit(0 if (f[\"create_ns_mean\"], f[\"total_ns_mean\"]) == (858800, 924600) and \"create_avg_ns\" not in f and \"total_avg_ns\" not in f and t[\"create_ns_mean\"] is None and t[\"total_ns_mean\"] is None and t[\"calls\"] == 0 and t[\"create_ns_sum\"] == 0 else 1)'"
# A file as after reset: every kind without calls.
awk 'NR >= 3 && NF == 15 { for (i = 2; i <= 15; i++) $i = 0 } { print }' "$fx/proc" >"$tmp_show"
t "show after reset: every mean '-' (text) and null (JSON), every sum 0" sh -c "'$F' --backend module --proc '$tmp_show' show | awk '/^(fork|vfork|thread|clone|kthread|total) / { n++; if (\$4 != \"-\" || \$5 != \"-\" || \$2 != 0) exit 1 } END { exit n != 6 }' &&
	'$F' --backend module --proc '$tmp_show' --json show | python3 -c 'import json,sys; d=json.load(sys.stdin); sys.exit(0 if all(r[\"create_ns_mean\"] is None and r[\"total_ns_mean\"] is None and r[\"calls\"] == 0 for r in d[\"kinds\"]) else 1)'"
rm -f "$tmp_show"
t "hist: the module's latencies are exact: no 'approximate' in the text, \"approximate\": false in every JSON row" sh -c "! '$F' --backend module --proc '$fx/proc' --debugfs '$fx/debugfs' hist | grep -q approximate && '$F' --backend module --proc '$fx/proc' --debugfs '$fx/debugfs' --json hist | python3 -c 'import json,sys; d=json.load(sys.stdin); sys.exit(0 if d and all(r[\"approximate\"] is False for r in d) else 1)'"
t "calls --json: every column, raw numbers, unescaped comm" sh -c "'$F' --backend module --proc '$fx/proc' --debugfs '$fx/debugfs' --json calls | python3 -c 'import json,sys; d=json.load(sys.stdin); c=d[\"calls\"]; sys.exit(0 if len(c)==2 and c[0][\"pgtable_bytes\"]==167936 and c[1][\"comm\"]==\"my\\\"prog\" and c[1][\"total_ns\"] is None and len(c[0])==19 else 1)'"
t "calls -n 1 --kind fork: the last fork only" sh -c "'$F' --backend module --proc '$fx/proc' --debugfs '$fx/debugfs' --json calls -n 1 --kind fork | python3 -c 'import json,sys; c=json.load(sys.stdin)[\"calls\"]; sys.exit(0 if [x[\"seq\"] for x in c]==[51] else 1)'"
t "hist: bars" sh -c "'$F' --backend module --proc '$fx/proc' --debugfs '$fx/debugfs' hist | grep -q '|####'"
t "every command has --help" sh -c "for c in show status calls hist reset top; do '$F' --backend module \$c --help | grep -q '^usage: forkstats' || exit 1; done"
t "unknown command: exit 2 and usage" sh -c "'$F' --backend module nosuch 2>&1 >/dev/null | grep -q 'unknown command'; test \$('$F' --backend module nosuch >/dev/null 2>&1; echo \$?) = 2"
t "bad option: exit 2" sh -c "test \$('$F' --backend module calls --bogus >/dev/null 2>&1; echo \$?) = 2"
t "--backend bpf, not attached: one clear line, exit 1" no_bpf_pins sh -c "test \$('$F' --backend bpf 2>&1 | wc -l) = 1 && test \$('$F' --backend bpf >/dev/null 2>&1; echo \$?) = 1"
t "module not loaded: says how to load it, exit 1" sh -c "'$F' --backend module --proc /nonexistent/forkstats >/dev/null 2>&1; test \$? = 1" 
# Where the kernel loads modules the message says how (insmod, or modprobe of
# an installed one); where it cannot (no /proc/modules: no CONFIG_MODULES), it
# never says insmod and says why.
no_module_msg() {
	local m
	! test -e /proc/forkstats || return 0
	m=$("$F" --backend module 2>&1)
	test "$(printf '%s\n' "$m" | wc -l)" = 1 || { echo "not one line: $m"; return 1; }
	if test -e /proc/modules; then
		printf '%s\n' "$m" | grep -qE 'insmod module/forkstats.ko|modprobe forkstats'
	else
		! printf '%s\n' "$m" | grep -q insmod && printf '%s\n' "$m" | grep -q 'not on this kernel: no CONFIG_MODULES'
	fi || { echo "$m"; return 1; }
}
t "no /proc/forkstats: the message names insmod where modules load, never where they cannot" no_module_msg
t "another format version: refused, naming it" sh -c "'$F' --backend module --proc '$fx/proc-v9' 2>&1 | grep -q 'version 9 is not supported'"
t "calls without the module: says so" sh -c "'$F' --backend module --proc /nonexistent/forkstats --debugfs /nonexistent calls 2>&1 | grep -q 'module is not loaded'"
t "calls --follow --json: NDJSON, one valid object per line, the loss as {\"lost\": 3}" sh -c "'$F' --backend module --proc '$fx/proc' --debugfs '$fx/debugfs' --json calls --follow 2>/dev/null | python3 -c 'import json,sys; L=[json.loads(l) for l in sys.stdin]; sys.exit(0 if [list(x)[0] for x in L]==[\"seq\",\"lost\",\"seq\"] and L[1][\"lost\"]==3 else 1)'"
t "calls --follow: the loss is also said on stderr" sh -c "'$F' --backend module --proc '$fx/proc' --debugfs '$fx/debugfs' calls --follow 2>&1 >/dev/null | grep -q 'lost 3 records'"
t "calls --follow --kind vfork filters the stream" sh -c "test \$('$F' --backend module --proc '$fx/proc' --debugfs '$fx/debugfs' --json calls --follow --kind vfork 2>/dev/null | grep -c '\"seq\"') = 1"
# top: batch blocks, NDJSON, bad arguments
top_blocks() {	# two blocks: header, column heads, an empty line after each
	local out
	out=$(cli top -n 2 -i 0.2; echo end) || return 1
	test "$(grep -c '^forkstats top  .* interval ' <<<"$out")" = 2 &&
		test "$(grep -c '^COMMAND  *CALLS ' <<<"$out")" = 2 &&
		test "$(grep -c '^$' <<<"$out")" = 2 &&
		test "$(tail -n 2 <<<"$out" | head -n 1)" = ""
}
top_json() {
	cli --json top -n 2 -i 0.2 | python3 -c 'import json, sys
L = [json.loads(l) for l in sys.stdin]
keys = {"time_ns", "interval_ns", "calls", "missed", "commands"}
sys.exit(0 if len(L) == 2 and all(set(x) == keys and x["commands"] == [] for x in L) else 1)'
}
top_bad_args() {
	local a
	for a in '-i 0' '-i 0.05' '-i 3601' '-i abc' '-i 1s' '-i nan' '-i' '-n 0' '-n x' 'extra'; do
		# shellcheck disable=SC2086
		cli top -n 1 $a >/dev/null 2>&1
		test $? = 2 || { echo "top $a"; return 1; }
	done
}
top_no_module() {
	"$F" --backend module --proc /nonexistent/forkstats --debugfs /nonexistent top -n 1 2>&1 | grep -q 'module is not loaded' &&
		{ "$F" --backend module --proc /nonexistent/forkstats --debugfs /nonexistent top -n 1 >/dev/null 2>&1; test $? = 1; }
}
t "top -n 2: two text blocks, each ended by an empty line" top_blocks
t "--json top -n 2: two lines, each one valid JSON object" top_json
t "top: a bad -i or -n is exit 2" top_bad_args
t "top without the module: says so, exit 1" top_no_module

# top on a terminal: tmux at 80x24 on a copy of the fixtures that grows
if command -v tmux >/dev/null; then
	tt=$(mktemp -d)
	tm() { tmux -S "$tt/tmux.sock" -f /dev/null "$@"; }	# a private server
	trap 'tm kill-server 2>/dev/null; rm -rf "$tt"' EXIT
	mkdir "$tt/dbg"
	cp "$fx/debugfs/"* "$tt/dbg/"
	# top_start NAME ARGS...: "forkstats top ARGS" in session NAME, between two stty -g
	top_start() {
		local name=$1
		shift
		mkdir "$tt/$name"
		{
			printf 'cd %q\nstty -g >before\n' "$tt/$name"
			# shellcheck disable=SC2016 # for the wrapper: its pid, then exec top
			printf 'sh -c '\''echo $$ >pid; exec "$0" "$@"'\'' %q --backend module --proc %q --debugfs %q top' \
				"$F" "$fx/proc" "$tt/dbg"
			printf ' %q' "$@"
			printf '\necho $? >rc\nstty -g >after\nexec sleep 60\n'
		} >"$tt/$name/run.sh"
		tm new-session -d -s "$name" -x 80 -y 24 "bash $(printf %q "$tt/$name/run.sh")"
	}
	# pane_until NAME SECS CHECK: capture the pane (lines joined, attributes as
	# escapes) into $pane until CHECK succeeds, at most SECS seconds
	pane_until() {
		local i
		for ((i = 0; i < $2 * 10; i++)); do
			pane=$(tm capture-pane -p -e -J -t "$1" 2>/dev/null) && $3 && return 0
			sleep 0.1
		done
		return 1
	}
	on_pane() {	# DESC NAME SECS CHECK: a test of the pane, showing it on failure
		if pane_until "$2" "$3" "$4"; then ok "$1"; else not_ok "$1"; sed 's/^/#   /' <<<"$pane"; fi
	}
	# top_exited NAME: within 2 s, exit status 0, stty settings and cursor restored
	top_exited() {
		local i
		for ((i = 0; i < 20; i++)); do
			test -s "$tt/$1/after" && break
			sleep 0.1
		done
		test "$(cat "$tt/$1/rc" 2>/dev/null)" = 0 &&
			cmp "$tt/$1/before" "$tt/$1/after" &&
			test "$(tm display -p -t "$1" '#{cursor_flag}#{alternate_on}')" = 10
	}
	first_screen() { grep -q '^COMMAND  *CALLS  *FAILED' <<<"$pane"; }
	data_screen() {
		grep -Eq '^forkstats top  [0-9]{2}:[0-9]{2}:[0-9]{2}  interval [0-9]+\.[0-9]{2} s  calls 4 \([0-9.]+/s\)  commands 4$' <<<"$pane" &&
			grep -q '^missed 1 calls' <<<"$pane" &&
			grep -Eq '^COMMAND +CALLS +FAILED +TOTAL +TOTAL_P99 +PGTABLES +COW_P +COW_C$' <<<"$pane" &&
			grep -Eq '^bash +2 +1 +325\.0 us +500\.0 us +8\.0 KiB +1 +2$' <<<"$pane" &&
			grep -Eq '^x\\x1b\[31m +1 +0 +90\.0 us +90\.0 us +0 B +0 +1$' <<<"$pane" &&
			grep -Eq '^make +1 +0 +2\.0 ms +2\.0 ms +0 B +0 +0$' <<<"$pane" &&
			grep -Eq '^forkvfork +0 +0 +- +- +0 B +3 +4$' <<<"$pane"
	}
	fits() { test -z "$(awk -v w="$1" 'length > w' <<<"$pane")"; }
	small_screen() {
		grep -q '^late1 ' <<<"$pane" && grep -qx '(2 more commands)' <<<"$pane" &&
			! grep -q '^late[23]' <<<"$pane" && fits 60
	}
	plain() { ! LC_ALL=C grep -q "$(printf '[\001-\010\013-\037\177]')" <<<"$pane"; }
	sorted() {
		test "$(awk '/^COMMAND/ { f = 1; next } f && NF { printf "%s ", $1 }' <<<"$pane")" = \
			'bash x\x1b[31m make forkvfork '
	}

	top_start live -i 1
	on_pane "top: the first screen after one interval" live 5 first_screen
	# After the baseline: calls 103..106 (102 was overwritten: missed 1), and
	# call 51 (forkvfork) gains 3 COW faults in the parent, 4 in the child.
	# One rename, so that top reads the old file or the new one, never half.
	{
		sed 's/^\(51 .* 16398\) 2 5 5 2$/\1 5 9 10 4/' "$tt/dbg/calls"
		echo '103 2800000000 fork 0x1200000 300 300 bash 301 0 400000 500000 8192 5 3 900 1 2 2 1'
		echo '104 2800100000 fork 0x1200000 300 300 bash 0 -11 100000 150000 0 0 0 0 0 0 0 0'
		# shellcheck disable=SC2028 # a comm with an ESC byte, escaped as in the file
		echo '105 2800200000 fork 0x1200000 300 300 x\x1b[31m 302 0 60000 90000 0 0 0 0 0 1 1 0'
		echo '106 2800300000 vfork 0x4100 300 301 make 303 0 80000 2000000 0 0 0 0 0 0 0 0'
	} >"$tt/dbg/calls.new"
	mv "$tt/dbg/calls.new" "$tt/dbg/calls"
	on_pane "top: header, columns, a row per command: its new calls, their latency, COW deltas" \
		live 5 data_screen
	t "top: no line wider than 80 columns" fits 80
	t "top: no escape or control bytes on the screen (the comm's ESC shown as \\x1b)" plain
	t "top: rows sorted by calls, then COW faults" sorted
	# Smaller (SIGWINCH), then 3 more commands: 2 table rows fit in 6 lines
	tm resize-window -t live -x 60 -y 6
	{
		cat "$tt/dbg/calls"
		for x in 107:late1 108:late1 109:late1 110:late2 111:late2 112:late3; do
			echo "${x%:*} 2900000000 fork 0x1200000 400 400 ${x#*:} 401 0 1000 2000 0 0 0 0 0 0 0 0"
		done
	} >"$tt/dbg/calls.new"
	mv "$tt/dbg/calls.new" "$tt/dbg/calls"
	on_pane "top: resized to 60x6 (SIGWINCH): lines cut to 60 columns, rows to the height" \
		live 5 small_screen
	tm send-keys -t live q
	t "top: q quits within 2 s; termios, cursor and screen restored" top_exited live

	top_start int -i 0.2
	pane_until int 5 first_screen
	tm send-keys -t int C-c
	t "top: Ctrl-C quits; terminal restored" top_exited int
	top_start term -i 0.2
	pane_until term 5 first_screen
	kill -TERM "$(cat "$tt/term/pid")"
	t "top: SIGTERM quits; terminal restored" top_exited term
	tm kill-server
else
	ok "top on a terminal # SKIP tmux is not installed (scripts/deps.sh installs it)"
fi
# --json where users type it (bpftool's way): before or after the command's
# name, the same document; but not as an option's value or after stat's CMD.
json_after() {	# args...: "--json ARGS" and "ARGS --json" (and -j) print the same bytes
	local before after short
	before=$(cli --json "$@") && after=$(cli "$@" --json) && short=$(cli "$@" -j) &&
		test -n "$before" && test "$before" = "$after" && test "$before" = "$short" ||
		{ echo "--json $*: $before"; echo "$* --json: $after"; echo "$* -j: $short"; return 1; }
}
for cmd in show status calls hist "hist --total --kind fork" "calls -n 1 --kind fork"; do
	# shellcheck disable=SC2086
	t "$cmd --json, $cmd -j: the same document as --json $cmd" json_after $cmd
done
t "calls --json -n 1: --json between the command's options" \
	sh -c "test \"\$('$F' --proc '$fx/proc' --debugfs '$fx/debugfs' calls --json -n 1)\" = \"\$('$F' --proc '$fx/proc' --debugfs '$fx/debugfs' --json calls -n 1)\""
t "calls --comm --json: --json is the value of --comm (text, no call of that name)" \
	sh -c "out=\$('$F' --proc '$fx/proc' --debugfs '$fx/debugfs' calls --comm --json) && test \"\$(echo \"\$out\" | head -c 4)\" = 'SEQ ' && test \$(echo \"\$out\" | wc -l) = 1"
t "calls -- --json: after -- it is an argument (calls takes none: exit 2)" \
	sh -c "'$F' --proc '$fx/proc' --debugfs '$fx/debugfs' calls -- --json 2>&1 | grep -q \"unexpected argument '--json'\"; test \$? = 0"
t "stat -- CMD --json: --json is CMD's argument" \
	sh -c "'$F' --proc '$fx/proc' --debugfs '$fx/debugfs' stat -- sh -c 'echo \"args: \$*\"' x --json 2>/dev/null | grep -qx 'args: --json'"
t "export --json: 'does not apply', exit 2, as with --json export" \
	sh -c "'$F' --proc '$fx/proc' export --json --textfile /nonexistent 2>&1 | grep -q 'json does not apply' && { '$F' --proc '$fx/proc' export --json --textfile /nonexistent 2>/dev/null; test \$? = 2; }"
man=$here/../docs/forkstats.8
t "the man page renders without warnings" sh -c "out=\$(groff -man -ww -z '$man' 2>&1) && test -z \"\$out\""
t "the man page documents every command" sh -c "for c in show status calls hist reset top; do grep -q \"^\\.B\\R\\? *\$c\" '$man' || grep -q \"^\\.BR \$c \" '$man' || { echo \"missing \$c\"; exit 1; }; done"
san_done
done_testing
