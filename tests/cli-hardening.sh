#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# The forkstats CLI against bad input, on the host (issue 7, "Hardening").
#
#   - arguments, for every command: unknown long and short options, options
#     without their value or with a value they do not take, bad numbers (not
#     a number, negative, out of range, 2^64 and more), stray arguments;
#     stat with no command, a command that does not exist or cannot run;
#   - the files it reads (/proc/forkstats; debugfs calls, events, hist,
#     probes: copies of tests/fixtures/) replaced by garbage: empty, a header
#     only, a last line cut, random bytes, NUL bytes, CRLF lines, a line of
#     1 MiB, numbers out of range (2^64, negative), wrong column counts, a
#     format version it does not know; and what is odd but valid (100 000
#     records, 2^64 - 1 everywhere, escaped control bytes in a comm).
#
# A bad argument: exit 2, on stderr one line "forkstats: CMD: ..." naming it,
# then the command's usage.  Bad data: exit 1, on stderr exactly one line
# naming the file and the line, nothing on stdout.  Every case: no crash, no
# sanitizer report, no byte on stderr that a terminal would act on.  The
# random bytes come from a fixed seed: every run tests the same files.
# TAP on stdout.
#
#   tests/cli-hardening.sh                                        the build in tools/
#   FORKSTATS=build/asan/forkstats/forkstats tests/cli-hardening.sh   ASan + UBSan
#                                                                 (tests/sanitize.sh)
set -u
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
F=$(realpath "${FORKSTATS:-$here/../tools/forkstats/forkstats}")
fx=$here/fixtures
. "$here/tap.sh"
. "$here/sanitize.sh"
san_setup direct	# $F stays the binary: this script reads its stderr
w=$(mktemp -d)
trap 'rm -rf "$w"' EXIT
start=$(date +%s%N)

# fs ARGS...: runs forkstats; its exit status in $rc, its output in $w/out
# and $w/err.  Each run is counted in $w/runs.
fs() {
	echo >>"$w/runs"
	"$F" "$@" </dev/null >"$w/out" 2>"$w/err"
	rc=$?
}

# The last run did not crash and wrote no sanitizer report and no byte a
# terminal would act on (control bytes other than the newline).
sane() {
	san_report "$w/err" || return 1
	if [ "$rc" -ge 128 ]; then
		echo "killed by signal $((rc - 128))"
		head -c 2000 "$w/err"
		return 1
	fi
	if [ -n "$(LC_ALL=C tr -d '[:print:]\n' <"$w/err" | head -c 1)" ]; then
		echo "control bytes on stderr:"
		od -c "$w/err" | head -n 5
		return 1
	fi
}

no_out() {
	[ ! -s "$w/out" ] && return 0
	echo "output on stdout:"
	head -c 600 "$w/out"
	return 1
}

# bad_arg CMD PATTERN ARGS...: forkstats ARGS is refused: exit 2, nothing on
# stdout, on stderr the line "forkstats: CMD: PATTERN" (a glob; "forkstats:
# PATTERN" when CMD is forkstats itself), then the usage of CMD.
bad_arg() {
	local cmd=$1 pat=$2 first pre="forkstats: $1: "
	shift 2
	[ "$cmd" = forkstats ] && pre="forkstats: "
	fs "$@"
	sane || return 1
	first=$(head -n 1 "$w/err")
	if [ "$rc" != 2 ]; then
		echo "exit status $rc, not 2:"
		head -c 600 "$w/err"
		return 1
	fi
	# shellcheck disable=SC2053 # $pat is a glob
	if [[ $first != $pre$pat ]]; then
		printf 'line 1 is not "%s":\n' "$pre$pat"
		head -c 600 "$w/err"
		return 1
	fi
	if ! tail -n +2 "$w/err" | cmp -s - "$w/usage.$cmd"; then
		echo "the lines after it are not the usage of $cmd:"
		head -c 600 "$w/err"
		return 1
	fi
	no_out
}

