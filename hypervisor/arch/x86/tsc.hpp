// TSC frequency: CPUID 15h/16h when it agrees with a PIT measurement, the PIT
// measurement otherwise (emulators report a model frequency, not theirs).
#pragma once
#include <cstdint>

namespace bh::x86::tsc {
struct Calibration {
    uint64_t khz;          // the value in use
    uint64_t pit_khz;      // measured
    uint64_t cpuid_khz;    // 0 if CPUID does not say
    const char* source;    // "cpuid" or "pit"
};
Calibration calibrate();
uint64_t khz();
void set_khz(uint64_t khz);
void delay_us(uint64_t us);
}  // namespace bh::x86::tsc
