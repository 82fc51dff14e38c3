// AP bring-up (SDM Vol.3 9.4.4.1: INIT, 10 ms, SIPI, 200 us, SIPI) through
// the low-memory trampoline in boot/trampoline.S.
#include "arch/x86/smp_boot.hpp"

#include "arch/x86/cpu.hpp"
#include "arch/x86/lapic.hpp"
#include "arch/x86/percpu.hpp"
#include "arch/x86/tsc.hpp"
#include "common/log.hpp"

extern "C" {
extern const uint8_t ap_trampoline_start[];
extern const uint8_t ap_trampoline_params[];
extern const uint8_t ap_trampoline_end[];
extern uint8_t boot_pml4[];
void ap_entry64();
void* memcpy(void* d, const void* s, size_t n);
}

namespace bh::x86 {
namespace {

// Mirrors the parameter block at the end of trampoline.S.
struct [[gnu::packed]] TrampolineParams {
    uint32_t entry64;
    uint16_t code64_sel;
    uint16_t pad;
    uint32_t boot_cr3;
    uint32_t efer_bits;
    uint64_t real_cr3;
    uint64_t stack_top;
    uint64_t cpu_index;
};
static_assert(sizeof(TrampolineParams) == 40);

constexpr uint64_t kApStartTimeoutUs = 200000;

bool start_one(uint32_t index, uint32_t apic_id, uint64_t page, TrampolineParams* params) {
    params->stack_top = reinterpret_cast<uint64_t>(g_stacks[index].main + sizeof(g_stacks[index].main));
    params->cpu_index = index;
    PerCpu& cpu = g_percpu[index];
    cpu.apic_id = apic_id;
    cpu.state.store(hal::CpuState::starting, std::memory_order_release);

    const auto vector = static_cast<uint8_t>(page >> 12);
    lapic::send_ipi(apic_id, lapic::Delivery::init, 0);
    tsc::delay_us(10000);
    for (int i = 0; i < 2; ++i) {
        lapic::send_ipi(apic_id, lapic::Delivery::startup, vector);
        tsc::delay_us(200);
        if (cpu.state.load(std::memory_order_acquire) != hal::CpuState::starting) break;
    }
    const uint64_t deadline = rdtsc() + kApStartTimeoutUs * tsc::khz() / 1000;
    while (cpu.state.load(std::memory_order_acquire) == hal::CpuState::starting && rdtsc() < deadline) pause();
    return cpu.state.load(std::memory_order_acquire) == hal::CpuState::online;
}

}  // namespace

uint32_t start_aps(const uint32_t* apic_ids, uint32_t count, uint64_t page, uint64_t real_cr3) {
    const size_t len = static_cast<size_t>(ap_trampoline_end - ap_trampoline_start);
    auto* dst = reinterpret_cast<uint8_t*>(page);
    memcpy(dst, ap_trampoline_start, len);
    auto* params = reinterpret_cast<TrampolineParams*>(dst + (ap_trampoline_params - ap_trampoline_start));
    params->entry64 = static_cast<uint32_t>(reinterpret_cast<uint64_t>(&ap_entry64));
    params->boot_cr3 = static_cast<uint32_t>(reinterpret_cast<uint64_t>(boot_pml4));
    params->efer_bits = static_cast<uint32_t>(rdmsr(Msr::efer) & (efer::lme | efer::nxe));
    params->real_cr3 = real_cr3;

    uint32_t online = 0;
    uint32_t index = 1;
    const uint32_t bsp = lapic::id();
    for (uint32_t i = 0; i < count && index < config::kMaxPcpu; ++i) {
        if (apic_ids[i] == bsp) continue;
        if (start_one(index, apic_ids[i], page, params)) {
            ++online;
        } else {
            LOG_ERR("pCPU%u (APIC ID %u) did not come online", index, apic_ids[i]);
            g_percpu[index].state.store(hal::CpuState::failed);
        }
        ++index;
    }
    return online;
}

}  // namespace bh::x86
