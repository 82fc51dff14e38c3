// Per-pCPU data block, reached through GS base (one MSR write at bring-up,
// then plain %gs-relative loads).
#pragma once
#include <atomic>
#include <cstdint>

#include "arch/x86/descriptors.hpp"
#include "common/config.hpp"
#include "hal/cpu_info.hpp"

namespace bh::x86 {

// Stacks with an unmapped guard page below each (see memory.cpp).
struct alignas(4096) CpuStacks {
    uint8_t guard_main[4096];
    uint8_t main[config::kStackSize];
    uint8_t guard_df[4096];
    uint8_t df[config::kIstStackSize];
    uint8_t guard_nmi[4096];
    uint8_t nmi[config::kIstStackSize];
    uint8_t guard_mc[4096];
    uint8_t mc[config::kIstStackSize];
};

struct PerCpu {
    PerCpu* self;  // must stay first: this_percpu() loads %gs:0
    uint32_t index;
    uint32_t apic_id;
    std::atomic<hal::CpuState> state;
    uint64_t tsc_khz;
    std::atomic<uint64_t> nmi_count;
    Gdt gdt;
    Tss tss;
};

extern PerCpu g_percpu[config::kMaxPcpu];
extern CpuStacks g_stacks[config::kMaxPcpu];
extern uint32_t g_cpu_count;
extern bool g_gs_ready;

inline PerCpu& this_percpu() {
    PerCpu* p;
    asm volatile("movq %%gs:0, %0" : "=r"(p));
    return *p;
}

// Installs GDT/TSS/IDT and GS base for pCPU `index` on the running CPU.
void percpu_init(uint32_t index, uint32_t apic_id);

}  // namespace bh::x86