# bad_data PATTERN ARGS...: exit 1, on stderr exactly one line "forkstats:
# PATTERN" (a glob), short; nothing on stdout unless $keep_out is 1.
keep_out=0
bad_data() {
	local pat=$1 line
	shift
	fs "$@"
	sane || return 1
	line=$(head -c 600 "$w/err")
	if [ "$rc" != 1 ]; then
		echo "exit status $rc, not 1:"
		echo "$line"
		return 1
	fi
	if [ "$(wc -l <"$w/err")" != 1 ] || [ "$(wc -c <"$w/err")" -gt 400 ]; then
		echo "stderr is not one short line ($(wc -l <"$w/err") lines, $(wc -c <"$w/err") bytes):"
		echo "$line"
		return 1
	fi
	# shellcheck disable=SC2053 # $pat is a glob
	if [[ $line != "forkstats: "$pat ]]; then
		printf 'not "forkstats: %s":\n%s\n' "$pat" "$line"
		return 1
	fi
	[ "$keep_out" = 1 ] || no_out
}

# good ARGS...: exit 0, nothing on stderr.
good() {
	fs "$@"
	sane || return 1
	if [ "$rc" != 0 ] || [ -s "$w/err" ]; then
		echo "exit status $rc:"
		head -c 600 "$w/err"
		return 1
	fi
}

# The module's files only: never the BPF backend of this machine.
P=(--backend module --proc "$fx/proc" --debugfs "$fx/debugfs")
# attach refuses --backend module; with a --proc that exists it is not
# attached either way: every case below is refused before anything loads.
A=(--proc "$fx/proc" --debugfs "$fx/debugfs")
cmds=(show status calls hist stat reset top attach detach cat)

# The usage that follows a bad argument: the first line of --help.
usage_ok() {
	local c
	printf '%s\n' "usage: forkstats [--json] [--backend auto|module|bpf] [COMMAND [ARGS]]" \
		"(forkstats --help for more)" >"$w/usage.forkstats"
	for c in "${cmds[@]}"; do
		good "${A[@]}" "$c" --help || return 1
		grep -q "^usage: forkstats \[--json\] $c" "$w/out" || { cat "$w/out"; return 1; }
		{ head -n 1 "$w/out"; echo "(forkstats $c --help for more)"; } >"$w/usage.$c"
	done
}
t "every command's --help: exit 0, its usage, nothing on stderr" usage_ok

# -- Arguments ------------------------------------------------------------
t "forkstats --bogus: refused, naming it" bad_arg forkstats "option '--bogus' is unknown" --bogus
t "forkstats -Z: refused, naming it" bad_arg forkstats "option '-Z' is unknown" -Z show
t "forkstats --json=1: takes no value" bad_arg forkstats "option '--json' takes no value" --json=1
t "forkstats --backend (no value)" bad_arg forkstats "option '--backend' needs a value" --backend
t "forkstats --proc (no value)" bad_arg forkstats "option '--proc' needs a value" --proc
t "forkstats --backend spoon" bad_arg forkstats "--backend must be auto, module or bpf, not 'spoon'" \
	--backend spoon show
t "forkstats nosuch: unknown command" bad_arg forkstats "unknown command 'nosuch'" "${P[@]}" nosuch

for c in "${cmds[@]}"; do
	pre=("${P[@]}")
	[ "$c" = attach ] && pre=("${A[@]}")
	t "$c --bogus: refused, naming it" bad_arg "$c" "option '--bogus' is unknown" "${pre[@]}" "$c" --bogus
	t "$c -Z: refused, naming it" bad_arg "$c" "option '-Z' is unknown" "${pre[@]}" "$c" -Z
	t "$c --bogus=1: refused, naming it" bad_arg "$c" "option '--bogus' is unknown" "${pre[@]}" "$c" --bogus=1
	case $c in
	stat | cat) ;;
	*) t "$c extra: a stray argument, refused" bad_arg "$c" "unexpected argument 'extra'" "${pre[@]}" "$c" extra ;;
	esac
done

