# SPDX-License-Identifier: GPL-2.0
# sysctl kernel.ftrace_enabled=0 would silence every ftrace hook (the entry
# hooks on ftrace_ops and the kretprobes on fentry sites, kprobes on ftrace)
# while the probes file still says attached, 0 missed.  Our ftrace_ops are
# FTRACE_OPS_FL_PERMANENT: (a) loaded, the sysctl is refused and counting
# goes on; (b) with ftrace disabled the load fails and says how to fix it;
# (c) enabled again, the load works (docs/reliability.md).
KO=/forkstats/forkstats.ko
FE=/proc/sys/kernel/ftrace_enabled

# fc_exact N DESCRIPTION: N forks of forkcount are N records and move the
# clone probes by exactly the calls recorded meanwhile; the COW hooks count.
fc_exact() {
	if forkcount -f "$1" -w 16 >/tmp/fc.out 2>/tmp/fc.err; then
		v() { awk -v k="$1" '$1 == k { print $2 }' /tmp/fc.out; }
		is "$(v ours)" "$1" "$2: $1 forks make exactly $1 records"
		is "$(v kernel_clone)" "$(v records)" "$2: kernel_clone hits moved by the calls recorded"
		at_least "$(v cow_probe_hits)" 16 "$2: the COW hooks counted 16 COW writes"
		diag "$(tr '\n' ' ' </tmp/fc.out)"
	else
		not_ok "$2: forkcount ran"
		diag_file /tmp/fc.err
	fi
}

if [ ! -w $FE ]; then
	diag "no $FE: this kernel has no function tracer sysctl"
elif insmod $KO; then
	# (a) loaded: the sysctl is refused, the hooks keep counting.
	if echo 0 >$FE 2>/tmp/fe.err; then
		not_ok "ftrace_enabled=0 is refused while forkstats is loaded"
	else
		ok "ftrace_enabled=0 is refused while forkstats is loaded"
	fi
	is "$(cat $FE)" 1 "ftrace_enabled is still 1"
	fc_exact 10 "after the refused sysctl"
	awk '$3 == 1 && $2 != "kprobe" { printf "%s %s attached %s missed %s; ", $1, $2, $3, $5 }' \
		/sys/kernel/debug/forkstats/probes >/tmp/att
	diag "probes: $(cat /tmp/att)"
	echo 1 >$FE
	check "rmmod forkstats" rmmod forkstats

	# (b) ftrace disabled: the load fails and names the sysctl.  Where the
	# sysctl cannot turn ftrace off (7.3.4), it is refused unloaded too.
	if [ "$(ftrace_sysctl_rule)" = refused ]; then
		ftrace_sysctl_refused "unloaded"
	elif echo 0 >$FE; then
		echo 'forkstats-test: 64 mark' >/dev/kmsg	# the log stays whole for 90-kernel-log.sh
		if insmod $KO 2>/tmp/insmod.err; then
			not_ok "insmod fails while ftrace_enabled=0"
			rmmod forkstats
		else
			ok "insmod fails while ftrace_enabled=0"
		fi
		dmesg | sed -n '/forkstats-test: 64 mark/,$p' | grep 'forkstats:' >/tmp/dmesg.fs
		check "dmesg names kernel.ftrace_enabled and how to fix it" \
			grep -q 'ftrace is off (kernel.ftrace_enabled=0)' /tmp/dmesg.fs
		check "dmesg says how to load: sysctl kernel.ftrace_enabled=1" \
			grep -q 'to load: sysctl kernel.ftrace_enabled=1' /tmp/dmesg.fs
		diag_file /tmp/dmesg.fs
		check "nothing left of the failed load" test ! -e /proc/forkstats
	else
		not_ok "ftrace_enabled=0 accepted once forkstats is unloaded"
	fi

	# (c) enabled again: the load works and counts.
	echo 1 >$FE
	if insmod $KO; then
		ok "insmod after ftrace_enabled=1"
		fc_exact 10 "after ftrace_enabled=1"
		check "rmmod forkstats" rmmod forkstats
	else
		not_ok "insmod after ftrace_enabled=1"
	fi
else
	not_ok "insmod forkstats.ko for the ftrace_enabled test"
fi
echo 1 >$FE 2>/dev/null
