// hal/virt.hpp on VMX: the vCPU pinned to this pCPU, started through the
// guest loader glue (guest_boot.cpp).
#include "arch/x86/vmx/guest_boot.hpp"
#include "arch/x86/vmx/exits.hpp"
#include "arch/x86/vmx/vcpu.hpp"
#include "arch/x86/vmx/vms.hpp"
#include "common/config.hpp"
#include "hal/cpu.hpp"
#include "hal/virt.hpp"

namespace bh::hal {

bool vcpu_pinned_here() { return x86::vmx::has_vcpu(this_cpu()); }

void run_pinned_vcpu(void (*between_runs)()) {
    x86::vmx::run_vcpu(this_cpu(), x86::vmx::prepare_guest, between_runs);
}

namespace {
// The n-th pCPU (in order) that has a pinned vCPU.
x86::vmx::Vcpu* nth(uint32_t n, uint32_t* pcpu) {
    for (uint32_t p = 0; p < config::kMaxPcpu; ++p) {
        x86::vmx::Vcpu* v = x86::vmx::vcpu_on(p);
        if (v == nullptr) continue;
        if (n-- == 0) {
            if (pcpu != nullptr) *pcpu = p;
            return v;
        }
    }
    return nullptr;
}
}  // namespace

const char* to_string(VcpuState s) {
    switch (s) {
        case VcpuState::not_started: return "not started";
        case VcpuState::running: return "running";
        case VcpuState::halted: return "halted";
        case VcpuState::stopped: return "stopped";
    }
    return "?";
}

uint32_t vcpu_total() {
    uint32_t n = 0;
    while (nth(n, nullptr) != nullptr) ++n;
    return n;
}

bool vcpu_info(uint32_t n, VcpuInfo& out) {
    uint32_t pcpu = 0;
    x86::vmx::Vcpu* v = nth(n, &pcpu);
    if (v == nullptr) return false;
    out = VcpuInfo{v->vm().id, v->vm().name, v->index(), pcpu, v->state()};
    return true;
}

uint64_t vcpu_exit_count(uint32_t n, uint32_t reason) {
    x86::vmx::Vcpu* v = nth(n, nullptr);
    return v == nullptr ? 0 : v->exit_count(reason);
}

const char* exit_reason_name(uint32_t reason) { return x86::vmx::exit_name(static_cast<uint16_t>(reason)); }

}  // namespace bh::hal
