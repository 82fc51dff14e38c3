// The physical local APIC, in x2APIC mode when the CPU has it, xAPIC otherwise.
#pragma once
#include <cstdint>

namespace bh::x86::lapic {

enum class Mode : uint8_t { xapic, x2apic };

// Local APIC register offsets in the xAPIC page (SDM Vol.3 11.4.1 Table 11-1);
// the x2APIC MSR is 0x800 + offset / 16 (SDM Vol.3 11.12.1.2 Table 11-6).
enum class Reg : uint32_t {
    id = 0x20,
    version = 0x30,
    tpr = 0x80,
    eoi = 0xb0,
    ldr = 0xd0,
    svr = 0xf0,
    esr = 0x280,
    icr_lo = 0x300,
    icr_hi = 0x310,  // xAPIC only
    lvt_timer = 0x320,
    lvt_thermal = 0x330,
    lvt_pmc = 0x340,
    lvt_lint0 = 0x350,
    lvt_lint1 = 0x360,
    lvt_error = 0x370,
    timer_initial = 0x380,
    timer_current = 0x390,
    timer_divide = 0x3e0,
};

// ICR delivery modes (SDM Vol.3 11.6.1).
enum class Delivery : uint32_t { fixed = 0, nmi = 4u << 8, init = 5u << 8, startup = 6u << 8 };
enum class Shorthand : uint32_t { none = 0, self = 1u << 18, all = 2u << 18, all_but_self = 3u << 18 };

// Chooses the mode once on the BSP (x2APIC if CPUID.1:ECX[21]).
void select_mode(bool x2apic_supported);
Mode mode();
// Enables this pCPU's APIC in the selected mode, masks all LVTs, sets the
// spurious and error vectors.
void init_this_cpu();
uint32_t id();
void eoi();
uint32_t read(Reg r);
void write(Reg r, uint32_t v);
void send_ipi(uint32_t apic_id, Delivery mode, uint8_t vector, Shorthand sh = Shorthand::none);
bool tsc_deadline_supported();
void set_xapic_base(uint64_t virt);

}  // namespace bh::x86::lapic
