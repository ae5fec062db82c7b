# SPDX-License-Identifier: GPL-2.0
# TAP helpers for the host test scripts (bash; sourced).  The guests have
# their own, for busybox sh: tests/guest/tap.sh.
n=0
tap_prefix=""	# before every description (tests/sanitize.sh: "[asan] ")
ok() { n=$((n + 1)); echo "ok $n - $tap_prefix$*"; }
not_ok() { n=$((n + 1)); echo "not ok $n - $tap_prefix$*"; }
# A hook run after each test of t: it prints why the test fails even though
# its command succeeded, and returns 1 then (tests/sanitize.sh: the reports
# of the sanitizers).
tap_more() { :; }
t() {	# description command... (passes when it succeeds; shows its output if not)
	local d=$1 rc more
	shift
	out=$("$@" 2>&1)
	rc=$?
	more=$(tap_more) || rc=1
	if [ "$rc" = 0 ]; then
		ok "$d"
	else
		not_ok "$d"
		{ echo "$out"; [ -z "$more" ] || echo "$more"; } | sed 's/^/#   /'
	fi
}
done_testing() { echo "1..$n"; }
