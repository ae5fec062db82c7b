#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# A developer's shortcut: build the module, the static guest tools and an
# initramfs for each SERIES, boot it, and print the guest's TAP report, as
# make check does for one kernel but without the host tests and DKMS.
#
#   tests/vm/guest.sh [--timeout SECS] [--keep-tools] SERIES...
#
# GUEST_TESTS="28 45" keeps only the guest tests whose file names start so
# (tests/vm/initramfs.sh).  --keep-tools reuses build/guest/bin as it is.
# Extra boot.sh options go in BOOT_OPTS (e.g. BOOT_OPTS="--smp 1").
# Exits non-zero when a build fails, the guest fails or a test fails.
set -uo pipefail

top=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
cd "$top" || exit 1
. tests/vm/lib.sh
timeout=600 keep=0
while [ $# -gt 0 ]; do
	case $1 in
	--timeout) timeout=$2; shift ;;
	--keep-tools) keep=1 ;;
	-*) echo "guest.sh: unknown option $1" >&2; exit 2 ;;
	*) break ;;
	esac
	shift
done
[ $# -gt 0 ] || { sed -n '4,14p' "$0" | sed 's/^# \{0,1\}//' >&2; exit 2; }

rc=0
if [ $keep = 0 ] || [ ! -d "$guest_bin" ]; then
	mkdir -p "$top/build" && build_guest_tools "$top/build/guest-tools.log" ||
		{ echo "guest.sh: static tools: see build/guest-tools.log" >&2; exit 1; }
fi
for s in "$@"; do
	vm=$(vm_dir "$s")
	mkdir -p "$vm"
	build_module "$s" "$vm/kbuild.log" || { echo "guest.sh: $s: module: $vm/kbuild.log" >&2; rc=1; continue; }
	build_initramfs "$s" "$vm/initramfs.log" || { echo "guest.sh: $s: initramfs: $vm/initramfs.log" >&2; rc=1; continue; }
	# shellcheck disable=SC2086
	tests/vm/boot.sh ${BOOT_OPTS:-} --timeout "$timeout" "$s" "$vm/initramfs.cpio" "$vm" || rc=1
	if [ -f "$vm/results" ]; then
		grep -E '^(not ok|# )' "$vm/results" | grep -v '^# ---' | head -n 60
		echo "$s: $(grep -c '^ok ' "$vm/results") passed, $(grep -c '^not ok ' "$vm/results") failed"
		grep -q '^not ok ' "$vm/results" && rc=1
	fi
done
exit $rc
