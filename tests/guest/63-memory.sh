# SPDX-License-Identifier: GPL-2.0
# memory_bytes (debugfs probes) against what the kernel really allocated for
# the module's load (docs/reliability.md, "Memory"), measured in each insmod:
#   - kmalloc (slab objects and large kmallocs): the kmem:kmalloc(_node)
#     trace events of the insmod task, at their bytes_alloc (what the
#     allocator really gave), less those kfree'd before insmod returned;
#   - vmalloc: the pages of the areas the load left (/proc/vmallocinfo:
#     callers in [forkstats], and the kretprobe object pools' objpool_init
#     or rethook_alloc).
# The insmod itself (module text, sysfs, kallsyms) allocates too, so each
# load is compared with a minimal one (records=16 max_tracked=64
# max_active=16): for max_active (the kretprobes and the in-flight table),
# records (the ring and the completion log) and max_tracked (the
# attribution table) the growth of memory_bytes must equal the growth of
# what was measured within MEM_TOL_BYTES: the tables' kvmalloc'd arrays are
# counted as kvmalloc placed them, kmalloc'd at their caches' sizes or
# vmalloc'd (on 6.1 and 6.12 with huge pages from 2 MiB, rounded up to
# 2 MiB) with the array of their page pointers.
KO=/forkstats/forkstats.ko
T=/sys/kernel/tracing
MEM_TOL_BYTES=4096

# vm_pages: the pages of the areas the load made: lines of /proc/vmallocinfo
# that name the module (or the object pools) and whose range was not there
# before insmod ($DETAIL.pre); they are kept in $DETAIL.vm.  An area that was
# there before and names the module now was allocated by code at the address
# the module now has: an earlier load's area, not freed yet; those go to
# $DETAIL.stale, not counted (and must be freed in the end: below).  But a
# range that another caller held before insmod (a named symbol, not ours: a
# task's 16 KiB stack, "kernel_clone+0xda", freed by RCU after the copy) was
# freed and given to this load: that area is the load's (7.3.4, 3 of 6 runs: a
# max_tracked=262144 table's page array placed where an exited task's stack
# was).  A range freed but not yet purged (its line
# says vm_map_ram on 5.10 and 6.1, unpurged vm_area on 7.x: no vm_struct
# any more) is no area: the load may be given it again, and was (5.10,
# after the storms: six 16 KiB arrays placed where the last unload's were).
vm_pages() {
	awk -v out="$DETAIL.vm" -v stale="$DETAIL.stale" '
		# The caller of an area (field 3) is a symbol+offset, or a bare
		# address when its code is gone.
		function reused(now, before,   a, b) {
			split(now, a); split(before, b)
			return b[3] != a[3] && b[3] !~ /^0x[0-9a-f]+$/
		}
		FILENAME != "/proc/vmallocinfo" { if (!/vm_map_ram$|unpurged vm_area/) pre[$1] = $0; next }
		/\[forkstats\]|objpool_init|rethook_alloc/ {
			if (($1 in pre) && !reused($0, pre[$1])) {
				print $0 "  (before insmod: " pre[$1] ")" >stale
				next
			}
			if ($1 in pre) {
				reuses++
				print $0 "  (range reused: before insmod " pre[$1] ")" >out
			} else
				print >out
			for (i = 1; i <= NF; i++) if ($i ~ /^pages=/) { sub(/^pages=/, "", $i); s += $i } }
		END {
			if (reuses) print reuses " area(s) in a range another caller held before" >(out ".reused")
			print s + 0 }' "$DETAIL.pre" /proc/vmallocinfo
}

