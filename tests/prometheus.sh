#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# "forkstats show --prometheus" and "forkstats export --textfile" on the host,
# against the files of tests/fixtures/prom/ (and tests/fixtures/): the values
# exact (tests/promcheck.py reads the files itself), "promtool check metrics"
# clean, what is unreadable said on stderr, the export atomic, and Debian's
# prometheus-node-exporter, started here on 127.0.0.1 with only the textfile
# collector, serving the same series with the same values.  The fleet rules of
# docs/fleet.md pass "promtool check rules" and "promtool test rules".  TAP on
# stdout.
#
# FORKSTATS=PATH tests another binary (tests/sanitize.sh: under ASan/UBSan).
set -u
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
top=$(cd "$here/.." && pwd)
F=$(realpath "${FORKSTATS:-$top/tools/forkstats/forkstats}")
fx=$here/fixtures/prom
. "$here/tap.sh"
. "$here/sanitize.sh"
san_setup direct	# $F stays the binary: the unprivileged runs cannot write a wrapper's log
tmp=$(mktemp -d)
chmod 755 "$tmp"	# the unprivileged tests read below it
nepid=
cleanup() {
	[ -n "$nepid" ] && kill "$nepid" 2>/dev/null && wait "$nepid" 2>/dev/null
	rm -rf "$tmp"
}
trap cleanup EXIT
cli() { "$F" --backend module --proc "$fx/proc" --debugfs "$fx/debugfs" "$@"; }
nobody() { setpriv --reuid=65534 --regid=65534 --clear-groups "$@"; }
# exit status of a command, its stdout and stderr in $tmp/out, $tmp/err
st() { "$@" >"$tmp/out" 2>"$tmp/err"; echo $?; }

command -v promtool >/dev/null || { not_ok "promtool is installed (scripts/deps.sh: prometheus)"; done_testing; exit 1; }

# --- show --prometheus ----------------------------------------------------
cli show --prometheus >"$tmp/m" 2>"$tmp/m.err"
t "show --prometheus: exit 0, nothing on stderr (every file readable)" sh -c "test \$('$F' --backend module --proc '$fx/proc' --debugfs '$fx/debugfs' show --prometheus >/dev/null 2>'$tmp/e'; echo \$?) = 0 && test ! -s '$tmp/e'"
t "promtool check metrics: no problem in the output" sh -c "promtool check metrics <'$tmp/m' && test -z \"\$(promtool check metrics <'$tmp/m' 2>&1)\""
t "every value exact: counters = /proc/forkstats, buckets cumulative = hist, _sum = the sum columns, child RSS = pages x page size, probes" \
	python3 "$here/promcheck.py" exact "$fx/proc" "$fx/debugfs" <"$tmp/m"
# A few by hand, so that a bug shared by the CLI and promcheck.py shows too.
t "fork: calls 60, pgtable bytes 125829120, COW parent 122 / child 274" sh -c \
	"grep -qxF 'forkstats_calls_total{kind=\"fork\"} 60' '$tmp/m' && grep -qxF 'forkstats_pgtable_bytes_total{kind=\"fork\"} 125829120' '$tmp/m' &&
	 grep -qxF 'forkstats_cow_faults_total{kind=\"fork\",side=\"parent\"} 122' '$tmp/m' && grep -qxF 'forkstats_cow_faults_total{kind=\"fork\",side=\"child\"} 274' '$tmp/m'"
t "fork create: 1 call of 0..1 ns counts from the first bound (le 1.023 us), 8 of 34..68 s in +Inf only" sh -c \
	"grep -qxF 'forkstats_create_duration_seconds_bucket{kind=\"fork\",le=\"0.000001023\"} 1' '$tmp/m' &&
	 grep -qxF 'forkstats_create_duration_seconds_bucket{kind=\"fork\",le=\"0.000524287\"} 6' '$tmp/m' &&
	 grep -qxF 'forkstats_create_duration_seconds_bucket{kind=\"fork\",le=\"34.359738367\"} 52' '$tmp/m' &&
	 grep -qxF 'forkstats_create_duration_seconds_bucket{kind=\"fork\",le=\"+Inf\"} 60' '$tmp/m' &&
	 grep -qxF 'forkstats_create_duration_seconds_count{kind=\"fork\"} 60' '$tmp/m' &&
	 grep -qxF 'forkstats_create_duration_seconds_sum{kind=\"fork\"} 0.051528029' '$tmp/m'"
