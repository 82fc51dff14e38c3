// The guest-physical memory map of a pre-launched VM (e820 / Multiboot mmap) and the
// placement checks every loader shares.
#pragma once
#include <cstddef>
#include <cstdint>

#include "arch/x86/loader/status.hpp"

namespace bh::x86::loader {

// Guest-physical layout below 1 MiB. The BIOS-era holes are kept so that
// guests probing the EBDA and the BIOS area (RSDP scan) find what a PC has.
inline constexpr uint64_t kLowRamEnd = 0x9fc00;    // EBDA starts here (639 KiB of base memory)
inline constexpr uint64_t kEbdaEnd = 0xa0000;      // [0xA0000, 0xE0000): VGA/option-ROM hole, not RAM
inline constexpr uint64_t kBiosAreaStart = 0xe0000;
inline constexpr uint64_t kHighRamStart = 0x100000;  // 1 MiB
inline constexpr uint64_t kVmRsdpGpa = 0xf2400;       // the VM's ACPI RSDP (common/guest_acpi)
inline constexpr uint64_t k4GiB = uint64_t{1} << 32;
inline constexpr uint64_t k2MiB = uint64_t{1} << 21;
inline constexpr uint64_t kPageSize = 0x1000;

// [0, 64 KiB) belongs to the loaders: GDT, page tables, zero page or
// Multiboot information, command lines. Images may not be placed there.
// Page 0 is left unused so a guest NULL access hits zeros, not boot data.
inline constexpr uint64_t kLoaderAreaEnd = 0x10000;
inline constexpr uint64_t kGdtGpa = 0x1000;  // every format: null, null, code (0x10), data (0x18)

// e820 address range types (ACPI 6.4 15, Table 15.1 "Address Range Types"; the
// Multiboot mmap uses the same values: 1 = available, anything else reserved).
enum class E820Type : uint32_t { ram = 1, reserved = 2, acpi = 3, nvs = 4, unusable = 5 };

struct E820Entry {
    uint64_t addr;
    uint64_t size;
    E820Type type;
    bool operator==(const E820Entry&) const = default;
};

inline constexpr size_t kMaxE820Entries = 8;

struct E820Map {
    E820Entry entries[kMaxE820Entries];
    size_t count;
};

// [0, 0x9FC00) RAM, [0x9FC00, 0xA0000) reserved (EBDA), [0xE0000, 0x100000)
// reserved (BIOS area holding the ACPI tables), [0x100000, mem_size) RAM.
// Errors: bad_ram_size (mem_size < 2 MiB or not 2 MiB aligned).
LoadStatus build_e820(uint64_t mem_size, E820Map& out);

// Where image bytes may go: [start, start + len) must be inside RAM, below
// `limit` (4 GiB for 32-bit formats), and inside one of the loadable ranges
// [kLoaderAreaEnd, kLowRamEnd) or [kHighRamStart, mem_size).
// Errors: segment_outside_ram (past mem_size or limit, or wrapping),
// overlaps_reserved (loader area, EBDA, VGA hole, BIOS area).
LoadStatus check_load_range(uint64_t start, uint64_t len, uint64_t mem_size, uint64_t limit);

// Checks the size of the RAM handed to a loader (same rule as build_e820).
constexpr bool valid_ram_size(uint64_t mem_size) { return mem_size >= k2MiB && mem_size % k2MiB == 0; }

}  // namespace bh::x86::loader
