# SPDX-License-Identifier: GPL-2.0
#
# Build steps shared by tests/check.sh and scripts/demo.sh (sourced, bash).
# Each function logs to the file named by its last argument and returns
# non-zero on failure.

vm_top=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
guest_bin=$vm_top/build/guest/bin

# kmod_dir SERIES / vm_dir SERIES: where a series' module and VM files go.
kmod_dir() { echo "$vm_top/build/kmod/$1"; }
vm_dir() { echo "$vm_top/build/vm/$1"; }

# Static copies of the tools and the guest test programs, in build/guest/bin.
build_guest_tools() {	# log
	{
		make -C "$vm_top/tools" O="$vm_top/build/guest" LDFLAGS=-static &&
		make -C "$vm_top/tests" progs O="$vm_top/build/guest" \
			LIB="$vm_top/build/guest/lib/libforkstats.a" LDFLAGS=-static &&
		rm -rf "$guest_bin" && mkdir -p "$guest_bin" &&
		cp -r "$vm_top/build/guest/forkstats/forkstats" "$vm_top"/build/guest/workloads/* \
			"$vm_top"/build/guest/progs/* "$guest_bin/" &&
		rm -f "$guest_bin"/*.o
	} >"$1" 2>&1
}

# The module for one series, built with W=1 from a private copy of the sources
# (kbuild writes its objects next to them).  Fails on any compiler warning.
build_module() {	# series log
	local kmod
	kmod=$(kmod_dir "$1")
	rm -rf "$kmod" && mkdir -p "$kmod" &&
		cp -r "$vm_top/Kbuild" "$vm_top/VERSION" "$vm_top/module" "$vm_top/include" "$kmod/" || return 1
	"$vm_top/tests/vm/kernels.sh" make "$1" M="$kmod" W=1 modules >"$2" 2>&1 || return 1
	if grep -E 'warning:|error:' "$2"; then
		echo "build_module: $1: compiler warnings (log: $2)" >&2
		return 1
	fi
}

build_initramfs() {	# series log
	local vm
	vm=$(vm_dir "$1")
	mkdir -p "$vm" &&
		"$vm_top/tests/vm/initramfs.sh" "$vm/initramfs.cpio" "$1" \
			"$(kmod_dir "$1")/module/forkstats.ko" "$guest_bin" >"$2" 2>&1
}

# dkms_dir SERIES: the private DKMS trees of a series (never /var/lib/dkms,
# /usr/src or /lib/modules): src/ (--sourcetree), tree/ (--dkmstree),
# root/lib/modules (--installtree; a root for depmod -b).
dkms_dir() { echo "$vm_top/build/dkms/$1"; }
# The dkms options that point every tree there (dkms install runs no depmod:
# the one it would run is the machine's, on /lib/modules).
dkms_flags() {	# series
	local d
	d=$(dkms_dir "$1")
	echo "--dkmstree $d/tree --installtree $d/root/lib/modules --no-depmod"
}

# make dkms-install against a series' headers, into its private trees, with
# W=1 (CC=gcc as in kernels.sh make); then depmod -b on the install root.
# Fails on any compiler warning in dkms' make.log.
dkms_module() {	# series log
	local s=$1 d rel kdir version mlog
	d=$(dkms_dir "$s")
	rel=$("$vm_top/tests/vm/kernels.sh" get "$s" release) &&
		kdir=$("$vm_top/tests/vm/kernels.sh" get "$s" kdir) || return 1
	version=$(cat "$vm_top/VERSION")
	rm -rf "$d" && mkdir -p "$d/src" "$d/tree" "$d/root/lib/modules/$rel" || return 1
	"$vm_top/tests/vm/kernels.sh" run "$s" make -C "$vm_top" --no-print-directory dkms-install \
		DKMS_SOURCETREE="$d/src" DKMS_FLAGS="$(dkms_flags "$s")" KDIR="$kdir" \
		KERNELRELEASE="$rel" DKMS_MAKEFLAGS="CC=gcc HOSTCC=gcc W=1" >"$2" 2>&1 || return 1
	mlog=$d/tree/forkstats/$version/$rel/x86_64/log/make.log
	cat "$mlog" >>"$2"
	if grep -E 'warning:|error:' "$mlog"; then
		echo "dkms_module: $s: compiler warnings (log: $mlog)" >&2
		return 1
	fi
	depmod -b "$d/root" "$rel" >>"$2" 2>&1
}