# bad_values CMD OPTION WANTS VALUE...: "CMD OPTION VALUE" refused
# with "OPTION wants WANTS, not 'VALUE'", for each VALUE.
bad_values() {
	local cmd=$1 opt=$2 wants=$3 v pre=("${P[@]}")
	shift 3
	[ "$cmd" = attach ] && pre=("${A[@]}")
	for v in "$@"; do
		t "$cmd $opt '$v': refused, naming the value" bad_arg "$cmd" "$opt $wants, not '$v'" \
			"${pre[@]}" "$cmd" "$opt" "$v" -- true
	done
}
big=99999999999999999999
bad_values calls -n "wants a whole number from 0 to 9223372036854775807" abc -1 $big 1x "" " 1" 0x10
bad_values calls -p "wants a whole number from 0 to 2147483647" abc -5 2147483648 $big
bad_values stat -r "wants a whole number from 1 to 100000" abc 0 -1 100001 $big 2.5
bad_values top -i "wants seconds from 0.1 to 3600" abc 0 0.05 3601 nan inf 1s -1 ""
bad_values top -n "wants a whole number from 1 to 9223372036854775807" 0 -1 abc $big
bad_values attach --records "wants a whole number from 0 to 4294967295" abc -1 4294967296 $big ""
bad_values attach --max-tracked "wants a whole number from 0 to 4294967295" x 18446744073709551616
bad_values attach --max-active "wants a whole number from 0 to 4294967295" "" -0x1
# (bad_values adds "-- true": refused before it is read, or a stray argument
# that is never reached.)
for x in "calls -n" "calls -p" "calls --kind" "calls --comm" "hist --kind" "stat -r" "stat -o" \
	"top -i" "top -n" "attach --records" "attach --max-tracked" "attach --max-active" \
	"attach --chain"; do
	c=${x% *} o=${x#* }
	pre=("${P[@]}")
	[ "$c" = attach ] && pre=("${A[@]}")
	t "$c $o (its value missing): refused" bad_arg "$c" "option '$o' needs a value" "${pre[@]}" "$c" "$o"
done
t "calls --kind spoon" bad_arg calls "--kind must be fork, vfork, thread, clone or kthread, not 'spoon'" \
	"${P[@]}" calls --kind spoon
t "hist --kind spoon" bad_arg hist "--kind must be fork, vfork, thread, clone or kthread, not 'spoon'" \
	"${P[@]}" hist --kind spoon
t "attach --chain spoon" bad_arg attach "--chain must be fentry, tracepoint or kprobe, not 'spoon'" \
	"${A[@]}" attach --chain spoon
t "calls --follow=1: takes no value" bad_arg calls "option '--follow' takes no value" "${P[@]}" calls --follow=1
t "hist --total=1: takes no value" bad_arg hist "option '--total' takes no value" "${P[@]}" hist --total=1
t "calls --follow -n 3: -n is not for the stream" bad_arg calls "-n is for the records of the ring*" \
	"${P[@]}" calls --follow -n 3
t "stat (no command)" bad_arg stat "no command to run*" "${P[@]}" stat
t "stat -- (no command after --)" bad_arg stat "no command to run*" "${P[@]}" stat --
t "stat -r 2 -- (no command after --)" bad_arg stat "no command to run*" "${P[@]}" stat -r 2 --
t "cat (no FILE)" bad_arg cat "no FILE*" "${P[@]}" cat
t "cat spoon: not a file of cat" bad_arg cat "FILE is proc, calls, hist or probes, not 'spoon'" "${P[@]}" cat spoon
t "cat proc spoon: refused before any output" bad_arg cat "FILE is proc, calls, hist or probes, not 'spoon'" \
	"${P[@]}" cat proc spoon
t "cat --serve extra" bad_arg cat "--serve reads the names from stdin, not 'extra'" "${P[@]}" cat --serve extra
t "cat --serve=1: takes no value" bad_arg cat "option '--serve' takes no value" "${P[@]}" cat --serve=1

# stat -- CMD where CMD cannot run: the shell's statuses, one line naming it.
stat_cannot() {	# STATUS PATTERN ARGS...
	local st=$1 pat=$2 line
	shift 2
	fs "${P[@]}" stat "$@"
	sane || return 1
	line=$(head -c 600 "$w/err")
	# shellcheck disable=SC2053 # $pat is a glob
	if [ "$rc" != "$st" ] || [ "$(wc -l <"$w/err")" != 1 ] || [[ $line != "forkstats: "$pat ]]; then
		printf 'exit status %s (not %s), stderr (not one line "forkstats: %s"):\n%s\n' \
			"$rc" "$st" "$pat" "$line"
		return 1
	fi
	no_out
}
mkdir "$w/dir"
t "stat -- /nonexistent/cmd: exit 127, one line naming it" \
	stat_cannot 127 "/nonexistent/cmd: No such file or directory" -- /nonexistent/cmd
t "stat -- a name found nowhere on PATH: exit 127" \
	stat_cannot 127 "forkstats-no-such-cmd: No such file or directory" -- forkstats-no-such-cmd arg
t "stat -- /etc/passwd (not executable): exit 126, one line naming it" \
	stat_cannot 126 "/etc/passwd: Permission denied" -- /etc/passwd
t "stat -- a directory: exit 126" stat_cannot 126 "$w/dir: Permission denied" -- "$w/dir"
t "stat -r 3 -- /nonexistent/cmd: exit 127 after the first run, one line" \
	stat_cannot 127 "/nonexistent/cmd: No such file or directory" -r 3 -- /nonexistent/cmd
t "stat -o into a directory that does not exist: exit 1, one line" bad_data \
	"/nonexistent/dir/report: No such file or directory" "${P[@]}" stat -o /nonexistent/dir/report -- true

# stat over a live stream: debugfs events as a FIFO that this script keeps
# open, CMD writing its own records to it (its pid is $$ in sh -c).
stream_dir() {
	mkdir -p "$w/stream"
	cp "$fx/debugfs/calls" "$w/stream/calls"
	rm -f "$w/stream/events"
	mkfifo "$w/stream/events"
	exec 3<>"$w/stream/events"	# a writer all along: no end of stream
	head -n 1 "$fx/debugfs/events" >&3
}
stat_stream() {	# a record of CMD (seq 51: its COW from calls), a loss; CMD exits 4
	local ret=0
	stream_dir
	fs --backend module --json --proc "$fx/proc" --debugfs "$w/stream" stat -o "$w/report" -- \
		sh -c 'echo "51 1 fork 0x11 $$ $$ sh 999 0 100 200 4096 3 2 1 0 0 0 0
# lost 2" >"$0"; exit 4' "$w/stream/events"
	exec 3>&-
	sane || return 1
	[ "$rc" = 4 ] && [ ! -s "$w/err" ] || { echo "exit $rc"; cat "$w/err"; return 1; }
	cp "$w/report" "$w/out"
	json_ok 'd["exit_status"] == 4 and d["lost"] == 2 and d["cow_incomplete"] == 0 and
		 [(k["calls"], k["pgtable_bytes"], k["cow_parent"], k["cow_child"]) for k in d["kinds"] if k["kind"] == "fork"] ==
		 [(1, 4096, 2, 5)]'
}
stat_stream_bad() {	# CMD writes a line that does not parse
	stream_dir
	bad_data "$w/stream/events: line 2: expected 19 fields, found 3" \
		--backend module --proc "$fx/proc" --debugfs "$w/stream" stat -- \
		sh -c 'echo "51 1 fork" >"$0"' "$w/stream/events"
	local r=$?
	exec 3>&-
	return $r
}

# -- Files ----------------------------------------------------------------
# Garbage versions of each file, and a manifest: file, case, the error
# expected after "forkstats: PATH: " (a glob), the description: tests/gen_garbage.py.
g=$w/g
mkdir "$g"
python3 "$here/gen_garbage.py" "$fx" "$g" || { not_ok "gen_garbage.py writes the garbage files"; done_testing; exit 1; }

# dir FILE SOURCE: a copy of the fixtures with FILE (proc, calls, events,
# hist, probes) replaced by SOURCE; its path in $d.
ncopy=0
dir() {
	ncopy=$((ncopy + 1))
	d=$w/d$ncopy
	mkdir "$d"
	cp "$fx/proc" "$fx/debugfs/"* "$d/"
	cp "$2" "$d/$1"
}
# cat prints a file as it is, whatever it holds: the same bytes, exit 0.
cat_same() {	# DIR NAME
	good --backend module --proc "$1/proc" --debugfs "$1" cat "$2" && cmp "$w/out" "$1/$2"
}

cases=0
while IFS=$'\t' read -r f c expect desc; do
	cases=$((cases + 1))
	dir "$f" "$g/$f.$c"
	D=(--backend module --proc "$d/proc" --debugfs "$d")
	p="$d/$f: $expect"
	case $f in
	proc)
		t "proc, $desc: show (--file)" bad_data "$p" --backend module --file "$d/proc" show
		t "proc, $desc: --json show" bad_data "$p" "${D[@]}" --json show
		t "proc, $desc: status" bad_data "$p" "${D[@]}" status
		;;
	calls)
		t "calls, $desc: calls" bad_data "$p" "${D[@]}" calls
		t "calls, $desc: --json calls -n 1" bad_data "$p" "${D[@]}" --json calls -n 1
		t "calls, $desc: top" bad_data "$p" "${D[@]}" top -n 1 -i 0.1
		;;
	events)
		# A stream: the records before the bad line are shown.
		keep_out=1
		t "events, $desc: calls --follow" bad_data "$p" "${D[@]}" calls --follow
		keep_out=0
		t "events, $desc: stat -- true" bad_data "$p" "${D[@]}" stat -- true
		;;
	hist)
		t "hist, $desc: hist" bad_data "$p" "${D[@]}" hist
		t "hist, $desc: --json hist --total" bad_data "$p" "${D[@]}" --json hist --total
		;;
	probes)
		# status says the rest of what it knows, then exits 1.
		keep_out=1
		t "probes, $desc: status" bad_data "$p" "${D[@]}" status
		keep_out=0
		;;
	esac
	[ "$f" = events ] || t "$f, $desc: cat $f gives it back byte for byte" cat_same "$d" "$f"
