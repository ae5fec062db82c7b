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
# expected after "forkstats: PATH: " (a glob), the description.
g=$w/g
mkdir "$g"
python3 - "$fx" "$g" <<'EOF'
import os, random, sys

fx, out = sys.argv[1], sys.argv[2]
base = {
    "proc": open(os.path.join(fx, "proc"), "rb").read(),
    "calls": open(os.path.join(fx, "debugfs", "calls"), "rb").read(),
    # the stream without its "# lost" line: forkstats would say that too
    "events": b"".join(l for l in open(os.path.join(fx, "debugfs", "events"), "rb") if not l.startswith(b"# lost")),
    "hist": open(os.path.join(fx, "debugfs", "hist"), "rb").read(),
    "probes": open(os.path.join(fx, "debugfs", "probes"), "rb").read(),
}
rnd = random.Random(20240607)
noise = rnd.randbytes(4096)
text_noise = b"Z" + bytes(b for b in rnd.randbytes(6000) if b not in (0, 10))[:3999] + b"\n"
MiB = 1 << 20
U64MAX, U64OVER = b"18446744073709551615", b"18446744073709551616"
manifest = open(os.path.join(out, "manifest"), "w")


def lines(f):
    return base[f].split(b"\n")[:-1]


def join(ls):
    return b"\n".join(ls) + b"\n"


def case(f, name, data, expect, desc):
    with open(os.path.join(out, f"{f}.{name}"), "wb") as o:
        o.write(data)
    manifest.write(f"{f}\t{name}\t{expect}\t{desc}\n")


def with_line(f, i, new):
    ls = lines(f)
    ls[i] = new
    return join(ls)


def field(f, i, k, v):
    """line i of f with its field k replaced by v"""
    ls = lines(f)
    fs = ls[i].split()
    fs[k] = v
    ls[i] = b" ".join(fs)
    return join(ls)


def nlines(data):
    return data.count(b"\n") + (0 if data.endswith(b"\n") else 1)


for f in base:
    stream = f == "events"
    b = base[f]
    n = nlines(b)
    if stream:
        case(f, "empty", b"", "empty: the stream ended before its header", "empty")
        case(f, "binary", noise, "line 1: *", "4 KiB of random bytes")
        case(f, "nul", b[:len(lines(f)[0]) + 4] + b"\0" + b[len(lines(f)[0]) + 5:],
             "line 2: binary data (NUL byte)", "a NUL byte in line 2")
        case(f, "cut", b[:-1], f"line {n}: truncated: the last line has no newline",
             "the last line without its newline")
        case(f, "longline", join(lines(f)[:1] + [b"x" * MiB] + lines(f)[1:]),
             "line 2: longer than 65535 bytes", "a line of 1 MiB")
    else:
        case(f, "empty", b"", "empty file", "empty")
        case(f, "binary", noise, "line *: binary data (NUL byte at offset *)", "4 KiB of random bytes")
        off = len(lines(f)[0]) + 4
        case(f, "nul", b[:off] + b"\0" + b[off + 1:], f"line 2: binary data (NUL byte at offset {off})",
             "a NUL byte in line 2")
        case(f, "cut", b[:-1], f"line {n}: truncated: the last line has no newline",
             "the last line without its newline")
        big = join(lines(f)[:1] + [b"x" * MiB] + lines(f)[1:])
        limit = {"proc": 65536, "probes": 65536, "hist": MiB}.get(f)
        case(f, "longline", big, f"larger than {limit} bytes" if limit else "line 2: expected 19 fields, found 1",
             "a line of 1 MiB")
    mid = b.index(b"\n") + 6
    case(f, "half", b[:mid], "line 2: truncated: the last line has no newline", "cut in the middle of line 2")
    case(f, "noise", text_noise, "line 1: *", "4 KiB of random text (no NUL, no newline but the last)")
    case(f, "crlf", b.replace(b"\n", b"\r\n"), "line 1: *", "CRLF line ends")

# /proc/forkstats
case("proc", "header", join(lines("proc")[:1]), "truncated: no table header", "line 1 only")
case("proc", "v3", b"forkstats 3" + base["proc"][11:], "format version 3 is not supported*",
     "format version 3")
case("proc", "v0", b"forkstats 0\n", "format version 0 is not supported*", "format version 0")
case("proc", "vbig", b"forkstats 99999999999999999999 kernel=x\n", "line 1: not a forkstats file*",
     "a version of 99999999999999999999")
case("proc", "notproc", base["calls"], "line 1: not a forkstats file*", "a calls file instead")
case("proc", "over", field("proc", 2, 1, U64OVER), 'line 3: calls: bad value "18446744073709551616"',
     "2^64 calls")
case("proc", "neg", field("proc", 2, 3, b"-1"), 'line 3: create_avg_ns: bad value "-1"', "a negative average")
case("proc", "hex", field("proc", 2, 1, b"0x35"), 'line 3: calls: bad value "0x35"', "a hex number")
case("proc", "few", with_line("proc", 2, b"fork 53 0 858800"), "line 3: row fork has the wrong number of fields",
     "a row with too few columns")
