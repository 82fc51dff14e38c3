// Turning VMX operation on for one pCPU (SDM Vol.3 24.7, 24.8).
#pragma once
#include <cstdint>

namespace bh::x86::vmx {
enum class EnableStatus : uint8_t { ok, disabled_by_firmware, no_memory, vmxon_failed };
const char* to_string(EnableStatus s);
// Sets and locks IA32_FEATURE_CONTROL if firmware left it unlocked, applies
// the CR0/CR4 fixed bits, sets CR4.VMXE and executes VMXON.
EnableStatus enable_this_cpu();
}  // namespace bh::x86::vmx