done <"$g/manifest"

# -- Odd but valid ----------------------------------------------------------
json_ok() {	# PYTHON-EXPR on d (the JSON of stdout)
	python3 -c "import json, sys; d = json.load(open(sys.argv[1])); sys.exit(0 if ($1) else 1)" "$w/out" ||
		{ echo "not ($1):"; head -c 600 "$w/out"; return 1; }
}
lines_are() {	# N: stdout has N lines
	[ "$(wc -l <"$w/out")" = "$1" ] || { echo "$(wc -l <"$w/out") lines, not $1"; return 1; }
}

t "stat over a stream (a FIFO): CMD's record, its COW from calls, a loss; exit 4 as CMD" stat_stream
t "stat over a stream: CMD writes a line of 3 fields: exit 1, one line naming it" stat_stream_bad

use() {	# FILE SOURCE: the fixtures with FILE replaced, in $D (forkstats' options)
	dir "$1" "$2"
	D=(--backend module --proc "$d/proc" --debugfs "$d")
}

use calls "$g/ok.calls.header"
calls_empty() {
	good "${D[@]}" calls && lines_are 1 && grep -q '^SEQ ' "$w/out" &&
		good "${D[@]}" --json calls && json_ok 'd == {"lost": 0, "calls": []}'
}
t "calls, the header only (an empty ring): the column heads; JSON no calls" calls_empty
use events "$g/ok.events.header"
events_empty() { good "${D[@]}" calls --follow && lines_are 1; }
t "events, the header only: calls --follow shows the column heads, exit 0" events_empty
use hist "$g/ok.hist.header"
hist_empty() { good "${D[@]}" hist && lines_are 0 && good "${D[@]}" --json hist && json_ok 'd == []'; }
t "hist, the header only (no calls yet): nothing to show; JSON []" hist_empty

