#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
#
# Checks the Prometheus text of "forkstats show --prometheus" against the
# files it was made from, with numbers of its own reading of them:
#
#   promcheck.py exact PROC DEBUGFS_DIR < metrics
#       every per-kind counter equals its column of PROC (absent where PROC
#       has "-"), every counter its line, every probe its line of probes;
#       each histogram's buckets are cumulative, equal to the sum of the
#       hist buckets up to each bound, +Inf and _count equal to the kind's
#       total, _sum equal to PROC's exact sum column (create_ns_sum,
#       total_ns_sum) or, for a PROC without it, its mean times _count (in
#       decimal, no rounding); forkstats_child_rss_bytes_total equal to
#       rss_pages times line 1's page_size (absent without either); no
#       sample the files do not explain.
#   promcheck.py same A B
#       the samples of two expositions (files) are the same series with the
#       same values (numerically: node_exporter writes 1.023e-06 for
#       0.000001023), counting only forkstats_* series.
#
# Prints what differs and exits 1; exits 0 when everything matches.
import re
import sys
from decimal import Decimal

KINDS = ["fork", "vfork", "thread", "clone", "kthread"]
SAMPLE = re.compile(r'^([a-zA-Z_:][a-zA-Z0-9_:]*)(\{(.*)\})? (\S+)$')
LABEL = re.compile(r'([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\]|\\.)*)"(,|$)')


def parse(text):
    """{(name, frozenset(labels)): value string}, and the HELP/TYPE names."""
    samples, types, helps = {}, {}, set()
    for line in text.splitlines():
        if line.startswith("# HELP "):
            helps.add(line.split()[2])
            continue
        if line.startswith("# TYPE "):
            _, _, name, typ = line.split()
            types[name] = typ
            continue
        if not line or line.startswith("#"):
            continue
        m = SAMPLE.match(line)
        if not m:
            raise SystemExit("cannot parse: %r" % line)
        labels = {}
        if m.group(3):
            pos = 0
            body = m.group(3)
            while pos < len(body):
                lm = LABEL.match(body, pos)
                if not lm:
                    raise SystemExit("cannot parse labels: %r" % line)
                labels[lm.group(1)] = lm.group(2)
                pos = lm.end()
        key = (m.group(1), frozenset(labels.items()))
        if key in samples:
            raise SystemExit("sample twice: %r" % line)
        samples[key] = m.group(4)
    return samples, types, helps


def read_proc(path):
    rows, counters = {}, {}
    lines = open(path).read().splitlines()
    head = lines[1].split()
    i = 2
    while lines[i].strip():
        f = lines[i].split()
        rows[f[0]] = dict(zip(head[1:], f[1:]))
        i += 1
    for line in lines[i + 1:]:
        if line.strip():
            n, v = line.split()
            counters[n] = int(v)
    return rows, counters


def read_hist(path):
    buckets = []
    for line in open(path).read().splitlines()[1:]:
        k, lat, lo, hi, n = line.split()
        buckets.append((k, lat, int(lo), int(hi), int(n)))
    return buckets


def read_probes(path):
    probes, values = [], {}
    lines = open(path).read().splitlines()[1:]
    for line in lines:
        f = line.split()
        if len(f) == 5:
            probes.append(f)
        elif len(f) == 2:
            values[f[0]] = int(f[1])
    return probes, values


