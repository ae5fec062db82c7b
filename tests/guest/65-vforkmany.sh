# SPDX-License-Identifier: GPL-2.0
# Blocked vfork parents beyond max_active (issue 17, defect 8).  A vfork
# parent waits in kernel_clone until its child execs or exits; the module
# closes the call when the child releases the parent's memory, so a blocked
# parent holds no kretprobe instance and their number is not bounded by
# max_active (docs/design.md).
#   stress-ng --vforkmany: chains of vforks thousands deep (a real load, not
#   ours): every call recorded with its wait, nothing missed.
#   storm vforks 200 3 with max_active=100 and 1024: 200 parents blocked at
#   once, each for 3 s (these replace 50-storm.sh's "blocked parents").
KO=/forkstats/forkstats.ko
D=/sys/kernel/debug/forkstats

# A copy of /proc/forkstats read by this shell itself: a process forked to
# read it would find its own fork in flight (not yet returned).
snap() {
	: >/tmp/pf
	while IFS= read -r l; do
		echo "$l" >>/tmp/pf
	done </proc/forkstats
}
proc_counter() { awk -v n="$1" '$1 == n && NF == 2 { print $2 }' /tmp/pf; }
# row KIND COLUMN: a cell of the table, by the header's names.
row() {
	awk -v k="$1" -v c="$2" '$1 == "kind" { for (i = 1; i <= NF; i++) col[$i] = i }
		$1 == k && col[c] { print $(col[c]) }' /tmp/pf
}
# The vfork records of debugfs calls: how many, how many still open (total_ns
# '-'), how many successful ones closed without their wait (total_ns not above
# create_ns: the call was closed by copy_process alone), how many waited at
# least $1 ns.
vfork_records() {
	awk -v min="${1:-0}" 'NR == 1 { for (i = 2; i <= NF; i++) c[$i] = i - 1; next }
		$c["kind"] == "vfork" {
			n++
			if ($c["total_ns"] == "-") open++
			else {
				if ($c["err"] == 0 && $c["total_ns"] + 0 <= $c["create_ns"] + 0) nowait++
				if ($c["total_ns"] + 0 >= min) long++
			}
		}
		END { print n + 0, open + 0, nowait + 0, long + 0 }' $D/calls
}

if ! command -v stress-ng >/dev/null; then
	not_ok "stress-ng is in the guest (tests/vm/initramfs.sh takes the host's: scripts/deps.sh installs it)"
elif ! insmod $KO; then
	not_ok "insmod forkstats.ko for stress-ng --vforkmany"
else
	hooks=$(awk '$1 ~ /^(exit_mm_release|exec_mm_release|mm_exit_exec_release)$/ && $3 == 1 {
		printf "%s%s %s", s, $1, $2; s = ", " }' $D/probes)
	# 7.3.4: one function for both (module/compat.h).
	case $(cat /forkstats/series) in
	5.10 | 6.1 | 6.12) want="exit_mm_release kprobe, exec_mm_release kprobe" ;;
	*) want="mm_exit_exec_release kprobe" ;;
	esac
	is "$hooks" "$want" "a vfork's end is seen: the child's exit and exec are hooked ($want)"
	at_least "$(awk '$1 == "max_vforks" { print $2 }' $D/probes)" "$(cat /proc/sys/kernel/threads-max)" \
		"the vfork table holds as many waiting vfork calls as the machine can have tasks (max_vforks >= threads-max)"
	# The load exhausts threads-max: nothing may fork while it runs, this
	# shell least of all (a shell that cannot fork exits, and it is the
	# guest's init).  taskpeak starts it and samples the task count (nearly
	# all of them vfork parents waiting in kernel_clone) without forking.
	diag "threads-max $(cat /proc/sys/kernel/threads-max), max_vforks $(awk '$1 == "max_vforks" { print $2 }' $D/probes), pid_max $(cat /proc/sys/kernel/pid_max)"
	taskpeak sh -c 'exec timeout -s KILL 180 stress-ng --vforkmany 2 -t 10s >/tmp/sng.out 2>&1' >/tmp/peak.out
	rc=$?
	read -r _ base _ peak </tmp/peak.out
	usleep 500000
	snap
	is "$rc" 0 "stress-ng --vforkmany 2 -t 10s ran to its end"
	[ "$rc" = 0 ] || diag_file /tmp/sng.out
	at_least "$((peak - base))" 1100 "stress-ng --vforkmany: more than 1 024 tasks at once, nearly all of them vfork parents blocked in kernel_clone (peak $peak, before $base)"
	calls=$(row vfork calls)
	missed=$(proc_counter missed_kernel_clone)
	diag "vfork calls $calls, returned $(row vfork returned); missed_kernel_clone $missed; failed vforks $(row vfork failed)"
	is "$missed" 0 "stress-ng --vforkmany: kernel_clone missed no call (missed_kernel_clone)"
	is "$(proc_counter missed_copy_process)" 0 "stress-ng --vforkmany: copy_process missed no call"
	is "$(proc_counter inflight_overflow) $(proc_counter vfork_overflow)" "0 0" \
		"stress-ng --vforkmany: no call untracked (inflight_overflow, vfork_overflow)"
	is "$(row vfork returned)" "$calls" "stress-ng --vforkmany: every vfork call returned after the load (returned = calls)"
	is "$(row total returned)" "$(row total calls)" "stress-ng --vforkmany: every call of every kind returned (returned = calls)"
	vfork_records >/tmp/vr
	read -r vn vopen vnowait _ </tmp/vr
	diag "vfork records in the ring: $vn, open $vopen, closed without their wait $vnowait"
	at_least "$vn" 1000 "stress-ng --vforkmany: the ring holds its vfork records"
	is "$vopen $vnowait" "0 0" "stress-ng --vforkmany: every vfork record is closed, with its wait in total_ns (none closed by copy_process alone)"
	forkstats status >/tmp/status.out 2>&1
	is "$(grep -c '^lost:' /tmp/status.out)" 0 "stress-ng --vforkmany: forkstats status reports no loss"
	check "rmmod after stress-ng --vforkmany" rmmod forkstats
fi

# 200 parents blocked at once, 3 s each, with max_active below and above 200.
for ma in 100 1024; do
	insmod $KO max_active=$ma
	storm vforks 200 3 >/tmp/vforks.out
	vfork_records 3000000000 >/tmp/vr
	rmmod forkstats
	read -r vn _ _ vlong </tmp/vr
	read -r _ n _ rec _ alone _ missed _ win _ lost </tmp/vforks.out
	diag "max_active=$ma: $(cat /tmp/vforks.out); vfork records $vn, of them waited 3 s or more $vlong"
	is "$rec $lost" "200 0" "blocked parents (max_active=$ma): all 200 vforks recorded"
	is "$missed $alone" "0 0" "blocked parents (max_active=$ma): kernel_clone missed nothing, no call closed by copy_process alone"
	is "$vn $vlong" "200 200" "blocked parents (max_active=$ma): each of the 200 vfork records has its 3 s wait in total_ns"
done
