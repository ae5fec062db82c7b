#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# make demo: install what is missing, build the module for the Debian 6.1
# kernel and the static tools, boot that kernel in QEMU, load the module, run
# a small fork-vs-vfork sweep (every creation method, parents of 0 to 256 MiB)
# under forkstats, print its table and conclusions, plot its CSV here
# (gnuplot: latency, page tables, COW faults by side; PNG and SVG) and print
# where the plots are.
#
# DEMO_KERNEL=5.10|6.1|6.12|newest picks another kernel of the matrix.
set -euo pipefail

top=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$top"
. tests/vm/lib.sh
s=${DEMO_KERNEL:-6.1}
vm=$(vm_dir "$s")
mkdir -p "$vm"

step() { echo "demo: $*" >&2; }
fail() { echo "demo: $1 failed; log: $2" >&2; tail -n 20 "$2" >&2; exit 1; }

scripts/deps.sh
tests/vm/kernels.sh fetch "$s"
step "kernel $(tests/vm/kernels.sh get "$s" release) ($(tests/vm/kernels.sh get "$s" version))"
step "building the static tools"
build_guest_tools "$vm/guest-tools.log" || fail "building the tools" "$vm/guest-tools.log"
step "building the module"
build_module "$s" "$vm/kbuild.log" >"$vm/module.log" 2>&1 || fail "building the module" "$vm/module.log"
build_initramfs "$s" "$vm/initramfs.log" || fail "building the initramfs" "$vm/initramfs.log"
step "booting the guest (QEMU, 2 vCPUs)"
rc=0
tests/vm/boot.sh --mode demo --timeout 400 "$s" "$vm/initramfs.cpio" "$vm" || rc=$?
echo
sed -e '/^== csv begin/,/^== csv end/d' -e '/^# guest done/d' "$vm/results"
[ $rc = 0 ] || exit $rc

# The sweep's CSV, out of the guest, plotted here.
out=$top/build/demo
mkdir -p "$out"
sed -n '/^== csv begin/,/^== csv end/{/^== csv/d;p}' "$vm/results" >"$out/fork-vs-vfork.csv"
if [ "$(wc -l <"$out/fork-vs-vfork.csv")" -lt 2 ]; then
	echo "demo: the guest gave no CSV (console: $vm/console.log)" >&2
	exit 1
fi
tools/workloads/fork-vs-vfork --plot "$out/fork-vs-vfork.csv" --out "$out" 2>/dev/null || exit 1
echo "demo: CSV  $out/fork-vs-vfork.csv"
for p in latency pgtables cow; do
	[ -e "$out/$p.png" ] || continue
	echo "demo: PNG  $out/$p.png"
	echo "demo: SVG  $out/$p.svg"
done
