# SPDX-License-Identifier: GPL-2.0
# `make demo` in the guest: load the module, compare fork and vfork, show
# what forkstats saw.
D=/sys/kernel/debug/forkstats
echo "== insmod forkstats.ko"
insmod /forkstats/forkstats.ko || { dmesg | tail -n 5; exit 1; }
echo
echo "== forkvfork -n 50 -s 64: 50 forks and 50 vforks of a parent that wrote 64 MiB"
forkvfork -n 50 -s 64
echo
echo "== cat /proc/forkstats"
cat /proc/forkstats
echo
echo "== forkstats show"
forkstats show
echo
echo "== the last calls (debugfs forkstats/calls)"
head -n 1 $D/calls
tail -n 4 $D/calls
echo
echo "== debugfs forkstats/probes"
cat $D/probes
echo
echo "== debugfs forkstats/hist (fork)"
grep -E '^#|^fork ' $D/hist
rmmod forkstats
