# SPDX-License-Identifier: GPL-2.0
# PID namespaces: a fork record names its child by the child's pid in the
# initial namespace (docs/interfaces.md), on every path that records a call:
# copy_process's return (the normal path, and calls whose kernel_clone
# instance was missed) and kernel_clone's return when copy_process's was
# missed.  tests/progs/pidns.c reaches the last one deterministically with
# max_active=16: it says how.
KO=/forkstats/forkstats.ko

if insmod $KO max_active=16; then
	tap_run "pidns" pidns 256 16
	check "rmmod after the pid namespace test" rmmod forkstats
else
	not_ok "insmod forkstats.ko max_active=16 for the pid namespace test"
fi