use proc "$g/ok.proc.max"
proc_max() { good "${D[@]}" show && grep -q '^total  *18446744073709551615 ' "$w/out"; }
t "proc, 2^64 - 1 in every column and counter: show, exit 0" proc_max
proc_max_json() {
	good "${D[@]}" --json show &&
		json_ok 'd["kinds"][0]["cow_reuses"] == 2**64 - 1 and d["kinds"][0]["create_ns_sum"] == 2**64 - 1 and d["kinds"][0]["rss_pages"] == 2**64 - 1 and d["counters"]["zero_page_cow"] == 2**64 - 1'
}
t "proc, 2^64 - 1 everywhere: --json show has the numbers exactly" proc_max_json
use calls "$g/ok.calls.max"
calls_max() { good "${D[@]}" calls && lines_are 2; }
t "calls, the largest value of every column: calls, exit 0" calls_max
calls_max_json() {
	good "${D[@]}" --json calls &&
		json_ok '[d["calls"][0][k] for k in ("seq", "flags", "parent_tgid", "parent_pid", "vmas")] ==
			 [2**64 - 1, 2**64 - 1, 2**31 - 1, -2**31, 2**32 - 1]'
}
t "calls, the largest value of every column: --json calls has them exactly" calls_max_json
top_once() { good "${D[@]}" top -n 1 -i 0.1; }
t "calls, the largest values: top sums them, exit 0" top_once
use hist "$g/ok.hist.max"
hist_max() { good "${D[@]}" hist && grep -q '|#\{40\}$' "$w/out" && grep -q ' 1 |#$' "$w/out"; }
t "hist, a bucket of 2^64 - 1 calls up to 2^64 - 1 ns: bars of 40 and 1" hist_max
use calls "$g/ok.calls.esc"
esc_shown() {
	good "${D[@]}" calls && grep -qF 'x\x1b]0;pwned\x07' "$w/out" &&
		[ -z "$(LC_ALL=C tr -d '[:print:]\n' <"$w/out")" ] &&
		good "${D[@]}" --json calls && json_ok 'd["calls"][0]["comm"] == "x\x1b]0;pwned\x07"'
}
t "calls, a comm of control bytes (escaped in the file): shown escaped, none reaches the terminal; JSON unescaped" \
	esc_shown

