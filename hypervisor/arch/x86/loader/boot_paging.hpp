// Identity-mapped 4-level page tables in guest RAM for a guest entered in long mode.
#pragma once
#include <cstdint>

#include "arch/x86/loader/guest_ram.hpp"
#include "arch/x86/loader/status.hpp"

namespace bh::x86::loader {

// [0, 4 GiB) identity mapped with 2 MiB pages (PS), present, writable,
// executable, supervisor, write-back: one PML4, one PDPT, four PDs, laid
// out consecutively from `base` (4 KiB aligned). 2 MiB pages because every
// 64-bit CPU has them (1 GiB pages need CPUID.80000001H:EDX[26]). Every
// address a loader hands the guest is below 4 GiB, so all of it is mapped;
// RAM above 4 GiB is the guest's to map. SDM Vol.3 4.5, Tables 4-15 to 4-18.
inline constexpr uint64_t kIdentityMapEnd = uint64_t{1} << 32;
inline constexpr uint64_t kBootPageTablePages = 6;
inline constexpr uint64_t kBootPageTableBytes = kBootPageTablePages * 0x1000;

// Writes the tables; the PML4 is at `base` (the CR3 value).
LoadStatus build_identity_map(GuestRam& ram, uint64_t base);

}  // namespace bh::x86::loader
