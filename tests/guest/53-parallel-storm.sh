# SPDX-License-Identifier: GPL-2.0
# forkstats: mttcg
# The handlers, the readers and reset with two CPUs really at once
# (multi-threaded TCG, docs/vm.md): the users' load, readers of every file
# (events shared by two threads), resets, garbage and commands, for 10
# rounds of a few seconds; after each, the load stopped, every invariant
# exactly (userstorm conserve).  The module is loaded and unloaded while the
# load is stopped: this boot's emulator loses kernel text patched while the
# other CPU runs it (tests/guest/05-emulator.sh), which the check boot's
# users' storm (51) covers under load.
KO=/forkstats/forkstats.ko
D=/sys/kernel/debug/forkstats
R=${parallel_storm_rounds:-10}
dmesg -c >/dev/null
rm -f /tmp/ps.stop

loads=
for i in 1 2 3; do
	setsid userstorm load 3600 /tmp/ps.stop >/tmp/ps.load$i 2>&1 &
	loads="$loads $!"
done
stop_groups $loads
userstorm readers /tmp/ps.stop >/tmp/ps.readers 2>&1 &
readers=$!

probes_value() { awk -v n="$1" '$1 == n && NF == 2 { print $2 }' $D/probes 2>/dev/null; }

r=0 bad=0 loaded=0 resets=0 memmoved=0
while [ $r -lt "$R" ]; do
	case $((r % 5)) in
	2) p="records=16 max_tracked=64 max_active=16" ;;
	*) p= ;;
	esac
	# Loaded with the load stopped (readers go on: they patch nothing).
	# shellcheck disable=SC2086
	if ! insmod $KO $p; then
		bad=$((bad + 1)); r=$((r + 1)); continue
	fi
	loaded=$((loaded + 1))
	mem0=$(probes_value memory_bytes)
	cont_groups $loads
	i=0
	while [ $i -lt 20 ]; do
		storm poke parallel	# garbage and commands (tests/progs/garbage.h)
		usleep $((RANDOM % 200000))
		i=$((i + 1))
	done
	stop_groups $loads
	if ! userstorm conserve >/tmp/ps.conserve 2>&1; then
		bad=$((bad + 1))
		diag "round $r ($p): invariants broken:"
		grep -v '^ok' /tmp/ps.conserve | head -n 20 | sed 's/^/#   /' >&3
	fi
	[ "$(probes_value memory_bytes)" = "$mem0" ] || memmoved=$((memmoved + 1))
	userstorm unload forkstats 30 >/tmp/ps.unload || diag "round $r: rmmod: $(cat /tmp/ps.unload)"
	r=$((r + 1))
done
touch /tmp/ps.stop
cont_groups $loads
rc=0
for pid in $loads; do wait "$pid" || rc=1; done
wait $readers
rrc=$?
grep -q '^forkstats ' /proc/modules && rmmod forkstats
is "$loaded" "$R" "parallel storm: $R rounds of load, readers, resets and garbage on two CPUs at once"
is "$bad" 0 "parallel storm: after every round the invariants hold exactly (calls = records + overwritten; calls - returned = open calls; hist; /proc = sums over calls)"
is "$memmoved" 0 "parallel storm: memory_bytes does not move under load"
is "$rc $rrc" "0 0" "parallel storm: the loads and the readers ran to the end without an error"
diag "parallel storm: loads: $(cat /tmp/ps.load1) | $(cat /tmp/ps.load2) | $(cat /tmp/ps.load3)"
diag "parallel storm: readers: $(cat /tmp/ps.readers)"
kernel_log_clean "parallel storm: dmesg holds no WARN, BUG, Oops, soft lockup"
