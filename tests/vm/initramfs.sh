#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# Build a guest initramfs: busybox, the module, the static tools and the
# in-guest tests (and, with MODULES_ROOT, a module tree for modprobe).
#
#   initramfs.sh OUT.cpio SERIES MODULE.ko TOOLS-DIR
#
# TOOLS-DIR holds static binaries, sh scripts and awk files (any depth);
# each is installed in /forkstats/bin of the guest.  The host's dynamic
# programs named in GUEST_DYNAMIC (default: stress-ng, for
# tests/guest/65-vforkmany.sh) go there too, with the shared libraries and
# the loader ldd names for them, at the paths ldd names.
set -euo pipefail

[ $# -eq 4 ] || { echo "usage: initramfs.sh OUT.cpio SERIES MODULE.ko TOOLS-DIR" >&2; exit 2; }
out=$1 series=$2 ko=$3 tools=$4
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
top=$(cd "$here/../.." && pwd)
busybox=${BUSYBOX:-/bin/busybox}

file "$busybox" | grep -q 'statically linked' ||
	{ echo "initramfs.sh: $busybox is not static: install busybox-static" >&2; exit 1; }
[ -f "$ko" ] || { echo "initramfs.sh: no module at $ko" >&2; exit 1; }

root=$(mktemp -d)
trap 'rm -rf "$root"' EXIT
mkdir -p "$root"/{bin,dev,proc,sys,tmp,forkstats/bin,forkstats/tests}
cp "$busybox" "$root/bin/busybox"
install -m 755 "$here/guest-init" "$root/init"
cp "$ko" "$root/forkstats/forkstats.ko"
# EXTRA_KO="a.ko b.ko": more modules for the guest, in /forkstats (make bench).
for k in ${EXTRA_KO:-}; do
	cp "$k" "$root/forkstats/"
done
echo "$series" > "$root/forkstats/series"
# MODULES_ROOT=DIR: a depmod'ed DIR/lib/modules/<release> for modprobe (make
# check: the module installed the DKMS way, tests/guest/60-dkms.sh).
if [ -n "${MODULES_ROOT:-}" ]; then
	ls "$MODULES_ROOT"/lib/modules/*/modules.dep >/dev/null 2>&1 ||
		{ echo "initramfs.sh: no lib/modules/*/modules.dep under $MODULES_ROOT" >&2; exit 1; }
	cp -a "$MODULES_ROOT/lib" "$root/"
fi
cp "$top"/tests/guest/*.sh "$top/tests/tap.sh" "$root/forkstats/tests/"
cp "$here/kernel-log.awk" "$root/forkstats/"
# GUEST_TESTS="28 45": only the numbered tests whose names start so (a
# developer's shortcut; make check runs them all).
if [ -n "${GUEST_TESTS:-}" ]; then
	for t in "$root"/forkstats/tests/[0-9]*.sh; do
		keep=0
		for p in $GUEST_TESTS; do
			case ${t##*/} in "$p"*) keep=1 ;; esac
		done
		[ $keep = 1 ] || rm -f "$t"
	done
fi
# Static programs, POSIX sh scripts (busybox runs them) and their awk files.
find "$tools" -type f \( -perm -u+x -o -name '*.awk' \) | while read -r f; do
	case $f in
	*.awk) ;;
	*)
		if [ "$(head -c 9 "$f")" != '#!/bin/sh' ] && ! file "$f" | grep -q 'statically linked'; then
			echo "initramfs.sh: $f is not static" >&2
			exit 1
		fi
		;;
	esac
	cp "$f" "$root/forkstats/bin/"
done
# Dynamic programs of the host (Debian's), with what ldd says they load.
for prog in ${GUEST_DYNAMIC-stress-ng}; do
	path=$(command -v "$prog") ||
		{ echo "initramfs.sh: $prog not found on the host: run scripts/deps.sh" >&2; exit 1; }
	libs=$(ldd "$path") || { echo "initramfs.sh: ldd $path failed" >&2; exit 1; }
	cp -L "$path" "$root/forkstats/bin/$prog"
	# "name => /path (addr)", or "/path (addr)" for the loader; the vDSO has no path.
	echo "$libs" | awk '$2 == "=>" && $3 ~ /^\// { print $3 } $1 ~ /^\// { print $1 }' |
		while read -r lib; do
			mkdir -p "$root$(dirname "$lib")"
			cp -L "$lib" "$root$lib"
		done
done
(cd "$root" && find . -mindepth 1 | LC_ALL=C sort | cpio -o -H newc --owner=0:0 --quiet) > "$out.tmp"
mv "$out.tmp" "$out"
