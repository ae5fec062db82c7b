# SPDX-License-Identifier: GPL-2.0
# After everything: the module is gone and the kernel log is clean.
check "the module is not loaded at the end" sh -c '! grep -q "^forkstats " /proc/modules'
kernel_log_clean "dmesg holds no WARN/BUG/Oops"
# Unloaded, the module leaves no vmalloc area: an area whose caller is a raw
# address was allocated by code that is gone (only forkstats is loaded and
# unloaded here), one that an unload did not free.
vm_orphans >/tmp/orphans
if [ -s /tmp/orphans ]; then
	not_ok "no vmalloc area is left by unloaded code (the module's leak):"
	diag_file /tmp/orphans
else
	ok "no vmalloc area is left by unloaded code"
fi
