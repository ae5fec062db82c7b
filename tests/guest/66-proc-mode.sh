# SPDX-License-Identifier: GPL-2.0
# Who may read /proc/forkstats (docs/interfaces.md): everyone by default
# (0644 root:root); with proc_gid=G root and group G only (0640 root:G).
# "storm asuser U" runs a command as uid U, gid U, no supplementary groups.
KO=/forkstats/forkstats.ko
P=/proc/forkstats

readable_by() { storm asuser "$1" cat $P 2>/dev/null | grep -q '^total'; }
refused_to() { ! storm asuser "$1" cat $P >/dev/null 2>&1; }

if insmod $KO; then
	is "$(stat -c '%a %u %g' $P)" "644 0 0" "default: /proc/forkstats is 0644 root:root"
	check "default: uid 1000 reads /proc/forkstats" readable_by 1000
	check "default: uid 1001 reads /proc/forkstats" readable_by 1001
	rmmod forkstats
else
	not_ok "insmod forkstats.ko (default mode)"
fi

if insmod $KO proc_gid=1000 2>/tmp/insmod.err; then
	is "$(stat -c '%a %u %g' $P)" "640 0 1000" "proc_gid=1000: /proc/forkstats is 0640 root:1000"
	check "proc_gid=1000: root reads /proc/forkstats" grep -q '^total' $P
	check "proc_gid=1000: uid 1000 (gid 1000) reads /proc/forkstats" readable_by 1000
	check "proc_gid=1000: uid 1001 (gid 1001) is refused" refused_to 1001
	check "proc_gid=1000: forkstats show as uid 1001 fails" sh -c "! storm asuser 1001 forkstats show >/dev/null 2>&1"
	check "proc_gid=1000: uid 1000 still cannot write reset" \
		sh -c "! storm asuser 1000 sh -c 'echo reset >$P' 2>/dev/null"
	rmmod forkstats
else
	not_ok "insmod forkstats.ko proc_gid=1000"
	diag_file /tmp/insmod.err
fi

if insmod $KO proc_gid=0; then
	is "$(stat -c '%a %u %g' $P)" "640 0 0" "proc_gid=0: /proc/forkstats is 0640 root:root"
	check "proc_gid=0: uid 1000 is refused" refused_to 1000
	rmmod forkstats
else
	not_ok "insmod forkstats.ko proc_gid=0"
fi

echo 'forkstats-test: 66 mark' >/dev/kmsg	# the log stays whole for 90-kernel-log.sh
if insmod $KO proc_gid=-2 2>/dev/null; then
	not_ok "proc_gid=-2 is refused"
	rmmod forkstats
else
	ok "proc_gid=-2 is refused"
fi
check "proc_gid=-2: dmesg says why" sh -c "dmesg | sed -n '/forkstats-test: 66 mark/,\$p' | grep -q 'proc_gid=-2 is not a group id'"
check "proc_gid=-2: nothing left of the failed load" test ! -e $P
