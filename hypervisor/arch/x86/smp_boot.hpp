// Starting the application processors with INIT-SIPI-SIPI.
#pragma once
#include <cstdint>

namespace bh::x86 {
class BootMemory;
// Starts every enabled pCPU in `apic_ids` except the BSP; returns how many
// came online. `trampoline_phys` is a free, identity-mapped page below 1 MiB.
uint32_t start_aps(const uint32_t* apic_ids, uint32_t count, uint64_t trampoline_phys, uint64_t real_cr3);
}  // namespace bh::x86
