#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""The docs, checked as a reader meets them (tests/docs.sh).

  docs.py audience              every doc's first line names its reader ("For: ...")
  docs.py readme                README.md fits one screen: at most README_LINES lines
                                of at most README_COLUMNS columns
  docs.py links                 every relative link of the docs points at a file
                                that exists, and at a heading of it for "#anchor"
  docs.py man-synopsis          the man page rendered at 80 columns (on stdin):
                                no line of SYNOPSIS, and no command's tag in
                                COMMANDS, ends inside an option's brackets

The docs are README.md, bench/README.md and docs/*.md of this tree, or of
DOCS_TOP (tests/docs.sh's own broken cases).  Each check prints what is wrong,
one line a fault, and exits 1, or exits 0 in silence.
"""
import glob
import os
import re
import sys

TOP = os.environ.get('DOCS_TOP') or \
    os.path.normpath(os.path.join(os.path.dirname(os.path.abspath(__file__)), '..'))
# One screen: a terminal of 100 columns, 60 lines.
README_LINES = 60
README_COLUMNS = 100
AUDIENCE_RE = re.compile(r'^For: \S.*\S$')
LINK_RE = re.compile(r'(?<!!)\[[^\]]*\]\(([^)\s]+)\)')
HEADING_RE = re.compile(r'^(#{1,6})\s+(.*?)\s*#*\s*$')


def docs():
    names = ['README.md', 'bench/README.md'] + \
        sorted(os.path.relpath(p, TOP) for p in glob.glob(os.path.join(TOP, 'docs', '*.md')))
    return [n for n in names if os.path.isfile(os.path.join(TOP, n))]


def read(name):
    with open(os.path.join(TOP, name), encoding='utf-8') as f:
        return f.read().split('\n')


def prose(lines, code=False):
    """(number, line) outside fenced code blocks, inline code removed unless
    code."""
    fence = None
    for n, line in enumerate(lines, 1):
        m = re.match(r'^\s*(```+|~~~+)', line)
        if m:
            if fence is None:
                fence = m.group(1)[:3]
            elif m.group(1).startswith(fence):
                fence = None
            continue
        if fence is None:
            yield n, line if code else re.sub(r'`+[^`]*`+', '', line)


def slug(heading):
    """GitHub's anchor for a heading: lower case, inline code's backticks and
    every character but letters, digits, '-', '_' and spaces dropped, spaces
    made '-'."""
    s = heading.strip().lower().replace('`', '')
    s = re.sub(r'\[([^\]]*)\]\([^)]*\)', r'\1', s)
    s = ''.join(c for c in s if c.isalnum() or c in '-_ ')
    return s.replace(' ', '-')


def anchors(name):
    seen = {}
    out = set()
    for _, line in prose(read(name), code=True):
        m = HEADING_RE.match(line)
        if not m:
            continue
        a = slug(m.group(2))
        if a in seen:
            seen[a] += 1
            out.add('%s-%d' % (a, seen[a]))
        else:
            seen[a] = 0
            out.add(a)
    return out


def check_audience():
    bad = []
    for name in docs():
        first = read(name)[0]
        if not AUDIENCE_RE.match(first):
            bad.append('%s:1: no audience line ("For: ..."): %s' % (name, first[:60]))
    return bad


def check_readme():
    lines = read('README.md')
    if lines and lines[-1] == '':
        lines = lines[:-1]
    bad = []
    if len(lines) > README_LINES:
        bad.append('README.md: %d lines, one screen is %d' % (len(lines), README_LINES))
    for n, line in enumerate(lines, 1):
        if len(line) > README_COLUMNS:
            bad.append('README.md:%d: %d columns, one screen is %d' % (n, len(line), README_COLUMNS))
    return bad


def check_links():
    bad = []
    for name in docs():
        for n, line in prose(read(name)):
            for target in LINK_RE.findall(line):
                if re.match(r'^[a-z][a-z0-9+.-]*:', target):
                    continue        # http:, https:, mailto:
                path, _, anchor = target.partition('#')
                dest = os.path.normpath(os.path.join(os.path.dirname(name), path)) if path else name
                where = '%s:%d: %s' % (name, n, target)
                if not os.path.exists(os.path.join(TOP, dest)):
                    bad.append('%s: no file %s' % (where, dest))
                elif anchor and dest.endswith('.md') and anchor not in anchors(dest):
                    bad.append('%s: no heading #%s in %s' % (where, anchor, dest))
    return bad


def check_man_synopsis():
    """Rendered text on stdin.  A section starts at column 0; a command's tag
    in COMMANDS at column 7 (its description is indented further)."""
    bad = []
    section = None
    depth = 0
    for n, line in enumerate(sys.stdin.read().split('\n'), 1):
        if line and not line[0].isspace():
            section, depth = line.strip(), 0
            continue
        tag = section == 'COMMANDS' and re.match(r'^ {7}\S', line)
        if section != 'SYNOPSIS' and not tag and depth == 0:
            continue
        depth = max(0, depth + line.count('[') - line.count(']'))
        if depth:
            bad.append('%s, line %d: ends inside an option\'s brackets: %s' %
                       (section, n, line.strip()))
    return bad


CHECKS = {
    'audience': check_audience,
    'readme': check_readme,
    'links': check_links,
    'man-synopsis': check_man_synopsis,
}


def main():
    if len(sys.argv) != 2 or sys.argv[1] not in CHECKS:
        sys.stderr.write('usage: docs.py %s\n' % '|'.join(CHECKS))
        return 2
    bad = CHECKS[sys.argv[1]]()
    for b in bad:
        print(b)
    return 1 if bad else 0


if __name__ == '__main__':
    sys.exit(main())
