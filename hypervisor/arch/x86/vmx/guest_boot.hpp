// Building a vCPU's entry state from the scenario: find the VM's kernel
// module, load it into guest RAM with the right loader, install the ACPI
// tables, and translate the loader's boot state into VMX terms.
#pragma once
#include <cstdint>

#include "arch/x86/loader/boot_state.hpp"

namespace bh::x86::vmx {
bool prepare_guest(uint16_t vm_id, uint16_t vcpu, loader::BootState& st);
}
