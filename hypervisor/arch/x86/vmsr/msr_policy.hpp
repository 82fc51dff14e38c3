// What a guest's RDMSR/WRMSR do: the policy is the rule table in
// msr_policy.cpp (one row per MSR or range), not conditions spread over
// the exit handler. Pure logic: the VMCS-held MSRs (PAT, EFER) and the TSC
// are reached through MsrBackend, so it is unit-tested on the host.
#pragma once
#include <cstddef>
#include <cstdint>

namespace bh::x86::vmsr {

enum class MsrKind : uint8_t {
    passthrough,  // guest reads and writes the hardware MSR, no exit (MSR bitmap bit clear)
    read_only,    // reads pass through, writes exit and raise #GP
    emulated,     // both exit; the value lives in VirtualMsrs or the VMCS
    gp,           // not available to guests: #GP
};

enum class MsrResult : uint8_t { ok, gp };

// Architectural MSRs of the policy (SDM Vol.4 Table 2-2).
namespace msr {
constexpr uint32_t tsc = 0x10, apic_base = 0x1b, feature_control = 0x3a, mtrr_cap = 0xfe, sysenter_cs = 0x174,
                   sysenter_esp = 0x175, sysenter_eip = 0x176, misc_enable = 0x1a0, mtrr_phys_base0 = 0x200,
                   mtrr_phys_mask7 = 0x20f, mtrr_fix64k = 0x250, mtrr_fix16k_80000 = 0x258,
                   mtrr_fix16k_a0000 = 0x259, mtrr_fix4k_c0000 = 0x268, mtrr_fix4k_f8000 = 0x26f, pat = 0x277,
                   mtrr_def_type = 0x2ff, tsc_deadline = 0x6e0, efer = 0xc0000080, star = 0xc0000081,
                   lstar = 0xc0000082, cstar = 0xc0000083, fmask = 0xc0000084, fs_base = 0xc0000100,
                   gs_base = 0xc0000101, kernel_gs_base = 0xc0000102, tsc_aux = 0xc0000103;
}

constexpr uint32_t kVariableMtrrs = 8;
constexpr uint32_t kFixedMtrrs = 11;

// Per-vCPU values of the emulated MSRs that do not live in the VMCS.
struct VirtualMsrs {
    uint64_t apic_base;
    uint64_t tsc_deadline;
    uint64_t misc_enable;
    uint64_t mtrr_def_type;
    uint64_t mtrr_fixed[kFixedMtrrs];
    uint64_t mtrr_var[2 * kVariableMtrrs];  // base0, mask0, base1, ...
};

// Guest state the policy reads or changes outside VirtualMsrs.
class MsrBackend {
public:
    virtual uint64_t guest_pat() = 0;
    virtual void set_guest_pat(uint64_t v) = 0;
    virtual uint64_t guest_efer() = 0;
    virtual void set_guest_efer(uint64_t v) = 0;
    virtual uint64_t guest_tsc() = 0;

protected:
    ~MsrBackend() = default;
};

MsrKind kind_of(uint32_t msr);
const char* name_of(uint32_t msr);
// Power-on values (SDM Vol.3 Table 10-1): x2APIC off, xAPIC enabled at
// 0xFEE00000, BSP flag on vCPU 0; MTRRs disabled; PAT default via the VMCS.
void reset(VirtualMsrs& m, bool bsp);
MsrResult read(uint32_t msr, const VirtualMsrs& m, MsrBackend& be, uint64_t& value);
MsrResult write(uint32_t msr, VirtualMsrs& m, MsrBackend& be, uint64_t value);

// The 4 KiB VMX MSR bitmap for this policy (SDM Vol.3 25.6.9): a set bit
// makes the access exit. Passthrough MSRs are clear for read and write,
// read-only ones for read only.
void fill_bitmap(uint8_t* bitmap4k);

}  // namespace bh::x86::vmsr
