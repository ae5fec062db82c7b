# SPDX-License-Identifier: GPL-2.0
# `make demo` in the guest: load the module, run a small fork-vs-vfork sweep
# under forkstats, print its table and conclusions (100 MiB among the sizes:
# the published fork+exec : vfork+exec : posix_spawn ratio is at 100 MiB) and
# hand its CSV to the host (between the "== csv begin" and "== csv end"
# lines), which plots it.
echo "== insmod forkstats.ko"
insmod /forkstats/forkstats.ko || { dmesg | tail -n 5; exit 1; }
echo
echo "== fork-vs-vfork: every method, parents of 0, 16, 100 and 256 MiB, 20 calls each"
fork-vs-vfork --sizes "${DEMO_SIZES:-0 16 100 256}" -n 20 --warmup 3 --out /tmp/fvv --no-plot 2>&1 |
	grep -v -e '^fork-vs-vfork: \[' -e '^forkbench: ' || echo "== fork-vs-vfork failed"
echo
echo "== forkstats show (everything the sweep did, per kind)"
forkstats show
echo
echo "== csv begin"
cat /tmp/fvv/fork-vs-vfork.csv
echo "== csv end"
rmmod forkstats
