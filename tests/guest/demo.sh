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
echo "== forkvfork's last two forks and vforks, one line per call (debugfs forkstats/calls)"
echo "   fork copies the 64 MiB parent's page tables (pgtable_bytes); vfork copies none,"
echo "   and its total_ns includes the time the parent waits for the child"
head -n 1 $D/calls
grep ' forkvfork ' $D/calls | grep ' fork ' | tail -n 2
grep ' forkvfork ' $D/calls | grep ' vfork ' | tail -n 2
echo
echo "== debugfs forkstats/probes"
cat $D/probes
echo
echo "== debugfs forkstats/hist (fork)"
grep -E '^#|^fork ' $D/hist
rmmod forkstats
