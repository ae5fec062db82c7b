#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""The structure of the userspace, read from the code itself (tests/structure.sh).

  structure.py includes         no cycle among the units of tools/ and include/forkstats/
  structure.py long [MAX]       no function longer than MAX (80) lines without a reason
  structure.py version-once     the /proc format version defined once, never written out
  structure.py columns-once     the aggregate columns defined once (record.h), never spelled out

Each prints what is wrong (the cycle, the functions, the places) and exits 1,
or exits 0 in silence.

A unit is a file without its extension (cli.c and cli.h are the unit
tools/forkstats/cli): "a includes b" when a's .c or .h includes b's .h
(#include "..." or <forkstats/...>, resolved as the Makefiles' -I do).

A function's length is its lines from the first of its declarator to its
closing brace.  A longer one passes when the comment just above it (or the
line above it) gives the reason after the marker "long:", e.g.
/* long: one case per option of getopt; split, it reads worse */.
"""
import os
import re
import subprocess
import sys

# The tree to read: this one, or STRUCTURE_TOP (tests/structure.sh's own cases).
TOP = os.environ.get('STRUCTURE_TOP') or \
    os.path.normpath(os.path.join(os.path.dirname(os.path.abspath(__file__)), '..'))
# The directories whose headers #include "x.h" finds (tools/Makefile's -I).
INCLUDE_DIRS = ['tools/lib', 'tools/forkstats', 'tools/bpf', 'include']
SOURCE_DIRS = ['tools', 'include/forkstats']
MARKER = 'long:'
INCLUDE_RE = re.compile(r'^\s*#\s*include\s*([<"])([^>"]+)[>"]')


def sources(dirs=None, exts=('.c', '.h')):
    """The C files under dirs: in a git tree those git has or would have
    (not the ignored: generated vmlinux.h and skeletons), else all."""
    dirs = dirs or SOURCE_DIRS
    try:
        out = subprocess.run(['git', '-C', TOP, 'ls-files', '-z', '--cached', '--others',
                              '--exclude-standard', '--'] + dirs, capture_output=True,
                             check=True).stdout.decode()
        files = [p for p in out.split('\0') if p and os.path.isfile(os.path.join(TOP, p))]
    except (OSError, subprocess.CalledProcessError):
        files = [os.path.relpath(os.path.join(r, f), TOP)
                 for d in dirs for r, _, fs in os.walk(os.path.join(TOP, d)) for f in fs]
    return sorted(set(p for p in files if p.endswith(exts)))


def unit(path):
    """tools/forkstats/cli.c -> tools/forkstats/cli; x.bpf.c -> x.bpf."""
    return os.path.splitext(path)[0]


def resolve(src, quote, name):
    cands = [os.path.join(os.path.dirname(src), name)] if quote == '"' else []
    cands += [os.path.join(d, name) for d in INCLUDE_DIRS]
    for c in cands:
        c = os.path.normpath(c)
        if os.path.isfile(os.path.join(TOP, c)):
            return c
    return None		# the C library's, the kernel's, or generated (vmlinux.h, the skeleton)


def include_graph():
    g = {}
    for src in sources():
        u = unit(src)
        g.setdefault(u, set())
        with open(os.path.join(TOP, src), errors='replace') as f:
            for line in f:
                m = INCLUDE_RE.match(line)
                if not m:
                    continue
                h = resolve(src, m.group(1), m.group(2))
                if h and unit(h) != u:
                    g[u].add(unit(h))
    return g


def find_cycle(g):
    """One cycle of g as a list of units (first == last), or None."""
    WHITE, GREY, BLACK = 0, 1, 2
    color = {u: WHITE for u in g}
    stack = []

    def visit(u):
        color[u] = GREY
        stack.append(u)
        for v in sorted(g.get(u, ())):
            if color.get(v, WHITE) == GREY:
                return stack[stack.index(v):] + [v]
            if color.get(v, WHITE) == WHITE:
                c = visit(v)
                if c:
                    return c
        stack.pop()
        color[u] = BLACK
        return None

    for u in sorted(g):
        if color[u] == WHITE:
            c = visit(u)
            if c:
                return c
    return None


def cmd_includes():
    g = include_graph()
    c = find_cycle(g)
    if c:
        print('include cycle: ' + ' -> '.join(c))
        return 1
    return 0


# A line that ends what comes before a function's declarator.
def ends_before(line):
    s = line.rstrip()
    return (not s or s.endswith((';', '}', '*/')) or s.startswith('#') or
            s.lstrip().startswith('//'))


def functions(path):
    """(name, first line, last line, reason-or-None) of each function of path."""
    with open(os.path.join(TOP, path), errors='replace') as f:
        lines = f.read().split('\n')
    out = []
    i = 0
    while i < len(lines):
        if lines[i] != '{':
            i += 1
            continue
        # The declarator: the lines above the brace, up to the end of what precedes.
        start = i
        while start > 0 and not ends_before(lines[start - 1]):
            start -= 1
        end = i + 1
        while end < len(lines) and lines[end] != '}':
            end += 1
        head = ' '.join(lines[start:i])
        head = re.sub(r'\b(SEC|__attribute__)\s*\(\(?[^)]*\)?\)', ' ', head)
        m = re.search(r'([A-Za-z_]\w*)\s*\(([A-Za-z_]\w*)?', head)
        name = m.group(1) if m else '?'
        if m and re.fullmatch(r'[A-Z_0-9]+', name) and m.group(2):
            name = m.group(2)		# BPF_PROG(name, ...) and the like
        out.append((name, start + 1, end + 1, reason(lines, start)))
        i = end + 1
    return out


def reason(lines, start):
    """The reason after MARKER in the comment (or line) just above lines[start]."""
    j = start - 1
    if j < 0:
        return None
    if MARKER in lines[j]:
        return lines[j].split(MARKER, 1)[1].strip(' */')
    if not lines[j].rstrip().endswith('*/'):
        return None
    text = []
    while j >= 0:
        text.insert(0, lines[j])
        if '/*' in lines[j]:
            break
        j -= 1
    body = ' '.join(s.strip().lstrip('/*').rstrip('*/').strip() for s in text)
    if MARKER not in body:
        return None
    return body.split(MARKER, 1)[1].strip()


def cmd_long(maxlen=80):
    bad = []
    for path in sources():
        for name, first, last, why in functions(path):
            n = last - first + 1
            if n > maxlen and not why:
                bad.append((path, first, name, n))
    for path, first, name, n in bad:
        print('%s:%d: %s: %d lines' % (path, first, name, n))
    return 1 if bad else 0


# The format version: a #define of a number whose name says version and proc
# (or format), and a literal first line "forkstats <digit>" written out.
VERSION_DEF = re.compile(r'^[ \t]*#[ \t]*define[ \t]+\w*(?:PROC|FORMAT)\w*VERSION\w*[ \t]+\d+\b', re.M)
VERSION_LIT = re.compile(r'"forkstats \d')
# The aggregate columns, spelled out: three of them in a row as strings.
AGG_LIT = re.compile(r'"calls",\s*"failed",\s*"create_avg_ns"')
AGG_DEF = re.compile(r'^[ \t]*#[ \t]*define[ \t]+FS_AGG_COLUMNS\b', re.M)


def scan(patterns):
    """For each regex of patterns, the lines of tools/, include/forkstats/ and module/ it finds."""
    found = [[] for _ in patterns]
    for path in sources(SOURCE_DIRS + ['module']):
        with open(os.path.join(TOP, path), errors='replace') as f:
            text = f.read()
        for k, p in enumerate(patterns):
            for m in p.finditer(text):
                n = text.count('\n', 0, m.start()) + 1
                line = text.split('\n')[n - 1].strip()
                found[k].append('%s:%d: %s' % (path, n, line))
    return found


def once(what, defs, spelled):
    if len(defs) == 1 and not spelled:
        return 0
    print('%s: defined %d times (once wanted), written out %d times:'
          % (what, len(defs), len(spelled)))
    for w in defs + spelled:
        print('  ' + w)
    return 1


def cmd_version_once():
    defs, spelled = scan([VERSION_DEF, VERSION_LIT])
    return once('the /proc format version', defs, spelled)


def cmd_columns_once():
    defs, spelled = scan([AGG_DEF, AGG_LIT])
    return once('the aggregate columns', defs, spelled)


def main(argv):
    if len(argv) >= 2 and argv[1] == 'includes':
        return cmd_includes()
    if len(argv) >= 2 and argv[1] == 'long':
        return cmd_long(int(argv[2]) if len(argv) > 2 else 80)
    if len(argv) >= 2 and argv[1] == 'version-once':
        return cmd_version_once()
    if len(argv) >= 2 and argv[1] == 'columns-once':
        return cmd_columns_once()
    print(__doc__, file=sys.stderr)
    return 2


if __name__ == '__main__':
    sys.exit(main(sys.argv))
