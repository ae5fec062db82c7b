# SPDX-License-Identifier: GPL-2.0
# TAP for every shell test (sourced): the host's tests/*.sh (bash) and the
# guests' tests/guest/*.sh (busybox sh, through tests/guest/helpers.sh), so
# POSIX sh only.  The C test programs have theirs: tests/progs/tap.h.
#
#   ok / not_ok DESCRIPTION      one result, numbered
#   diag TEXT, diag_file FILE    "# " lines
#   t DESCRIPTION COMMAND...     passes when COMMAND succeeds, run in a
#                                subshell (its variables, cd and exit stay
#                                there); its output shown if it fails
#   check DESCRIPTION COMMAND... the same, in this shell (a function's
#                                variables are kept)
#   is GOT EXPECTED DESCRIPTION, at_least GOT MIN DESCRIPTION
#   tap_run DESCRIPTION COMMAND... a program printing "ok - ..." lines
#                                (tests/progs/tap.h): numbered into this stream
#   done_testing                 the plan, last
#
# TAP_FD: where the stream goes (1; the guests' 3, their second serial port).
# TAP_TMP: a directory for the output of check and tap_run (/tmp; t keeps
# it in a variable).
# tap_prefix: put before every description (tests/sanitize.sh: "[asan] ").
# tap_more: a hook run after each t or check; it prints why the test fails
# even though its command succeeded, and returns 1 then (tests/sanitize.sh:
# the sanitizers' reports).
TAP_N=0
TAP_FD=${TAP_FD:-1}
TAP_TMP=${TAP_TMP:-/tmp}
tap_prefix=""
tap_more() { :; }

ok() { TAP_N=$((TAP_N + 1)); echo "ok $TAP_N - $tap_prefix$*" >&"$TAP_FD"; }
not_ok() { TAP_N=$((TAP_N + 1)); echo "not ok $TAP_N - $tap_prefix$*" >&"$TAP_FD"; }
diag() { echo "# $*" >&"$TAP_FD"; }
diag_file() { sed 's/^/#   /' "$1" >&"$TAP_FD"; }
done_testing() { echo "1..$TAP_N" >&"$TAP_FD"; }

# _tap_result STATUS DESCRIPTION COMMAND: the end of t and check, with the
# command's output in $_tap_o.
_tap_result() {
	_tap_m=$(tap_more) || set -- 1 "$2" "$3"
	if [ "$1" = 0 ]; then
		ok "$2"
	else
		not_ok "$2"
		diag "  command: $3"
		printf '%s\n' "$_tap_o" ${_tap_m:+"$_tap_m"} | sed 's/^/#   /' >&"$TAP_FD"
	fi
}

t() {
	_tap_d=$1
	shift
	_tap_o=$("$@" 2>&1)
	_tap_result $? "$_tap_d" "$*"
}

check() {
	_tap_d=$1
	shift
	"$@" >"$TAP_TMP/check.$$" 2>&1
	_tap_s=$?
	_tap_o=$(cat "$TAP_TMP/check.$$")
	_tap_result $_tap_s "$_tap_d" "$*"
}

is() {
	if [ "$1" = "$2" ]; then
		ok "$3"
	else
		not_ok "$3"
		diag "  got '$1', expected '$2'"
	fi
}

# at_least: integers
at_least() {
	if [ -n "$1" ] && [ "$1" -ge "$2" ] 2>/dev/null; then
		ok "$3"
	else
		not_ok "$3"
		diag "  got '$1', expected at least $2"
	fi
}

# A program that fails without saying why is a failure of its own.
tap_run() {
	_tap_d=$1
	shift
	"$@" >"$TAP_TMP/tap_run.$$" 2>&1
	_tap_rc=$?
	_tap_bad=0
	while IFS= read -r _tap_l; do
		case $_tap_l in
		"ok - "*) ok "${_tap_l#ok - }" ;;
		"not ok - "*) not_ok "${_tap_l#not ok - }"; _tap_bad=1 ;;
		"#"*) echo "$_tap_l" >&"$TAP_FD" ;;
		*) echo "#   $_tap_l" >&"$TAP_FD" ;;
		esac
	done <"$TAP_TMP/tap_run.$$"
	if [ $_tap_rc != 0 ] && [ $_tap_bad = 0 ]; then
		not_ok "$_tap_d: $* exited with status $_tap_rc"
	fi
}
