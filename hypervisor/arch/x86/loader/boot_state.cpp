// Boot vCPU states (flat 32-bit protected mode, 64-bit long mode) and the boot GDT matching them.
#include "arch/x86/loader/boot_state.hpp"

namespace bh::x86::loader {
namespace {

constexpr Segment flat(uint16_t selector, uint32_t access) { return Segment{selector, 0, kFlatLimit, access}; }

BootState base_state(uint64_t entry, uint32_t code_ar, uint64_t gdt_base) {
    BootState s{};
    s.rip = entry;
    s.rflags = kRflagsFixed;
    s.cs = flat(kBootCs, code_ar);
    s.ds = s.es = s.ss = s.fs = s.gs = flat(kBootDs, ar::kData);
    s.tr = Segment{0, 0, 0xffff, ar::kTss};
    s.ldtr = Segment{0, 0, 0, ar::kUnusable};
    s.gdtr = DescriptorTable{gdt_base, kBootGdtLimit};
    s.idtr = DescriptorTable{0, 0};
    return s;
}

}  // namespace

const char* to_string(CpuMode m) {
    switch (m) {
        case CpuMode::real16: return "16-bit real mode";
        case CpuMode::protected32: return "32-bit protected mode";
        case CpuMode::long64: return "64-bit long mode";
    }
    return "?";
}

BootState protected32_state(uint32_t entry, uint64_t gdt_base) {
    BootState s = base_state(entry, ar::kCode32, gdt_base);
    s.mode = CpuMode::protected32;
    s.cr0 = kCr0Pe | kCr0Et | kCr0Ne;
    return s;
}

BootState long64_state(uint64_t entry, uint64_t cr3, uint64_t gdt_base) {
    BootState s = base_state(entry, ar::kCode64, gdt_base);
    s.mode = CpuMode::long64;
    s.cr0 = kCr0Pe | kCr0Et | kCr0Ne | kCr0Pg;
    s.cr3 = cr3;
    s.cr4 = kCr4Pae;
    s.efer = kEferLme | kEferLma;
    return s;
}

uint64_t gdt_descriptor(const Segment& s) {
    // With G = 1 the descriptor holds the limit in 4 KiB units.
    const bool g = (s.access_rights & ar::kGranularity) != 0;
    const uint64_t raw_limit = (g ? s.limit >> 12 : s.limit) & 0xfffff;
    const uint64_t base = s.base & 0xffffffff;
    return (raw_limit & 0xffff) | ((base & 0xffffff) << 16) | (uint64_t{s.access_rights & 0xff} << 40) |
           ((raw_limit >> 16) << 48) | (uint64_t{(s.access_rights >> 12) & 0xf} << 52) | ((base >> 24) << 56);
}

LoadStatus install_boot_gdt(GuestRam& ram, const BootState& s) {
    RamWriter w(ram);
    const uint64_t gdt = s.gdtr.base;
    w.u64(gdt + 0, 0);
    w.u64(gdt + 8, 0);
    w.u64(gdt + kBootCs, gdt_descriptor(s.cs));
    w.u64(gdt + kBootDs, gdt_descriptor(s.ds));
    return w.ok() ? LoadStatus::ok : LoadStatus::ram_write_failed;
}

}  // namespace bh::x86::loader
