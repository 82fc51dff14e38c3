// GDT, TSS and IDT layouts for 64-bit mode (SDM Vol.3 3.4.5, 7.7, 6.14).
#pragma once
#include <cstdint>

namespace bh::x86 {

// Selectors of the per-CPU GDT.
enum class Selector : uint16_t { null = 0, code64 = 0x08, data = 0x10, tss = 0x18 };

// IST slots used by the IDT (SDM Vol.3 6.14.5).
enum class Ist : uint8_t { none = 0, double_fault = 1, nmi = 2, machine_check = 3 };

struct [[gnu::packed]] Tss {
    uint32_t reserved0;
    uint64_t rsp[3];
    uint64_t reserved1;
    uint64_t ist[7];
    uint64_t reserved2;
    uint16_t reserved3;
    uint16_t iomap_base;
};
static_assert(sizeof(Tss) == 104);

struct alignas(16) Gdt {
    uint64_t entries[5];  // null, code64, data, TSS low, TSS high
};

struct [[gnu::packed]] IdtEntry {
    uint16_t offset_lo;
    uint16_t selector;
    uint8_t ist;
    uint8_t type_attr;
    uint16_t offset_mid;
    uint32_t offset_hi;
    uint32_t reserved;
};
static_assert(sizeof(IdtEntry) == 16);

struct [[gnu::packed]] DescriptorPtr {
    uint16_t limit;
    uint64_t base;
};

void gdt_init(Gdt& gdt, Tss& tss);
void idt_init_once();  // builds the shared IDT (all pCPUs use the same one)
void idt_load();

}  // namespace bh::x86
