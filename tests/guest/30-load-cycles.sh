# SPDX-License-Identifier: GPL-2.0
# 20 load/unload cycles while a program forks and writes on both CPUs; the
# kernel log is checked by 90-kernel-log.sh.
storm run 40 >/tmp/churn1.out 2>&1 &
c1=$!
storm run 40 >/tmp/churn2.out 2>&1 &
c2=$!
cycles=0
i=0
while [ $i -lt 20 ]; do
	if insmod /forkstats/forkstats.ko; then
		cat /proc/forkstats /sys/kernel/debug/forkstats/calls \
			/sys/kernel/debug/forkstats/probes /sys/kernel/debug/forkstats/hist >/dev/null &&
			usleep 200000 &&
			rmmod forkstats && cycles=$((cycles + 1))
	fi
	i=$((i + 1))
done
is $cycles 20 "20 load/unload cycles while two programs fork and write"
kill $c1 $c2 2>/dev/null
wait $c1 $c2 2>/dev/null
check "the module is unloaded after the cycles" sh -c '! grep -q "^forkstats " /proc/modules'
