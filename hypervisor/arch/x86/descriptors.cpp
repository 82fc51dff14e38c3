// Per-pCPU GDT/TSS and the shared IDT.
#include "arch/x86/descriptors.hpp"

#include "arch/x86/trap.hpp"

extern "C" const uint64_t isr_stub_table[256];

namespace bh::x86 {
namespace {

IdtEntry g_idt[256];

// Code/data descriptors: access byte and flags per SDM Vol.3 3.4.5.
constexpr uint64_t kCode64 = 0x00af9a000000ffffull;  // P, DPL0, code RX, L=1
constexpr uint64_t kData = 0x00cf92000000ffffull;    // P, DPL0, data RW
constexpr uint8_t kTss64Available = 0x89;           // SDM Vol.3 3.5 Table 3-2
constexpr uint8_t kInterruptGate = 0x8e;            // P, DPL0, 64-bit interrupt gate

Ist ist_for(uint32_t vector) {
    switch (static_cast<Vector>(vector)) {
        case Vector::double_fault: return Ist::double_fault;
        case Vector::nmi: return Ist::nmi;
        case Vector::machine_check: return Ist::machine_check;
        default: return Ist::none;
    }
}

}  // namespace

void gdt_init(Gdt& gdt, Tss& tss) {
    const auto base = reinterpret_cast<uint64_t>(&tss);
    const uint64_t limit = sizeof(Tss) - 1;
    tss.iomap_base = sizeof(Tss);  // no I/O permission bitmap
    gdt.entries[0] = 0;
    gdt.entries[1] = kCode64;
    gdt.entries[2] = kData;
    gdt.entries[3] = (limit & 0xffff) | ((base & 0xffffff) << 16) | (uint64_t{kTss64Available} << 40) |
                     (((limit >> 16) & 0xf) << 48) | (((base >> 24) & 0xff) << 56);
    gdt.entries[4] = base >> 32;

    const DescriptorPtr ptr{sizeof(gdt.entries) - 1, reinterpret_cast<uint64_t>(gdt.entries)};
    asm volatile(
        "lgdt %0\n\t"
        "pushq %1\n\t"
        "leaq 1f(%%rip), %%rax\n\t"
        "pushq %%rax\n\t"
        "lretq\n"
        "1:\n\t"
        "movw %w2, %%ax\n\t"
        "movw %%ax, %%ds\n\t"
        "movw %%ax, %%es\n\t"
        "movw %%ax, %%ss\n\t"
        "ltr %w3"
        :
        : "m"(ptr), "i"(static_cast<uint16_t>(Selector::code64)), "r"(static_cast<uint16_t>(Selector::data)),
          "r"(static_cast<uint16_t>(Selector::tss))
        : "rax", "memory");
}

void idt_init_once() {
    for (uint32_t v = 0; v < 256; ++v) {
        const uint64_t handler = isr_stub_table[v];
        IdtEntry& e = g_idt[v];
        e.offset_lo = static_cast<uint16_t>(handler);
        e.selector = static_cast<uint16_t>(Selector::code64);
        e.ist = static_cast<uint8_t>(ist_for(v));
        e.type_attr = kInterruptGate;
        e.offset_mid = static_cast<uint16_t>(handler >> 16);
        e.offset_hi = static_cast<uint32_t>(handler >> 32);
        e.reserved = 0;
    }
}

void idt_load() {
    const DescriptorPtr ptr{sizeof(g_idt) - 1, reinterpret_cast<uint64_t>(g_idt)};
    asm volatile("lidt %0" : : "m"(ptr));
}

}  // namespace bh::x86