t "vfork call duration: 49 calls returned (one parent blocked), _sum the exact total_ns_sum 56320648 ns (not mean 1149400 x 49)" sh -c \
	"grep -qxF 'forkstats_call_duration_seconds_count{kind=\"vfork\"} 49' '$tmp/m' &&
	 grep -qxF 'forkstats_call_duration_seconds_sum{kind=\"vfork\"} 0.056320648' '$tmp/m' &&
	 grep -qxF 'forkstats_calls_total{kind=\"vfork\"} 50' '$tmp/m'"
t "child RSS: fork rss_pages 15729874 x page_size 4096 = 64429563904 bytes; vfork 0" sh -c \
	"grep -qxF 'forkstats_child_rss_bytes_total{kind=\"fork\"} 64429563904' '$tmp/m' &&
	 grep -qxF 'forkstats_child_rss_bytes_total{kind=\"vfork\"} 0' '$tmp/m' &&
	 grep -qxF '# TYPE forkstats_child_rss_bytes_total counter' '$tmp/m'"
# The child's RSS unknown (the tracepoint chain on 6.2+: "-"): no RSS sample, known 0.
rss_unknown() {
	mkdir -p "$tmp/norss"
	awk 'NR >= 3 && NF == 15 { $15 = "-" } { print }' "$fx/proc" >"$tmp/norss/proc"
	test "$(awk 'NR >= 3 && $15 == "-"' "$tmp/norss/proc" | wc -l)" = 6 || return 1
	"$F" --backend module --proc "$tmp/norss/proc" --debugfs "$fx/debugfs" show --prometheus >"$tmp/norss/m" || return 1
	! grep -q '^forkstats_child_rss_bytes_total{' "$tmp/norss/m" &&
		grep -qxF 'forkstats_child_rss_known{kind="fork"} 0' "$tmp/norss/m" &&
		grep -qxF 'forkstats_child_rss_known{kind="kthread"} 0' "$tmp/norss/m" &&
		grep -qxF 'forkstats_child_rss_known{kind="fork"} 1' "$tmp/m" &&
		promtool check metrics <"$tmp/norss/m" &&
		python3 "$here/promcheck.py" exact "$tmp/norss/proc" "$fx/debugfs" <"$tmp/norss/m"
}
t "child RSS unknown (rss_pages '-'): no forkstats_child_rss_bytes_total sample, forkstats_child_rss_known 0 (1 with the RSS), exact and promtool-clean" rss_unknown
# A module without the sum columns (an older one): _sum = mean x _count, no RSS.
old_module() {
	mkdir -p "$tmp/old"
	awk 'NR == 1 { sub(/ page_size=[0-9]+/, "") } NR >= 2 && NF == 15 { NF = 11 } { print }' "$fx/proc" >"$tmp/old/proc"
	grep -q create_ns_sum "$tmp/old/proc" && return 1
	"$F" --backend module --proc "$tmp/old/proc" --debugfs "$fx/debugfs" show --prometheus >"$tmp/old/m" || return 1
	grep -qxF 'forkstats_create_duration_seconds_sum{kind="fork"} 0.051528' "$tmp/old/m" &&
		grep -qxF 'forkstats_call_duration_seconds_sum{kind="vfork"} 0.0563206' "$tmp/old/m" &&
		! grep -q '^forkstats_child_rss_bytes_total' "$tmp/old/m" &&
		! grep -q '^# TYPE forkstats_child_rss_bytes_total' "$tmp/old/m" &&
		promtool check metrics <"$tmp/old/m" &&
		python3 "$here/promcheck.py" exact "$tmp/old/proc" "$fx/debugfs" <"$tmp/old/m"
}
t "a module without the sum columns: _sum = mean x _count (0.051528, 0.0563206), no child RSS family, exact and promtool-clean" old_module
t "a value the kernel cannot give (kthread vmas_copied '-') has no sample, not 0" sh -c \
	"! grep -q '^forkstats_vmas_copied_total{kind=\"kthread\"}' '$tmp/m' && grep -qxF 'forkstats_vmas_copied_total{kind=\"fork\"} 368' '$tmp/m'"
