// Per-pCPU timer queues on the LAPIC timer (SDM Vol.3 11.5.4). The queue is
// a deadline-sorted list touched only by its own pCPU with interrupts off.
#include "arch/x86/timer.hpp"

#include "arch/x86/cpu.hpp"
#include "arch/x86/lapic.hpp"
#include "arch/x86/percpu.hpp"
#include "arch/x86/trap.hpp"
#include "arch/x86/tsc.hpp"
#include "hal/cpu.hpp"
#include "hal/timer.hpp"

namespace bh::x86::timer {
namespace {

// LVT timer mode field, bits 18:17 (SDM Vol.3 Figure 11-8).
enum class LvtMode : uint32_t { one_shot = 0, periodic = 1u << 17, tsc_deadline = 2u << 17 };
constexpr uint32_t kDivideBy1 = 0xb;  // SDM Vol.3 Figure 11-10

bool g_deadline_mode = false;
uint64_t g_lapic_khz = 0;
hal::Timer* g_queue[config::kMaxPcpu];

void program(uint64_t deadline) {
    if (g_deadline_mode) {
        wrmsr(Msr::tsc_deadline, deadline == 0 ? 1 : deadline);
        return;
    }
    const uint64_t now = rdtsc();
    uint64_t count = deadline > now ? (deadline - now) * g_lapic_khz / tsc::khz() : 1;
    if (count == 0) count = 1;
    if (count > 0xffffffffull) count = 0xffffffffull;  // re-armed on expiry
    lapic::write(lapic::Reg::timer_initial, static_cast<uint32_t>(count));
}

void disarm() {
    if (g_deadline_mode) wrmsr(Msr::tsc_deadline, 0);
    else lapic::write(lapic::Reg::timer_initial, 0);
}

void insert(hal::Timer& t) {
    hal::Timer** link = &g_queue[hal::this_cpu()];
    while (*link != nullptr && (*link)->deadline <= t.deadline) link = &(*link)->next;
    t.next = *link;
    *link = &t;
    t.armed = true;
}

void reprogram() {
    hal::Timer* head = g_queue[hal::this_cpu()];
    if (head == nullptr) disarm();
    else program(head->deadline);
}

void on_interrupt(TrapFrame&) {
    const uint64_t now = rdtsc();
    hal::Timer** head = &g_queue[hal::this_cpu()];
    while (*head != nullptr && (*head)->deadline <= now) {
        hal::Timer* t = *head;
        *head = t->next;
        t->armed = false;
        t->next = nullptr;
        if (t->period != 0) {
            t->deadline += t->period;
            if (t->deadline <= now) t->deadline = now + t->period;  // we were late; do not burst
            insert(*t);
        }
        t->fn(*t, t->ctx);
    }
    reprogram();
}

}  // namespace

void init_bsp() {
    g_deadline_mode = lapic::tsc_deadline_supported();
    if (g_deadline_mode) return;
    lapic::write(lapic::Reg::timer_divide, kDivideBy1);
    lapic::write(lapic::Reg::lvt_timer, (1u << 16) | static_cast<uint32_t>(Vector::timer));
    lapic::write(lapic::Reg::timer_initial, 0xffffffffu);
    tsc::delay_us(10000);
    const uint32_t elapsed = 0xffffffffu - lapic::read(lapic::Reg::timer_current);
    lapic::write(lapic::Reg::timer_initial, 0);
    g_lapic_khz = elapsed / 10;
}

void init_this_cpu() {
    set_irq_handler(Vector::timer, on_interrupt);
    if (!g_deadline_mode) lapic::write(lapic::Reg::timer_divide, kDivideBy1);
    const auto mode = g_deadline_mode ? LvtMode::tsc_deadline : LvtMode::one_shot;
    lapic::write(lapic::Reg::lvt_timer, static_cast<uint32_t>(mode) | static_cast<uint32_t>(Vector::timer));
    // The LVT write must land before IA32_TSC_DEADLINE is used (SDM 11.5.4.1).
    asm volatile("mfence" : : : "memory");
}

const char* mode_name() { return g_deadline_mode ? "tsc-deadline" : "one-shot"; }

}  // namespace bh::x86::timer

namespace bh::hal {

void timer_start(Timer& t) {
    const IrqState s = irq_save();
    if (t.armed) timer_stop(t);
    x86::timer::insert(t);
    x86::timer::reprogram();
    irq_restore(s);
}

void timer_stop(Timer& t) {
    const IrqState s = irq_save();
    Timer** link = &x86::timer::g_queue[this_cpu()];
    while (*link != nullptr && *link != &t) link = &(*link)->next;
    if (*link == &t) *link = t.next;
    t.armed = false;
    t.next = nullptr;
    x86::timer::reprogram();
    irq_restore(s);
}

}  // namespace bh::hal
