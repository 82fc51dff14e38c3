// Exception and interrupt dispatch. A hypervisor exception dumps the full
// register state and stops only the pCPU that took it; NMIs either serve a
// stop request (panic) or are counted.
#include "arch/x86/trap.hpp"

#include <atomic>

#include "arch/x86/cpu.hpp"
#include "arch/x86/lapic.hpp"
#include "arch/x86/percpu.hpp"
#include "arch/x86/stop.hpp"
#include "common/console.hpp"
#include "common/log.hpp"

namespace bh::x86 {
namespace {

IrqHandler g_handlers[256];

constexpr const char* kExceptionNames[32] = {
    "#DE divide error", "#DB debug", "NMI", "#BP breakpoint", "#OF overflow", "#BR bound range",
    "#UD invalid opcode", "#NM device not available", "#DF double fault", "coprocessor overrun",
    "#TS invalid TSS", "#NP segment not present", "#SS stack fault", "#GP general protection",
    "#PF page fault", "reserved 15", "#MF x87 error", "#AC alignment check", "#MC machine check",
    "#XM SIMD error", "#VE virtualization", "#CP control protection", "reserved 22", "reserved 23",
    "reserved 24", "reserved 25", "reserved 26", "reserved 27", "#HV hypervisor injection",
    "#VC VMM communication", "#SX security", "reserved 31",
};

void dump_and_stop(const TrapFrame& f) {
    console::enter_emergency();
    PerCpu& cpu = this_percpu();
    console::print(
        "\n*** EXCEPTION on pCPU%u (APIC ID %u): vector %llu (%s), error code 0x%llx\n"
        "RIP=%016llx CS=%04llx RFLAGS=%016llx\n"
        "RSP=%016llx SS=%04llx CR2=%016llx\n"
        "RAX=%016llx RBX=%016llx RCX=%016llx RDX=%016llx\n"
        "RSI=%016llx RDI=%016llx RBP=%016llx R8 =%016llx\n"
        "R9 =%016llx R10=%016llx R11=%016llx R12=%016llx\n"
        "R13=%016llx R14=%016llx R15=%016llx\n"
        "CR0=%016llx CR3=%016llx CR4=%016llx\n"
        "*** pCPU%u stopped\n",
        cpu.index, cpu.apic_id, static_cast<unsigned long long>(f.vector), exception_name(f.vector),
        static_cast<unsigned long long>(f.error_code), static_cast<unsigned long long>(f.rip),
        static_cast<unsigned long long>(f.cs), static_cast<unsigned long long>(f.rflags),
        static_cast<unsigned long long>(f.rsp), static_cast<unsigned long long>(f.ss),
        static_cast<unsigned long long>(read_cr2()), static_cast<unsigned long long>(f.rax),
        static_cast<unsigned long long>(f.rbx), static_cast<unsigned long long>(f.rcx),
        static_cast<unsigned long long>(f.rdx), static_cast<unsigned long long>(f.rsi),
        static_cast<unsigned long long>(f.rdi), static_cast<unsigned long long>(f.rbp),
        static_cast<unsigned long long>(f.r8), static_cast<unsigned long long>(f.r9),
        static_cast<unsigned long long>(f.r10), static_cast<unsigned long long>(f.r11),
        static_cast<unsigned long long>(f.r12), static_cast<unsigned long long>(f.r13),
        static_cast<unsigned long long>(f.r14), static_cast<unsigned long long>(f.r15),
        static_cast<unsigned long long>(read_cr0()), static_cast<unsigned long long>(read_cr3()),
        static_cast<unsigned long long>(read_cr4()), cpu.index);
    stop_this_cpu(hal::CpuState::failed);
}

void handle_nmi() {
    // A pending stop request (panic on another pCPU) turns the NMI into a halt.
    if (stop_requested()) stop_this_cpu(hal::CpuState::stopped);
    this_percpu().nmi_count.fetch_add(1, std::memory_order_relaxed);
}

}  // namespace

const char* exception_name(uint64_t vector) { return vector < 32 ? kExceptionNames[vector] : "interrupt"; }

void set_irq_handler(Vector v, IrqHandler h) { g_handlers[static_cast<uint8_t>(v)] = h; }

}  // namespace bh::x86

extern "C" void trap_dispatch(bh::x86::TrapFrame* frame) {
    using namespace bh::x86;
    const uint64_t v = frame->vector;
    if (v == static_cast<uint64_t>(Vector::nmi)) {
        handle_nmi();
        return;
    }
    if (v < static_cast<uint64_t>(Vector::first_external)) {
        dump_and_stop(*frame);
        return;
    }
    if (v == static_cast<uint64_t>(Vector::spurious)) return;  // no EOI for spurious (SDM Vol.3 11.9)
    IrqHandler h = g_handlers[v];
    if (h != nullptr) {
        h(*frame);
    } else {
        LOG_WARN("unexpected interrupt vector 0x%llx", static_cast<unsigned long long>(v));
    }
    lapic::eoi();
}
