#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# make install / make uninstall into a DESTDIR, for the headers of one kernel
# of the VM matrix (INSTALL_SERIES, default 6.1; tests/vm/kernels.sh fetch
# first): exactly the expected files, modules.dep naming the module, the CLI
# running, the man page rendering, the completion loading; uninstall removes
# every file; PREFIX=/usr; a clear failure without headers (make install and
# make dkms-install).  TAP on stdout.
set -u
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
top=$(cd "$here/.." && pwd)
. "$here/tap.sh"
s=${INSTALL_SERIES:-6.1}
kdir=$("$top/tests/vm/kernels.sh" get "$s" kdir) || { echo "Bail out! no $s headers"; exit 1; }
rel=$("$top/tests/vm/kernels.sh" get "$s" release)
version=$(cat "$top/VERSION")
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
mk() { "$top/tests/vm/kernels.sh" run "$s" make -C "$top" --no-print-directory "$@"; }
files() { (cd "$1" && find . ! -type d | sed 's|^\./||' | LC_ALL=C sort); }

# What depmod writes next to one module: taken from depmod itself (the list
# depends on the kmod version), in a tree of the module alone.
depmod_files() {	# ko
	local d=$tmp/ref
	rm -rf "$d" && mkdir -p "$d/lib/modules/$rel/extra" && cp "$1" "$d/lib/modules/$rel/extra/" &&
		depmod -b "$d" "$rel" 2>/dev/null &&
		(cd "$d" && find "lib/modules/$rel" -maxdepth 1 -name 'modules.*' | LC_ALL=C sort)
}
expected() {	# prefix
	{
		echo "lib/modules/$rel/extra/forkstats.ko"
		depmod_files "$top/module/forkstats.ko"
		echo "${1#/}/sbin/forkstats"
		echo "${1#/}/share/man/man8/forkstats.8"
		echo "${1#/}/share/bash-completion/completions/forkstats"
	} | LC_ALL=C sort
}
same_list() {	# got-file expected-file
	diff -u "$2" "$1" && test -s "$1"
}

d=$tmp/dest
t "make install DESTDIR=... KDIR=<$s headers> succeeds" mk install DESTDIR="$d" KDIR="$kdir"
files "$d" >"$tmp/got"
expected /usr/local >"$tmp/want"
t "it lays down exactly the module, depmod's files, the CLI, the man page, the completion" \
	same_list "$tmp/got" "$tmp/want"
t "modules.dep in DESTDIR lists extra/forkstats.ko" grep -qx 'extra/forkstats.ko:' "$d/lib/modules/$rel/modules.dep"
t "the installed module is for $rel (vermagic) and of version $version" sh -c \
	"test \"\$(modinfo -F vermagic '$d/lib/modules/$rel/extra/forkstats.ko' | cut -d' ' -f1)\" = '$rel' &&
	 test \"\$(modinfo -F version '$d/lib/modules/$rel/extra/forkstats.ko')\" = '$version'"
t "the installed CLI runs: --help" sh -c "'$d/usr/local/sbin/forkstats' --help | grep -q '^usage: forkstats'"
t "the installed CLI says its version: forkstats $version" sh -c "test \"\$('$d/usr/local/sbin/forkstats' --version)\" = 'forkstats $version'"
t "the installed man page is docs/forkstats.8 and renders without warnings" sh -c \
	"cmp '$top/docs/forkstats.8' '$d/usr/local/share/man/man8/forkstats.8' &&
	 out=\$(groff -man -ww -z '$d/usr/local/share/man/man8/forkstats.8' 2>&1) && test -z \"\$out\" &&
	 groff -man -Tutf8 '$d/usr/local/share/man/man8/forkstats.8' 2>/dev/null | grep -q 'per-call fork statistics'"
t "the installed bash completion defines the completion of forkstats" bash -c \
	". '$d/usr/local/share/bash-completion/completions/forkstats' && complete -p forkstats"
t "make uninstall DESTDIR=... KDIR=... succeeds" mk uninstall DESTDIR="$d" KDIR="$kdir"
t "it removes every file it installed (no file left, depmod's included)" sh -c "test -z \"\$(find '$d' ! -type d)\""

# With another module in DESTDIR, uninstall keeps depmod's files, redone.
d=$tmp/other
mk install DESTDIR="$d" KDIR="$kdir" >/dev/null 2>&1
cp "$d/lib/modules/$rel/extra/forkstats.ko" "$d/lib/modules/$rel/extra/other.ko"
mk uninstall DESTDIR="$d" KDIR="$kdir" >/dev/null 2>&1
t "uninstall next to another module: depmod again, the other one stays in modules.dep" sh -c \
	"test -f '$d/lib/modules/$rel/extra/other.ko' && grep -qx 'extra/other.ko:' '$d/lib/modules/$rel/modules.dep' &&
	 ! grep -q forkstats.ko '$d/lib/modules/$rel/modules.dep'"

d=$tmp/usr
t "PREFIX=/usr: make install succeeds" mk install DESTDIR="$d" PREFIX=/usr KDIR="$kdir"
files "$d" >"$tmp/got"
expected /usr >"$tmp/want"
t "PREFIX=/usr: exactly /usr/sbin/forkstats, /usr/share/..., the module" same_list "$tmp/got" "$tmp/want"
t "PREFIX=/usr: make uninstall removes every file" sh -c \
	"'$top/tests/vm/kernels.sh' run '$s' make -C '$top' uninstall DESTDIR='$d' PREFIX=/usr KDIR='$kdir' >/dev/null 2>&1 &&
	 test -z \"\$(find '$d' ! -type d)\""

# A relative DESTDIR (to the top directory, where make runs): depmod -b too.
rel_d=build/install-test
rm -rf "${top:?}/$rel_d"
t "a relative DESTDIR ($rel_d): install, modules.dep, uninstall leaves no file" sh -c \
	"cd '$top' && '$top/tests/vm/kernels.sh' run '$s' make -C '$top' install DESTDIR='$rel_d' KDIR='$kdir' >/dev/null 2>&1 &&
	 grep -qx 'extra/forkstats.ko:' '$top/$rel_d/lib/modules/$rel/modules.dep' &&
	 '$top/tests/vm/kernels.sh' run '$s' make -C '$top' uninstall DESTDIR='$rel_d' KDIR='$kdir' >/dev/null 2>&1 &&
	 test -z \"\$(find '$top/$rel_d' ! -type d)\""
rm -rf "${top:?}/$rel_d"

d=$tmp/none
mk install DESTDIR="$d" KDIR=/nonexistent >"$tmp/none.out" 2>&1
rc=$?
t "without headers: make install fails (status $rc), saying so in one line naming KDIR, installing nothing" sh -c \
	"test $rc != 0 && grep -q '^forkstats: no kernel headers at /nonexistent' '$tmp/none.out' && test ! -e '$d'"
# make dkms-install without headers: one line, nothing added (private trees).
dk=$tmp/dkms
mkdir -p "$dk/src" "$dk/tree"
mk dkms-install KDIR=/nonexistent DKMS_SOURCETREE="$dk/src" DKMS_FLAGS="--dkmstree $dk/tree" >"$tmp/dk.out" 2>&1
rc=$?
t "without headers: make dkms-install fails (status $rc) in one line naming KDIR, adding nothing to DKMS" sh -c \
	"test $rc != 0 && grep -q '^forkstats: no kernel headers at /nonexistent' '$tmp/dk.out' &&
	 test -z \"\$(find '$dk/src' '$dk/tree' -mindepth 1)\""
done_testing
