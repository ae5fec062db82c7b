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
