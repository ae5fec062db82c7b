# SPDX-License-Identifier: GPL-2.0
# forkstats show --prometheus and export --textfile with the real module: with
# the handlers disabled (the numbers stand still), every per-kind counter
# equals /proc/forkstats, each create histogram counts exactly the kind's
# calls, the call histograms together the calls completed, the buckets are
# those of debugfs hist made cumulative, _sum = the module's exact sums
# (create_ns_sum, total_ns_sum), forkstats_child_rss_bytes_total = rss_pages x
# page_size; the export is the same text.
KO=/forkstats/forkstats.ko
D=/sys/kernel/debug/forkstats

insmod $KO
fsaccept forks 200 >/dev/null 2>&1
fsaccept kinds >/dev/null 2>&1
echo disable > $D/control
usleep 200000			# calls in flight complete
cat /proc/forkstats > /tmp/p1
cat $D/probes > /tmp/pr1
forkstats show --prometheus > /tmp/m 2>/tmp/m.err
prc=$?
cat $D/hist > /tmp/h
cat /proc/forkstats > /tmp/p2
cat $D/probes > /tmp/pr2
is "$prc $(wc -c < /tmp/m.err)" "0 0" "show --prometheus as root: exit 0, nothing on stderr"
check "the numbers stood still while it read (/proc/forkstats before = after)" cmp /tmp/p1 /tmp/p2
diag "$(awk '/^(fork|vfork|thread|clone|kthread) / { printf "%s %s calls; ", $1, $2 }' /tmp/p1)"
at_least "$(awk '$1 == "fork" { print $2 }' /tmp/p1)" 200 "the forks were recorded"

# sample NAME LABELS: the value of one sample, or "none"
sample() { awk -v k="$1${2:+{$2\}}" '$1 == k { v = $2 } END { print (v == "" ? "none" : v) }' /tmp/m; }
# sec2ns S: a decimal number of seconds ("0.051528029", "3") as whole ns
sec2ns() { awk -v s="$1" 'BEGIN { i = s; f = ""; if (index(s, ".")) { i = substr(s, 1, index(s, ".") - 1); f = substr(s, index(s, ".") + 1) }
	f = substr(f "000000000", 1, 9); v = i f; sub(/^0+/, "", v); print (v == "" ? 0 : v) }'; }
