# SPDX-License-Identifier: GPL-2.0
# After everything: the module is gone and the kernel log is clean.
check "the module is not loaded at the end" sh -c '! grep -q "^forkstats " /proc/modules'
dmesg | grep -E "$KERNEL_BAD" > /tmp/bad.log
if [ -s /tmp/bad.log ]; then
	not_ok "dmesg holds no WARN/BUG/Oops"
	diag_file /tmp/bad.log
else
	ok "dmesg holds no WARN/BUG/Oops"
fi
