# SPDX-License-Identifier: GPL-2.0
# PID namespaces: a fork record names its child by the child's pid in the
# initial namespace (docs/interfaces.md), on every path that records a call:
# copy_process's return (the normal path, and calls whose kernel_clone
# instance was missed) and kernel_clone's return when copy_process's was
# missed.  tests/progs/pidns.c reaches the last one deterministically with
# max_active=16: it says how.  Then forkstats status names the losses.
KO=/forkstats/forkstats.ko

proc_counter() { awk -v n="$1" '$1 == n && NF == 2 { print $2 }' /proc/forkstats; }

if insmod $KO max_active=16; then
	tap_run "pidns" pidns 256 16
	# The returns missed on the way: one line each, with the parameter.
	forkstats status >/tmp/status.out 2>&1
	for c in missed_kernel_clone missed_copy_process; do
		n=$(proc_counter $c)
		line=$(grep "^lost: $n calls .* ($c): .*; raise the module parameter max_active (now 16)\$" /tmp/status.out)
		if [ "$n" -gt 0 ] && [ -n "$line" ]; then
			ok "forkstats status says what $c lost, why, and to raise max_active ($n calls)"
		else
			not_ok "forkstats status says what $c lost, why, and to raise max_active ($n calls)"
			diag_file /tmp/status.out
		fi
	done
	check "rmmod after the pid namespace test" rmmod forkstats
else
	not_ok "insmod forkstats.ko max_active=16 for the pid namespace test"
fi
