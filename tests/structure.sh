#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# The structure of the userspace, checked from the code itself
# (tests/structure.py says how each is read):
#   - no cycle among the units of tools/ and include/forkstats/ (a unit is
#     x.c with x.h), drawn from their #include lines;
#   - no function of tools/ or include/forkstats/ longer than 80 lines unless
#     the comment above it gives the reason after "long:";
#   - the /proc format version and the aggregate columns defined once.
# Each check first runs on a small tree of tests/fixtures/structure/ made to
# fail it, so that it is seen to find what it looks for.  TAP on stdout.
set -u
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
fx=$here/fixtures/structure
. "$here/tap.sh"
S=$here/structure.py

# The check fails on the fixture tree and prints exactly the lines given.
fails_with() {	# check tree line...
	local check=$1 tree=$2 out rc
	shift 2
	out=$(STRUCTURE_TOP=$fx/$tree python3 "$S" "$check" 2>&1)
	rc=$?
	echo "$out"
	[ "$rc" = 1 ] || { echo "exit status $rc, 1 wanted"; return 1; }
	[ "$out" = "$(printf '%s\n' "$@")" ] || { echo "wanted:"; printf '%s\n' "$@"; return 1; }
}

t "includes: the fixture's cycle is found and printed" \
	fails_with includes cycle "include cycle: tools/lib/a -> tools/lib/b -> tools/lib/c -> tools/lib/a"
t "includes: no cycle among the units of tools/ and include/forkstats/" python3 "$S" includes

t "long: the fixture's functions over 80 lines without a reason are listed, only they" \
	fails_with long long "tools/x/long.c:4: too_long: 81 lines" \
	"tools/x/long.c:254: long_comment_no_marker: 90 lines"
t "long: no function over 80 lines in tools/ without a reason (\"long:\") above it" \
	python3 "$S" long

t "version-once: the fixture's second definition and written-out version are found" \
	fails_with version-once twice \
	"the /proc format version: defined 2 times (once wanted), written out 1 times:" \
	"  include/forkstats/record.h:1: #define FS_PROC_FORMAT_VERSION	2" \
	"  module/forkstats.h:1: #define FORKSTATS_PROC_VERSION	2" \
	"  tools/lib/text.c:1: static const char *const first = \"forkstats 2 kernel=%s\";"
t "version-once: the /proc format version is defined once, never written out" \
	python3 "$S" version-once

t "columns-once: the fixture's columns spelled out are found" \
	fails_with columns-once twice \
	"the aggregate columns: defined 1 times (once wanted), written out 1 times:" \
	"  include/forkstats/record.h:2: #define FS_AGG_COLUMNS(X) X(calls) X(failed) X(create_avg_ns)" \
	"  tools/lib/text.c:2: static const char *const keys[] = { \"kind\", \"calls\", \"failed\", \"create_avg_ns\", \"total_avg_ns\" };"
t "columns-once: the aggregate columns are defined once (FS_AGG_COLUMNS), never spelled out" \
	python3 "$S" columns-once

done_testing
