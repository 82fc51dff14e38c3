# Bulkhead: user entry points.
#   make [BOARD=b] [SCENARIO=s]   build build/<board>/<scenario>/bulkhead.iso
#   make run [BOARD=b] [SCENARIO=s]   boot it in the board's emulator, serial here
#   make test             every unit and integration test (ctest)
#   make deps             install the Debian packages everything needs
#   make defconfig | menuconfig | savedefconfig   build options (Kconfig) in build/.config
# Boards are board/<name>.xml (default: the 2-pCPU Bochs VMX machine),
# scenarios config/scenarios/<name>.xml (default: partitioned).

BOARD ?= bochs-vmx-2
SCENARIO ?= partitioned
BUILD ?= build
BOARD_XML ?= board/$(BOARD).xml
# Shipped scenarios, then the test-only ones of the integration tests.
SCENARIO_XML ?= $(firstword $(wildcard config/scenarios/$(SCENARIO).xml tests/integration/scenarios/$(SCENARIO).xml) \
                  config/scenarios/$(SCENARIO).xml)
BDIR := $(BUILD)/$(BOARD)/$(SCENARIO)
ISO := $(BDIR)/bulkhead.iso
EMU_FLAGS ?=
# Boards the integration tests boot; each gets its own ISO.
# <board>:<scenario> pairs the integration tests boot; each gets its own ISO.
TEST_ISOS := bochs-vmx-4:partitioned bochs-vmx-2:partitioned qemu-tcg:partitioned \
             bochs-vmx-4:hybrid-rt bochs-vmx-2:shared bochs-vmx-2:triple-fault bochs-vmx-2:halt
# Every shipped board/scenario pair that makes sense; `make all-configs`
# (part of `make test`) builds the hypervisor for each.
ALL_CONFIGS := bochs-vmx-2:partitioned bochs-vmx-2:shared \
               bochs-vmx-4:partitioned bochs-vmx-4:shared bochs-vmx-4:hybrid-rt \
               qemu-tcg:partitioned qemu-tcg:shared \
               ipc-8t-2nic:partitioned ipc-8t-2nic:shared ipc-8t-2nic:hybrid-rt ipc-8t-2nic:industrial

.DEFAULT_GOAL := all
.PHONY: all-configs all hypervisor iso run test unit deps deps-check clean help defconfig menuconfig savedefconfig

ifeq ($(wildcard $(BOARD_XML)),)
$(error BOARD=$(BOARD): no such board description $(BOARD_XML); boards: $(notdir $(basename $(wildcard board/*.xml))))
endif
ifeq ($(wildcard $(SCENARIO_XML)),)
$(error SCENARIO=$(SCENARIO): no such scenario $(SCENARIO_XML); scenarios: $(notdir $(basename $(wildcard config/scenarios/*.xml))))
endif

# Build options (Kconfig, kconfiglib): one .config per build tree, created
# from config/defconfig on first use.
KCONFIG_FILE := $(BUILD)/.config
KCONFIG_TOOL := /usr/bin/python3 misc/config_tools/kconfig_tool.py

include hypervisor/build.mk
include guests/guests.mk
GUEST_IMAGES := $(TEST_KERNEL)

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

# $(call iso_rule,<iso>,<hypervisor command line>): a bootable GRUB ISO with
# the scenario's boot modules (misc/mkiso.sh).
define iso_rule
$(1): $(HV_ELF) $(HV_GEN_STAMP) misc/grub/grub.cfg.in misc/mkiso.sh $(GUEST_IMAGES)
	@echo "  ISO     $$@"
	@misc/mkiso.sh $$@ $(HV_ELF) "$(2)" $(HV_GEN)/modules.txt $(BUILD)
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
	@for c in $(TEST_ISOS); do \
		$(MAKE) --no-print-directory -j$$(nproc) BOARD=$${c%%:*} SCENARIO=$${c##*:} iso || exit 1; done
	@$(MAKE) --no-print-directory all-configs
	@$(MAKE) --no-print-directory -j$$(nproc) BOARD=bochs-vmx-2 $(BUILD)/bochs-vmx-2/partitioned/bulkhead-xapic.iso
	cmake -S . -B $(BUILD)/host -DBH_BUILD_ROOT=$(abspath $(BUILD)) >/dev/null
	cmake --build $(BUILD)/host -j$$(nproc)
	cd $(BUILD)/host && ctest --output-on-failure $(CTEST_FLAGS)

all-configs:
	@for c in $(ALL_CONFIGS); do \
		$(MAKE) --no-print-directory -j$$(nproc) BOARD=$${c%%:*} SCENARIO=$${c##*:} hypervisor || exit 1; done

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
