// Thin, typed wrappers over x86 instructions: port I/O, MSRs, CPUID, control
// registers, TSC. Ring 0 only.
#pragma once
#include <cstdint>

namespace bh::x86 {

// Architectural MSRs used by the foundation (SDM Vol.4 Table 2-2).
enum class Msr : uint32_t {
    apic_base = 0x1b,           // IA32_APIC_BASE
    feature_control = 0x3a,     // IA32_FEATURE_CONTROL
    tsc_deadline = 0x6e0,       // IA32_TSC_DEADLINE
    vmx_basic = 0x480,          // IA32_VMX_BASIC (Appendix A.1)
    vmx_pinbased = 0x481,
    vmx_procbased = 0x482,
    vmx_exit = 0x483,
    vmx_entry = 0x484,
    vmx_procbased2 = 0x48b,     // IA32_VMX_PROCBASED_CTLS2 (A.3.3)
    vmx_ept_vpid_cap = 0x48c,   // IA32_VMX_EPT_VPID_CAP (A.10)
    vmx_true_pinbased = 0x48d,
    efer = 0xc0000080,          // IA32_EFER
    fs_base = 0xc0000100,
    gs_base = 0xc0000101,
    x2apic_base = 0x800,        // x2APIC register space 0x800-0x8ff (SDM Vol.3 11.12.1.2)
};

struct CpuidRegs {
    uint32_t eax, ebx, ecx, edx;
};

inline CpuidRegs cpuid(uint32_t leaf, uint32_t subleaf = 0) {
    CpuidRegs r{};
    asm volatile("cpuid" : "=a"(r.eax), "=b"(r.ebx), "=c"(r.ecx), "=d"(r.edx) : "a"(leaf), "c"(subleaf));
    return r;
}

inline uint64_t rdmsr(uint32_t msr) {
    uint32_t lo = 0, hi = 0;
    asm volatile("rdmsr" : "=a"(lo), "=d"(hi) : "c"(msr));
    return (static_cast<uint64_t>(hi) << 32) | lo;
}
inline uint64_t rdmsr(Msr msr) { return rdmsr(static_cast<uint32_t>(msr)); }

inline void wrmsr(uint32_t msr, uint64_t v) {
    asm volatile("wrmsr" : : "c"(msr), "a"(static_cast<uint32_t>(v)), "d"(static_cast<uint32_t>(v >> 32)) : "memory");
}
inline void wrmsr(Msr msr, uint64_t v) { wrmsr(static_cast<uint32_t>(msr), v); }

inline uint8_t inb(uint16_t port) {
    uint8_t v = 0;
    asm volatile("inb %1, %0" : "=a"(v) : "Nd"(port));
    return v;
}
inline void outb(uint16_t port, uint8_t v) { asm volatile("outb %0, %1" : : "a"(v), "Nd"(port)); }
inline uint32_t inl(uint16_t port) {
    uint32_t v = 0;
    asm volatile("inl %1, %0" : "=a"(v) : "Nd"(port));
    return v;
}
inline void outl(uint16_t port, uint32_t v) { asm volatile("outl %0, %1" : : "a"(v), "Nd"(port)); }

inline uint64_t rdtsc() {
    uint32_t lo = 0, hi = 0;
    asm volatile("rdtsc" : "=a"(lo), "=d"(hi));
    return (static_cast<uint64_t>(hi) << 32) | lo;
}

inline uint64_t read_cr0() { uint64_t v; asm volatile("mov %%cr0, %0" : "=r"(v)); return v; }
inline uint64_t read_cr2() { uint64_t v; asm volatile("mov %%cr2, %0" : "=r"(v)); return v; }
inline uint64_t read_cr3() { uint64_t v; asm volatile("mov %%cr3, %0" : "=r"(v)); return v; }
inline uint64_t read_cr4() { uint64_t v; asm volatile("mov %%cr4, %0" : "=r"(v)); return v; }
inline void write_cr0(uint64_t v) { asm volatile("mov %0, %%cr0" : : "r"(v) : "memory"); }
inline void write_cr3(uint64_t v) { asm volatile("mov %0, %%cr3" : : "r"(v) : "memory"); }
inline void write_cr4(uint64_t v) { asm volatile("mov %0, %%cr4" : : "r"(v) : "memory"); }

inline uint64_t read_rflags() {
    uint64_t v;
    asm volatile("pushfq; popq %0" : "=r"(v));
    return v;
}

inline void pause() { asm volatile("pause"); }

// CR0/CR4/EFER/RFLAGS bits (SDM Vol.3 2.5, 2.2.1).
namespace cr0 {
constexpr uint64_t pe = 1ull << 0, mp = 1ull << 1, et = 1ull << 4, ne = 1ull << 5, wp = 1ull << 16,
                   nw = 1ull << 29, cd = 1ull << 30, pg = 1ull << 31;
}
namespace cr4 {
constexpr uint64_t pae = 1ull << 5, pge = 1ull << 7, osfxsr = 1ull << 9, osxmmexcpt = 1ull << 10,
                   vmxe = 1ull << 13, smep = 1ull << 20;
}
namespace efer {
constexpr uint64_t sce = 1ull << 0, lme = 1ull << 8, lma = 1ull << 10, nxe = 1ull << 11;
}
constexpr uint64_t kRflagsIf = 1ull << 9;

}  // namespace bh::x86
