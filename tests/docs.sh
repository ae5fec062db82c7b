#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# The docs as a reader meets them (tests/docs.py says how each is read):
#   - the man page renders without a warning (groff -ww; mandoc -Tlint where
#     mandoc is installed), and at 80 columns (MANWIDTH=80 man -l: 78 columns
#     of text) no line of its SYNOPSIS, nor a command's tag, ends inside an
#     option's brackets;
#   - every doc (README.md, bench/README.md, docs/*.md) names its reader on
#     its first line ("For: ...");
#   - README.md fits one screen: at most 60 lines of at most 100 columns;
#   - every relative link of those docs points at a file that exists, and at
#     one of its headings when it names one (#anchor, GitHub's spelling).
# Each check first runs on tests/fixtures/docs/ made to fail it, so that it
# is seen to find what it looks for.  TAP on stdout.
set -u
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
top=$(cd "$here/.." && pwd)
fx=$here/fixtures/docs
. "$here/tap.sh"
D=$here/docs.py
man=$top/docs/forkstats.8

# The check fails on the fixture tree and prints exactly the lines given.
fails_with() {	# check line...
	local check=$1 out rc
	shift
	out=$(DOCS_TOP=$fx/broken python3 "$D" "$check" 2>&1)
	rc=$?
	echo "$out"
	[ "$rc" = 1 ] || { echo "exit status $rc, 1 wanted"; return 1; }
	[ "$out" = "$(printf '%s\n' "$@")" ] || { echo "wanted:"; printf '%s\n' "$@"; return 1; }
}

# groff's warnings: none wanted (the output of -ww, which exits 0 anyway).
groff_quiet() {	# page
	local out
	out=$(groff -man -ww -z "$1" 2>&1)
	echo "$out"
	[ -z "$out" ]
}

# The page as man -l shows it with MANWIDTH=80 (man-db: a line length of
# 78n), without overstrikes.
render80() {	# page
	groff -man -Tutf8 -rLL=78n -rLT=78n "$1" 2>/dev/null | sed 's/.\x08//g'
}

synopsis() {	# page
	render80 "$1" | python3 "$D" man-synopsis
}

synopsis_fails_on_fixture() {
	local out
	out=$(synopsis "$fx/broken.8")
	echo "$out"
	[ "$out" = "$(printf '%s\n' \
		"SYNOPSIS, line 9: ends inside an option's brackets: forkstats [--json] [--backend auto|module|bpf] [--proc PATH] [--debugfs" \
		"COMMANDS, line 13: ends inside an option's brackets: calls [-n")" ]
}

# --- the man page -------------------------------------------------------------
t "man: groff's warnings are seen (the fixture's undefined macro)" sh -c \
	"groff -man -ww -z '$fx/broken.8' 2>&1 | grep -q \"warning: macro 'XX' not defined\""
t "man: docs/forkstats.8 renders without a groff warning (groff -man -ww)" groff_quiet "$man"
if command -v mandoc >/dev/null; then
	t "man: mandoc -Tlint finds the fixture's unknown macro" sh -c \
		"! mandoc -Tlint '$fx/broken.8' >/dev/null 2>&1"
	t "man: docs/forkstats.8 passes mandoc -Tlint" mandoc -Tlint "$man"
else
	ok "man: mandoc -Tlint # SKIP mandoc is not installed"
	ok "man: docs/forkstats.8 passes mandoc -Tlint # SKIP mandoc is not installed"
fi
t "man: the fixture's synopsis and calls tag, broken inside brackets at 80 columns, are found" \
	synopsis_fails_on_fixture
t "man: at 80 columns no SYNOPSIS line nor command tag of docs/forkstats.8 ends inside an option's brackets" \
	synopsis "$man"
every_command_in_synopsis() {	# page
	local out c bad=0
	out=$(render80 "$1" | sed -n '/^SYNOPSIS/,/^[A-Z]/p')
	for c in show status calls hist stat top reset attach detach cat export; do
		grep -q "^       forkstats $c\b" <<<"$out" || { echo "no SYNOPSIS line for $c"; bad=1; }
	done
	return $bad
}
t "man: every command (show ... export) has its line in the SYNOPSIS" \
	every_command_in_synopsis "$man"

# --- the markdown docs --------------------------------------------------------
t "audience: the fixture's docs without a first line \"For: ...\" are found" \
	fails_with audience \
	'README.md:1: no audience line ("For: ..."): # A README with no audience line, too long and too wide' \
	'docs/b.md:1: no audience line ("For: ..."): # B'
t "audience: README.md, bench/README.md and every docs/*.md name their reader on their first line" \
	python3 "$D" audience

t "readme: the fixture's README of 61 lines and 110 columns is found" \
	fails_with readme \
	"README.md: 61 lines, one screen is 60" \
	"README.md:5: 110 columns, one screen is 100"
t "readme: README.md fits one screen (at most 60 lines of at most 100 columns)" \
	python3 "$D" readme

t "links: the fixture's missing file and headings are found, code and URLs left alone" \
	fails_with links \
	"README.md:3: docs/gone.md: no file docs/gone.md" \
	"README.md:3: docs/a.md#nowhere: no heading #nowhere in docs/a.md" \
	"docs/a.md:8: #missing: no heading #missing in docs/a.md"
t "links: every relative link of the docs points at an existing file and heading" \
	python3 "$D" links

done_testing
