# Bulkhead: user entry points.
#   make [BOARD=b]        build build/<board>/bulkhead.iso
#   make run [BOARD=b]    boot it in the board's emulator, serial on this terminal
#   make test             every unit and integration test (ctest)
#   make deps             install the Debian packages everything needs
#   make defconfig | menuconfig | savedefconfig   build options (Kconfig) in build/.config
# Boards are board/<name>.xml; the default is the 2-pCPU Bochs VMX machine.

BOARD ?= bochs-vmx-2
BUILD ?= build
BOARD_XML := board/$(BOARD).xml
BDIR := $(BUILD)/$(BOARD)
ISO := $(BDIR)/bulkhead.iso
EMU_FLAGS ?=
# Boards the integration tests boot; each gets its own ISO.
TEST_BOARDS := bochs-vmx-4 bochs-vmx-2 qemu-tcg

.DEFAULT_GOAL := all
.PHONY: all hypervisor iso run test unit deps deps-check clean help defconfig menuconfig savedefconfig

ifeq ($(wildcard $(BOARD_XML)),)
$(error BOARD=$(BOARD): no such board description $(BOARD_XML); boards: $(notdir $(basename $(wildcard board/*.xml))))
endif

# Build options (Kconfig, kconfiglib): one .config per build tree, created
# from config/defconfig on first use.
KCONFIG_FILE := $(BUILD)/.config
KCONFIG_TOOL := /usr/bin/python3 misc/config_tools/kconfig_tool.py

include hypervisor/build.mk

$(KCONFIG_FILE):
	@$(KCONFIG_TOOL) defconfig --config $@

defconfig:
	$(KCONFIG_TOOL) defconfig --config $(KCONFIG_FILE)

menuconfig:
	$(KCONFIG_TOOL) menuconfig --config $(KCONFIG_FILE)

savedefconfig: $(KCONFIG_FILE)
	$(KCONFIG_TOOL) savedefconfig --config $(KCONFIG_FILE) --out $(BUILD)/defconfig
	@echo "copy $(BUILD)/defconfig to config/defconfig to make it the default"


all: iso
hypervisor: $(HV_ELF)
iso: $(ISO)

# $(call iso_rule,<iso>,<hypervisor command line>): a bootable GRUB ISO.
# The grub.cfg is rewritten only when its text changes, so a new command line
# rebuilds the ISO and an unchanged one does not.
define iso_rule
$(1): $(HV_ELF) $(1).d/boot/grub/grub.cfg
	@cp $(HV_ELF) $(1).d/boot/bulkhead.elf
	@echo "  ISO     $$@"
	@grub-mkrescue -o $$@ $(1).d >$(1).log 2>&1 || { cat $(1).log; exit 1; }

$(1).d/boot/grub/grub.cfg: misc/grub/grub.cfg.in FORCE
	@mkdir -p $$(dir $$@)
	@sed 's|@HV_CMDLINE@|$(2)|' $$< > $$@.tmp
	@cmp -s $$@.tmp $$@ && rm $$@.tmp || mv $$@.tmp $$@
endef

HV_CMDLINE ?=
$(eval $(call iso_rule,$(ISO),$(HV_CMDLINE)))
# Test variant: xAPIC mode forced, so the xAPIC path runs in Bochs too.
XAPIC_ISO := $(BDIR)/bulkhead-xapic.iso
$(eval $(call iso_rule,$(XAPIC_ISO),apic=xapic))

run: deps-check all
	misc/emu/bulkhead-emu --board $(BOARD_XML) --iso $(ISO) $(EMU_FLAGS)

# The tests need every test board's ISO, then run through ctest.
test: deps-check
	@for b in $(TEST_BOARDS); do $(MAKE) --no-print-directory BOARD=$$b iso || exit 1; done
	@$(MAKE) --no-print-directory BOARD=bochs-vmx-2 $(BUILD)/bochs-vmx-2/bulkhead-xapic.iso
	cmake -S . -B $(BUILD)/host -DBH_BUILD_ROOT=$(abspath $(BUILD)) >/dev/null
	cmake --build $(BUILD)/host -j$$(nproc)
	cd $(BUILD)/host && ctest --output-on-failure $(CTEST_FLAGS)

unit: deps-check
	cmake -S . -B $(BUILD)/host -DBH_BUILD_ROOT=$(abspath $(BUILD)) >/dev/null
	cmake --build $(BUILD)/host -j$$(nproc)
	cd $(BUILD)/host && ctest --output-on-failure -L unit

deps:
	misc/deps.sh install

deps-check:
	@misc/deps.sh check || misc/deps.sh install

clean:
	rm -rf $(BUILD)

help:
	@sed -n '2,7p' Makefile