t "health: probe missed from /proc (wp_page_copy 3), hits from probes, a counter this CLI does not know kept by name" sh -c \
	"grep -qxF 'forkstats_probe_missed_total{probe=\"wp_page_copy\"} 3' '$tmp/m' &&
	 grep -qxF 'forkstats_probe_hits_total{probe=\"wp_page_copy\",type=\"kretprobe\"} 274' '$tmp/m' &&
	 grep -qxF 'forkstats_other_total{counter=\"future_counter\"} 7' '$tmp/m' &&
	 grep -qxF 'forkstats_setting{setting=\"max_active\"} 1024' '$tmp/m'"
t "every counter family is _total with HELP and TYPE once; histograms in seconds" sh -c \
	"awk '/^# TYPE/ && \$4 == \"counter\" && \$3 !~ /_total\$/ { exit 1 } /^# TYPE/ { n[\$3]++; if (n[\$3] > 1) exit 1 }' '$tmp/m' &&
	 test \$(grep -c '^# TYPE forkstats_.*_seconds histogram\$' '$tmp/m') = 2 && test \$(grep -c '^# HELP' '$tmp/m') = \$(grep -c '^# TYPE' '$tmp/m')"
t "the fixtures of tests/cli.sh: exact and promtool-clean too" sh -c \
	"'$F' --backend module --proc '$here/fixtures/proc' --debugfs '$here/fixtures/debugfs' show --prometheus >'$tmp/m3' && promtool check metrics <'$tmp/m3' &&
	 python3 '$here/promcheck.py' exact '$here/fixtures/proc' '$here/fixtures/debugfs' <'$tmp/m3'"

# Not root: debugfs unreadable.  The rest, and one line per missing file.
mkdir -p "$tmp/np/debugfs"
cp "$fx/proc" "$tmp/np/proc"
cp "$fx/debugfs/"* "$tmp/np/debugfs/"
chmod 755 "$tmp/np"
chmod 700 "$tmp/np/debugfs"
np_show() {
	local rc
	rc=$(st nobody "$F" --backend module --proc "$tmp/np/proc" --debugfs "$tmp/np/debugfs" show --prometheus)
	test "$rc" = 0 || { echo "exit $rc"; return 1; }
	test "$(wc -l <"$tmp/err")" = 2 || { cat "$tmp/err"; return 1; }
	grep -q '^forkstats: show: not in the output: the latency histograms .*Permission denied (debugfs is root-only: run as root)$' "$tmp/err" &&
		grep -q '^forkstats: show: not in the output: probe hits .*probes: Permission denied' "$tmp/err" || { cat "$tmp/err"; return 1; }
	! grep -q '_duration_seconds\|forkstats_probe_hits_total\|forkstats_enabled' "$tmp/out" &&
		grep -qxF 'forkstats_calls_total{kind="fork"} 60' "$tmp/out" &&
		grep -qxF 'forkstats_probe_missed_total{probe="wp_page_copy"} 3' "$tmp/out" &&
		promtool check metrics <"$tmp/out" &&
		python3 "$here/promcheck.py" exact "$tmp/np/proc" /nonexistent <"$tmp/out"
}
t "not root: /proc/forkstats's series exact, exit 0; stderr names the histograms and the probes left out, and why" np_show
t "--json --prometheus: exit 2, one line naming both" sh -c \
	"test \$('$F' --backend module --proc '$fx/proc' --json show --prometheus 2>'$tmp/e' >/dev/null; echo \$?) = 2 && grep -q 'prometheus and --json' '$tmp/e'"
