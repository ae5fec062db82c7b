#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""The garbage-input generator of the CLI's hardening tests (tests/cli-hardening.sh).

    gen_garbage.py FIXTURES OUT [FILE.CASE...]

FIXTURES is tests/fixtures/ (proc; debugfs/ calls, events, hist, probes).  For
each of those files, versions of it replaced by garbage go into OUT, named
FILE.CASE: empty, a header only, a last line cut, random bytes, NUL bytes,
CRLF lines, a line of 1 MiB, numbers out of range (2^64, negative), wrong
column counts, a format version the CLI does not know...  OUT/manifest lists
them, one a line: FILE, CASE, the error expected after "forkstats: PATH: " (a
glob) and a description, tab-separated.  Files named ok.FILE.CASE are odd but
valid (100 000 records, 2^64 - 1 everywhere, escaped control bytes in a comm):
not in the manifest.  The random bytes come from a fixed seed: every run
writes the same files.  With FILE.CASE arguments, only those are written
(tests/prometheus.sh takes hist.noise).
"""
import os, random, sys

fx, out, only = sys.argv[1], sys.argv[2], set(sys.argv[3:])
os.makedirs(out, exist_ok=True)
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
    if only and f"{f}.{name}" not in only:
        return
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


def ok(name, data):
    if not only or name in only:
        with open(os.path.join(out, name), "wb") as o:
            o.write(data)


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
