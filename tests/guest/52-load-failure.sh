# SPDX-License-Identifier: GPL-2.0
# A load that fails leaves nothing behind (issue 17, defect 1).  With
# kernel.ftrace_enabled=0 the load fails while the probes are registered
# (docs/interfaces.md); readers try to open the module's debugfs files all
# along (one reads events, which blocks, one calls).  The files are created
# after the last step that can fail, so no reader ever opens one of a load
# that fails, and insmod never waits for one: before, a reader that opened
# events in the window made the failing insmod wait in debugfs_remove() for
# its read, and a file held open across the failure was released through
# the freed module.
#
# Where the sysctl cannot turn ftrace off (7.3.4: ftrace_sysctl_rule), user
# space has no way left to fail a load after its probes are registered
# (Debian's kernels have no fault injection): that the sysctl is refused is
# checked, and the failing loads are not made.
KO=/forkstats/forkstats.ko
D=/sys/kernel/debug/forkstats
if [ "$(ftrace_sysctl_rule)" = refused ]; then
	ftrace_sysctl_refused "load failure"
	diag "load failure: no failing load on this kernel (ftrace cannot be turned off, no fault injection)"
	return 0
fi
dmesg -c >/dev/null
echo 0 >/proc/sys/kernel/ftrace_enabled
i=0 opened=0 hung=0 loaded=0
while [ $i -lt 20 ]; do
	userstorm grab $D/events 4 >/dev/null &
	g1=$!
	userstorm grab $D/calls 4 >/dev/null &
	g2=$!
	usleep 100000
	insmod $KO 2>/tmp/lf.err &
	ip=$!
	j=0
	while [ -d /proc/$ip ] && [ $j -lt 100 ]; do
		usleep 100000
		j=$((j + 1))
	done
	if [ -d /proc/$ip ]; then
		hung=$((hung + 1))
		kill -9 $g1 $g2
	fi
	wait $ip && loaded=$((loaded + 1))
	wait $g1 || opened=$((opened + 1))
	wait $g2 || opened=$((opened + 1))
	grep -q '^forkstats ' /proc/modules && rmmod forkstats
	i=$((i + 1))
done
echo 1 >/proc/sys/kernel/ftrace_enabled
is "$loaded" 0 "load failure: with kernel.ftrace_enabled=0 every load fails (20 of 20)"
is "$hung" 0 "load failure: a failing insmod never waits for a reader of the module's files"
is "$opened" 0 "load failure: no reader ever opened a file of a load that failed (2 readers trying through 20 failed loads)"
check "load failure: dmesg names the sysctl" sh -c "dmesg | grep -q 'forkstats: .*ftrace_enabled'"
kernel_log_clean "load failure: dmesg holds no WARN, BUG, Oops"
check "load failure: the module loads once the sysctl is back" insmod $KO
rmmod forkstats