def exact(proc, debugfs):
    samples, types, helps = parse(sys.stdin.read())
    rows, counters = read_proc(proc)
    bad = []
    seen = set()

    def expect(name, labels, value):
        key = (name, frozenset(labels.items()))
        seen.add(key)
        got = samples.get(key)
        if value is None:
            if got is not None:
                bad.append("%s%s: %s, expected no sample (unknown)" % (name, labels, got))
        elif got is None:
            bad.append("%s%s: missing, expected %s" % (name, labels, value))
        elif Decimal(got) != Decimal(value):
            bad.append("%s%s: %s, expected %s" % (name, labels, got, value))

    def col(kind, c):
        v = rows[kind][c]
        return None if v == "-" else v

    first = dict(f.split("=", 1) for f in open(proc).readline().split()[2:])
    for k in KINDS:
        expect("forkstats_calls_total", {"kind": k}, col(k, "calls"))
        expect("forkstats_failed_calls_total", {"kind": k}, col(k, "failed"))
        expect("forkstats_pgtable_bytes_total", {"kind": k}, col(k, "pgtable_bytes"))
        expect("forkstats_vmas_copied_total", {"kind": k}, col(k, "vmas_copied"))
        rss = rows[k].get("rss_pages", "-")
        rss_bytes = None if rss == "-" or "page_size" not in first else int(rss) * int(first["page_size"])
        expect("forkstats_child_rss_bytes_total", {"kind": k}, rss_bytes)
        expect("forkstats_child_rss_known", {"kind": k}, 0 if rss_bytes is None else 1)
        expect("forkstats_cow_faults_total", {"kind": k, "side": "parent"}, col(k, "cow_parent"))
        expect("forkstats_cow_faults_total", {"kind": k, "side": "child"}, col(k, "cow_child"))
        expect("forkstats_cow_copies_total", {"kind": k}, col(k, "cow_copies"))
        expect("forkstats_cow_reuses_total", {"kind": k}, col(k, "cow_reuses"))
    named = {
        "zero_page_cow": "forkstats_zero_page_cow_faults_total",
        "shared_wp": "forkstats_shared_wp_faults_total",
        "cow_unattributed": "forkstats_cow_unattributed_faults_total",
        "records_overwritten": "forkstats_records_overwritten_total",
        "mm_table_overflow": "forkstats_mm_table_overflow_total",
        "inflight_overflow": "forkstats_inflight_overflow_total",
        "vfork_overflow": "forkstats_vfork_overflow_total",
        "huge_wp": "forkstats_huge_wp_faults_total",
        "wp_unclassified": "forkstats_wp_unclassified_faults_total",
    }
    for n, v in counters.items():
        if n in named:
            expect(named[n], {}, v)
        elif n.startswith("missed_"):
            expect("forkstats_probe_missed_total", {"probe": n[7:]}, v)
        else:
            expect("forkstats_other_total", {"counter": n}, v)
    # the info line: its labels are those of line 1
    info = [k for k in samples if k[0] == "forkstats_info"]
    if len(info) != 1 or samples[info[0]] != "1":
        bad.append("forkstats_info: not one sample of value 1")
    else:
        seen.add(info[0])
        first = dict(f.split("=", 1) for f in open(proc).readline().split()[2:])
        lab = dict(info[0][1])
        for key in ("kernel", "split"):
            if lab.get(key) != first.get(key):
                bad.append("forkstats_info %s=%r, the file has %r" % (key, lab.get(key), first.get(key)))
        if lab.get("backend") != first.get("backend", "module"):
            bad.append("forkstats_info backend=%r" % lab.get("backend"))

    hist_path = debugfs + "/hist"
    try:
        hist = read_hist(hist_path)
    except OSError:
        hist = None
    if hist is not None:
        bounds = [(2 << b) - 1 for b in range(9, 35)]
        for lat, name, avg_col, sum_col in (
                ("create", "forkstats_create_duration_seconds", "create_avg_ns", "create_ns_sum"),
                ("total", "forkstats_call_duration_seconds", "total_avg_ns", "total_ns_sum")):
            if types.get(name) != "histogram":
                bad.append("%s: TYPE %r, expected histogram" % (name, types.get(name)))
            for k in KINDS:
                mine = [b for b in hist if b[0] == k and b[1] == lat]
                total = sum(b[4] for b in mine)
                prev = -1
                for ub in bounds:
                    cum = sum(b[4] for b in mine if b[3] <= ub)
                    le = str(Decimal(ub) / Decimal(10**9))
                    key = (name + "_bucket", frozenset({"kind": k, "le": le}.items()))
                    seen.add(key)
                    got = samples.get(key)
                    if got is None or int(got) != cum:
                        bad.append("%s_bucket{kind=%s,le=%s}: %s, expected %d" % (name, k, le, got, cum))
                    elif int(got) < prev:
                        bad.append("%s_bucket{kind=%s}: not cumulative at le=%s" % (name, k, le))
                    else:
                        prev = int(got)
                expect(name + "_bucket", {"kind": k, "le": "+Inf"}, total)
                expect(name + "_count", {"kind": k}, total)
                exact_sum = rows[k].get(sum_col, "-")
                avg = col(k, avg_col)
                if exact_sum != "-":
                    want = Decimal(int(exact_sum)) / Decimal(10**9)
                else:
                    want = None if avg is None else Decimal(int(avg) * total) / Decimal(10**9)
                expect(name + "_sum", {"kind": k}, want)
    try:
        probes, values = read_probes(debugfs + "/probes")
    except OSError:
        probes = None
    if probes is not None:
        for p, typ, att, hits, _ in probes:
            expect("forkstats_probe_hits_total", {"probe": p, "type": typ}, hits)
            expect("forkstats_probe_attached", {"probe": p, "type": typ}, att)
        own = {"enabled": "forkstats_enabled", "completed": "forkstats_completed_calls_total",
               "mm_tracked": "forkstats_tracked_address_spaces", "memory_bytes": "forkstats_memory_bytes"}
        for n, v in values.items():
            if n in own:
                expect(own[n], {}, v)
            else:
                expect("forkstats_setting", {"setting": n}, v)
    for key in samples:
        if key not in seen:
            bad.append("unexpected sample %s%s" % (key[0], dict(key[1])))
    for name in types:
        if name not in helps:
            bad.append("%s: no HELP" % name)
    for b in bad:
        print(b)
    return 1 if bad else 0


def same(a, b):
    sa, _, _ = parse(open(a).read())
    sb, _, _ = parse(open(b).read())

    def norm(s):
        out = {}
        for (name, labels), v in s.items():
            if not name.startswith("forkstats_"):
                continue
            lab = dict(labels)
            if "le" in lab and lab["le"] != "+Inf":
                lab["le"] = repr(float(lab["le"]))
            out[(name, frozenset(lab.items()))] = float(v)
        return out
    na, nb = norm(sa), norm(sb)
    bad = ["only in %s: %s%s" % (a, k[0], dict(k[1])) for k in na if k not in nb]
    bad += ["only in %s: %s%s" % (b, k[0], dict(k[1])) for k in nb if k not in na]
    bad += ["%s%s: %s vs %s" % (k[0], dict(k[1]), na[k], nb[k]) for k in na if k in nb and na[k] != nb[k]]
    if not na:
        bad.append("no forkstats_ series")
    for x in bad[:20]:
        print(x)
    print("%d series compared" % len(na))
    return 1 if bad else 0


if __name__ == "__main__":
    if sys.argv[1] == "exact":
        sys.exit(exact(sys.argv[2], sys.argv[3]))
    sys.exit(same(sys.argv[2], sys.argv[3]))