t "show --prometheus extra: exit 2" sh -c "test \$('$F' --backend module --proc '$fx/proc' show --prometheus extra >/dev/null 2>&1; echo \$?) = 2"
t "module not loaded: exit 1, one line, nothing on stdout" sh -c \
	"test \$('$F' --backend module --proc /nonexistent/forkstats show --prometheus >'$tmp/o' 2>'$tmp/e'; echo \$?) = 1 && test ! -s '$tmp/o' && test \$(wc -l <'$tmp/e') = 1 && grep -qx 'forkstats: /nonexistent/forkstats: No such file or directory' '$tmp/e'"
bad_hist() {
	mkdir -p "$tmp/bh"
	cp "$fx/debugfs/probes" "$tmp/bh/"
	printf '# kind latency lo_ns hi_ns count\nfork create 1000 3000 2\n' >"$tmp/bh/hist"
	test "$(st "$F" --backend module --proc "$fx/proc" --debugfs "$tmp/bh" show --prometheus)" = 1 &&
		grep -q 'hist: bucket 1000..3000 ns of fork create is not a log2 bucket' "$tmp/err" &&
		grep -qxF 'forkstats_calls_total{kind="fork"} 60' "$tmp/out" && grep -q '^forkstats_enabled 1$' "$tmp/out" &&
		! grep -q _duration_seconds "$tmp/out" && promtool check metrics <"$tmp/out"
}
t "a hist bucket that is not log2 (spans a bound): no histogram, says which, the rest written, exit 1" bad_hist
garbage_hist() {	# 4 KiB of random text (tests/gen_garbage.py)
	python3 "$here/gen_garbage.py" "$here/fixtures" "$tmp/g" hist.noise && cp "$tmp/g/hist.noise" "$tmp/bh/hist" || return 1
	test "$(st "$F" --backend module --proc "$fx/proc" --debugfs "$tmp/bh" show --prometheus)" = 1 &&
		grep -q 'line 1' "$tmp/err" && grep -q 'not in the output: the latency histograms' "$tmp/err" &&
		grep -q '^forkstats_enabled 1$' "$tmp/out"
}
t "a hist that does not parse: named with its line, the rest written, exit 1" garbage_hist

# --- export --textfile ----------------------------------------------------
tf=$tmp/tf
mkdir "$tf"
t "export --textfile DIR: exit 0, DIR/forkstats.prom byte-identical to show --prometheus" sh -c \
	"'$F' --backend module --proc '$fx/proc' --debugfs '$fx/debugfs' export --textfile '$tf' && cmp '$tf/forkstats.prom' '$tmp/m'"
t "the file is 0644 (node_exporter reads it as another user) and alone in DIR (no temporary file left)" sh -c \
	"test \$(stat -c %a '$tf/forkstats.prom') = 644 && test \"\$(ls -A '$tf')\" = forkstats.prom"
replaced() {
	ln "$tf/forkstats.prom" "$tmp/old-link"
	echo "# old" >"$tmp/old-link"
	local ino
	ino=$(stat -c %i "$tf/forkstats.prom")
	cli export --textfile "$tf" &&
		test "$(stat -c %i "$tf/forkstats.prom")" != "$ino" &&	# a new file took its name
		test "$(cat "$tmp/old-link")" = "# old" &&		# the old one was not rewritten
		cmp "$tf/forkstats.prom" "$tmp/m" && test "$(ls -A "$tf")" = forkstats.prom
}
t "an existing forkstats.prom is replaced by rename (new inode; the old file untouched, not truncated)" replaced
synced() {
	command -v strace >/dev/null || { echo "strace missing"; return 1; }
	ASAN_OPTIONS=detect_leaks=0:abort_on_error=1 strace -f -e trace=fsync,rename,renameat,renameat2,openat,fchmod -o "$tmp/strace" \
		"$F" --backend module --proc "$fx/proc" --debugfs "$fx/debugfs" export --textfile "$tf" >/dev/null 2>&1 || return 1
	awk '/fchmod\(.*0644\)/ { c = NR } /fsync\(/ && !f { f = NR } /rename/ { r = NR }
	     END { exit !(c && f && r && c < r && f < r) }' "$tmp/strace" || { cat "$tmp/strace"; return 1; }
	# and the directory synced after the rename
	awk '/rename/ { r = NR } /O_DIRECTORY/ && r { o = NR } /fsync\(/ && o { s = NR } END { exit !(s > o && o > r) }' "$tmp/strace"
}
t "export: the temporary file is made 0644 and fsync'ed before the rename, the directory fsync'ed after (strace)" synced
t "DIR missing: exit 1, one line naming DIR and why, nothing created" sh -c \
	"test \$('$F' --backend module --proc '$fx/proc' export --textfile '$tmp/nodir' 2>'$tmp/e'; echo \$?) = 1 && test \$(wc -l <'$tmp/e') = 1 &&
	 grep -qx \"forkstats: export: $tmp/nodir: cannot use the directory: No such file or directory\" '$tmp/e' && test ! -e '$tmp/nodir'"