# kmalloc_live: bytes kmalloc'd by insmod in the trace and not freed.
kmalloc_live() {
	awk '/ kmalloc(_node)?: / && /^ *insmod-/ {
		p = b = ""
		for (i = 1; i <= NF; i++) {
			if ($i ~ /^ptr=/) p = $i
			if ($i ~ /^bytes_alloc=/) { b = $i; sub(/^bytes_alloc=/, "", b) }
		}
		if (p != "" && p !~ /^ptr=(0+|\(null\))$/ && b != "") {
			live[p] = b
			site[p] = $0
			sub(/.*call_site=/, "", site[p])
			sub(/ .*/, "", site[p])
		}
		next }
	/ kfree: / { for (i = 1; i <= NF; i++) if ($i ~ /^ptr=/ && ($i in live)) delete live[$i] }
	END {
		for (p in live) { s += live[p]; n[site[p]]++; by[site[p]] += live[p] }
		for (c in by) printf "%10d %4d %s\n", by[c], n[c], c >out
		printf "%.0f\n", s }' out="$DETAIL.km" $T/trace
}

trace_on() {
	echo 0 >$T/tracing_on
	echo 16384 >$T/buffer_size_kb	# per CPU: 131 072 kmalloc events and more
	echo >$T/trace
	for e in kmalloc kmalloc_node kfree; do
		[ -e $T/events/kmem/$e/enable ] && echo 1 >$T/events/kmem/$e/enable
	done
	echo 1 >$T/tracing_on
}
trace_off() {
	echo 0 >$T/tracing_on
	for e in kmalloc kmalloc_node kfree; do
		[ -e $T/events/kmem/$e/enable ] && echo 0 >$T/events/kmem/$e/enable
	done
}

# load_measure PARAMS...: sets MEASURED (bytes) and REPORTED (memory_bytes),
# and DETAIL: $DETAIL.vm the load's vmallocinfo lines, $DETAIL.km its live
# kmalloc bytes and objects by call site.
LOADS=0
load_measure() {
	MEASURED= REPORTED=
	LOADS=$((LOADS + 1))
	DETAIL=/tmp/63-memory.$LOADS
	: >"$DETAIL.vm"; rm -f "$DETAIL.vm.reused"
	: >"$DETAIL.km"
	: >"$DETAIL.stale"
	cp /proc/vmallocinfo "$DETAIL.pre"
	trace_on
	insmod $KO "$@"
	rc=$?
	trace_off
	[ $rc = 0 ] || return 1
	k=$(kmalloc_live) v=$(vm_pages)
	overrun=$(awk '/overrun:/ { s += $2 } END { print s + 0 }' $T/per_cpu/cpu*/stats)
	[ "$overrun" = 0 ] || diag "  trace buffer overrun: $overrun events lost"
	REPORTED=$(awk '$1 == "memory_bytes" { print $2 }' /sys/kernel/debug/forkstats/probes)
	MEASURED=$((v * 4096 + k))
	diag "  $*: memory_bytes $REPORTED, measured $MEASURED (vmalloc $v pages, kmalloc live $k)"
	if [ -s "$DETAIL.vm.reused" ]; then
		diag "    $(cat "$DETAIL.vm.reused"), counted as this load's:"
		grep 'range reused' "$DETAIL.vm" >/tmp/63-memory.top
		diag_file /tmp/63-memory.top
	fi
	cat "$DETAIL.stale" >>/tmp/63-memory.stale
	rmmod forkstats
	areas_gone "$DETAIL.vm" || LEAKS="$LEAKS $DETAIL.vm"
}

# areas_gone FILE: every area of FILE (the ones a load made) is freed after
# its rmmod (5 s at most; a freed range may stay as vm_map_ram / unpurged
# vm_area, which is no area).
areas_gone() {
	g=0
	while awk 'FILENAME != "/proc/vmallocinfo" { r[$1] = 1; next }
			($1 in r) && !/vm_map_ram$|unpurged vm_area/ { found = 1 } END { exit !found }' \
			"$1" /proc/vmallocinfo; do
		[ $g -lt 10 ] || return 1
		sleep 0.5
		g=$((g + 1))
	done
}

