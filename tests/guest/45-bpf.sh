# SPDX-License-Identifier: GPL-2.0
# The BPF backend (docs/bpf.md): the fentry chain on the Debian kernels, the
# exact oracles of the module's record tests through it, forkstats stat
# through it, and the module and the backend attached at once agreeing on
# every number of the same calls.
lsmod | grep -q '^forkstats ' && rmmod forkstats

check "bpf: attach (no module loaded)" forkstats --backend bpf attach
forkstats status >/tmp/bpf.status 2>&1
is "$(grep '^reading:' /tmp/bpf.status)" "reading:  bpf (fentry chain)" \
	"bpf: auto reads the BPF backend when the module is not loaded, fentry chain"
check "bpf: a second attach is refused with a clear message" sh -c \
	'! forkstats --backend bpf attach 2>/tmp/bpf.err && grep -q "attached already" /tmp/bpf.err'

export FSACCEPT_BPF=/forkstats/bin/forkstats
for m in 2 64 512; do
	tap_run "bpf pgtables $m" fsaccept pgtables $m
done
for kjl in "1 1 1" "100 100 100" "1000 1 1000" "1 1000 1"; do
	tap_run "bpf cow $kjl" fsaccept cow $kjl
done
tap_run "bpf kinds" fsaccept kinds
tap_run "bpf zero" fsaccept zero 100
tap_run "bpf failfork" fsaccept failfork
tap_run "bpf iouring" fsaccept iouring
tap_run "bpf sums" fsaccept sums
echo madvise > /sys/kernel/mm/transparent_hugepage/enabled
echo madvise > /sys/kernel/mm/transparent_hugepage/defrag
for kjl in "1 1 1" "100 100 100" "0 0 100" "100 0 0"; do
	tap_run "bpf thp $kjl" fsaccept thp $kjl
done
unset FSACCEPT_BPF

FS_BACKEND=bpf
stat_oracle 8 100 200
stat_oracle 64 1000 1000
FS_BACKEND=

# Both at once: the same calls, the same numbers.
insmod /forkstats/forkstats.ko || not_ok "insmod forkstats.ko next to the BPF backend"
pid=$(fscompare run | head -n 1)
forkstats --backend module cat calls >/tmp/mod.calls
forkstats --backend bpf cat calls >/tmp/bpf.calls
tap_run "module and bpf at once" fscompare check "$pid" /tmp/mod.calls /tmp/bpf.calls
forkstats --backend module cat probes | grep -E '^(kernel_clone|copy_process|do_wp_page) ' | sed 's/^/# module: /' >&3
forkstats --backend bpf cat probes | grep -E '^(kernel_clone|copy_process|do_wp_page) ' | sed 's/^/# bpf: /' >&3
check "rmmod with the BPF backend attached" rmmod forkstats

check "bpf: detach" forkstats --backend bpf detach
check "bpf: after detach, the backend is gone and says how to attach it" sh -c \
	'! forkstats --backend bpf show 2>/tmp/bpf.err && grep -q "not attached" /tmp/bpf.err'
check "bpf: stat attaches the backend for its own run" sh -c \
	'forkstats --backend bpf stat -- sh -c "true" 2>/tmp/bpf.stat && grep -q "^total " /tmp/bpf.stat'
