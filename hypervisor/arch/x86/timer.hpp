// LAPIC timer setup (TSC-deadline mode where present, one-shot otherwise).
#pragma once
#include <cstdint>

namespace bh::x86::timer {
// BSP: decides the mode and, for one-shot mode, measures the LAPIC timer rate.
void init_bsp();
// Every pCPU: installs the interrupt handler and the LVT entry.
void init_this_cpu();
const char* mode_name();
}  // namespace bh::x86::timer
