# SPDX-License-Identifier: GPL-2.0
# After everything: the module is gone and the kernel log is clean.
check "the module is not loaded at the end" sh -c '! grep -q "^forkstats " /proc/modules'
kernel_log_clean "dmesg holds no WARN/BUG/Oops"
# Unloaded, the module leaves no vmalloc area: an area whose caller is a raw
# address was allocated by code that is gone; if that address lay in a load
# of forkstats (vm_orphans_ours), an unload did not free it.
stack_cache_turn
vm_orphans >/tmp/orphans
vm_orphans_ours /tmp/orphans >/tmp/orphans.ours
if [ -s /tmp/orphans.ours ]; then
	not_ok "no vmalloc area is left by the code of an unloaded forkstats (the module's leak):"
	diag_file /tmp/orphans.ours
else
	ok "no vmalloc area is left by the code of an unloaded forkstats ($(grep -c . /tmp/forkstats-loads) load ranges noted, $(grep -c . /tmp/orphans) areas by other code that is gone)"
fi
if [ -s /tmp/orphans ] && ! [ -s /tmp/orphans.ours ]; then
	diag "  areas whose caller is gone but was not forkstats (thread stacks made under a BPF trampoline):"
	diag_file /tmp/orphans
fi
