// hal/virt.hpp on VMX: the vCPU pinned to this pCPU, started through the
// guest loader glue (guest_boot.cpp).
#include "arch/x86/vmx/guest_boot.hpp"
#include "arch/x86/vmx/vms.hpp"
#include "hal/cpu.hpp"
#include "hal/virt.hpp"

namespace bh::hal {

bool vcpu_pinned_here() { return x86::vmx::has_vcpu(this_cpu()); }

void run_pinned_vcpu(void (*between_runs)()) {
    x86::vmx::run_vcpu(this_cpu(), x86::vmx::prepare_guest, between_runs);
}

}  // namespace bh::hal
