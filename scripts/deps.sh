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
	mmdebstrap                     # the trixie build root of the newest kernel (tests/vm/kernels.sh)
	python3                        # validates the CLI's JSON in the tests
	groff-base                     # checks that the man page renders
	mandoc                         # lints the man page (tests/docs.sh)
	gnuplot-nox                    # the workloads' plots (make demo)
	tmux                           # drives "forkstats top" on a terminal: tests/cli.sh, tests/top-tmux.sh
	libbpf-dev bpftool clang llvm  # the BPF backend: libbpf.a, skeletons, BPF programs
	prometheus                     # promtool: checks show --prometheus and docs/fleet.md's rules
	prometheus-node-exporter       # tests/prometheus.sh runs its binary on a free loopback port
	strace                         # tests/prometheus.sh: export's fsync and rename order
	stress-ng                      # tests/guest/65-vforkmany.sh: a real load of blocked vfork parents
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

# The two Prometheus packages enable and start their services (prometheus on
# :9090, node_exporter on :9100) where systemd or an init script runs them.
# The tests only need the binaries (tests/prometheus.sh starts its own
# node_exporter on a free loopback port and stops it): what this script
# installed is stopped and disabled again, so that nothing stays listening.
for p in "${missing[@]}"; do
	case $p in
	prometheus | prometheus-node-exporter)
		if [ -d /run/systemd/system ]; then
			systemctl disable --now "$p.service" >/dev/null 2>&1 || true
		elif [ -x "/etc/init.d/$p" ]; then
			"/etc/init.d/$p" stop >/dev/null 2>&1 || true
			update-rc.d "$p" disable >/dev/null 2>&1 || true
		fi
		echo "deps.sh: installed $p for its binary; its service is stopped and disabled"
		;;
	esac
done
