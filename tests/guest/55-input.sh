# SPDX-License-Identifier: GPL-2.0
# Hardening (docs/reliability.md): bad input to every writable file, and what
# an unprivileged user may see.
KO=/forkstats/forkstats.ko
D=/sys/kernel/debug/forkstats
dmesg -c >/dev/null

insmod $KO
storm badwrites 1000 42 >/tmp/bad.out 2>/tmp/bad.err
read -r _ n _ valid _ mism _ en </tmp/bad.out
diag "bad input: $(cat /tmp/bad.out)"
[ -s /tmp/bad.err ] && diag_file /tmp/bad.err
is "$n $mism" "1000 0" "bad input: 1000 writes to /proc/forkstats and control, each applied exactly when valid, else EINVAL"
at_least "$valid" 50 "bad input: valid commands among them were applied ($valid)"
is "$(cat $D/control)" "$([ "$en" = 1 ] && echo enabled || echo disabled)" \
	"bad input: control reads what the last valid enable/disable set"
echo enable >$D/control
check "bad input: the files still parse (forkstats show, calls --json)" sh -c \
	'forkstats show >/dev/null && forkstats --json calls >/tmp/c.json && jsonq /tmp/c.json'
me=$(fsaccept forks 10)
check "bad input: forks are still recorded afterwards" sh -c \
	"forkstats --json calls | grep -o '\"parent_tgid\":$me,' | wc -l | grep -qx 10"

# An unprivileged user: aggregates yes; per-call data, histograms, control no.
U="storm asuser 1000"
check "uid 1000: /proc/forkstats is readable" $U cat /proc/forkstats
check "uid 1000: forkstats show works" $U forkstats show
check "uid 1000: writing reset to /proc/forkstats is refused" sh -c "! $U sh -c 'echo reset >/proc/forkstats' 2>/dev/null"
for f in calls events hist probes control; do
	check "uid 1000: debugfs $f is not readable" sh -c "! $U cat $D/$f >/dev/null 2>&1"
done
check "uid 1000: control is not writable" sh -c "! $U sh -c 'echo disable >$D/control' 2>/dev/null"
is "$(cat $D/control)" enabled "uid 1000: control unchanged"
for c in calls hist "calls --follow" top; do
	$U forkstats $c >/tmp/u.out 2>/tmp/u.err </dev/null
	rc=$?
	is "$rc $(wc -l </tmp/u.err) $(wc -c </tmp/u.out)" "1 1 0" \
		"uid 1000: forkstats $c fails with one line on stderr, nothing on stdout"
	diag "  $(cat /tmp/u.err)"
done
check "uid 1000: forkstats status shows the aggregates' counters" sh -c "$U forkstats status | grep -q records_overwritten"
rmmod forkstats
kernel_log_clean "bad input: dmesg holds no WARN, BUG, Oops"
