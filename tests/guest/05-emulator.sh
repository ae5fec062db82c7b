# SPDX-License-Identifier: GPL-2.0
# forkstats: any
# Does this guest's CPU run cross-modified code as x86 requires (the SDM's
# protocol, tests/progs/xmodcheck.c)?  The check boot (single-threaded TCG)
# must: its tests load and unload the module under load, which patches kernel
# text (ftrace, kprobes) that the other CPU runs.  In the parallel boot
# (multi-threaded TCG) QEMU does not, which is why no test there patches text
# while a load runs (docs/vm.md): said, not asserted.
xmodcheck 50000 >/tmp/xmod.out 2>&1
rc=$?
if [ "$mode" = parallel ]; then
	diag "cross-modifying code under multi-threaded TCG: $(cat /tmp/xmod.out)"
	[ $rc = 0 ] && diag "  no stale code: this QEMU might run the users' storm in the parallel boot (docs/vm.md)"
else
	is "$rc $(cut -d" " -f6 /tmp/xmod.out)" "0 0" \
		"the emulator runs cross-modified code as x86 requires (SDM 9.1.3): $(cat /tmp/xmod.out)"
fi
