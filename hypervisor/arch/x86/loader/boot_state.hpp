// Initial state of a VM's boot vCPU as the loaders leave it: what the VMX code writes
// into the guest-state area of the VMCS before the first VM entry.
#pragma once
#include <cstdint>

#include "arch/x86/loader/guest_ram.hpp"
#include "arch/x86/loader/status.hpp"

namespace bh::x86::loader {

// real16 is named for completeness; no loader produces it (see raw.hpp).
enum class CpuMode : uint8_t { real16, protected32, long64 };
const char* to_string(CpuMode m);

// Segment access rights in the VMX guest-state format (SDM Vol.3 25.4.1,
// Table 25-2): bits 3:0 type, 4 S, 6:5 DPL, 7 P, 12 AVL, 13 L, 14 D/B, 15 G,
// 16 unusable. Bits 7:0 and 15:12 are the descriptor's attribute bytes
// (SDM Vol.3 3.4.5), so gdt_descriptor() can encode the same values.
namespace ar {
inline constexpr uint32_t kTypeCodeExecReadAccessed = 0xb;   // SDM Vol.3 3.4.5.1 Table 3-1
inline constexpr uint32_t kTypeDataReadWriteAccessed = 0x3;  // SDM Vol.3 3.4.5.1 Table 3-1
inline constexpr uint32_t kTypeTssBusy = 0xb;                // 32/64-bit busy TSS, SDM Vol.3 3.5 Table 3-2
inline constexpr uint32_t kCodeOrData = 1u << 4;             // S
inline constexpr uint32_t kPresent = 1u << 7;
inline constexpr uint32_t kLong = 1u << 13;                  // L: 64-bit code segment
inline constexpr uint32_t kDefaultBig = 1u << 14;            // D/B: 32-bit segment
inline constexpr uint32_t kGranularity = 1u << 15;           // G: limit in 4 KiB units
inline constexpr uint32_t kUnusable = 1u << 16;

inline constexpr uint32_t kCode32 = kTypeCodeExecReadAccessed | kCodeOrData | kPresent | kDefaultBig | kGranularity;
inline constexpr uint32_t kCode64 = kTypeCodeExecReadAccessed | kCodeOrData | kPresent | kLong | kGranularity;
inline constexpr uint32_t kData = kTypeDataReadWriteAccessed | kCodeOrData | kPresent | kDefaultBig | kGranularity;
inline constexpr uint32_t kTss = kTypeTssBusy | kPresent;
}  // namespace ar

// Control and flag bits the boot states use.
inline constexpr uint64_t kCr0Pe = uint64_t{1} << 0;   // SDM Vol.3 2.5
inline constexpr uint64_t kCr0Et = uint64_t{1} << 4;
inline constexpr uint64_t kCr0Ne = uint64_t{1} << 5;
inline constexpr uint64_t kCr0Pg = uint64_t{1} << 31;
inline constexpr uint64_t kCr4Pae = uint64_t{1} << 5;  // SDM Vol.3 2.5
inline constexpr uint64_t kEferLme = uint64_t{1} << 8;  // SDM Vol.3 2.2.1
inline constexpr uint64_t kEferLma = uint64_t{1} << 10;
inline constexpr uint64_t kRflagsFixed = uint64_t{1} << 1;  // reserved, always 1 (SDM Vol.1 3.4.3); IF = 0

// Selectors of the loaders' boot GDT: the Linux boot protocol's __BOOT_CS and
// __BOOT_DS, used for every format. Entries 0 and 1 are null.
inline constexpr uint16_t kBootCs = 0x10;
inline constexpr uint16_t kBootDs = 0x18;
inline constexpr uint16_t kBootGdtEntries = 4;
inline constexpr uint16_t kBootGdtLimit = kBootGdtEntries * 8 - 1;
inline constexpr uint32_t kFlatLimit = 0xffffffff;

struct Segment {
    uint16_t selector;
    uint64_t base;
    uint32_t limit;          // byte granular (the VMCS format): 0xFFFFFFFF for a flat 4 GiB segment
    uint32_t access_rights;  // ar:: format above
    bool operator==(const Segment&) const = default;
};

struct DescriptorTable {
    uint64_t base;
    uint16_t limit;
    bool operator==(const DescriptorTable&) const = default;
};

// General registers not listed here start at zero. CR0/CR4 are the values
// the guest should see; the VMX code applies IA32_VMX_CR0/CR4_FIXED* (and
// needs unrestricted guest for protected32, whose paging is off). EFER.LMA
// in long64 implies the "IA-32e mode guest" VM-entry control. No A20 gate
// is emulated: guest-physical addresses are never masked (A20 enabled).
struct BootState {
    CpuMode mode;
    uint64_t rip, rsp, rax, rbx, rsi, rflags;
    uint64_t cr0, cr3, cr4, efer;
    Segment cs, ds, es, ss, fs, gs, tr, ldtr;
    DescriptorTable gdtr, idtr;
    bool operator==(const BootState&) const = default;
};

// 32-bit protected mode, paging off, interrupts off: CS = kBootCs (flat
// execute/read, 32-bit), DS/ES/SS/FS/GS = kBootDs (flat read/write), busy
// TSS at 0 (VM entry needs a usable TR), LDTR unusable, IDTR empty (an
// exception before the guest loads its IDT shuts the VM down), GDTR = the
// boot GDT at gdt_base. RSP = 0: the formats leave the stack undefined, and
// a guest that pushes before setting one faults at once, reproducibly.
BootState protected32_state(uint32_t entry, uint64_t gdt_base);

// 64-bit mode: as above with CS a 64-bit code segment (L = 1, D = 0),
// CR0.PG/PE, CR4.PAE, EFER.LME/LMA and CR3 = the page tables at cr3.
BootState long64_state(uint64_t entry, uint64_t cr3, uint64_t gdt_base);

// The 8-byte GDT descriptor that loads as `s` (SDM Vol.3 3.4.5, Figure 3-8).
uint64_t gdt_descriptor(const Segment& s);

// Writes the boot GDT at s.gdtr.base: null, null, s.cs at kBootCs, s.ds at kBootDs.
LoadStatus install_boot_gdt(GuestRam& ram, const BootState& s);

}  // namespace bh::x86::loader