MIN="records=16 max_tracked=64 max_active=16"
: >/tmp/63-memory.stale
# What unloaded code left in vmalloc space before this test (its callers are
# raw addresses: the code is gone): not counted, and must be freed in the end.
vm_orphans >/tmp/63-memory.orphans
# One load first, not measured: the kernel keeps what a first module load
# sets up for later ones, which the base would otherwise hold and every
# difference lack (7.3.4, kmallocs of the first load only: a 4 KiB vmalloc
# page array from __vmalloc_node_range, 608 bytes of __get_insn_slot, 96 of
# __static_call_init: every difference 4.5-5.4 KiB short; 6.12: none).
# Its areas are checked like the others' (freed by its rmmod).
LEAKS=
DETAIL=/tmp/63-memory.0
cp /proc/vmallocinfo "$DETAIL.pre"
: >"$DETAIL.vm"; rm -f "$DETAIL.vm.reused"
: >"$DETAIL.stale"
# shellcheck disable=SC2086
if insmod $KO $MIN; then
	vm_pages >/dev/null
	rmmod forkstats
	areas_gone "$DETAIL.vm" || LEAKS="$LEAKS $DETAIL.vm"
fi
# shellcheck disable=SC2086
if load_measure $MIN; then
	base_r=$REPORTED base_m=$MEASURED base_detail=$DETAIL
	for cfg in "records=16 max_tracked=64 max_active=65536" \
		"records=16 max_tracked=64 max_active=4096" \
		"records=16 max_tracked=64 max_active=100" \
		"records=65536 max_tracked=64 max_active=16" \
		"records=16 max_tracked=262144 max_active=16"; do
		# shellcheck disable=SC2086
		if load_measure $cfg; then
			dr=$((REPORTED - base_r)) dm=$((MEASURED - base_m))
			err=$((dr - dm))
			tol=$MEM_TOL_BYTES
			if [ ${err#-} -le $tol ]; then
				ok "$cfg: memory_bytes grew by what was allocated ($dr vs $dm, off by $err)"
			else
				not_ok "$cfg: memory_bytes grew by what was allocated ($dr vs $dm, off by $err)"
				diag "  tolerance $tol bytes; the minimal load's areas and kmallocs (bytes, objects, call site):"
				diag_file "$base_detail.vm"
				sort -rn "$base_detail.km" | head -40 >/tmp/63-memory.top
				diag_file /tmp/63-memory.top
				diag "  this load's:"
				diag_file "$DETAIL.vm"
				sort -rn "$DETAIL.km" | head -40 >/tmp/63-memory.top
				diag_file /tmp/63-memory.top
			fi
		else
			not_ok "insmod forkstats.ko $cfg"
		fi
	done
else
	not_ok "insmod forkstats.ko $MIN"
fi
# A leak is an area a load made that its rmmod did not free: checked after
# every rmmod above, for the areas seen made by that load.  Areas that were
# there before an insmod are not counted and not judged: whose they are cannot
# be told.  Module text, BPF programs and BPF trampolines share one address
# range, and an area's caller is a return address: measured in a 6.1 guest,
# processes forked while the BPF backend's fexit sat on kernel_clone leave
# thread stacks (20 KiB) whose caller is the detached trampoline's address,
# kept by live tasks and the per-CPU stack cache; a later load of forkstats
# at that address makes them name it (5.10, 6.1: docs/reliability.md).
n=0
for f in /tmp/63-memory.*.vm; do n=$((n + $(grep -c . "$f"))); done
if [ -z "$LEAKS" ]; then
	ok "every area a load made is freed by its rmmod ($n areas, $((LOADS + 1)) loads)"
else
	not_ok "every area a load made is freed by its rmmod: still there:"
	for f in $LEAKS; do
		awk 'FILENAME != "/proc/vmallocinfo" { r[$1] = 1; next } ($1 in r)' "$f" /proc/vmallocinfo >/tmp/63-memory.top
		diag_file /tmp/63-memory.top
	done
fi
cat /tmp/63-memory.orphans /tmp/63-memory.stale >/tmp/63-memory.met
if [ -s /tmp/63-memory.met ]; then
	diag "  areas there before an insmod (not counted; first the ones whose caller was already gone):"
	diag_file /tmp/63-memory.orphans
	sort -u /tmp/63-memory.stale >/tmp/63-memory.top
	diag_file /tmp/63-memory.top
fi
echo >$T/trace
echo 1408 >$T/buffer_size_kb	# the default
