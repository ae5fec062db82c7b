# SPDX-License-Identifier: GPL-2.0
# After everything: the module is gone and the kernel log is clean.
check "the module is not loaded at the end" sh -c '! grep -q "^forkstats " /proc/modules'
kernel_log_clean "dmesg holds no WARN/BUG/Oops"
# vmalloc areas whose caller is code that is gone, listed: an unloaded
# module's, or a detached BPF trampoline's (thread stacks made under it keep
# its address): they cannot be told apart here.  The module's leaks are
# checked load by load in 63-memory.sh.
vm_orphans >/tmp/orphans
if [ -s /tmp/orphans ]; then
	diag "  vmalloc areas whose caller is gone (not judged: 63-memory.sh checks the module's):"
	diag_file /tmp/orphans
fi