pgsz=$(sed -n '1s/.* page_size=\([0-9]*\).*/\1/p' /tmp/p1)
is "$pgsz" "$(getconf PAGESIZE 2>/dev/null || echo 4096)" "/proc/forkstats line 1: page_size= the kernel's page size"
bad=""
for k in fork vfork thread clone kthread; do
	row=$(awk -v k=$k '$1 == k { print; exit }' /tmp/p1)
	set -- $row
	# kind calls failed create_avg total_avg pgtable vmas_copied cow_parent cow_child copies reuses
	# create_ns_sum total_ns_sum returned rss_pages
	want="$2 $3 $6 $8 $9"
	got="$(sample forkstats_calls_total "kind=\"$k\"") $(sample forkstats_failed_calls_total "kind=\"$k\"")"
	got="$got $(sample forkstats_pgtable_bytes_total "kind=\"$k\"")"
	got="$got $(sample forkstats_cow_faults_total "kind=\"$k\",side=\"parent\"") $(sample forkstats_cow_faults_total "kind=\"$k\",side=\"child\"")"
	[ "$got" = "$want" ] || bad="$bad $k: got '$got', /proc/forkstats '$want';"
	for c in "7 forkstats_vmas_copied_total" "10 forkstats_cow_copies_total" "11 forkstats_cow_reuses_total"; do
		v=$(echo "$row" | awk -v i="${c%% *}" '{ print $i }')
		[ "$v" = - ] && v=none
		g=$(sample ${c#* } "kind=\"$k\"")
		[ "$g" = "$v" ] || bad="$bad $k ${c#* }: $g, file $v;"
	done
	# create histogram: _count = calls (every call is counted in both at copy_process)
	cc=$(sample forkstats_create_duration_seconds_count "kind=\"$k\"")
	[ "$cc" = "$2" ] || bad="$bad $k create _count $cc, calls $2;"
	# _sum = the exact sums create_ns_sum ($12) and total_ns_sum ($13), to
	# the ns (compared as decimal strings, not floats); call _count =
	# returned ($14); child RSS bytes = rss_pages ($15) x page_size
	cs=$(sample forkstats_create_duration_seconds_sum "kind=\"$k\"")
	tc=$(sample forkstats_call_duration_seconds_count "kind=\"$k\"")
	ts=$(sample forkstats_call_duration_seconds_sum "kind=\"$k\"")
	[ "$(sec2ns "$cs") $(sec2ns "$ts")" = "${12} ${13}" ] || bad="$bad $k _sum $cs / $ts, expected ${12} / ${13} ns;"
	[ "$tc" = "${14}" ] || bad="$bad $k call _count $tc, returned ${14};"
	rb=$(sample forkstats_child_rss_bytes_total "kind=\"$k\"")
	[ "$rb" = "$((${15} * pgsz))" ] || bad="$bad $k child RSS $rb, expected ${15} x $pgsz;"
	# the buckets: cumulative sums of debugfs hist up to each bound, +Inf = count
	for lat in create total; do
		[ $lat = create ] && name=forkstats_create_duration_seconds || name=forkstats_call_duration_seconds
		r=$(awk -v k=$k -v lat=$lat -v name=$name '
			FILENAME == "/tmp/h" && $1 == k && $2 == lat { lo[++n] = $3; hi[n] = $4; c[n] = $5; tot += $5; next }
			FILENAME == "/tmp/m" && index($0, name "_bucket{kind=\"" k "\",le=\"") == 1 {
				le = $1; sub(/.*le="/, "", le); sub(/".*/, "", le)
				if (le == "+Inf") { if ($2 != tot) bad = bad " +Inf " $2 "!=" tot; nb++; next }
				ub = le * 1e9; want = 0
				for (i = 1; i <= n; i++) if (hi[i] <= ub + 0.5) want += c[i]
				if ($2 != want) bad = bad " le=" le " " $2 "!=" want
				nb++
			}
			END { if (nb != 27) bad = bad " " nb " buckets"; printf "%s", bad }' /tmp/h /tmp/m)
		[ -z "$r" ] || bad="$bad $k $lat:$r;"
	done
done
is "$bad" "" "every kind: calls, failed, page tables, VMAs, COW by side and outcome = /proc/forkstats; create _count = calls, call _count = returned; _sum = create_ns_sum / total_ns_sum exactly; child RSS = rss_pages x page size; buckets = hist, cumulative"
comp=$(awk '$1 == "completed" { print $2 }' /tmp/pr1)
sumc=$(awk '/^forkstats_call_duration_seconds_count/ { s += $2 } END { print s + 0 }' /tmp/m)
is "$sumc" "$comp" "the call histograms' counts add up to the calls completed since load (debugfs probes: $comp)"
is "$(sample forkstats_completed_calls_total '') $(sample forkstats_enabled '') $(sample forkstats_memory_bytes '')" \
	"$comp 0 $(awk '$1 == "memory_bytes" { print $2 }' /tmp/pr1)" "completed, enabled (0: disabled), memory_bytes = debugfs probes"
# Probe hits: the handlers still run while disabled (this script forks), so
# between the reads before and after, per probe.
r=$(awk 'FILENAME == "/tmp/pr1" && FNR > 1 && NF == 5 { lo[$1] = $4; n++; next }
	FILENAME == "/tmp/pr2" && FNR > 1 && NF == 5 { hi[$1] = $4; next }
	/^forkstats_probe_hits_total\{/ { p = $1; sub(/.*probe="/, "", p); sub(/".*/, "", p)
		g++; if (!(p in lo) || $2 < lo[p] || $2 > hi[p]) bad = bad " " p "=" $2 }
	END { if (g != n || n == 0) bad = bad " " g " of " n " probes"; printf "%s", bad }' /tmp/pr1 /tmp/pr2 /tmp/m)
is "$r" "" "probe hits between those of two reads of debugfs probes, every probe"
missed=$(awk '/^missed_/ { sub(/^missed_/, "", $1); printf "%s=%s ", $1, $2 }' /tmp/p1)
gmissed=$(awk '/^forkstats_probe_missed_total\{/ { p = $1; sub(/.*probe="/, "", p); sub(/".*/, "", p); printf "%s=%s ", p, $2 }' /tmp/m)
is "$gmissed" "$missed" "probe missed counts = /proc/forkstats missed_*"
mkdir -p /tmp/tf
forkstats export --textfile /tmp/tf 2>/tmp/e.err
# (probe hits go on counting: this script forks)
check "export --textfile: the same text in /tmp/tf/forkstats.prom (but probe hits), alone, 0644" sh -c \
	'grep -v ^forkstats_probe_hits_total /tmp/m > /tmp/m.nohits && grep -v ^forkstats_probe_hits_total /tmp/tf/forkstats.prom > /tmp/tf.nohits &&
	 cmp /tmp/m.nohits /tmp/tf.nohits && [ "$(ls -A /tmp/tf)" = forkstats.prom ] && ls -l /tmp/tf/forkstats.prom | grep -q "^-rw-r--r--"'
cp /tmp/tf/forkstats.prom /tmp/exported
echo enable > $D/control
rmmod forkstats
check "module unloaded: show --prometheus and export exit 1, the exported file kept" sh -c \
	'! forkstats show --prometheus >/dev/null 2>&1 && ! forkstats export --textfile /tmp/tf 2>/dev/null && cmp /tmp/exported /tmp/tf/forkstats.prom && [ "$(ls -A /tmp/tf)" = forkstats.prom ]'

# The BPF backend (fentry chain here): the same metrics, read through it.
if forkstats --backend bpf attach >/dev/null 2>&1; then
	fsaccept forks 50 >/dev/null 2>&1
	# "KIND CALLS" lines of a show --json document (the BPF backend has no proc file).
	kind_calls() { for k in fork vfork thread clone kthread; do echo "$k $(jsonq "$1" "kinds.kind=$k.calls")"; done; }
	forkstats --json show > /tmp/b1.json
	forkstats show --prometheus > /tmp/bm 2>/tmp/bm.err
	brc=$?
	forkstats --json show > /tmp/b2.json
	kind_calls /tmp/b1.json > /tmp/b1
	kind_calls /tmp/b2.json > /tmp/b2
	is "$brc $(wc -c < /tmp/bm.err)" "0 0" "BPF backend: show --prometheus exit 0, nothing on stderr (auto: the backend is attached)"
	check "BPF backend: forkstats_info says backend bpf, chain fentry" \
		grep -q '^forkstats_info{.*backend="bpf",chain="fentry",' /tmp/bm
	r=$(awk 'FILENAME == "/tmp/b1" && $1 ~ /^(fork|vfork|thread|clone|kthread)$/ { lo[$1] = $2; next }
		FILENAME == "/tmp/b2" && $1 ~ /^(fork|vfork|thread|clone|kthread)$/ { hi[$1] = $2; next }
		/^forkstats_calls_total\{/ { k = $1; sub(/.*kind="/, "", k); sub(/".*/, "", k); n++
			if ($2 < lo[k] || $2 > hi[k]) bad = bad " " k "=" $2 " not in " lo[k] ".." hi[k] }
		END { if (n != 5) bad = bad " " n " kinds"; printf "%s", bad }' /tmp/b1 /tmp/b2 /tmp/bm)
	is "$r" "" "BPF backend: calls per kind between two reads of its show --json, all five kinds"
	is "$(grep -c '^forkstats_create_duration_seconds_bucket{' /tmp/bm) $(grep -c '^forkstats_call_duration_seconds_bucket{' /tmp/bm) $(grep -c '^forkstats_probe_hits_total{' /tmp/bm)" \
		"135 135 $(forkstats --json status >/tmp/bs.json && jsonq /tmp/bs.json probes | grep -o '"probe":' | wc -l)" \
		"BPF backend: both histograms (27 buckets x 5 kinds) and a hits line per probe of its status"
	forkstats --backend bpf detach >/dev/null 2>&1
else
	not_ok "BPF backend: attach for show --prometheus"
fi
