# SPDX-License-Identifier: GPL-2.0
# TAP helpers for the host test scripts (bash; sourced).  The guests have
# their own, for busybox sh: tests/guest/tap.sh.
n=0
ok() { n=$((n + 1)); echo "ok $n - $*"; }
not_ok() { n=$((n + 1)); echo "not ok $n - $*"; }
t() {	# description command... (passes when it succeeds; shows its output if not)
	local d=$1
	shift
	if out=$("$@" 2>&1); then ok "$d"; else not_ok "$d"; echo "$out" | sed 's/^/#   /'; fi
}
done_testing() { echo "1..$n"; }
