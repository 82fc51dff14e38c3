// The guest MSR policy table and the emulated MSRs' semantics.
#include "arch/x86/vmsr/msr_policy.hpp"

namespace bh::x86::vmsr {
namespace {

struct Rule {
    uint32_t first, last;
    MsrKind kind;
    const char* name;
};

// Passthrough MSRs are either guest state the VMCS switches (SYSENTER, FS/GS
// base) or MSRs the hypervisor never uses itself (STAR/LSTAR/CSTAR/FMASK,
// KERNEL_GS_BASE, TSC_AUX: no syscalls, no RDTSCP in the host); each pCPU
// runs one pre-launched vCPU, so nothing has to be swapped.
constexpr Rule kRules[] = {
    {msr::tsc, msr::tsc, MsrKind::read_only, "IA32_TIME_STAMP_COUNTER"},
    {msr::apic_base, msr::apic_base, MsrKind::emulated, "IA32_APIC_BASE"},
    {msr::feature_control, msr::feature_control, MsrKind::emulated, "IA32_FEATURE_CONTROL"},
    {msr::mtrr_cap, msr::mtrr_cap, MsrKind::emulated, "IA32_MTRRCAP"},
    {msr::sysenter_cs, msr::sysenter_eip, MsrKind::passthrough, "IA32_SYSENTER_*"},
    {msr::misc_enable, msr::misc_enable, MsrKind::emulated, "IA32_MISC_ENABLE"},
    {msr::mtrr_phys_base0, msr::mtrr_phys_mask7, MsrKind::emulated, "IA32_MTRR_PHYS*"},
    {msr::mtrr_fix64k, msr::mtrr_fix64k, MsrKind::emulated, "IA32_MTRR_FIX64K"},
    {msr::mtrr_fix16k_80000, msr::mtrr_fix16k_a0000, MsrKind::emulated, "IA32_MTRR_FIX16K"},
    {msr::mtrr_fix4k_c0000, msr::mtrr_fix4k_f8000, MsrKind::emulated, "IA32_MTRR_FIX4K"},
    {msr::pat, msr::pat, MsrKind::emulated, "IA32_PAT"},
    {msr::mtrr_def_type, msr::mtrr_def_type, MsrKind::emulated, "IA32_MTRR_DEF_TYPE"},
    {msr::tsc_deadline, msr::tsc_deadline, MsrKind::emulated, "IA32_TSC_DEADLINE"},
    {msr::efer, msr::efer, MsrKind::emulated, "IA32_EFER"},
    {msr::star, msr::fmask, MsrKind::passthrough, "IA32_STAR/LSTAR/CSTAR/FMASK"},
    {msr::fs_base, msr::tsc_aux, MsrKind::passthrough, "IA32_FS/GS/KERNEL_GS_BASE, TSC_AUX"},
};

// Bits (SDM Vol.4 Table 2-2, Vol.3 11.4.4, 12.11, 12.12).
constexpr uint64_t kApicBaseBsp = 1ull << 8, kApicBaseX2 = 1ull << 10, kApicBaseEnable = 1ull << 11;
constexpr uint64_t kApicBaseDefault = 0xfee00000ull;
constexpr uint64_t kApicBaseAddrMask = 0x0000000ffffff000ull;  // 36-bit MAXPHYADDR is the safe floor
constexpr uint64_t kFeatureControlLocked = 1;                   // VMX not offered to guests
constexpr uint64_t kMtrrCap = kVariableMtrrs | (1u << 8) | (1u << 10);  // VCNT, FIX, WC
constexpr uint64_t kMtrrDefTypeWritable = 0xcffull;                     // type 7:0, FE bit 10, E bit 11
constexpr uint64_t kMiscEnableFastStrings = 1;                          // bit 0
constexpr uint64_t kEferWritable = (1ull << 0) | (1ull << 8) | (1ull << 11);  // SCE, LME, NXE
constexpr uint64_t kEferLma = 1ull << 10;

bool valid_type(uint64_t t) { return t == 0 || t == 1 || t == 4 || t == 5 || t == 6; }  // UC WC WT WP WB

bool valid_pat(uint64_t v) {
    for (int i = 0; i < 8; ++i) {
        const uint64_t t = (v >> (8 * i)) & 0xff;
        if (!valid_type(t) && t != 7) return false;  // 7 = UC- is valid in PAT only
    }
    return true;
}

bool valid_fixed_mtrr(uint64_t v) {
    for (int i = 0; i < 8; ++i)
        if (!valid_type((v >> (8 * i)) & 0xff)) return false;
    return true;
}

const Rule* rule_for(uint32_t m) {
    for (const Rule& r : kRules)
        if (m >= r.first && m <= r.last) return &r;
    return nullptr;
}

size_t fixed_index(uint32_t m) {
    if (m == msr::mtrr_fix64k) return 0;
    if (m <= msr::mtrr_fix16k_a0000) return 1 + (m - msr::mtrr_fix16k_80000);
    return 3 + (m - msr::mtrr_fix4k_c0000);
}

}  // namespace

MsrKind kind_of(uint32_t m) {
    const Rule* r = rule_for(m);
    return r == nullptr ? MsrKind::gp : r->kind;
}

const char* name_of(uint32_t m) {
    const Rule* r = rule_for(m);
    return r == nullptr ? "unknown" : r->name;
}

void reset(VirtualMsrs& m, bool bsp) {
    m = VirtualMsrs{};
    m.apic_base = kApicBaseDefault | kApicBaseEnable | (bsp ? kApicBaseBsp : 0);
    m.misc_enable = kMiscEnableFastStrings;
}

MsrResult read(uint32_t m, const VirtualMsrs& v, MsrBackend& be, uint64_t& value) {
    switch (kind_of(m)) {
        case MsrKind::gp: return MsrResult::gp;
        case MsrKind::passthrough:
        case MsrKind::read_only:
            if (m == msr::tsc) {
                value = be.guest_tsc();
                return MsrResult::ok;
            }
            return MsrResult::gp;  // passthrough MSRs never exit; an exit here is a bitmap bug
        case MsrKind::emulated: break;
    }
    if (m == msr::apic_base) value = v.apic_base;
    else if (m == msr::feature_control) value = kFeatureControlLocked;
    else if (m == msr::mtrr_cap) value = kMtrrCap;
    else if (m == msr::misc_enable) value = v.misc_enable;
    else if (m == msr::pat) value = be.guest_pat();
    else if (m == msr::efer) value = be.guest_efer();
    else if (m == msr::tsc_deadline) value = v.tsc_deadline;
    else if (m == msr::mtrr_def_type) value = v.mtrr_def_type;
    else if (m >= msr::mtrr_phys_base0 && m <= msr::mtrr_phys_mask7) value = v.mtrr_var[m - msr::mtrr_phys_base0];
    else value = v.mtrr_fixed[fixed_index(m)];
    return MsrResult::ok;
}

MsrResult write(uint32_t m, VirtualMsrs& v, MsrBackend& be, uint64_t value) {
    if (kind_of(m) != MsrKind::emulated) return MsrResult::gp;
    if (m == msr::apic_base) {
        // Keep BSP (read-only); the address and mode bits are the vLAPIC's to act on.
        const uint64_t writable = kApicBaseAddrMask | kApicBaseEnable | kApicBaseX2;
        if ((value & ~(writable | kApicBaseBsp)) != 0) return MsrResult::gp;
        // x2APIC enabled without the global enable is invalid (SDM Vol.3 11.12.5).
        if ((value & kApicBaseX2) != 0 && (value & kApicBaseEnable) == 0) return MsrResult::gp;
        v.apic_base = (v.apic_base & kApicBaseBsp) | (value & writable);
    } else if (m == msr::feature_control || m == msr::mtrr_cap) {
        return MsrResult::gp;  // locked / read-only
    } else if (m == msr::misc_enable) {
        v.misc_enable = value;
    } else if (m == msr::pat) {
        if (!valid_pat(value)) return MsrResult::gp;
        be.set_guest_pat(value);
    } else if (m == msr::efer) {
        if ((value & ~(kEferWritable | kEferLma)) != 0) return MsrResult::gp;
        // LMA is the CPU's to set (SDM Vol.3 2.2.1): keep the current one.
        be.set_guest_efer((value & kEferWritable) | (be.guest_efer() & kEferLma));
    } else if (m == msr::tsc_deadline) {
        v.tsc_deadline = value;
    } else if (m == msr::mtrr_def_type) {
        if ((value & ~kMtrrDefTypeWritable) != 0 || !valid_type(value & 0xff)) return MsrResult::gp;
        v.mtrr_def_type = value;
    } else if (m >= msr::mtrr_phys_base0 && m <= msr::mtrr_phys_mask7) {
        const bool is_base = ((m - msr::mtrr_phys_base0) & 1) == 0;
        if (is_base && !valid_type(value & 0xff)) return MsrResult::gp;
        if ((value & (is_base ? 0xf00ull : 0x7ffull)) != 0) return MsrResult::gp;  // reserved bits
        v.mtrr_var[m - msr::mtrr_phys_base0] = value;
    } else {
        if (!valid_fixed_mtrr(value)) return MsrResult::gp;
        v.mtrr_fixed[fixed_index(m)] = value;
    }
    return MsrResult::ok;
}

void fill_bitmap(uint8_t* bitmap) {
    for (size_t i = 0; i < 4096; ++i) bitmap[i] = 0xff;
    auto clear = [bitmap](uint32_t m, bool for_write) {
        // Low MSRs 0-0x1fff at +0 (read) / +2048 (write); high MSRs
        // 0xc0000000-0xc0001fff at +1024 / +3072.
        const bool high = m >= 0xc0000000u;
        const uint32_t idx = m & 0x1fff;
        const size_t base = (high ? 1024u : 0u) + (for_write ? 2048u : 0u);
        bitmap[base + idx / 8] = static_cast<uint8_t>(bitmap[base + idx / 8] & ~(1u << (idx % 8)));
    };
    for (const Rule& r : kRules) {
        for (uint32_t m = r.first; m <= r.last; ++m) {
            if (r.kind == MsrKind::passthrough || r.kind == MsrKind::read_only) clear(m, false);
            if (r.kind == MsrKind::passthrough) clear(m, true);
        }
    }
}

}  // namespace bh::x86::vmsr
