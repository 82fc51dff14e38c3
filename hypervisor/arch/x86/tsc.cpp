// TSC calibration and delays.
#include "arch/x86/tsc.hpp"

#include "arch/x86/cpu.hpp"
#include "arch/x86/pic_pit.hpp"

namespace bh::x86::tsc {
namespace {

uint64_t g_khz = 0;
constexpr uint32_t kPitSampleMs = 10;
constexpr uint64_t kAgreePermille = 10;  // CPUID must be within 1% of the PIT

// CPUID 15h: TSC = crystal * EBX / EAX; 16h: EAX = base MHz (SDM Vol.2A CPUID).
uint64_t cpuid_khz() {
    const uint32_t max_leaf = cpuid(0).eax;
    if (max_leaf >= 0x15) {
        const CpuidRegs r = cpuid(0x15);
        if (r.eax != 0 && r.ebx != 0 && r.ecx != 0) return uint64_t{r.ecx} * r.ebx / r.eax / 1000;
    }
    if (max_leaf >= 0x16) {
        const CpuidRegs r = cpuid(0x16);
        if ((r.eax & 0xffff) != 0) return uint64_t{r.eax & 0xffff} * 1000;
    }
    return 0;
}

}  // namespace

Calibration calibrate() {
    // The shortest of three samples: an SMI or emulator hiccup only lengthens one.
    uint64_t best = ~uint64_t{0};
    for (int i = 0; i < 3; ++i) {
        const uint64_t ticks = pit_measure_tsc(kPitSampleMs);
        if (ticks < best) best = ticks;
    }
    Calibration c{};
    c.pit_khz = best / kPitSampleMs;
    c.cpuid_khz = cpuid_khz();
    const uint64_t diff = c.cpuid_khz > c.pit_khz ? c.cpuid_khz - c.pit_khz : c.pit_khz - c.cpuid_khz;
    if (c.cpuid_khz != 0 && diff * 1000 <= c.pit_khz * kAgreePermille) {
        c.khz = c.cpuid_khz;
        c.source = "cpuid";
    } else {
        c.khz = c.pit_khz;
        c.source = "pit";
    }
    g_khz = c.khz;
    return c;
}

uint64_t khz() { return g_khz; }
void set_khz(uint64_t k) { g_khz = k; }

void delay_us(uint64_t us) {
    const uint64_t end = rdtsc() + us * g_khz / 1000;
    while (rdtsc() < end) pause();
}

}  // namespace bh::x86::tsc
