# SPDX-License-Identifier: GPL-2.0
# The lab: every claim of the course notes, with its evidence from forkstats
# and the verdict this kernel should give (docs/lab.md).
insmod /forkstats/forkstats.ko || not_ok "insmod forkstats.ko for the lab"
run-lab >/tmp/lab.out 2>&1
rc=$?
lab all >/tmp/lab.raw 2>&1
n=0
while read -r tag name res what; do
	[ "$tag" = result ] || continue
	n=$((n + 1))
	ev=$(awk -v c="$name" '$1 == "==" && $3 == c { on = 1; next } on && /evidence:/ { sub(/^ *evidence: /, ""); print; exit }' /tmp/lab.raw)
	if [ "$res" = pass ]; then
		ok "lab $name: $what ($ev)"
	else
		not_ok "lab $name: $what, not the verdict expected"
		diag "  $ev"
	fi
done </tmp/lab.raw
is "$n" 9 "lab: all 9 claims ran"
is "$rc" 0 "run-lab: exit 0, every verdict as expected"
check "run-lab: a summary line" grep -q '^9 claims, 9 as expected, 0 not$' /tmp/lab.out
rmmod forkstats

# Without the module: the lab names both ways out, or attaches the BPF
# backend for its own run (root) and gives the same verdicts.
lab --backend module check 2>/tmp/lab.err
is "$?" 1 "lab --backend module check without the module: exit 1"
check "lab: the error names both ways out" sh -c 'grep -q insmod /tmp/lab.err && grep -q attach /tmp/lab.err'
if forkstats --backend bpf attach >/tmp/lab.att 2>&1 && forkstats --backend bpf detach >/dev/null 2>&1; then
	run-lab >/tmp/lab-bpf.out 2>&1
	rc=$?
	is "$rc" 0 "run-lab with the BPF backend the lab attaches for itself: exit 0"
	check "run-lab (BPF): 9 claims, 9 as expected" grep -q '^9 claims, 9 as expected, 0 not$' /tmp/lab-bpf.out
	check "run-lab (BPF): nothing left attached" test ! -e /sys/fs/bpf/forkstats
	[ "$rc" = 0 ] || diag_file /tmp/lab-bpf.out
else
	diag "no BPF backend on this kernel: $(tail -n 1 /tmp/lab.att)"
fi
