// The hypervisor's physical memory: the frame allocator and its own page
// tables (identity map, image W^X, NX everywhere else, guard pages).
#pragma once
#include <cstdint>

#include "common/multiboot2.hpp"

namespace bh::x86::mem {

enum class InitStatus : uint8_t { ok, no_ranges, allocator_failed, metadata_above_4g, map_failed };
const char* to_string(InitStatus s);

// Builds the allocator and the page tables from the boot memory map, then
// loads them into CR3 on this pCPU.
InitStatus init(const mb2::BootInfo& boot);
uint64_t cr3();
// PAT and CR4.PGE as the page tables expect them; every AP calls it.
void init_this_cpu();
// Maps a device register range uncached, RW, NX.
bool map_mmio(uint64_t phys, uint64_t size);
// Contiguous zeroed frames (thread-safe).
bool alloc_frames(uint64_t pages, uint64_t& phys, uint64_t below = UINT64_MAX);
uint64_t free_frames();
uint64_t total_frames();

}  // namespace bh::x86::mem
