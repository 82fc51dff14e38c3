// The arch-neutral view of running guests that common code uses.
#pragma once
#include <cstdint>

namespace bh::hal {

// Whether a pre-launched VM's vCPU is pinned to the calling pCPU.
bool vcpu_pinned_here();
// Runs that vCPU until its VM stops. `between_runs` is called after every
// VM exit with interrupts enabled (the shell pCPU services its console).
void run_pinned_vcpu(void (*between_runs)());

enum class VcpuState : uint8_t { not_started, running, halted, stopped };
const char* to_string(VcpuState s);

struct VcpuInfo {
    uint16_t vm_id;
    const char* vm_name;
    uint16_t index;  // vCPU number within its VM
    uint32_t pcpu;
    VcpuState state;
};

// The vCPUs of the pre-launched VMs, in pCPU order: for the shell.
uint32_t vcpu_total();
bool vcpu_info(uint32_t n, VcpuInfo& out);
// VM-exit counts of vCPU n by basic exit reason (0..63), and the reasons' names.
uint64_t vcpu_exit_count(uint32_t n, uint32_t reason);
const char* exit_reason_name(uint32_t reason);

}  // namespace bh::hal
