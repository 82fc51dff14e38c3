// VMX capability MSRs and the control values Bulkhead runs guests with.
#pragma once
#include <cstdint>

namespace bh::x86::vmx {

// Capability MSRs (SDM Vol.3 Appendix A).
enum class CapMsr : uint32_t {
    basic = 0x480,
    pinbased = 0x481,
    procbased = 0x482,
    exit = 0x483,
    entry = 0x484,
    misc = 0x485,
    cr0_fixed0 = 0x486,
    cr0_fixed1 = 0x487,
    cr4_fixed0 = 0x488,
    cr4_fixed1 = 0x489,
    procbased2 = 0x48b,
    ept_vpid = 0x48c,
    true_pinbased = 0x48d,
    true_procbased = 0x48e,
    true_exit = 0x48f,
    true_entry = 0x490,
};

// Control bits (SDM Vol.3 25.6, 25.7, 25.8).
namespace pin {
constexpr uint32_t external_interrupt_exiting = 1u << 0, nmi_exiting = 1u << 3, virtual_nmis = 1u << 5;
}
namespace proc {
constexpr uint32_t interrupt_window = 1u << 2, hlt_exiting = 1u << 7, cr3_load = 1u << 15, cr3_store = 1u << 16,
                   nmi_window = 1u << 22, io_bitmaps = 1u << 25, msr_bitmaps = 1u << 28, secondary = 1u << 31;
}
namespace proc2 {
constexpr uint32_t ept = 1u << 1, rdtscp = 1u << 3, vpid = 1u << 5, unrestricted = 1u << 7, invpcid = 1u << 12,
                   xsaves = 1u << 20;
}
namespace exit_ctl {
constexpr uint32_t host_64bit = 1u << 9, save_pat = 1u << 18, load_pat = 1u << 19, save_efer = 1u << 20,
                   load_efer = 1u << 21;
}
namespace entry_ctl {
constexpr uint32_t ia32e_guest = 1u << 9, load_pat = 1u << 14, load_efer = 1u << 15;
}

struct Controls {
    uint32_t pin, proc, proc2, exit, entry;
};

enum class CapsStatus : uint8_t { ok, missing_required };

// Reads the capability MSRs once (BSP) and computes the controls: every
// required bit must be allowed to be 1; bits the CPU forces to 1 are set.
CapsStatus compute_controls(Controls& out, uint32_t& missing_bit_field, uint32_t& missing_bits);
uint32_t vmcs_revision();
// Adjusts `desired` to what capability MSR `msr` allows (SDM Vol.3 A.3):
// low half = allowed-0 settings (1 means must be 1), high half = allowed-1.
constexpr uint32_t adjust(uint32_t desired, uint64_t msr) {
    return (desired | static_cast<uint32_t>(msr)) & static_cast<uint32_t>(msr >> 32);
}

}  // namespace bh::x86::vmx
