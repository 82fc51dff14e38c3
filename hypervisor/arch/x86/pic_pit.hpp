// Legacy 8259A PIC (masked for good) and the 8254 PIT (TSC calibration only).
#pragma once
#include <cstdint>

namespace bh::x86 {
// Remaps the two 8259As away from the exception vectors and masks every line.
void pic_mask_all();
// Busy-waits `ms` milliseconds on PIT channel 2 and returns the TSC ticks
// that elapsed.
uint64_t pit_measure_tsc(uint32_t ms);
}  // namespace bh::x86
