# SPDX-License-Identifier: GPL-2.0
# After everything: the module is gone and the kernel log is clean.
check "the module is not loaded at the end" sh -c '! grep -q "^forkstats " /proc/modules'
kernel_log_clean "dmesg holds no WARN/BUG/Oops"
