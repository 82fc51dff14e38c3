// Local APIC access through MMIO (xAPIC) or MSRs (x2APIC).
#include "arch/x86/lapic.hpp"

#include "arch/x86/cpu.hpp"
#include "arch/x86/trap.hpp"

namespace bh::x86::lapic {
namespace {

Mode g_mode = Mode::xapic;
uint64_t g_xapic_base = 0xfee00000;  // identity mapped UC by memory.cpp

// IA32_APIC_BASE bits (SDM Vol.3 11.4.4).
constexpr uint64_t kApicBaseEnable = 1ull << 11;
constexpr uint64_t kApicBaseX2 = 1ull << 10;
constexpr uint32_t kSvrEnable = 1u << 8;
constexpr uint32_t kLvtMask = 1u << 16;
constexpr uint32_t kIcrPending = 1u << 12;  // delivery status, xAPIC only
constexpr uint32_t kIcrAssert = 1u << 14;

volatile uint32_t* mmio(Reg r) {
    return reinterpret_cast<volatile uint32_t*>(g_xapic_base + static_cast<uint32_t>(r));
}
uint32_t msr_of(Reg r) { return static_cast<uint32_t>(Msr::x2apic_base) + (static_cast<uint32_t>(r) >> 4); }

}  // namespace

void select_mode(bool x2apic_supported) { g_mode = x2apic_supported ? Mode::x2apic : Mode::xapic; }
Mode mode() { return g_mode; }
void set_xapic_base(uint64_t virt) { g_xapic_base = virt; }

uint32_t read(Reg r) {
    if (g_mode == Mode::x2apic) return static_cast<uint32_t>(rdmsr(msr_of(r)));
    return *mmio(r);
}

void write(Reg r, uint32_t v) {
    if (g_mode == Mode::x2apic) {
        wrmsr(msr_of(r), v);
        return;
    }
    *mmio(r) = v;
}

void init_this_cpu() {
    uint64_t base = rdmsr(Msr::apic_base) | kApicBaseEnable;
    // xAPIC -> x2APIC must go through enabled xAPIC first (SDM Vol.3 11.12.5).
    wrmsr(Msr::apic_base, base);
    if (g_mode == Mode::x2apic) wrmsr(Msr::apic_base, base | kApicBaseX2);
    write(Reg::tpr, 0);
    constexpr Reg kLvts[] = {Reg::lvt_timer, Reg::lvt_thermal, Reg::lvt_pmc, Reg::lvt_lint0, Reg::lvt_lint1};
    for (Reg lvt : kLvts) write(lvt, kLvtMask);
    write(Reg::lvt_error, static_cast<uint32_t>(Vector::lapic_error));
    write(Reg::esr, 0);
    write(Reg::svr, kSvrEnable | static_cast<uint32_t>(Vector::spurious));
    eoi();
}

uint32_t id() {
    const uint32_t raw = read(Reg::id);
    return g_mode == Mode::x2apic ? raw : raw >> 24;
}

void eoi() { write(Reg::eoi, 0); }

void send_ipi(uint32_t apic_id, Delivery dm, uint8_t vector, Shorthand sh) {
    uint32_t lo = static_cast<uint32_t>(dm) | static_cast<uint32_t>(sh) | vector;
    if (dm == Delivery::init || dm == Delivery::nmi || dm == Delivery::fixed || dm == Delivery::startup)
        lo |= kIcrAssert;
    if (g_mode == Mode::x2apic) {
        // One 64-bit write, destination in bits 63:32 (SDM Vol.3 11.12.9). WRMSR to
        // x2APIC registers is not serializing: order earlier stores first (11.12.3).
        asm volatile("mfence; lfence" : : : "memory");
        wrmsr(static_cast<uint32_t>(Msr::x2apic_base) + 0x30, (static_cast<uint64_t>(apic_id) << 32) | lo);
        return;
    }
    while ((*mmio(Reg::icr_lo) & kIcrPending) != 0) pause();
    *mmio(Reg::icr_hi) = apic_id << 24;
    *mmio(Reg::icr_lo) = lo;
    while ((*mmio(Reg::icr_lo) & kIcrPending) != 0) pause();
}

bool tsc_deadline_supported() { return (cpuid(1).ecx & (1u << 24)) != 0; }

}  // namespace bh::x86::lapic
