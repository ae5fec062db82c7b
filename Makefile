# SPDX-License-Identifier: GPL-2.0
#
# forkstats: per-call fork statistics (page tables copied, copy-on-write
# faults) from a kernel module, and the tools that read them.
#
#   make            the module for the running kernel (KDIR= overrides) and the tools
#   make tools      the tools only
#   make module     the module only
#   make install    the module into /lib/modules/<release>/extra (then depmod), the
#                   CLI into $(PREFIX)/sbin, its man page and bash completion;
#                   DESTDIR= and PREFIX= (default /usr/local) as usual
#   make uninstall  removes what make install put there (same variables)
#   make dkms-install  the module's sources to /usr/src/forkstats-<version>,
#                   then dkms add, build and install (the running kernel, or
#                   KERNELRELEASE=); DKMS_FLAGS= adds dkms options
#   make dkms-remove   every forkstats version out of DKMS, and its sources
#   make check      everything the project proves, on every kernel of the VM matrix
#   make demo       boot the 6.1 guest, load the module, compare fork and vfork
#   make bench      instructions per operation, with and without forkstats, on every kernel
#   make clean
#
# Kernel module builds also work the standard way from this directory:
#   make -C /lib/modules/$(uname -r)/build M=$PWD

KDIR ?= /lib/modules/$(shell uname -r)/build
# The project's one version: the module's MODULE_VERSION, dkms.conf, forkstats --version.
VERSION := $(shell cat $(CURDIR)/VERSION)

# The kernel release that KDIR's headers are for: UTS_RELEASE, as in the
# module's vermagic (Debian's include/config/kernel.release holds the upstream
# version instead); the running kernel's when KDIR is the default and absent.
KERNELRELEASE ?= $(or $(shell sed -n 's/^\#define UTS_RELEASE "\(.*\)"/\1/p' \
	"$(KDIR)/include/generated/utsrelease.h" 2>/dev/null),$(if \
	$(filter /lib/modules/$(shell uname -r)/build,$(KDIR)),$(shell uname -r)))

PREFIX ?= /usr/local
DESTDIR ?=
SBINDIR ?= $(PREFIX)/sbin
MANDIR ?= $(PREFIX)/share/man
BASHCOMPDIR ?= $(PREFIX)/share/bash-completion/completions
MODDIR = /lib/modules/$(KERNELRELEASE)/extra
DEPMOD ?= depmod

DKMS ?= dkms
DKMS_FLAGS ?=
# dkms runs kbuild as at a kernel upgrade: without this make's variables and
# flags, with DKMS_MAKEFLAGS only (e.g. W=1).
DKMS_MAKEFLAGS ?=
DKMS_RUN = env -u MAKELEVEL -u MFLAGS MAKEFLAGS="$(DKMS_MAKEFLAGS)" $(DKMS)
DKMS_SOURCETREE ?= /usr/src
DKMS_SRC = $(DKMS_SOURCETREE)/forkstats-$(VERSION)
# dkms builds for the running kernel, unless KDIR= or KERNELRELEASE= name another.
fs_explicit = $(filter command line environment,$(origin $(1)))
dkms_kernel = $(if $(call fs_explicit,KDIR),--kernelsourcedir "$(KDIR)") \
	$(if $(or $(call fs_explicit,KDIR),$(call fs_explicit,KERNELRELEASE)),-k "$(KERNELRELEASE)")

all: module tools

tools:
	$(MAKE) -C tools

module:
	@if [ -f "$(KDIR)/Makefile" ]; then \
		$(MAKE) -C "$(KDIR)" M="$(CURDIR)" modules; \
	else \
		echo "forkstats: no kernel headers at $(KDIR): skipping the module (install linux-headers-$$(uname -r) or set KDIR=)"; \
	fi

# make install: module and tools; make install-module / install-tools: one of them.
install: install-module install-tools

install-module:
	@if [ ! -f "$(KDIR)/Makefile" ]; then \
		echo "forkstats: no kernel headers at $(KDIR): cannot build the module to install (install linux-headers-$$(uname -r), or set KDIR=; make install-tools installs the CLI alone)" >&2; \
		exit 1; \
	fi
	@if [ -z "$(KERNELRELEASE)" ]; then \
		echo "forkstats: no include/generated/utsrelease.h under $(KDIR): set KERNELRELEASE=" >&2; \
		exit 1; \
	fi
	$(MAKE) -C "$(KDIR)" M="$(CURDIR)" modules
	install -D -m 644 module/forkstats.ko "$(DESTDIR)$(MODDIR)/forkstats.ko"
	$(DEPMOD) $(if $(DESTDIR),-b "$(DESTDIR)") "$(KERNELRELEASE)"

install-tools: tools
	install -D -m 755 tools/forkstats/forkstats "$(DESTDIR)$(SBINDIR)/forkstats"
	install -D -m 644 docs/forkstats.8 "$(DESTDIR)$(MANDIR)/man8/forkstats.8"
	install -D -m 644 tools/forkstats/forkstats.bash-completion "$(DESTDIR)$(BASHCOMPDIR)/forkstats"

