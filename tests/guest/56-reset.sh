# SPDX-License-Identifier: GPL-2.0
# forkstats: any
# Reset under load (issue 17, defect 2): 40 resets (debugfs control and
# /proc/forkstats, at random moments) while two users' loads fork, vfork,
# spawn, exec, clone, create threads and write COW pages; the last one while
# the load is being stopped (SIGSTOP); then every invariant must hold
# exactly (userstorm conserve: calls = returned + open calls, records since
# the reset + overwritten = calls, hist, /proc = sums over calls); 4 rounds.
# With records=1048576 a reset has the most to clear: calls keep coming
# while it runs.  The module is loaded and unloaded with the load stopped
# (the parallel boot's emulator loses kernel text patched under load:
# 05-emulator.sh).
KO=/forkstats/forkstats.ko
D=/sys/kernel/debug/forkstats
R=${reset_rounds:-4}
dmesg -c >/dev/null
rm -f /tmp/rs.stop
grep -q '^forkstats ' /proc/modules && rmmod forkstats
insmod $KO records=1048576 || not_ok "insmod forkstats.ko for the reset test"
loads=
for i in 1 2; do
	setsid userstorm load 3600 /tmp/rs.stop >/tmp/rs.load$i 2>&1 &
	loads="$loads $!"
done
r=0 resets=0 t0=$(date +%s)
while [ $r -lt "$R" ]; do
	i=0
	while [ $i -lt 39 ]; do
		if [ $((RANDOM % 2)) = 0 ]; then
			echo reset >$D/control && resets=$((resets + 1))
		else
			echo reset >/proc/forkstats && resets=$((resets + 1))
		fi
		usleep $((RANDOM % 50000))
		i=$((i + 1))
	done
	echo reset >$D/control &
	rp=$!
	stop_groups $loads
	wait $rp && resets=$((resets + 1))
	tap_run "reset round $r" userstorm conserve
	cont_groups $loads
	r=$((r + 1))
done
t1=$(date +%s)
touch /tmp/rs.stop
stop_groups $loads
cont_groups $loads
rc=0
for pid in $loads; do wait "$pid" || rc=1; done
is "$resets" $((R * 40)) "reset: $((R * 40)) resets written under load in $((t1 - t0)) s"
is "$rc" 0 "reset: the loads ran to the end"
diag "reset: loads: $(cat /tmp/rs.load1) | $(cat /tmp/rs.load2)"
check "rmmod after the reset test" rmmod forkstats
kernel_log_clean "reset: dmesg holds no WARN, BUG, Oops, soft lockup"
