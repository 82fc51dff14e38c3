// Stopping pCPUs. A panic sets the stop flag and NMIs everyone else: an NMI
// cannot be masked by a CPU spinning with interrupts off.
#include "arch/x86/stop.hpp"

#include <atomic>

#include "arch/x86/cpu.hpp"
#include "arch/x86/lapic.hpp"
#include "arch/x86/percpu.hpp"
#include "hal/cpu.hpp"

namespace bh::x86 {
namespace {
std::atomic<bool> g_stop_all{false};
}

bool stop_requested() { return g_stop_all.load(std::memory_order_acquire); }

void stop_this_cpu(hal::CpuState final_state) {
    asm volatile("cli");
    this_percpu().state.store(final_state, std::memory_order_release);
    for (;;) asm volatile("hlt");  // inside an NMI handler further NMIs stay blocked
}

}  // namespace bh::x86

namespace bh::hal {

uint32_t stop_other_cpus() {
    using namespace x86;
    if (g_stop_all.exchange(true)) return 0;
    if (cpu_count() <= 1) return 0;  // early boot: the APs are not started
    lapic::send_ipi(0, lapic::Delivery::nmi, 0, lapic::Shorthand::all_but_self);
    // Give them a moment to park (bounded: some may already be dead).
    uint32_t running = 0;
    for (uint32_t i = 0; i < 1000000; ++i) {
        running = 0;
        for (uint32_t c = 0; c < cpu_count(); ++c) {
            if (c != this_cpu() && g_percpu[c].state.load() == CpuState::online) ++running;
        }
        if (running == 0) break;
        x86::pause();
    }
    return running;
}

void halt_forever() {
    for (;;) asm volatile("cli; hlt");
}

}  // namespace bh::hal