uninstall: uninstall-module uninstall-tools

# With DESTDIR, depmod's files go too when no other module is left there.
uninstall-module:
	@if [ -z "$(KERNELRELEASE)" ]; then \
		echo "forkstats: which kernel? no headers at $(KDIR): set KERNELRELEASE= (or KDIR=)" >&2; \
		exit 1; \
	fi
	rm -f "$(DESTDIR)$(MODDIR)/forkstats.ko"
	@d="$(DESTDIR)/lib/modules/$(KERNELRELEASE)"; \
	if [ -n "$(DESTDIR)" ] && [ -z "$$(find "$$d" -name '*.ko*' 2>/dev/null)" ]; then \
		echo "rm -f $$d/modules.*"; rm -f "$$d"/modules.*; \
	elif [ -d "$$d" ]; then \
		echo "$(DEPMOD) $(if $(DESTDIR),-b $(DESTDIR)) $(KERNELRELEASE)"; \
		$(DEPMOD) $(if $(DESTDIR),-b "$(DESTDIR)") "$(KERNELRELEASE)"; \
	fi

uninstall-tools:
	rm -f "$(DESTDIR)$(SBINDIR)/forkstats" "$(DESTDIR)$(MANDIR)/man8/forkstats.8" \
		"$(DESTDIR)$(BASHCOMPDIR)/forkstats"

# The module's sources as dkms wants them: DKMS_SRC (/usr/src/forkstats-<version>).
dkms-source:
	rm -rf "$(DKMS_SRC)"
	mkdir -p "$(DKMS_SRC)/module/conftest" "$(DKMS_SRC)/include/forkstats"
	cp Kbuild VERSION LICENSE "$(DKMS_SRC)/"
	cp module/Kbuild module/*.h "$(DKMS_SRC)/module/"
	cp $(filter-out %.mod.c,$(wildcard module/*.c)) "$(DKMS_SRC)/module/"
	cp module/conftest/*.c "$(DKMS_SRC)/module/conftest/"
	cp include/forkstats/*.h "$(DKMS_SRC)/include/forkstats/"
	sed 's/@VERSION@/$(VERSION)/' dkms.conf > "$(DKMS_SRC)/dkms.conf"

dkms-check:
	@command -v $(DKMS) >/dev/null || { echo "forkstats: no dkms: apt install dkms" >&2; exit 1; }

# The headers dkms will build against: checked before anything is added.
dkms_kdir = $(if $(call fs_explicit,KDIR),$(KDIR),/lib/modules/$(if \
	$(call fs_explicit,KERNELRELEASE),$(KERNELRELEASE),$(shell uname -r))/build)

dkms-install: dkms-check
	@if [ ! -f "$(dkms_kdir)/Makefile" ]; then \
		echo "forkstats: no kernel headers at $(dkms_kdir): dkms cannot build the module ($(if $(call fs_explicit,KDIR),KDIR= names no headers,install linux-headers-$(notdir $(patsubst %/build,%,$(dkms_kdir))) or set KDIR=))" >&2; \
		exit 1; \
	fi
	@# A reinstall of the same version: out with the old one first.
	@if $(DKMS) status $(DKMS_FLAGS) -m forkstats -v $(VERSION) | grep -q .; then \
		echo "$(DKMS) remove $(DKMS_FLAGS) forkstats/$(VERSION) --all"; \
		$(DKMS_RUN) remove $(DKMS_FLAGS) forkstats/$(VERSION) --all; \
	fi
	$(MAKE) dkms-source
	$(DKMS_RUN) add $(DKMS_FLAGS) --sourcetree "$(DKMS_SOURCETREE)" forkstats/$(VERSION)
	$(DKMS_RUN) build $(DKMS_FLAGS) --sourcetree "$(DKMS_SOURCETREE)" $(dkms_kernel) forkstats/$(VERSION)
	$(DKMS_RUN) install $(DKMS_FLAGS) --sourcetree "$(DKMS_SOURCETREE)" $(dkms_kernel) forkstats/$(VERSION)

dkms-remove: dkms-check
	@for v in $$($(DKMS) status $(DKMS_FLAGS) -m forkstats | sed -n 's|^forkstats/\([^,:]*\)[,:].*|\1|p' | sort -u); do \
		echo "$(DKMS) remove $(DKMS_FLAGS) forkstats/$$v --all"; \
		$(DKMS_RUN) remove $(DKMS_FLAGS) forkstats/$$v --all || exit 1; \
		echo "rm -rf $(DKMS_SOURCETREE)/forkstats-$$v"; rm -rf "$(DKMS_SOURCETREE)/forkstats-$$v"; \
	done
	rm -rf "$(DKMS_SRC)"

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

.PHONY: all tools module install install-module install-tools uninstall uninstall-module \
	uninstall-tools dkms-source dkms-check dkms-install dkms-remove check demo bench clean
