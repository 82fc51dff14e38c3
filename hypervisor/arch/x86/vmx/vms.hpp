// Pre-launched VMs on VMX: resources from the static VM table, one vCPU
// pinned to each of the VM's pCPUs.
#pragma once
#include <cstdint>

#include "arch/x86/loader/boot_state.hpp"

namespace bh::x86::vmx {

enum class VmsStatus : uint8_t { ok, controls_missing, no_memory };
const char* to_string(VmsStatus s);

// BSP, before the APs start: control values and per-VM resources (EPT,
// I/O and MSR bitmaps).
VmsStatus init_vms();
// Every pCPU: VMXON. Returns false (and logs) on failure.
bool enable_this_cpu_logged(uint32_t pcpu);
// The vCPU pinned to `pcpu`, if any: loads its entry state and runs it until
// its VM stops. `prepare` builds the entry state (the guest loader).
using PrepareFn = bool (*)(uint16_t vm_id, uint16_t vcpu, loader::BootState& st);
bool has_vcpu(uint32_t pcpu);
class Vcpu;
Vcpu* vcpu_on(uint32_t pcpu);
void run_vcpu(uint32_t pcpu, PrepareFn prepare, void (*between_runs)());

}  // namespace bh::x86::vmx
