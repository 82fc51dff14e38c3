// Per-pCPU blocks, stacks, and the hal:: queries that read them.
#include "arch/x86/percpu.hpp"

#include "arch/x86/cpu.hpp"
#include "arch/x86/tsc.hpp"
#include "hal/cpu.hpp"

namespace bh::x86 {

PerCpu g_percpu[config::kMaxPcpu];
CpuStacks g_stacks[config::kMaxPcpu];
uint32_t g_cpu_count = 1;
bool g_gs_ready = false;  // GS base of the BSP is valid from here on

void percpu_init(uint32_t index, uint32_t apic_id) {
    PerCpu& cpu = g_percpu[index];
    cpu.self = &cpu;
    cpu.index = index;
    cpu.apic_id = apic_id;
    CpuStacks& st = g_stacks[index];
    cpu.tss.ist[static_cast<int>(Ist::double_fault) - 1] = reinterpret_cast<uint64_t>(st.df + sizeof(st.df));
    cpu.tss.ist[static_cast<int>(Ist::nmi) - 1] = reinterpret_cast<uint64_t>(st.nmi + sizeof(st.nmi));
    cpu.tss.ist[static_cast<int>(Ist::machine_check) - 1] = reinterpret_cast<uint64_t>(st.mc + sizeof(st.mc));
    gdt_init(cpu.gdt, cpu.tss);
    idt_load();
    wrmsr(Msr::gs_base, reinterpret_cast<uint64_t>(&cpu));
    g_gs_ready = true;
}

}  // namespace bh::x86

namespace bh::hal {

IrqState irq_save() {
    const uint64_t flags = x86::read_rflags();
    asm volatile("cli" : : : "memory");
    return flags & x86::kRflagsIf;
}
void irq_restore(IrqState s) {
    if (s != 0) asm volatile("sti" : : : "memory");
}
void irq_enable() { asm volatile("sti" : : : "memory"); }
void cpu_relax() { x86::pause(); }
void wait_for_interrupt() { asm volatile("sti; hlt" : : : "memory"); }

uint32_t this_cpu() {
    // Before percpu_init on the BSP there is no GS block yet: that is pCPU 0.
    return x86::g_gs_ready ? x86::this_percpu().index : 0;
}
uint32_t cpu_count() { return x86::g_cpu_count; }

uint64_t now_ticks() { return x86::rdtsc(); }
uint64_t ticks_per_ms() { return x86::tsc::khz(); }

CpuInfo cpu_info(uint32_t index) {
    if (index >= x86::g_cpu_count) return CpuInfo{0, CpuState::absent, 0};
    const x86::PerCpu& c = x86::g_percpu[index];
    return CpuInfo{c.apic_id, c.state.load(), c.tsc_khz};
}

const char* to_string(CpuState s) {
    switch (s) {
        case CpuState::absent: return "absent";
        case CpuState::starting: return "starting";
        case CpuState::online: return "online";
        case CpuState::stopped: return "stopped";
        case CpuState::failed: return "failed";
    }
    return "?";
}

}  // namespace bh::hal