case("proc", "many", with_line("proc", 2, lines("proc")[2] + b" 7"),
     "line 3: row fork has the wrong number of fields", "a row with too many columns")
case("proc", "cols", with_line("proc", 1, b"kind " + b" ".join(b"c%d" % i for i in range(70))),
     "line 2: more than 63 columns", "a header of 70 columns")
case("proc", "kind", with_line("proc", 2, lines("proc")[2].replace(b"fork", b"spork", 1)),
     'line 3: unknown kind "spork"', "an unknown kind")
case("proc", "twice", with_line("proc", 3, lines("proc")[2]), "line 4: kind fork listed twice", "a kind twice")
case("proc", "norow", join(lines("proc")[:4] + lines("proc")[5:]), "the table lacks a row for some kind",
     "a kind missing")
case("proc", "esc", base["proc"].replace(b"amd64", b"amd64\x1b]0;pwned\x07", 1),
     "line 1: kernel=: bad value *", "a control sequence in kernel=")
case("proc", "longkey", base["proc"].replace(b"kernel=", b"kernel=" + b"k" * 60000, 1),
     "line 1: kernel=: longer than 64 bytes", "a kernel= of 60 000 bytes")
case("proc", "counter", base["proc"].replace(b"shared_wp 0", b"shared_wp " + U64OVER),
     'line 11: expected "<name> <value>"', "a counter of 2^64")
case("proc", "counters", base["proc"] + b"".join(b"c%d 1\n" % i for i in range(70)),
     "line 74: more than 64 counters", "70 more counters")

# calls
hdr = lines("calls")[0]
case("calls", "probeshdr", join([lines("probes")[0]] + lines("calls")[1:]), "line 1: the header lacks column seq",
     "the header of another file (probes)")
case("calls", "nohash", join([hdr[2:]] + lines("calls")[1:]), 'line 1: expected the header "# <columns>"',
     "a header without #")
case("calls", "cols", join([b"# seq kind child_pid err " + b" ".join(b"c%d" % i for i in range(70))]),
     "line 1: more than 64 columns", "a header of 70 columns")
case("calls", "over", field("calls", 1, 0, U64OVER), 'line 2: seq: bad value "18446744073709551616"', "a seq of 2^64")
case("calls", "neg", field("calls", 1, 11, b"-1"), 'line 2: pgtable_bytes: bad value "-1"',
     "negative pgtable_bytes")
case("calls", "pid", field("calls", 1, 7, b"2147483648"), 'line 2: child_pid: bad value "2147483648"',
     "a child_pid of 2^31")
case("calls", "err", field("calls", 1, 8, b"-2147483649"), 'line 2: err: bad value "-2147483649"',
     "an err below -2^31")
case("calls", "few", with_line("calls", 1, b" ".join(lines("calls")[1].split()[:-1])),
     "line 2: expected 19 fields, found 18", "a record with 18 fields")
case("calls", "many", with_line("calls", 2, lines("calls")[2] + b" 0"), "line 3: expected 19 fields, found 20",
     "a record with 20 fields")
case("calls", "kind", field("calls", 1, 2, b"spork"), 'line 2: kind: bad value "spork"', "an unknown kind")
case("calls", "flags", field("calls", 1, 3, b"1200000"), 'line 2: flags: bad value "1200000"',
     "flags without 0x")
case("calls", "seqdash", field("calls", 1, 0, b"-"), "line 2: seq cannot be unknown", "seq unknown")
case("calls", "rawesc", field("calls", 1, 6, b"x\x1b]0;pwned\x07"), "line 2: comm: bad value *",
     "a raw control sequence in a comm")
case("calls", "badesc", field("calls", 1, 6, b"x\\x4g"), "line 2: comm: bad value *", "a bad escape in a comm")
case("calls", "comm16", field("calls", 1, 6, b"c" * 16), 'line 2: comm: bad value "cccccccccccccccc"',
     "a comm of 16 bytes")
case("calls", "lost", join(lines("calls")[:2] + [b"# lost many"] + lines("calls")[2:]), 'line 3: bad "# lost" line',
     "a # lost line without a number")
case("calls", "bigval", field("calls", 1, 0, b"1" * MiB), 'line 2: seq: bad value "1111111111*..."',
     "a seq of 1 MiB of digits")
# events: the same records as a stream
ev = lines("events")
case("events", "header2", join([b"#"] + ev[1:]), 'line 1: expected the header "# <columns>"', "an empty header")
case("events", "over", field("events", 1, 0, U64OVER), 'line 2: seq: bad value "18446744073709551616"',
     "a seq of 2^64")
case("events", "few", with_line("events", 2, b" ".join(ev[2].split()[:-1])), "line 3: expected 19 fields, found 18",
     "a record with 18 fields, after a good one")
