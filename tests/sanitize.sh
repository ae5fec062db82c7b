# SPDX-License-Identifier: GPL-2.0
# The host test scripts against a forkstats built with AddressSanitizer and
# UBSan (bash; sourced after tap.sh, with $F the binary under test):
#
#   make -C tools O=build/asan LDFLAGS=-fsanitize=address,undefined \
#       CFLAGS="-O1 -g -fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=all"
#   FORKSTATS=build/asan/forkstats/forkstats tests/cli.sh
#
# san_setup does nothing for a binary without ASan.  For one with it, it sets
# ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 and
# UBSAN_OPTIONS=halt_on_error=1:abort_on_error=1:print_stacktrace=1 (a report
# ends the program with SIGABRT: its exit status cannot pass for forkstats'
# own 1), says in a diagnostic whether LeakSanitizer can run here (it cannot
# under ptrace), proves with a planted bug that a report is seen, and points
# $F to a wrapper that copies forkstats' stderr to a log (gcc's UBSan writes
# to stderr whatever log_path says, and the tests discard stderr in places).
# t (tap.sh) then fails a test whose runs wrote a report, and san_done adds
# one last test: no report in the whole log.  "san_setup direct" leaves $F
# the binary itself, for a script that reads its stderr (san_report FILE).
san_on=0
san_real=""
san_pattern='Sanitizer|runtime error:'

# san_report FILE: the sanitizer reports in FILE (a run's stderr); 1 if any.
san_report() {
	grep -Eq "$san_pattern" "$1" 2>/dev/null || return 0
	grep -E -A 12 "$san_pattern" "$1" | head -n 40
	return 1
}

# A wrapper that runs $1 (same pid: exec) with its stderr also appended to $2
# by tee; $2.runs counts the runs.  Both hold a shared lock on $2.lock until
# they exit, however they end.
san_wrapper() {	# real log wrapper
	cat >"$3" <<-EOF
	#!/usr/bin/env bash
	echo >>'$2.runs'
	exec 9>>'$2.lock'
	flock -s 9
	exec '$1' "\$@" 2> >(exec tee -a '$2' >&2)
	EOF
	chmod +x "$3"
}

# Waits until every run of the log $1 and its tee have ended (at most $2
# seconds: a forkstats that still runs, top on a terminal, is left alone).
san_settle() {
	flock -x -w "$2" "$1.lock" true 2>/dev/null
}

# The reports written since the last call (tap_more of tap.sh).
san_more() {
	local f
	san_settle "$san_dir/log" 0.5
	[ -s "$san_dir/log" ] || return 0
	f=$(mktemp "$san_dir/seen.XXXXXX") && mv -f "$san_dir/log" "$f" && san_report "$f"
}

