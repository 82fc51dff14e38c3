// How common code reaches physical memory.
#pragma once
#include <cstdint>

namespace bh::hal {
// A hypervisor pointer to host-physical address `pa` (RAM the hypervisor maps).
void* phys_to_virt(uint64_t pa);
}  // namespace bh::hal
