// The feature policy is the table below: one row per capability, with where
// the SDM says to look and whether Bulkhead refuses to run without it.
#include "arch/x86/features.hpp"

#include "arch/x86/cpu.hpp"

namespace bh::x86 {
namespace {

struct Probe {
    uint32_t cpuid_ecx1, cpuid_edx1, cpuid_edx_ext;
    bool vmx;
    uint64_t feature_control, procbased, procbased2, ept_vpid;
};

Probe probe() {
    Probe p{};
    const CpuidRegs l1 = cpuid(1);
    p.cpuid_ecx1 = l1.ecx;
    p.cpuid_edx1 = l1.edx;
    p.cpuid_edx_ext = cpuid(0x80000000).eax >= 0x80000001 ? cpuid(0x80000001).edx : 0;
    p.vmx = (l1.ecx & (1u << 5)) != 0;
    if (!p.vmx) return p;  // the VMX MSRs #GP without VMX (SDM Vol.3 Appendix A)
    p.feature_control = rdmsr(Msr::feature_control);
    p.procbased = rdmsr(Msr::vmx_procbased);
    if ((p.procbased >> 32) & (1ull << 31)) {
        p.procbased2 = rdmsr(Msr::vmx_procbased2);
        if ((p.procbased2 >> 32) & ((1ull << 1) | (1ull << 5))) p.ept_vpid = rdmsr(Msr::vmx_ept_vpid_cap);
    }
    return p;
}

// Allowed-1 settings live in the high half of the control MSRs (SDM Vol.3 A.3).
bool allowed1(uint64_t msr, unsigned bit) { return ((msr >> 32) & (1ull << bit)) != 0; }

}  // namespace

FeatureReport check_features() {
    const Probe p = probe();
    // IA32_FEATURE_CONTROL: usable if unlocked (we set it) or locked with
    // "VMX outside SMX" on (SDM Vol.3 24.7).
    const bool fc_ok = (p.feature_control & 1) == 0 || (p.feature_control & (1ull << 2)) != 0;
    const FeatureCheck rows[] = {
        {"APIC", "CPUID.01H:EDX[9]", true, (p.cpuid_edx1 & (1u << 9)) != 0},
        {"TSC", "CPUID.01H:EDX[4]", true, (p.cpuid_edx1 & (1u << 4)) != 0},
        {"NX (execute disable)", "CPUID.80000001H:EDX[20]", true, (p.cpuid_edx_ext & (1u << 20)) != 0},
        {"VMX", "CPUID.01H:ECX[5]", true, p.vmx},
        {"VMX enabled by firmware", "IA32_FEATURE_CONTROL bits 0,2", true, p.vmx && fc_ok},
        {"VMX secondary controls", "IA32_VMX_PROCBASED_CTLS[63]", true, p.vmx && allowed1(p.procbased, 31)},
        {"EPT", "IA32_VMX_PROCBASED_CTLS2[33]", true, allowed1(p.procbased2, 1)},
        {"unrestricted guest", "IA32_VMX_PROCBASED_CTLS2[39]", true, allowed1(p.procbased2, 7)},
        {"VPID", "IA32_VMX_PROCBASED_CTLS2[37]", true, allowed1(p.procbased2, 5)},
        {"EPT 4-level walk", "IA32_VMX_EPT_VPID_CAP[6]", true, (p.ept_vpid & (1ull << 6)) != 0},
        {"EPT write-back type", "IA32_VMX_EPT_VPID_CAP[14]", true, (p.ept_vpid & (1ull << 14)) != 0},
        {"INVEPT", "IA32_VMX_EPT_VPID_CAP[20]", true, (p.ept_vpid & (1ull << 20)) != 0},
        {"INVVPID", "IA32_VMX_EPT_VPID_CAP[32]", true, (p.ept_vpid & (1ull << 32)) != 0},
        {"x2APIC", "CPUID.01H:ECX[21]", false, (p.cpuid_ecx1 & (1u << 21)) != 0},
        {"TSC deadline", "CPUID.01H:ECX[24]", false, (p.cpuid_ecx1 & (1u << 24)) != 0},
        {"1 GiB pages", "CPUID.80000001H:EDX[26]", false, (p.cpuid_edx_ext & (1u << 26)) != 0},
        {"APIC-register virtualization", "IA32_VMX_PROCBASED_CTLS2[40]", false, allowed1(p.procbased2, 8)},
        {"virtual-interrupt delivery", "IA32_VMX_PROCBASED_CTLS2[41]", false, allowed1(p.procbased2, 9)},
    };
    static_assert(sizeof(rows) / sizeof(rows[0]) <= FeatureReport::kMax);
    FeatureReport r{};
    for (const FeatureCheck& row : rows) {
        r.checks[r.count++] = row;
        if (row.required && !row.present) ++r.missing_required;
    }
    return r;
}

}  // namespace bh::x86
