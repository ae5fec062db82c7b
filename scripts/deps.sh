#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# Install the Debian packages that the build, the tests and the demo need and
# that are missing.  Installs nothing when all are present.
set -euo pipefail

pkgs=(
	gcc make libc6-dev             # the tools (static builds need libc6-dev's libc.a)
	libcmocka-dev                  # unit tests
	libjson-c-dev                  # the guests' JSON checker (tests/progs/jsonq.c)
	libelf-dev bc flex bison kmod  # kbuild for external modules
	dkms                           # make dkms-install; make check builds with it (private trees)
	dwarves                        # pahole: 6.12 kbuild wants it for module BTF
	qemu-system-x86                # the VM matrix
	busybox-static cpio file       # guest initramfs
	debian-archive-keyring         # verify the kernel packages
	python3                        # validates the CLI's JSON in the tests
	groff-base                     # checks that the man page renders
	gnuplot-nox                    # the workloads' plots (make demo)
	tmux                           # drives "forkstats top" on a terminal in tests/cli.sh
	libbpf-dev bpftool clang llvm  # the BPF backend: libbpf.a, skeletons, BPF programs
)

missing=()
for p in "${pkgs[@]}"; do
	dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'ok installed' || missing+=("$p")
done
[ ${#missing[@]} -eq 0 ] && exit 0

echo "deps.sh: installing ${missing[*]}"
if [ "$(id -u)" != 0 ]; then
	echo "deps.sh: not root: run 'sudo apt-get install ${missing[*]}'" >&2
	exit 1
fi
export DEBIAN_FRONTEND=noninteractive
apt-get update -q >/dev/null
apt-get install -y -q --no-install-recommends "${missing[@]}" >/dev/null
