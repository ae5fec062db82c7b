#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# Boot a kernel of the matrix with an initramfs under QEMU and collect what
# the guest reports on its second serial port.
#
#   boot.sh [options] SERIES INITRAMFS OUTDIR
#     --mode MODE      check (default), parallel, demo or shell (forkstats_mode=)
#     --timeout SECS   hard limit for the whole boot (default 300)
#     --smp N          vCPUs (default 2)
#     --mem SIZE       guest memory (default 1G)
#     --icount         -icount shift=0,sleep=off: guest time counts
#                      instructions (TCG, implies --smp 1)
#     --append ARGS    more kernel command line (name=value pairs reach the
#                      guest's tests as variables: users_storm_cycles=10)
#
# Writes OUTDIR/console.log (the kernel console) and OUTDIR/results (the
# guest's report).  Exits 0 when the guest reported "# guest done" and the
# console holds no panic, Oops, BUG or WARNING; otherwise prints why and the
# console log's path and exits 1.  With --mode shell the console is this
# terminal.
#
# KVM is used when /dev/kvm can run a guest (probed once, cached in
# OUTDIR/../accel); otherwise TCG.  FORKSTATS_ACCEL=tcg|kvm overrides.
#
# TCG runs the vCPUs on one host thread (thread=single): the guest still has
# --smp CPUs, but QEMU's multi-threaded TCG does not run x86 cross-modified
# code as the architecture requires (tests/progs/xmodcheck.c): a vCPU keeps
# running a stale translation after another patched the kernel's text
# (ftrace, kprobes, static keys: text_poke_bp), and guests Oops on a stale
# int3 or hang, with no module loaded at all (docs/vm.md).  --mode parallel
# runs the vCPUs on host threads of their own (thread=multi), for the tests
# that need two CPUs at once and patch no text while they run.
# FORKSTATS_TCG_THREAD=single|multi overrides either.
set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
mode=check timeout=300 smp=2 mem=1G icount=0 extra=
while [ $# -gt 0 ]; do
	case $1 in
	--mode) mode=$2; shift ;;
	--timeout) timeout=$2; shift ;;
	--smp) smp=$2; shift ;;
	--mem) mem=$2; shift ;;
	--icount) icount=1 ;;
	--append) extra=$2; shift ;;
	-*) echo "boot.sh: unknown option $1" >&2; exit 2 ;;
	*) break ;;
	esac
	shift
done
[ $# -eq 3 ] || { sed -n '4,24p' "$0" | sed 's/^# \{0,1\}//' >&2; exit 2; }
series=$1 initrd=$2 out=$3
image=$("$here/kernels.sh" get "$series" image)
mkdir -p "$out"
console=$out/console.log results=$out/results
rm -f "$console" "$results"

qemu=(qemu-system-x86_64 -nodefaults -no-user-config -display none -no-reboot)

# Can KVM run a guest here?  Boot the kernel with no root: under working KVM
# it panics within seconds ("VFS: Unable to mount root"), and -no-reboot ends
# QEMU.
probe_kvm() {
	local log
	[ -r /dev/kvm ] && [ -w /dev/kvm ] || return 1
	log=$(mktemp)
	timeout 30 "${qemu[@]}" -accel kvm -cpu host -m 256M -kernel "$image" \
		-append "console=ttyS0 panic=-1" -serial "file:$log" >/dev/null 2>&1 || true
	grep -q 'Kernel panic' "$log"
	local rc=$?
	rm -f "$log"
	return $rc
}

accel=${FORKSTATS_ACCEL:-}
if [ -z "$accel" ]; then
	cachef=$(dirname "$out")/accel
	if [ -f "$cachef" ]; then
		accel=$(cat "$cachef")
	else
		if probe_kvm; then accel=kvm; else accel=tcg; fi
		echo "$accel" > "$cachef"
	fi
fi
[ $icount = 1 ] && accel=tcg smp=1
case $accel in
kvm) qemu+=(-accel kvm -cpu host) ;;
tcg)
	thread=single
	[ "$mode" = parallel ] && thread=multi
	qemu+=(-accel "tcg,thread=${FORKSTATS_TCG_THREAD:-$thread}" -cpu max) ;;
*) echo "boot.sh: FORKSTATS_ACCEL must be tcg or kvm" >&2; exit 2 ;;
esac
[ $icount = 1 ] && qemu+=(-icount shift=0,sleep=off)
qemu+=(-smp "$smp" -m "$mem" -kernel "$image" -initrd "$initrd")
append="console=ttyS0 panic=-1 oops=panic loglevel=6 forkstats_mode=$mode${extra:+ $extra}"

if [ "$mode" = shell ]; then
	exec "${qemu[@]}" -append "$append" -serial mon:stdio -serial "file:$results"
fi

rc=0
timeout --kill-after=10 "$timeout" "${qemu[@]}" -append "$append" \
	-serial "file:$console" -serial "file:$results" >"$out/qemu.log" 2>&1 || rc=$?
# The serial line turns \n into \r\n.
[ -f "$results" ] && sed -i 's/\r$//' "$results"
[ -f "$console" ] && sed -i 's/\r$//' "$console"

why=
if [ $rc = 124 ] || [ $rc = 137 ]; then
	why="timed out after ${timeout}s (hang?)"
elif [ $rc != 0 ]; then
	why="qemu exited with $rc: $(tail -n 3 "$out/qemu.log" | tr '\n' ' ')"
elif ! grep -q '^# guest done' "$results" 2>/dev/null; then
	why="the guest did not finish (panic or crash?)"
fi
# Less the kernel's own debugfs race that kernel-log.awk knows (said below).
races=$out/kernel-races
bad=$(awk -v races="$races" -f "$here/kernel-log.awk" "$console" 2>/dev/null |
	grep -E -m 5 'Kernel panic|Oops|BUG:|WARNING:|general protection fault|Call Trace' || true)
if [ -s "$races" ] && ! grep -qx 'debugfs-owner-race 0' "$races"; then
	echo "boot.sh: $series: $(cut -d' ' -f2 "$races") report(s) of the kernel's debugfs owner race left out of the console check (docs/reliability.md)" >&2
fi
if [ -n "$bad" ]; then
	why="${why:+$why; }the console shows: $(echo "$bad" | head -n 3 | tr '\n' ' ')"
fi
if [ -n "$why" ]; then
	echo "boot.sh: $series: $why" >&2
	echo "boot.sh: console log: $console" >&2
	exit 1
fi
exit 0
