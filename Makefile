# SPDX-License-Identifier: GPL-2.0
#
# forkstats: per-call fork statistics (page tables copied, copy-on-write
# faults) from a kernel module, and the tools that read them.
#
#   make            the module for the running kernel (KDIR= overrides) and the tools
#   make tools      the tools only
#   make module     the module only
#   make check      everything the project proves, on every kernel of the VM matrix
#   make demo       boot the 6.1 guest, load the module, compare fork and vfork
#   make bench      instructions per operation, with and without forkstats, on every kernel
#   make clean
#
# Kernel module builds also work the standard way from this directory:
#   make -C /lib/modules/$(uname -r)/build M=$PWD

KDIR ?= /lib/modules/$(shell uname -r)/build

all: module tools

tools:
	$(MAKE) -C tools

module:
	@if [ -f "$(KDIR)/Makefile" ]; then \
		$(MAKE) -C "$(KDIR)" M="$(CURDIR)" modules; \
	else \
		echo "forkstats: no kernel headers at $(KDIR): skipping the module (install linux-headers-$$(uname -r) or set KDIR=)"; \
	fi

check:
	tests/check.sh

demo:
	scripts/demo.sh

bench:
	bench/run

clean:
	$(MAKE) -C tools clean
	@if [ -f "$(KDIR)/Makefile" ]; then $(MAKE) -C "$(KDIR)" M="$(CURDIR)" clean; fi
	rm -rf build

.PHONY: all tools module check demo bench clean
