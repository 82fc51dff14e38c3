// Cross-pCPU function calls over IPI vector 0xF1. One call slot per target;
// callers to the same target serialise on its lock.
#include <atomic>

#include "arch/x86/cpu.hpp"
#include "arch/x86/lapic.hpp"
#include "arch/x86/percpu.hpp"
#include "arch/x86/smp_call.hpp"
#include "arch/x86/trap.hpp"
#include "arch/x86/tsc.hpp"
#include "hal/cpu.hpp"
#include "hal/smp.hpp"
#include "lib/spinlock.hpp"

namespace bh::x86 {
namespace {

struct Slot {
    TicketLock lock;
    std::atomic<hal::SmpFn> fn{nullptr};
    void* arg = nullptr;
    std::atomic<bool> done{false};
};
Slot g_slots[config::kMaxPcpu];

void on_ipi(TrapFrame&) {
    Slot& s = g_slots[hal::this_cpu()];
    // Claim the call; a caller that timed out may have withdrawn it.
    hal::SmpFn fn = s.fn.exchange(nullptr, std::memory_order_acq_rel);
    if (fn == nullptr) return;
    fn(s.arg);
    s.done.store(true, std::memory_order_release);
}

}  // namespace

void smp_call_init_this_cpu() { set_irq_handler(Vector::smp_call, on_ipi); }

}  // namespace bh::x86

namespace bh::hal {

CallStatus smp_call(uint32_t cpu, SmpFn fn, void* arg, uint64_t timeout_ms) {
    using namespace x86;
    if (cpu >= cpu_count()) return CallStatus::bad_cpu;
    if (g_percpu[cpu].state.load() != CpuState::online) return CallStatus::offline;
    if (cpu == this_cpu()) {
        fn(arg);
        return CallStatus::ok;
    }
    Slot& s = g_slots[cpu];
    LockGuard guard(s.lock);
    s.arg = arg;
    s.done.store(false, std::memory_order_relaxed);
    s.fn.store(fn, std::memory_order_release);
    lapic::send_ipi(g_percpu[cpu].apic_id, lapic::Delivery::fixed, static_cast<uint8_t>(Vector::smp_call));
    const uint64_t deadline = rdtsc() + timeout_ms * tsc::khz();
    while (!s.done.load(std::memory_order_acquire)) {
        // A target that died (fatal exception) while running the call never finishes it.
        if (g_percpu[cpu].state.load() != CpuState::online) {
            SmpFn expected = fn;
            s.fn.compare_exchange_strong(expected, nullptr);
            return CallStatus::offline;
        }
        if (rdtsc() > deadline) {
            SmpFn expected = fn;
            if (s.fn.compare_exchange_strong(expected, nullptr)) return CallStatus::timeout;
            // Already started: it runs with interrupts off, keep waiting for it.
        }
        pause();
    }
    return CallStatus::ok;
}

const char* to_string(CallStatus s) {
    switch (s) {
        case CallStatus::ok: return "ok";
        case CallStatus::timeout: return "timeout";
        case CallStatus::offline: return "offline";
        case CallStatus::bad_cpu: return "no such pCPU";
    }
    return "?";
}

}  // namespace bh::hal
