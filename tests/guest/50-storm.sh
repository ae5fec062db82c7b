# SPDX-License-Identifier: GPL-2.0
# Hardening (docs/reliability.md): blocked vfork parents and sleeping COW
# faults against kretprobe maxactive; recycled mm_structs.  The storm of
# loads and unloads under load is 51-users-storm.sh.
KO=/forkstats/forkstats.ko
dmesg -c >/dev/null

# Blocked parents: 200 vfork parents in kernel_clone at once.  A parent
# waiting for its vfork child holds no kretprobe instance (docs/design.md):
# max_active=100 < 200 waiting parents loses nothing either.
for ma in 1024 100; do
	insmod $KO max_active=$ma
	storm vforks 200 3 >/tmp/vforks.out
	rmmod forkstats
	read -r _ n _ rec _ alone _ missed _ win _ lost </tmp/vforks.out
	diag "max_active=$ma: $(cat /tmp/vforks.out)"
	is "$rec $lost" "200 0" "blocked parents (max_active=$ma): all 200 vforks recorded"
	is "$missed $alone" "0 0" \
		"blocked parents (max_active=$ma): kernel_clone missed nothing, no call closed by copy_process alone"
done

# COW faults that sleep: 200 do_wp_page calls asleep in userfaultfd at once.
for ma in 1024 100; do
	insmod $KO max_active=$ma
	storm uffdwp 200 >/tmp/uffd.out
	type=$(awk '$1 == "do_wp_page" { print $2 }' /sys/kernel/debug/forkstats/probes)
	rmmod forkstats
	read -r _ n _ blocked _ missed _ hits _ per _ probed _ counted </tmp/uffd.out
	diag "max_active=$ma: $(tr "\n" " " </tmp/uffd.out)do_wp_page hooked by $type"
	is "$blocked" 200 "sleeping faults (max_active=$ma): 200 writers asleep in do_wp_page at once"
	is "$counted" "$((200 * (per - 1)))" \
		"sleeping faults (max_active=$ma): the 200 entries handed to userfaultfd are not COW faults, their $((per - 1)) retries each are"
	if [ "$type" != kretprobe ]; then
		# An entry hook holds no instance while the fault sleeps.
		is "$hits $missed" "$((200 * per)) 0" \
			"sleeping faults (max_active=$ma): do_wp_page's entry hook ($type) holds nothing: 200 x $per hits, none missed"
		continue
	fi
	is "$((hits + missed))" "$((200 * per))" \
		"sleeping faults (max_active=$ma): every entry of do_wp_page is a hit or a miss (hits + missed = 200 x $per)"
	if [ $ma = 1024 ]; then
		is "$missed" 0 "sleeping faults: maxactive 1024 holds 200 sleeping do_wp_page calls, nothing missed"
	else
		at_least "$missed" 100 "sleeping faults: maxactive 100 < 200 asleep: do_wp_page misses, counted ($missed)"
	fi
done

# Recycled mm_structs: a dead child's record gains nothing afterwards.
insmod $KO
storm mmreuse 1500 >/tmp/mmreuse.out
rmmod forkstats
diag "mm reuse: $(tr '\n' ' ' </tmp/mmreuse.out)"
read -r _ bp bc _ ap ac </tmp/mmreuse.out
is "$ap $ac" "$bp $bc" "mm reuse: 3000 short-lived processes later, a dead child's record has the same COW counts"
