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
