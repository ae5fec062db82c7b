# SPDX-License-Identifier: GPL-2.0
# The module installed the DKMS way: make check puts the 6.1 guest's dkms
# install tree, depmod'ed (lib/modules/<release>/updates/dkms/forkstats.ko,
# modules.dep...), in its initramfs.  modprobe (busybox's, which reads
# modules.dep) finds the module by name there, loads it and removes it.
# Guests without the tree skip this file.
rel=$(uname -r)
dkms_ko=/lib/modules/$rel/updates/dkms/forkstats.ko
if [ -f "/lib/modules/$rel/modules.dep" ]; then
	lsmod | grep -q '^forkstats ' && rmmod forkstats
	check "modules.dep lists the DKMS module, updates/dkms/forkstats.ko" \
		grep -qx 'updates/dkms/forkstats.ko:' "/lib/modules/$rel/modules.dep"
	check "modprobe -D forkstats resolves to $dkms_ko" sh -c "modprobe -D forkstats | grep -q '$dkms_ko'"
	is "$(modinfo -n forkstats 2>&1)" "$dkms_ko" "modinfo -n forkstats names the DKMS module"
	check "modprobe forkstats" modprobe forkstats
	check "/proc/forkstats appears" test -r /proc/forkstats
	check "the loaded module is forkstats $(modinfo -F version "$dkms_ko") (/sys/module/forkstats/version)" \
		sh -c "test \"\$(cat /sys/module/forkstats/version)\" = \"\$(modinfo -F version $dkms_ko)\""
	check "forkstats show reads the module that modprobe loaded" forkstats show
	check "modprobe -r forkstats" modprobe -r forkstats
	check "/proc/forkstats is gone after modprobe -r" test ! -e /proc/forkstats
	check "no forkstats in lsmod" sh -c "! lsmod | grep -q '^forkstats '"
else
	diag "no /lib/modules/$rel/modules.dep: no DKMS tree in this guest (make check puts one in 6.1's)"
fi
