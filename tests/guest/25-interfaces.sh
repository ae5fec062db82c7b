# SPDX-License-Identifier: GPL-2.0
# The interfaces: events stream, parameters, control, reset, bad writes.
KO=/forkstats/forkstats.ko
D=/sys/kernel/debug/forkstats

insmod $KO
tap_run events fsaccept events 50 0
rmmod forkstats
insmod $KO records=16
tap_run "events lost" fsaccept events 100 16
rmmod forkstats

for p in records=0 records=15 records=2000000 max_tracked=63 max_active=15 max_active=70000; do
	dmesg -c >/dev/null
	if insmod $KO $p 2>/dev/null; then
		not_ok "insmod $p is refused"
		rmmod forkstats
	else
		check "insmod $p is refused with a message naming it" sh -c "dmesg | grep -q 'forkstats: ${p%%=*}=.* is out of range'"
	fi
done

insmod $KO
tap_run control fsaccept control
is "$(cat $D/control)" enabled "control reads enabled"
echo disable > $D/control
is "$(cat $D/control)" disabled "control reads disabled after disable"
echo enable > $D/control
for w in bogus "reset extra" "$(printf 'x%.0s' $(seq 40))"; do
	check "control refuses '$w'" sh -c "! printf '%s' '$w' > $D/control"
	check "/proc/forkstats refuses '$w'" sh -c "! printf '%s' '$w' > /proc/forkstats"
done
check "the forkstats CLI shows the table" sh -c 'forkstats show | grep -q "^fork "'
check "forkstats status lists the attached probes" sh -c 'forkstats status | grep -q "^kernel_clone .*yes"'
check "forkstats calls shows the last records" sh -c '/bin/true; forkstats calls -n 3 | grep -q "^ *[0-9]* *fork "'
check "forkstats calls --json is one JSON document (json-c)" sh -c 'forkstats --json calls > /tmp/calls.json && jsonq /tmp/calls.json'
forkstats --json calls -n 3 > /tmp/calls3.json
is "$(jsonq /tmp/calls3.json lost calls.3 | tr '\n' ' ')$(jsonq /tmp/calls3.json calls.2.kind >/dev/null && echo third)" \
	"0 missing third" "forkstats --json calls -n 3: three records, nothing lost"
check "forkstats hist draws bars" sh -c 'forkstats hist | grep -q "|#"'
last=$(forkstats --json calls -n 1 | sed 's/.*"seq":\([0-9]*\).*/\1/')
forkstats reset
first=$(forkstats --json calls | sed -n 's/^{"lost":0,"calls":\[{"seq":\([0-9]*\).*/\1/p')
check "forkstats reset: no record from before remains ($last < $first)" test "${first:-0}" -gt "${last:-0}"
# calls --follow over 10 000 forks: none lost, or the loss reported exactly.
forkstats --json calls --follow --comm fsaccept >/tmp/follow.json 2>/tmp/follow.err &
fpid=$!
wait_open $fpid forkstats/events
me=$(fsaccept forks 10000)
usleep 500000
kill -INT $fpid
wait $fpid
check "calls --follow --json: every line is one JSON document (json-c)" jsonq -l /tmp/follow.json
seen=$(grep -c "\"parent_tgid\":$me," /tmp/follow.json)
lost=$(sed -n 's/^{"lost":\([0-9]*\)}$/\1/p' /tmp/follow.json | awk '{ s += $1 } END { print s + 0 }')
diag "follow: $seen of 10000 forks streamed, $lost reported lost"
check "calls --follow: 10000 forks streamed, or the loss reported ($seen + $lost)" \
	sh -c "[ $lost -eq 0 ] && [ $seen -eq 10000 ] || { [ $lost -gt 0 ] && [ \$(($seen + $lost)) -ge 10000 ]; }"
check "the CLI refuses a file of another format version" sh -c \
	'printf "forkstats 9\n" > /tmp/v9; ! forkstats --file /tmp/v9 show 2>/tmp/v9.err && grep -q "version 9 is not supported" /tmp/v9.err'
rmmod forkstats
check "the CLI says the module is not loaded" sh -c 'forkstats 2>&1 | grep -q "module is not loaded"'