case("events", "lost", join(ev[:2] + [b"# lost -3"] + ev[2:]), 'line 3: bad "# lost" line', "# lost -3")
case("events", "lostover", join(ev[:2] + [b"# lost " + U64OVER] + ev[2:]), 'line 3: bad "# lost" line',
     "# lost 2^64")
case("events", "bigval", field("events", 1, 0, b"1" * 60000), 'line 2: seq: bad value "1111111111*..."',
     "a seq of 60 000 digits")
# hist
hl = lines("hist")
want = 'line %d: expected "<kind> <create|total> <lo_ns> <hi_ns> <count>"'
case("hist", "hdr", join([b"# kind latency lo_ns hi_ns"] + hl[1:]),
     'line 1: expected "# kind latency lo_ns hi_ns count"', "a header without count")
case("hist", "over", field("hist", 1, 4, U64OVER), want % 2, "a count of 2^64")
case("hist", "neg", field("hist", 2, 2, b"-1"), want % 3, "a negative lo_ns")
case("hist", "lohi", field("hist", 1, 2, b"999999999"), want % 2, "lo_ns above hi_ns")
case("hist", "few", with_line("hist", 1, b"fork create 1 2"), want % 2, "4 fields")
case("hist", "many", with_line("hist", 3, hl[3] + b" 1"), want % 4, "6 fields")
case("hist", "kind", field("hist", 1, 0, b"spork"), want % 2, "an unknown kind")
case("hist", "latency", field("hist", 1, 1, b"wall"), want % 2, "an unknown latency")
case("hist", "big", hl[0] + b"\n" + b"fork create 1 1 1\n" * (2 * MiB // 18), "larger than 1048576 bytes",
     "2 MiB of buckets")
# probes
pl = lines("probes")
want = 'line %d: expected "<probe> <type> <0|1> <hits> <missed>"'
case("probes", "header", join(pl[:1]), "truncated: the probe table does not end", "the header only")
case("probes", "hdr", join([b"# probe type attached hits"] + pl[1:]),
     'line 1: expected "# probe type attached hits missed"', "a header without missed")
case("probes", "over", field("probes", 1, 3, U64OVER), want % 2, "hits of 2^64")
case("probes", "neg", field("probes", 1, 4, b"-1"), want % 2, "negative missed")
case("probes", "attached", field("probes", 1, 2, b"2"), want % 2, "attached 2")
case("probes", "type", field("probes", 1, 1, b"uprobe"), want % 2, "an unknown type")
case("probes", "few", with_line("probes", 1, b"kernel_clone kretprobe 1 107"), want % 2, "4 fields")
case("probes", "many", join([pl[0]] + [b"p%d kprobe 1 1 0" % i for i in range(40)] + pl[3:]),
     "line 34: more than 32 probes", "40 probes")
case("probes", "counter", base["probes"].replace(b"enabled 1", b"enabled yes"),
     'line 5: expected "<name> <value>"', "a counter that is not a number")

# Odd but valid.
ok = lambda name, data: open(os.path.join(out, name), "wb").write(data)
ok("ok.calls.header", join(lines("calls")[:1]))
ok("ok.events.header", join(lines("events")[:1]))
ok("ok.hist.header", join(hl[:1]))
ok("ok.proc.max", join(lines("proc")[:2] + [b" ".join([l.split()[0]] + [U64MAX] * (len(lines("proc")[1].split()) - 1)) for l in lines("proc")[2:8]]
                       + lines("proc")[8:9] + [b"zero_page_cow " + U64MAX]))
maxrec = [U64MAX, U64MAX, b"fork", b"0xffffffffffffffff", b"2147483647", b"-2147483648", b"max", b"2147483647",
          b"-2147483648"] + [U64MAX, U64MAX, U64MAX, b"4294967295", b"4294967295"] + [U64MAX] * 5
ok("ok.calls.max", join([hdr, b" ".join(maxrec)]))
ok("ok.hist.max", join([hl[0], b"fork create 0 " + U64MAX + b" " + U64MAX, b"fork create 1 2 1"]))
ok("ok.calls.esc", join([hdr, b"1 2 fork 0x11 100 100 x\\x1b]0;pwned\\x07 101 0 1 1 0 0 0 0 0 0 0 0"]))
rec = lines("calls")[1].split()
many = [hdr] + [b" ".join([b"%d" % i] + rec[1:7] + [b"%d" % (1000 + i)] + rec[8:]) for i in range(1, 100001)]
ok("ok.calls.many", join(many))
ok("ok.events.many", join(many))
ok("ok.probes.kprobe", join([pl[0], b"kernel_clone kprobe.kretprobe 1 12 0", b"wp_page_copy kretprobe 1 3 0", b"",
                             b"enabled 1", b"kretprobe_maxactive 300", b"kprobe_group forkstats_4242",
                             b"holder_pid 4243"]))
EOF

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
