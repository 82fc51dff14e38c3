// VMXON on the running pCPU.
#include "arch/x86/vmx/enable.hpp"

#include "arch/x86/cpu.hpp"
#include "arch/x86/memory.hpp"
#include "arch/x86/vmx/caps.hpp"
#include "arch/x86/vmx/vmcs.hpp"

namespace bh::x86::vmx {
namespace {
// IA32_FEATURE_CONTROL bits (SDM Vol.3 24.7).
constexpr uint64_t kFcLock = 1ull << 0, kFcVmxOutsideSmx = 1ull << 2;
}  // namespace

const char* to_string(EnableStatus s) {
    switch (s) {
        case EnableStatus::ok: return "ok";
        case EnableStatus::disabled_by_firmware: return "VMX disabled and locked by firmware (IA32_FEATURE_CONTROL)";
        case EnableStatus::no_memory: return "no memory for the VMXON region";
        case EnableStatus::vmxon_failed: return "VMXON failed";
    }
    return "?";
}

EnableStatus enable_this_cpu() {
    uint64_t fc = rdmsr(Msr::feature_control);
    if ((fc & kFcLock) == 0) {
        fc |= kFcLock | kFcVmxOutsideSmx;
        wrmsr(Msr::feature_control, fc);
    }
    if ((fc & kFcVmxOutsideSmx) == 0) return EnableStatus::disabled_by_firmware;

    // CR0/CR4 bits fixed in VMX operation (SDM Vol.3 A.7, A.8): firmware may
    // leave CR0.NE clear, which VMXON refuses.
    const uint64_t cr0 = (read_cr0() | rdmsr(static_cast<uint32_t>(CapMsr::cr0_fixed0))) &
                         rdmsr(static_cast<uint32_t>(CapMsr::cr0_fixed1));
    write_cr0(cr0);
    const uint64_t cr4 = ((read_cr4() | cr4::vmxe) | rdmsr(static_cast<uint32_t>(CapMsr::cr4_fixed0))) &
                         rdmsr(static_cast<uint32_t>(CapMsr::cr4_fixed1));
    write_cr4(cr4);

    uint64_t region = 0;
    if (!mem::alloc_frames(1, region)) return EnableStatus::no_memory;
    *reinterpret_cast<volatile uint32_t*>(region) = vmcs_revision();  // SDM Vol.3 25.11.5
    return vmxon(region) == VmxResult::ok ? EnableStatus::ok : EnableStatus::vmxon_failed;
}

}  // namespace bh::x86::vmx
