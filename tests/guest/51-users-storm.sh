# SPDX-License-Identifier: GPL-2.0
# The users' storm (docs/reliability.md): the module loaded and unloaded 100
# times back to back, at random moments, with its handlers enabled (no
# disable, no pause), while three programs fork, vfork + exec, posix_spawn,
# fork + exec, clone, create threads and write COW pages, readers that do not
# fork loop over every file of the module (debugfs too, events included,
# two of them sharing one open events file), and control and /proc take
# garbage, resets and commands; every few loads use the parameters' limits.
# Once per cycle, at a random moment, the load is stopped (SIGSTOP: the
# module stays loaded and enabled) and every conservation invariant is
# checked exactly (userstorm conserve), then the load goes on.
KO=/forkstats/forkstats.ko
D=/sys/kernel/debug/forkstats
N=${users_storm_cycles:-100}
dmesg -c >/dev/null
rm -f /tmp/us.stop

# Three loads, each in a process group of its own (setsid) for SIGSTOP.
loads=
for i in 1 2 3; do
	setsid userstorm load 3600 /tmp/us.stop >/tmp/us.load$i 2>&1 &
	loads="$loads $!"
done
userstorm readers /tmp/us.stop >/tmp/us.readers 2>&1 &
readers=$!

probes_value() { awk -v n="$1" '$1 == n && NF == 2 { print $2 }' $D/probes 2>/dev/null; }
proc_counter() { awk -v n="$1" '$1 == n && NF == 2 { print $2 }' /proc/forkstats; }
# A random number in [0, $1).
rand() { echo $((RANDOM % $1)); }

n=0 loaded=0 unloaded=0 refused=0 stuck=0 bad=0 memmoved=0 ovf=0 over=0 t0=$(date +%s)
while [ $n -lt "$N" ]; do
	# The parameters: their limits every few loads, else the defaults.
	case $((n % 20)) in
	3 | 13) p="records=16 max_tracked=64 max_active=16" ;;
	8) p="records=1048576 max_tracked=4194304 max_active=65536" ;;
	*) p= ;;
	esac
	# shellcheck disable=SC2086
	if ! insmod $KO $p 2>/tmp/us.insmod; then
		diag "cycle $n: insmod $p failed: $(cat /tmp/us.insmod)"
		bad=$((bad + 1))
		n=$((n + 1))
		continue
	fi
	loaded=$((loaded + 1))
	mem0=$(probes_value memory_bytes)
	# With the smallest tables: more address spaces alive than max_tracked.
	hp=
	if [ -n "$p" ] && [ "${p#records=16 }" != "$p" ]; then
		storm hold 100 1 >/dev/null &
		hp=$!
	fi
	i=$(rand 4)
	while [ $i -gt 0 ]; do
		storm poke users	# garbage and commands (tests/progs/garbage.h)
		usleep $((RANDOM % 200000))
		i=$((i - 1))
	done
	# The exact check, the load stopped for it (the module is not told).
	stop_groups $loads
	[ "$(cat $D/control 2>/dev/null)" = enabled ] || echo enable >$D/control
	if ! userstorm conserve >/tmp/us.conserve 2>&1; then
		bad=$((bad + 1))
		diag "cycle $n ($p): invariants broken:"
		grep -v '^ok' /tmp/us.conserve | head -n 20 | sed 's/^/#   /' >&3
	fi
	[ "$(probes_value memory_bytes)" = "$mem0" ] || memmoved=$((memmoved + 1))
	if [ -n "$hp" ]; then
		wait $hp
		ovf=$((ovf + $(proc_counter mm_table_overflow)))
		over=$((over + $(proc_counter records_overwritten)))
	fi
	cont_groups $loads
	usleep $((RANDOM % 800000))
	storm poke users	# garbage and commands (tests/progs/garbage.h)
	# rmmod at once; refused while a reader holds a file of the module open
	# (the kernel's rule, for every module), so again every millisecond
	# until it goes, as a user's shell loop would (at most 30 s).
	if userstorm unload forkstats 30 >/tmp/us.unload; then
		refused=$((refused + $(cut -d' ' -f2 /tmp/us.unload)))
	else
		stuck=$((stuck + 1))
		diag "cycle $n: rmmod: $(cat /tmp/us.unload)"
		break
	fi
	unloaded=$((unloaded + 1))
	n=$((n + 1))
done
t1=$(date +%s)
touch /tmp/us.stop
rc=0
for pid in $loads; do wait "$pid" || rc=1; done
wait $readers
rrc=$?
grep -q '^forkstats ' /proc/modules && rmmod forkstats
is "$loaded $unloaded $stuck" "$N $N 0" \
	"users' storm: $N loads and unloads at random moments, handlers enabled, while 3 programs fork, vfork, spawn, exec, clone, thread and write"
is "$bad" 0 "users' storm: every cycle's invariants hold exactly (calls = records + overwritten; calls - returned = open calls; hist; /proc = sums over calls)"
is "$memmoved" 0 "users' storm: memory_bytes does not move under load"
at_least "$over" 1 "users' storm: with records=16 records are overwritten, counted ($over)"
at_least "$ovf" 1 "users' storm: with max_tracked=64 and 100 address spaces alive the table overflows, counted ($ovf)"
is "$rc" 0 "users' storm: the load programs ran to the end without an error"
is "$rrc" 0 "users' storm: readers of every file, events shared by two threads, saw only the errors of a module coming and going"
diag "users' storm: $N cycles in $((t1 - t0)) s, rmmod refused $refused times (a reader had a file open)"
diag "users' storm: loads: $(cat /tmp/us.load1) | $(cat /tmp/us.load2) | $(cat /tmp/us.load3)"
diag "users' storm: readers: $(cat /tmp/us.readers)"
kernel_log_clean "users' storm: dmesg holds no WARN, BUG, Oops, soft lockup"
