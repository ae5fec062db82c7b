# SPDX-License-Identifier: GPL-2.0
# forkbench and fork-vs-vfork under forkstats: page tables per GiB, the kind
# of every method, the fragmented layout's VMAs, the child's COW writes.
insmod /forkstats/forkstats.ko || not_ok "insmod forkstats.ko for the workload tests"

# fb_stat NAME KIND ARGS...: run forkbench under stat; sets the per-kind sums
# calls, pt (pgtable_bytes), vc (vmas_copied), cc (cow_child), cp (cow_parent).
fb_stat() {
	_name=$1
	_kind=$2
	shift 2
	if ! forkstats --json stat -o "/tmp/$_name.json" -- forkbench "$@" -n 4 --warmup 1 \
		--format csv >"/tmp/$_name.csv" 2>"/tmp/$_name.err"; then
		not_ok "forkbench $*: exit 0"
		diag_file "/tmp/$_name.err"
	fi
	set -- $(jsonq "/tmp/$_name.json" "kinds.kind=$_kind.calls" "kinds.kind=$_kind.pgtable_bytes" \
		"kinds.kind=$_kind.vmas_copied" "kinds.kind=$_kind.cow_child" "kinds.kind=$_kind.cow_parent")
	calls=$1 pt=$2 vc=$3 cc=$4 cp=$5
}

# Two runs differ in page tables and VMAs only by their region when their
# address spaces are laid out alike: ASLR off (with it, the stack's and the
# heap's place shift the other PTE pages of a run by one either way, and
# decide whether the heap merges with a neighbour).  Off until the COW runs end.
aslr=$(cat /proc/sys/kernel/randomize_va_space)
echo 0 > /proc/sys/kernel/randomize_va_space
fb_stat f0 fork --method fork --size 0
c0=$calls pt0=$pt vc0=$vc cc0=$cc
is "$c0" 5 "forkbench --method fork -n 4 --warmup 1: 5 fork calls"
check "forkbench --format csv: a header and 4 rows" sh -c 'test $(wc -l </tmp/f0.csv) = 5'
fb_stat f512 fork --method fork --size 512M
# 512 MiB, 1 GiB-aligned: 256 PTE pages and the PMD page of its own 1 GiB
# slot; its PUD page is the stack's (the top 512 GiB).
per=$(( (pt - pt0) / calls ))
diag "page tables per fork: $((pt0 / c0)) B at 0 MiB, $((pt / calls)) B at 512 MiB"
is "$per $(( (pt - pt0) % calls ))" "1052672 0" "512 MiB: 256 PTE pages and one PMD page more per fork, exactly (4 KiB each)"
is "$(( (vc - vc0) / calls ))" 1 "the dirty region is one more VMA copied per fork"

# Fragmented: P pages, one VMA each; fork copies every one of them.
fb_stat dirty4 fork --method fork --size 4M
is "$(( (vc - vc0) / calls ))" 1 "dirty 4 MiB: one VMA more than 0 MiB"
vdirty=$vc
fb_stat frag fork --method fork --size 4M --layout fragmented
is "$(( (vc - vdirty) / calls ))" 1023 "fragmented 4 MiB (1024 pages): 1023 VMAs more copied per fork than dirty"

# The child's K writes are K COW faults in the child, each fork.  The other
# writes of a side (its stack, libc's data) are the same in two runs only if
# the two processes are laid out alike: ASLR off, the same code path and
# arguments of the same length (write:000 against write:100: the stack's
# start depends on them) — a stack frame across one more page is one more
# fault.  And rseq off: the kernel writes a task's rseq area (in its TLS, a
# page the fork shares) when it was preempted or migrated (docs/design.md,
# "Writing a COW test that is exact").  ASLR is still off from above.
export GLIBC_TUNABLES=glibc.pthread.rseq=0
fb_stat w0 fork --method fork --size 1M --child write:000 --parent-writes 000
cc0=$cc cp0=$cp
fb_stat w100 fork --method fork --size 1M --child write:100 --parent-writes 000
is "$(( (cc - cc0) / calls )) $(( (cc - cc0) % calls ))" "100 0" "--child write:100: 100 more child COW faults per fork, exactly"
is "$cp" "$cp0" "--child write:100: the parent's COW faults do not change"
fb_stat p50 fork --method fork --size 1M --child write:000 --parent-writes 050
is "$(( (cp - cp0) / calls )) $(( (cp - cp0) % calls ))" "50 0" "--parent-writes 50: 50 more parent COW faults per fork, exactly"
is "$cc" "$cc0" "--parent-writes 50: the child's COW faults do not change"
echo "$aslr" > /proc/sys/kernel/randomize_va_space
unset GLIBC_TUNABLES

# Every method makes the kind of call it should, vfork-like ones without page tables.
for mk in vfork:vfork posix_spawn:vfork clone-vfork:vfork clone-vm:clone pthread:thread; do
	fb_stat kind "${mk#*:}" --method "${mk%:*}" --size 16M
	is "$calls $pt" "5 0" "forkbench --method ${mk%:*}: 5 ${mk#*:} calls, 0 B of page tables"
done
fb_stat fexec fork --method fork --size 16M --child exec
check "fork + exec copies page tables exec throws away ($((pt / calls)) B per call)" test "$pt" -gt 0

# The sweep, with counters: the CSV a user gets.
fork-vs-vfork --sizes "0 16 64" --methods "fork vfork posix_spawn pthread" -n 3 --warmup 1 \
	--out /tmp/fvv --no-plot >/tmp/fvv.out 2>&1
check "fork-vs-vfork: counts with forkstats" grep -q 'counting page tables and COW faults' /tmp/fvv.out
row() { grep "^$1,$2," /tmp/fvv/fork-vs-vfork.csv | cut -d, -f"$3"; }
check "fork-vs-vfork: a fork of 16 MiB copies more page tables than a fork of 0 ($(row fork 0 9) < $(row fork 16 9) B)" \
	test "$(row fork 16 9)" -gt "$(row fork 0 9)"
is "$(row vfork 16 9) $(row posix_spawn 16 9) $(row pthread 16 9)" "0 0 0" "fork-vs-vfork: vfork, posix_spawn, pthread copy no page tables"
check "fork-vs-vfork: 12 rows and the table" sh -c 'test $(wc -l </tmp/fvv/fork-vs-vfork.csv) = 13 && grep -q "^posix_spawn " /tmp/fvv.out'
ptg=$(awk '/page tables per GiB of parent/ { print $7; exit }' /tmp/fvv.out)
check "fork-vs-vfork: the conclusions, page tables per GiB near 2 MiB ($ptg)" awk -v x="$ptg" 'BEGIN { exit !(x >= 1.8 && x <= 2.2) }'
check "fork-vs-vfork: each conclusion beside its published figure" sh -c 'test $(grep -c "published: " /tmp/fvv.out) = 5'
rmmod forkstats