t "DIR a file: exit 1, one line: Not a directory" sh -c \
	"test \$('$F' --backend module --proc '$fx/proc' export --textfile '$tmp/m' 2>'$tmp/e'; echo \$?) = 1 && test \$(wc -l <'$tmp/e') = 1 &&
	 grep -qx \"forkstats: export: $tmp/m: cannot use the directory: Not a directory\" '$tmp/e'"
mkdir "$tmp/ro"
chmod 755 "$tmp/ro"
t "DIR not writable (unprivileged user): exit 1, one line: Permission denied, nothing created" sh -c \
	"test \$(setpriv --reuid=65534 --regid=65534 --clear-groups '$F' --backend module --proc '$fx/proc' export --textfile '$tmp/ro' 2>'$tmp/e'; echo \$?) = 1 &&
	 test \$(wc -l <'$tmp/e') = 1 && grep -qx \"forkstats: export: $tmp/ro: cannot create a file in the directory: Permission denied\" '$tmp/e' &&
	 test -z \"\$(ls -A '$tmp/ro')\""
no_module() {
	cp "$tf/forkstats.prom" "$tmp/before"
	test "$(st "$F" --backend module --proc /nonexistent/forkstats export --textfile "$tf")" = 1 &&
		test "$(wc -l <"$tmp/err")" = 1 && grep -qx 'forkstats: /nonexistent/forkstats: No such file or directory' "$tmp/err" &&
		cmp "$tf/forkstats.prom" "$tmp/before" && test "$(ls -A "$tf")" = forkstats.prom
}
t "module not loaded: exit 1, one line; the previous file kept, no temporary file left" no_module
t "export without --textfile, with --json, with an extra argument: exit 2" sh -c \
	"for a in '' '--textfile' '--textfile $tf extra' '--textfile $tf --interval 0' '--textfile $tf --interval 0.05' '--textfile $tf --interval x' '--textfile $tf --interval 86401'; do
	   '$F' --backend module --proc '$fx/proc' export \$a >/dev/null 2>&1; test \$? = 2 || { echo \"export \$a\"; exit 1; }; done
	 '$F' --backend module --proc '$fx/proc' --json export --textfile '$tf' >/dev/null 2>&1; test \$? = 2"

# --interval: a copy of the fixture that changes; readers never see a part.
interval() {
	local live=$tmp/live pid i n want
	mkdir -p "$live/dbg" "$tmp/tf2"
	cp "$fx/proc" "$live/proc"
	cp "$fx/debugfs/"* "$live/dbg/"
	"$F" --backend module --proc "$live/proc" --debugfs "$live/dbg" export --textfile "$tmp/tf2" --interval 0.1 2>"$tmp/ierr" &
	pid=$!
	for i in $(seq 50); do [ -s "$tmp/tf2/forkstats.prom" ] && break; sleep 0.1; done
	grep -qxF 'forkstats_calls_total{kind="fork"} 60' "$tmp/tf2/forkstats.prom" || { echo "first write"; kill $pid; return 1; }
	sed 's/^fork                 60 /fork                 61 /' "$fx/proc" >"$live/proc.new" && mv "$live/proc.new" "$live/proc"
	want=$(wc -l <"$tmp/tf2/forkstats.prom")
	n=0
	# 300 reads while it rewrites: each a whole file (as many lines, the last one complete)
	for i in $(seq 300); do
		if [ "$(wc -l <"$tmp/tf2/forkstats.prom")" != "$want" ] ||
			[ "$(tail -c 1 "$tmp/tf2/forkstats.prom" | od -An -c | tr -d ' ')" != '\n' ]; then
			n=$((n + 1))
		fi
		grep -qxF 'forkstats_calls_total{kind="fork"} 61' "$tmp/tf2/forkstats.prom" && [ "$i" -gt 100 ] && break
	done
	grep -qxF 'forkstats_calls_total{kind="fork"} 61' "$tmp/tf2/forkstats.prom" || { echo "no rewrite"; kill $pid; return 1; }
	test "$n" = 0 || { echo "$n partial reads"; kill $pid; return 1; }
	kill -TERM $pid
	wait $pid || { echo "exit $?"; return 1; }
	test ! -s "$tmp/ierr" || { cat "$tmp/ierr"; return 1; }
	test "$(ls -A "$tmp/tf2")" = forkstats.prom
}
t "--interval 0.1: rewritten as the source changes, every read a whole file, SIGTERM: exit 0, no temporary file" interval
interval_missing() {
	local pid
	mkdir -p "$tmp/tf3"
	chmod 777 "$tmp/tf3"
	setpriv --reuid=65534 --regid=65534 --clear-groups \
		"$F" --backend module --proc "$tmp/np/proc" --debugfs "$tmp/np/debugfs" export --textfile "$tmp/tf3" --interval 0.1 2>"$tmp/ierr" &
	pid=$!
	sleep 1
	kill -TERM $pid
	wait $pid || return 1
	# said once, not once per write
	test "$(wc -l <"$tmp/ierr")" = 2 && grep -q 'export: not in the output: the latency histograms' "$tmp/ierr" &&
		grep -qxF 'forkstats_calls_total{kind="fork"} 60' "$tmp/tf3/forkstats.prom"
}
t "--interval, not root: what is left out is said once (2 lines in 10 writes), the rest written" interval_missing
interval_noproc() {
	local pid
	mkdir -p "$tmp/tf4"
	"$F" --backend module --proc "$tmp/noproc" --debugfs "$fx/debugfs" export --textfile "$tmp/tf4" --interval 0.1 2>"$tmp/ierr" &
	pid=$!
	sleep 0.6
	cp "$fx/proc" "$tmp/noproc.new" && mv "$tmp/noproc.new" "$tmp/noproc"	# loaded again (at once, as /proc/forkstats appears)
	sleep 0.6
	kill -TERM $pid
	wait $pid || return 1
	# one line while it lasted, none after: not one per write
	cat "$tmp/ierr"
	test "$(wc -l <"$tmp/ierr")" = 1 && grep -qx "forkstats: $tmp/noproc: No such file or directory" "$tmp/ierr" &&
		grep -qxF 'forkstats_calls_total{kind="fork"} 60' "$tmp/tf4/forkstats.prom" && test "$(ls -A "$tmp/tf4")" = forkstats.prom
}
t "--interval, module not loaded for a while: said once (not every 0.1 s), written once it is back" interval_noproc
t "--interval, DIR missing from the start: exit 1 at once, one line" sh -c \
	"test \$(timeout 5 '$F' --backend module --proc '$fx/proc' export --textfile '$tmp/nodir' --interval 0.1 2>'$tmp/e'; echo \$?) = 1 && test \$(wc -l <'$tmp/e') = 1"

# --- node_exporter's textfile collector -----------------------------------
NE=$(command -v prometheus-node-exporter || true)
if [ -z "$NE" ]; then
	not_ok "prometheus-node-exporter is installed (scripts/deps.sh)"
else
	port=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
	cli export --textfile "$tf"
	"$NE" --web.listen-address="127.0.0.1:$port" --collector.disable-defaults --collector.textfile \
		--collector.textfile.directory="$tf" >"$tmp/ne.log" 2>&1 &
	nepid=$!
	fetch() {
		python3 -c 'import sys, urllib.request; sys.stdout.write(urllib.request.urlopen(sys.argv[1], timeout=5).read().decode())' \
			"http://127.0.0.1:$port/metrics" >"$tmp/scrape" 2>/dev/null
	}
	for i in $(seq 100); do fetch && break; sleep 0.1; done
	t "node_exporter (127.0.0.1:$port, textfile collector only) serves /metrics" test -s "$tmp/scrape"
	t "its /metrics has our series, each with the same value as the file (every forkstats_ series)" \
		python3 "$here/promcheck.py" same "$tf/forkstats.prom" "$tmp/scrape"
	t "no textfile scrape error, the file's mtime exported" sh -c \
		"grep -qx 'node_textfile_scrape_error 0' '$tmp/scrape' && grep -q '^node_textfile_mtime_seconds{file=\".*forkstats.prom\"} ' '$tmp/scrape'"
	t "node_exporter keeps them histograms (TYPE) and counters" sh -c \
		"grep -qx '# TYPE forkstats_create_duration_seconds histogram' '$tmp/scrape' && grep -qx '# TYPE forkstats_calls_total counter' '$tmp/scrape'"
	# a new export is what the next scrape serves
	sed 's/^fork                 60 /fork                 75 /' "$fx/proc" >"$tmp/proc75"
	"$F" --backend module --proc "$tmp/proc75" --debugfs "$fx/debugfs" export --textfile "$tf"
	fetch
	t "after another export, the next scrape serves its values" sh -c \
		"grep -qxF 'forkstats_calls_total{kind=\"fork\"} 75' '$tmp/scrape' && python3 '$here/promcheck.py' same '$tf/forkstats.prom' '$tmp/scrape'"
	kill "$nepid" && wait "$nepid" 2>/dev/null
	nepid=
	t "node_exporter stopped: nothing listens on its port any more" sh -c "! python3 -c 'import socket; socket.create_connection((\"127.0.0.1\", $port), 1)' 2>/dev/null"
fi

# --- docs ------------------------------------------------------------------
documented() {
	local m bad=0
	for m in $(awk '/^# TYPE/ { print $3 }' "$tmp/m") forkstats_huge_wp_faults_total forkstats_wp_unclassified_faults_total; do
		grep -q "^| \`$m\` |" "$top/docs/interfaces.md" || { echo "$m not in docs/interfaces.md's tables"; bad=1; }
	done
	return $bad
}
t "docs/interfaces.md has a table row for every metric family the CLI writes" documented
man_prom() {
	local man=$top/docs/forkstats.8 out
	out=$(groff -man -ww -z "$man" 2>&1) && test -z "$out" || { echo "$out"; return 1; }
	out=$(groff -man -Tutf8 "$man" 2>/dev/null | sed 's/.\x08//g')
	grep -q 'show --prometheus' <<<"$out" && grep -q 'export --textfile DIR \[--interval SECS\]' <<<"$out" &&
		grep -q 'metrics named forkstats_\*' <<<"$out" && grep -q 'docs/fleet.md' <<<"$out"
}
t "the man page documents show --prometheus and export --textfile DIR [--interval SECS], renders without warnings" man_prom

# --- the fleet rules of docs/fleet.md ---------------------------------------
rules=$tmp/fleet-rules.yml
awk '/^```yaml fleet-rules/ { on = 1; next } on && /^```/ { exit } on' "$top/docs/fleet.md" >"$rules"
t "docs/fleet.md's rules pass promtool check rules" sh -c "test -s '$rules' && promtool check rules '$rules'"
# The recording rule on known series: 2 forks a minute of a 1 GiB parent
# (1 GiB mapped in each child after the copy, create latency 12 ms each) ->
# 12 ms per GiB; the same on b with 30 ms each -> 30 ms per GiB, above the
# alert's 25 ms.  The page tables (512 KiB per fork: the parent's memory in
# huge pages) would give 4 GiB per fork; the rules must not read them.
cat >"$tmp/rules.test.yml" <<EOF
rule_files: [ "$rules" ]
evaluation_interval: 1m
tests:
  - interval: 1m
    input_series:
      - series: 'forkstats_create_duration_seconds_sum{instance="a",kind="fork"}'
        values: '0+0.024x20'
      - series: 'forkstats_create_duration_seconds_count{instance="a",kind="fork"}'
        values: '0+2x20'
      - series: 'forkstats_child_rss_bytes_total{instance="a",kind="fork"}'
        values: '0+2147483648x20'
      - series: 'forkstats_pgtable_bytes_total{instance="a",kind="fork"}'
        values: '0+1048576x20'
      - series: 'forkstats_create_duration_seconds_sum{instance="b",kind="fork"}'
        values: '0+0.060x20'
      - series: 'forkstats_create_duration_seconds_count{instance="b",kind="fork"}'
        values: '0+2x20'
      - series: 'forkstats_child_rss_bytes_total{instance="b",kind="fork"}'
        values: '0+2147483648x20'
      - series: 'forkstats_pgtable_bytes_total{instance="b",kind="fork"}'
        values: '0+1048576x20'
      - series: 'forkstats_child_rss_known{instance="a",kind="fork"}'
        values: '1x20'
      - series: 'forkstats_child_rss_known{instance="b",kind="fork"}'
        values: '1x20'
      - series: 'forkstats_calls_total{instance="a",kind="fork"}'
        values: '0+2x20'
      - series: 'forkstats_calls_total{instance="b",kind="fork"}'
        values: '0+2x20'
      # c: the tracepoint chain on 6.2+, forking, its child RSS unknown (no sample)
      - series: 'forkstats_create_duration_seconds_sum{instance="c",kind="fork"}'
        values: '0+0.024x20'
      - series: 'forkstats_create_duration_seconds_count{instance="c",kind="fork"}'
        values: '0+2x20'
      - series: 'forkstats_calls_total{instance="c",kind="fork"}'
        values: '0+2x20'
      - series: 'forkstats_child_rss_known{instance="c",kind="fork"}'
        values: '0x20'
      # d: the same chain, not forking: nothing to say
      - series: 'forkstats_calls_total{instance="d",kind="fork"}'
        values: '5x20'
      - series: 'forkstats_child_rss_known{instance="d",kind="fork"}'
        values: '0x20'
    promql_expr_test:
      - expr: round(instance_kind:forkstats_create_seconds_per_gib:rate5m{instance="a"} * 1e6)
        eval_time: 10m
        exp_samples:
          - labels: '{instance="a",kind="fork"}'
            value: 12000
      - expr: instance_kind:forkstats_create_seconds_per_gib:rate5m{instance="c"}
        eval_time: 10m
        exp_samples: []
      - expr: round(instance_kind:forkstats_parent_gib_per_call:rate5m{instance="a"} * 1e6)
        eval_time: 10m
        exp_samples:
          - labels: '{instance="a",kind="fork"}'
            value: 1000000
    alert_rule_test:
      - alertname: ForkLatencyPerGiBHigh
        eval_time: 20m
        exp_alerts:
          - exp_labels: { severity: warning, instance: b, kind: fork }
            exp_annotations:
              summary: "fork on b costs 30ms per GiB of parent memory"
      - alertname: ForkLatencyPerGiBHigh
        eval_time: 8m
        exp_alerts: []
      - alertname: ForkLatencyPerGiBUnknown
        eval_time: 20m
        exp_alerts:
          - exp_labels: { severity: info, instance: c, kind: fork }
            exp_annotations:
              summary: "fork latency per GiB of parent memory on c is unknown: its forkstats backend cannot measure the children's RSS (BPF tracepoint chain on 6.2+, or an older module)"
      - alertname: ForkLatencyPerGiBUnknown
        eval_time: 8m
        exp_alerts: []
EOF
t "the recording rules compute 12 ms/GiB and 1 GiB/fork from the child RSS counter (not the page tables); the alert fires for 30 ms/GiB only; RSS unknown: no value, ForkLatencyPerGiBUnknown fires for the machine that forks only (promtool test rules)" \
	promtool test rules "$tmp/rules.test.yml"

done_testing