# A planted leak, heap overflow and integer overflow, built like the tools:
# each must give a report that the checks above see, and SIGABRT.
san_canary() {
	local c=$san_dir/canary kind out rc leak=$1
	if ! command -v cc >/dev/null; then
		ok "sanitizers: a planted bug is reported # SKIP no C compiler"
		return
	fi
	cat >"$c.c" <<-'EOF'
	#include <stdlib.h>
	#include <string.h>
	int main(int argc, char **argv)
	{
		char *volatile p = malloc(8);
		volatile int big = 0x7fffffff;

		if (argc > 1 && !strcmp(argv[1], "leak"))
			p = NULL;
		else if (argc > 1 && !strcmp(argv[1], "overflow"))
			p[8] = 1;
		else if (argc > 1 && !strcmp(argv[1], "ub"))
			big += argc;
		if (p)
			free(p);
		return big == 0;
	}
	EOF
	if ! out=$(cc -O0 -g -fsanitize=address,undefined -fno-sanitize-recover=all -o "$c" "$c.c" 2>&1); then
		not_ok "sanitizers: a planted bug is reported (the canary does not build)"
		echo "$out" | sed 's/^/#   /'
		return
	fi
	san_wrapper "$c" "$c.log" "$c.sh"
	for kind in none overflow ub leak; do
		if [ "$kind" = leak ] && [ "$leak" = 0 ]; then
			ok "sanitizers: a planted leak is reported # SKIP LeakSanitizer cannot run here"
			continue
		fi
		rm -f "$c.log"*
		{ "$c.sh" "$kind" >/dev/null; } 2>/dev/null	# and no "Aborted" from bash
		rc=$?
		san_settle "$c.log" 5
		if [ "$kind" = none ]; then
			if [ "$rc" = 0 ] && san_report "$c.log" >/dev/null; then
				ok "sanitizers: a clean run of the canary reports nothing"
			else
				not_ok "sanitizers: a clean run of the canary reports nothing (exit $rc)"
				sed 's/^/#   /' "$c.log"
			fi
		elif [ "$rc" = 134 ] && ! san_report "$c.log" >/dev/null; then
			ok "sanitizers: a planted $kind is reported and aborts"
		else
			not_ok "sanitizers: a planted $kind is reported and aborts (exit $rc)"
			sed 's/^/#   /' "$c.log" 2>/dev/null
		fi
	done
}

san_setup() {	# [direct]
	local err leak=1
	LC_ALL=C grep -qa __asan_init "$F" 2>/dev/null || return 0
	san_on=1
	san_real=$(realpath "$F")
	san_dir=$(mktemp -d "${TMPDIR:-/tmp}/forkstats-san.XXXXXX")
	export ASAN_OPTIONS=detect_leaks=1:abort_on_error=1
	export UBSAN_OPTIONS=halt_on_error=1:abort_on_error=1:print_stacktrace=1
	# shellcheck disable=SC2034 # tap.sh's
	tap_prefix="[asan] "
	echo "# sanitizers: $san_real (AddressSanitizer, UBSan); ASAN_OPTIONS=$ASAN_OPTIONS UBSAN_OPTIONS=$UBSAN_OPTIONS"
	# LeakSanitizer stops the process's threads with ptrace at exit: refused
	# under a debugger or tracer, and by some sandboxes.
	err=$("$san_real" --help 2>&1 >/dev/null)
	if grep -q LeakSanitizer <<<"$err"; then
		leak=0
		export ASAN_OPTIONS=detect_leaks=0:abort_on_error=1
		echo "# LeakSanitizer cannot run here ($(grep LeakSanitizer <<<"$err" | tail -n 1 | sed 's/^==[0-9]*==//')): leaks are NOT checked; ASAN_OPTIONS=$ASAN_OPTIONS"
	else
		echo "# LeakSanitizer: on (leaks are reported at exit)"
	fi
	san_canary "$leak"
	if [ "${1-}" = direct ]; then
		# The script reads forkstats' stderr itself (san_report).
		F=$san_real
		rm -rf "$san_dir"
		return 0
	fi
	san_wrapper "$san_real" "$san_dir/log" "$san_dir/forkstats"
	F=$san_dir/forkstats
	tap_more() { san_more; }
}

# The last test: no report in anything forkstats wrote to stderr.
san_none() {
	local f bad=0
	for f in "$san_dir/log" "$san_dir"/seen.*; do
		[ -e "$f" ] || continue
		san_report "$f" || bad=1
	done
	return $bad
}

san_done() {
	local runs
	[ "$san_on" = 1 ] || return 0
	san_settle "$san_dir/log" 5
	runs=0
	[ ! -f "$san_dir/log.runs" ] || runs=$(wc -l <"$san_dir/log.runs")
	if san_none >"$san_dir/none" 2>&1; then
		ok "no sanitizer report from any of the $runs runs of forkstats"
		rm -rf "$san_dir"
	else
		not_ok "no sanitizer report from any of the $runs runs of forkstats (logs: $san_dir)"
		sed 's/^/#   /' "$san_dir/none"
	fi
}
