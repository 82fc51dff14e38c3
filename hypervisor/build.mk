# Freestanding build of the hypervisor image for one board.
# Included by the top-level Makefile with BOARD(_XML), SCENARIO(_XML), BDIR set.

# Every source under hypervisor/ except the host-only tests/ folders.
HV_CXX_SRCS := $(shell find hypervisor -name '*.cpp' -not -path '*/tests/*' | sort)
HV_ASM_SRCS := $(shell find hypervisor -name '*.S' -not -path '*/tests/*' | sort)
HV_OBJDIR := $(BDIR)/obj
HV_OBJS = $(patsubst %,$(HV_OBJDIR)/%.o,$(HV_CXX_SRCS) $(HV_ASM_SRCS)) $(HV_OBJDIR)/gen/vm_acpi.cpp.o
HV_GEN := $(BDIR)/gen
HV_ELF := $(BDIR)/bulkhead.elf
HV_LDS := hypervisor/arch/x86/linker.ld

HV_CXX ?= g++
HV_WARN := -Wall -Wextra -Werror -Wconversion -Wsign-conversion -Wshadow -Wold-style-cast \
           -Wsuggest-override -Wnon-virtual-dtor
HV_CXXFLAGS := -std=c++20 -O2 -g -ffreestanding -fno-exceptions -fno-rtti -fno-asynchronous-unwind-tables \
               -fno-unwind-tables -fno-threadsafe-statics -fno-stack-protector -fno-pie -mno-red-zone \
               -mgeneral-regs-only -mcmodel=small -fno-tree-loop-distribute-patterns -fno-common \
               $(HV_WARN) -Ihypervisor -I$(HV_GEN) -MMD -MP
HV_ASFLAGS := -fno-pie -Ihypervisor -MMD -MP
HV_LDFLAGS := -nostdlib -static -no-pie -T $(HV_LDS) -Wl,-z,max-page-size=0x1000 -Wl,--build-id=none \
              -Wl,-z,noexecstack

HV_VERSION := $(shell git describe --always --dirty 2>/dev/null || echo unknown)
# The version is baked into generated/board.hpp: a file that changes with it.
HV_VERSION_FILE := $(BUILD)/version-$(HV_VERSION)
$(HV_VERSION_FILE):
	@mkdir -p $(dir $@)
	@rm -f $(BUILD)/version-*
	@touch $@

# Configuration: board XML + scenario XML + .config -> validated C++ tables.
# Re-run whenever any input or the generator itself changes; a stamp stands
# for the set of files it writes (each rewritten only when its text changes).
HV_CONFIG_TOOLS := $(wildcard misc/config_tools/*.py misc/config_tools/bhconfig/*.py \
                   misc/config_tools/schema/*.xsd misc/config_tools/acpi/*)
HV_GEN_STAMP := $(HV_GEN)/.generated
HV_GENERATED := $(HV_GEN)/generated/kconfig.hpp $(HV_GEN_STAMP)
HV_GEN_CXX := $(HV_GEN)/generated/vm_acpi.cpp

$(HV_GEN_STAMP): $(BOARD_XML) $(SCENARIO_XML) $(KCONFIG_FILE) $(HV_CONFIG_TOOLS) $(HV_VERSION_FILE)
	@mkdir -p $(HV_GEN)
	@echo "  CONFIG  $(BOARD) + $(SCENARIO)"
	@/usr/bin/python3 misc/config_tools/gen_config.py --board $(BOARD_XML) --scenario $(SCENARIO_XML) \
		--kconfig $(KCONFIG_FILE) --version "0.1.0-$(HV_VERSION)" --out-dir $(HV_GEN)
	@touch $@

$(HV_GEN_CXX): $(HV_GEN_STAMP)

# Build options: regenerated whenever the .config or the Kconfig changes.
$(HV_GEN)/generated/kconfig.hpp: $(KCONFIG_FILE) hypervisor/Kconfig misc/config_tools/kconfig_tool.py
	@echo "  KCONFIG $@"
	@$(KCONFIG_TOOL) header --config $(KCONFIG_FILE) --out $@

$(HV_OBJDIR)/%.cpp.o: %.cpp $(HV_GENERATED)
	@mkdir -p $(dir $@)
	@echo "  CXX     $<"
	@$(HV_CXX) $(HV_CXXFLAGS) -c $< -o $@

$(HV_OBJDIR)/gen/vm_acpi.cpp.o: $(HV_GEN_CXX) $(HV_GENERATED)
	@mkdir -p $(dir $@)
	@echo "  CXX     $<"
	@$(HV_CXX) $(HV_CXXFLAGS) -c $< -o $@

$(HV_OBJDIR)/%.S.o: %.S
	@mkdir -p $(dir $@)
	@echo "  AS      $<"
	@$(HV_CXX) $(HV_ASFLAGS) -c $< -o $@

$(HV_ELF): $(HV_OBJS) $(HV_LDS)
	@echo "  LD      $@"
	@$(HV_CXX) $(HV_LDFLAGS) -o $@ $(HV_OBJS) -lgcc
	@grub-file --is-x86-multiboot2 $@ || { echo "error: $@ is not a valid Multiboot2 image"; exit 1; }

.PHONY: FORCE
FORCE:

-include $(HV_OBJS:.o=.d)
