// Stopping pCPUs: one (after a fatal exception) or all (panic, via NMI).
#pragma once
#include "hal/cpu_info.hpp"

namespace bh::x86 {
bool stop_requested();
[[noreturn]] void stop_this_cpu(hal::CpuState final_state);
}  // namespace bh::x86
