# SPDX-License-Identifier: GPL-2.0
# make bench in the guest (icount: guest ns = instructions): benchops under
# each configuration, "config NAME" then its lines (docs/bench.md).  The
# baselines of bench/ are used when the initramfs has them.
B="benchops -b 7"
bench_config() {
	echo "config $1"
	$B
}

# One pass thrown away: the first seconds after boot still have the kernel's
# own work (seen: fork0 on 6.12 at 1.8x for a whole pass).
benchops -b 1 >/dev/null
bench_config none

if [ -f /forkstats/fsfloor.ko ] && insmod /forkstats/fsfloor.ko; then
	bench_config floor
	rmmod fsfloor
fi

if insmod /forkstats/forkstats.ko; then
	bench_config module
	forkstats --backend module cat probes |
		grep -E '^(kernel_clone|copy_process|do_wp_page|wp_page_copy|wp_page_reuse|copy_page_range|__mmdrop) ' |
		sed 's/^/# module probe: /'
	rmmod forkstats
fi

if forkstats --backend bpf attach >/tmp/attach.out 2>&1; then
	bench_config bpf
	forkstats --backend bpf detach
else
	echo "# bpf backend: $(cat /tmp/attach.out)"
fi

if command -v bpfcount >/dev/null 2>&1; then
	bpfcount >/tmp/bpfcount.out 2>&1 &
	bp=$!
	i=0
	while ! grep -q attached /tmp/bpfcount.out && [ $i -lt 100 ]; do
		usleep 50000
		i=$((i + 1))
	done
	if grep -q attached /tmp/bpfcount.out; then
		bench_config bpfcount
	fi
	kill $bp
	wait $bp
	sed 's/^/# /' /tmp/bpfcount.out
fi