use probes "$g/ok.probes.kprobe"
kprobe_status() {
	good "${D[@]}" status && grep -q '^kprobe_group  *forkstats_4242$' "$w/out" &&
		grep -q '^kernel_clone  *kprobe.kretprobe ' "$w/out"
}
t "probes of the BPF kprobe chain: status reads them, with the kprobe events' group" kprobe_status
kprobe_json() {
	good "${D[@]}" --json status &&
		json_ok 'd["module"]["kprobe_group"] == "forkstats_4242" and d["module"]["holder_pid"] == 4243'
}
t "probes of the BPF kprobe chain: --json status has module.kprobe_group" kprobe_json

# 100 000 records: all of them, in bounded time and memory.
use calls "$g/ok.calls.many"
many_text() {
	local t0
	t0=$(date +%s%N)
	good "${D[@]}" calls || return 1
	echo "# calls, 100 000 records: $((($(date +%s%N) - t0) / 1000000)) ms" >"$w/ms.text"
	lines_are 100001 && [ "$(tail -n 1 "$w/out" | awk '{ print $1 }')" = 100000 ]
}
t "calls, 100 000 records: every one of them, in order" many_text
many_json() {
	good "${D[@]}" --json calls &&
		json_ok 'len(d["calls"]) == 100000 and d["calls"][-1]["child_pid"] == 101000'
}
t "calls, 100 000 records: --json has 100 000" many_json
many_last() { good "${D[@]}" calls -n 3 && lines_are 4 && tail -n 1 "$w/out" | grep -q '^ *100000 '; }
t "calls -n 3 of 100 000 records: the last 3" many_last
t "top over 100 000 records: exit 0" top_once
t "cat calls of 100 000 records: byte for byte" cat_same "$d" calls
use events "$g/ok.events.many"
many_follow() { good "${D[@]}" calls --follow && lines_are 100001; }
t "events, 100 000 records: calls --follow shows every one" many_follow
cat "$w/ms.text" 2>/dev/null

runs=$(wc -l <"$w/runs")
echo "# $cases garbage files ($(cut -f1 "$g/manifest" | sort | uniq -c | awk '{ printf "%s%s %s", (NR > 1 ? ", " : ""), $2, $1 }')), $runs runs of forkstats, $((($(date +%s%N) - start) / 1000000)) ms"
done_testing
