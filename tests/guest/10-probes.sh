# SPDX-License-Identifier: GPL-2.0
# The probes: load, count exactly, unload cleanly.
KO=/forkstats/forkstats.ko

if insmod $KO 2>/tmp/insmod.err; then
	ok "insmod forkstats.ko"
else
	not_ok "insmod forkstats.ko"
	diag_file /tmp/insmod.err
	dmesg | grep forkstats | tail -n 5 > /tmp/dmesg.fs
	diag_file /tmp/dmesg.fs
fi
check "/proc/forkstats is readable" test -r /proc/forkstats
for p in kernel_clone copy_process __mmdrop copy_page_range; do
	check "probe $p is attached" sh -c "head -n 1 /proc/forkstats | grep -q 'probes=\(.*,\)\?$p\(,\|\$\)'"
done
# COW faults: do_wp_page and one helper, entry hooks; on ftrace where ftrace
# can trace the function (wp_page_reuse has no ftrace site: a kprobe).
cow_hooks=$(awk '$1 ~ /^(do_wp_page|wp_page_copy|wp_page_reuse)$/ && $3 == 1 { printf "%s%s %s", s, $1, $2; s = ", " }' \
	/sys/kernel/debug/forkstats/probes)
case $(cat /forkstats/series) in
6.12 | newest) want="do_wp_page ftrace, wp_page_reuse kprobe" ;;	# newest: 7.3.4
*) want="do_wp_page ftrace, wp_page_copy ftrace" ;;
esac
is "$cow_hooks" "$want" "the COW hooks: do_wp_page and one helper, on ftrace where it can trace them"
check "the forkstats CLI parses /proc/forkstats" forkstats show

# The test program's own forks are exactly N records; the clone probes move
# by exactly the number of calls recorded meanwhile (the kernel may create a
# worker thread during the window: it is a call too, with its own record;
# forkcount reruns the window when one lands between its reads, "attempts").
forks=100 writes=256
if forkcount -f $forks -w $writes >/tmp/fc.out 2>/tmp/fc.err; then
	ok "forkcount ran"
else
	not_ok "forkcount ran"
	diag_file /tmp/fc.err
fi
val() { awk -v k="$1" '$1 == k { print $2 }' /tmp/fc.out; }
is "$(val ours)" $forks "$forks forks make exactly $forks fork records of the test program"
is "$(val kernel_clone)" "$(val records)" "kernel_clone hits moved by exactly the calls recorded meanwhile"
is "$(val copy_process)" "$(val records)" "copy_process hits moved by exactly the calls recorded meanwhile"
# Each write faults once in the parent; the child's own stack writes and the
# parent's may add a few more.
at_least "$(val cow_probe_hits)" $writes "the COW probes' hits moved by at least $writes for $writes COW writes"
is "$(awk '/^missed_/ { s += $2; n++ } END { print n ? s : "none" }' /proc/forkstats)" 0 "no probe missed a hit"
diag "$(tr '\n' ' ' </tmp/fc.out)"

check "rmmod forkstats" rmmod forkstats
check "/proc/forkstats is gone after rmmod" test ! -e /proc/forkstats

# Load and unload while processes fork, ten times.
( i=0; while [ $i -lt 400 ]; do /bin/true; i=$((i + 1)); done ) &
bg=$!
cycles=0
i=0
while [ $i -lt 10 ]; do
	insmod $KO && cat /proc/forkstats >/dev/null && rmmod forkstats && cycles=$((cycles + 1))
	i=$((i + 1))
done
wait $bg
is $cycles 10 "10 load/unload cycles under fork load"
