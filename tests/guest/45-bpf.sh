# SPDX-License-Identifier: GPL-2.0
# The BPF backend (docs/bpf.md): the fentry chain on the Debian kernels, the
# exact oracles of the module's record tests through it, forkstats stat
# through it, and the module and the backend attached at once agreeing on
# every number of the same calls.
lsmod | grep -q '^forkstats ' && rmmod forkstats

# The oracles through one chain (attached, pinned): $1 fentry or kprobe.
bpf_oracles() {
	c=$1
	export FSACCEPT_BPF=/forkstats/bin/forkstats
	for m in 2 64 512; do
		tap_run "bpf $c pgtables $m" fsaccept pgtables $m
	done
	for kjl in "1 1 1" "100 100 100" "1000 1 1000" "1 1000 1"; do
		tap_run "bpf $c cow $kjl" fsaccept cow $kjl
	done
	tap_run "bpf $c kinds" fsaccept kinds
	tap_run "bpf $c zero" fsaccept zero 100
	tap_run "bpf $c failfork" fsaccept failfork
	tap_run "bpf $c iouring" fsaccept iouring
	tap_run "bpf $c sums" fsaccept sums
	echo madvise > /sys/kernel/mm/transparent_hugepage/enabled
	echo madvise > /sys/kernel/mm/transparent_hugepage/defrag
	for kjl in "1 1 1" "100 100 100" "0 0 100" "100 0 0"; do
		tap_run "bpf $c thp $kjl" fsaccept thp $kjl "$(thp_rule)"
	done
	unset FSACCEPT_BPF

	FS_BACKEND=bpf
	stat_oracle 8 100 200
	stat_oracle 64 1000 1000
	FS_BACKEND=

	# Both at once: the same calls, the same numbers.
	insmod /forkstats/forkstats.ko || not_ok "insmod forkstats.ko next to the BPF backend ($c)"
	pid=$(fscompare run | head -n 1)
	# Through the same output layer: both backends' calls as JSON.
	forkstats --backend module --json calls >/tmp/mod.calls
	forkstats --backend bpf --json calls >/tmp/bpf.calls
	tap_run "module and bpf ($c chain) at once" fscompare check "$pid" /tmp/mod.calls /tmp/bpf.calls
	forkstats --backend module status | grep -E '^(kernel_clone|copy_process|do_wp_page) ' | sed 's/^/# module: /' >&3
	forkstats --backend bpf status | grep -E '^(kernel_clone|copy_process|do_wp_page) ' | sed "s/^/# bpf $c: /" >&3
	check "rmmod with the BPF backend ($c chain) attached" rmmod forkstats
}

# "NAME TYPE ATTACHED " per probe named (ATTACHED 1 or 0), from the status
# --json document in FILE (the BPF backend has no probes file to cat).
probe_fields() {	# FILE PROBE...
	local f=$1 p
	shift
	for p; do
		printf '%s %s %s ' "$p" "$(jsonq "$f" "probes.probe=$p.type")" \
			"$(jsonq "$f" "probes.probe=$p.attached" | sed 's/^yes$/1/; s/^no$/0/')"
	done
}

check "bpf: attach (no module loaded)" forkstats --backend bpf attach
forkstats status >/tmp/bpf.status 2>&1
is "$(grep '^reading:' /tmp/bpf.status)" "reading:  bpf (fentry chain)" \
	"bpf: auto reads the BPF backend when the module is not loaded, fentry chain"
check "bpf: a second attach succeeds with a one-line notice; with other sizes it is refused, naming them" sh -c \
	'forkstats --backend bpf attach >/tmp/bpf.err 2>&1 && grep -q "attached already (fentry chain" /tmp/bpf.err &&
	 ! forkstats attach --records 1024 2>/tmp/bpf.err && grep -q "other options (--records [0-9]*, not 1024)" /tmp/bpf.err'
# COW hooks as the module's: do_wp_page at its entry and wp_page_copy where
# that is a function (5.10, 6.1); do_wp_page at its return where neither
# helper is traceable (6.12, 7.3: the PTE it leaves tells a copy).
forkstats --backend bpf --json status >/tmp/bpf.probes
case $(uname -r) in
6.12.* | 7.3.*) want="do_wp_page fexit 1 wp_page_copy fentry 0 wp_page_reuse fentry 0 " ;;
*) want="do_wp_page fentry 1 wp_page_copy fentry 1 wp_page_reuse fentry 0 " ;;
esac
is "$(probe_fields /tmp/bpf.probes do_wp_page wp_page_copy wp_page_reuse)" "$want" \
	"bpf fentry: COW hooks counting at entry where a helper splits ($want)"
bpf_oracles fentry
check "bpf: detach" forkstats --backend bpf detach

# The kprobe chain, chosen by hand (these kernels take fentry): kprobe
# events of our own, kretprobes of max-active instances.
check "bpf: attach --chain kprobe --max-active 300" \
	forkstats --backend bpf attach --chain kprobe --max-active 300
forkstats status >/tmp/bpf.status 2>&1
is "$(grep '^reading:' /tmp/bpf.status)" "reading:  bpf (kprobe chain)" "bpf: status names the kprobe chain"
forkstats --backend bpf --json status >/tmp/bpf.probes
is "$(probe_fields /tmp/bpf.probes kernel_clone copy_process do_wp_page)" \
	"kernel_clone kprobe.kretprobe 1 copy_process kprobe.kretprobe 1 do_wp_page kprobe.kretprobe 1 " \
	"bpf kprobe: kernel_clone, copy_process, do_wp_page attached as kprobe + kretprobe"
is "$(jsonq /tmp/bpf.probes module.kretprobe_maxactive)" 300 \
	"bpf kprobe: kretprobes of --max-active instances"
grp=$(jsonq /tmp/bpf.probes module.kprobe_group)
nret=$(grep -c "^r[0-9]*:$grp/" /sys/kernel/tracing/kprobe_events)
at_least "$nret" 3 "bpf kprobe: its kretprobes are kprobe events of group $grp"
is "$(grep -c "^r300:$grp/" /sys/kernel/tracing/kprobe_events)" "$nret" \
	"bpf kprobe: every kretprobe event has maxactive 300"
diag "$(grep "$grp" /sys/kernel/tracing/kprobe_events | tr '\n' ';')"
holder=$(jsonq /tmp/bpf.probes module.holder_pid) || holder=
diag "kprobe chain held by: ${holder:-pinned BPF links}"
bpf_oracles kprobe
forkstats --backend bpf --json status >/tmp/bpf.probes
is "$(jsonq /tmp/bpf.probes probes | grep -o '"missed":[0-9]*' | grep -v '"missed":0$')" "" \
	"bpf kprobe: no probe missed a hit (kprobe_profile nmissed, recursion)"
check "bpf kprobe: detach" forkstats --backend bpf detach
is "$(grep -c "$grp/" /sys/kernel/tracing/kprobe_events)" 0 "bpf kprobe: detach removes its kprobe events"
if [ -n "$holder" ]; then
	sleep 0.2
	check "bpf kprobe: the holder process is gone after detach" sh -c "! kill -0 $holder 2>/dev/null || grep -q '^State:.*Z' /proc/$holder/status"
fi

check "bpf: after detach, the backend is gone and says how to attach it" sh -c \
	'! forkstats --backend bpf show 2>/tmp/bpf.err && grep -q "not attached" /tmp/bpf.err'
check "bpf: stat attaches the backend for its own run" sh -c \
	'forkstats --backend bpf stat -- sh -c "true" 2>/tmp/bpf.stat && grep -q "^total " /tmp/bpf.stat'
