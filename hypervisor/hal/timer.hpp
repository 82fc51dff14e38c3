// One-shot and periodic timers on the current pCPU, driven by the LAPIC timer.
#pragma once
#include <cstdint>

namespace bh::hal {

struct Timer {
    using Callback = void (*)(Timer& t, void* ctx);
    uint64_t deadline = 0;  // in now_ticks() units
    uint64_t period = 0;    // 0 = one-shot
    Callback fn = nullptr;
    void* ctx = nullptr;
    Timer* next = nullptr;
    bool armed = false;
};

// Arms `t` on the current pCPU. The callback runs in interrupt context on it.
void timer_start(Timer& t);
void timer_stop(Timer& t);

}  // namespace bh::hal
