# SPDX-License-Identifier: GPL-2.0
# forkstats: any
# debugfs events read by several threads through one open file (issue 17,
# defect 3): tests/progs/sharedevents.c, while two processes fork as fast as
# they can, then until the stream is drained.  Every read gives whole lines,
# the header once, no record twice, records + lost = completions exactly,
# and no read() spins in the kernel.  In both boots (the parallel one runs
# the readers on two CPUs really at once); the module is loaded and unloaded
# with no load running.
KO=/forkstats/forkstats.ko
dmesg -c >/dev/null
grep -q '^forkstats ' /proc/modules || insmod $KO || not_ok "insmod forkstats.ko for the events readers"
for n in 2 4; do
	tap_run "sharedevents $n" sharedevents $n 10
done
check "rmmod after the events readers" rmmod forkstats
kernel_log_clean "events readers: dmesg holds no WARN, BUG, Oops, soft lockup"
