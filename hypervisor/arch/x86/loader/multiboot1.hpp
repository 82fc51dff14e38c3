// Multiboot (version 0.6.96) kernel loader: ELF or a.out-kludge kernels, boot modules,
// and the Multiboot information structure, entered in flat 32-bit protected mode.
#pragma once
#include <cstddef>
#include <cstdint>

#include "arch/x86/loader/boot_state.hpp"
#include "arch/x86/loader/guest_ram.hpp"
#include "arch/x86/loader/image.hpp"
#include "arch/x86/loader/load_plan.hpp"
#include "arch/x86/loader/status.hpp"

namespace bh::x86::loader {

namespace mb1 {
// OS image header (Multiboot 3.1.1-3.1.3).
inline constexpr uint32_t kHeaderMagic = 0x1badb002;
inline constexpr size_t kSearchLimit = 8192;  // header entirely within the first 8 KiB, 4-byte aligned
inline constexpr size_t kHeaderAlign = 4;
inline constexpr size_t kHeaderSize = 12;         // magic, flags, checksum
inline constexpr size_t kHeaderAddrSize = 32;     // + header_addr .. entry_addr (flag bit 16)
inline constexpr uint32_t kPageAlignModules = 1u << 0;
inline constexpr uint32_t kMemoryInfo = 1u << 1;
inline constexpr uint32_t kVideoMode = 1u << 2;
inline constexpr uint32_t kAddressFields = 1u << 16;
inline constexpr uint32_t kRequiredMask = 0xffff;  // bits 0-15: the loader must honour or refuse
inline constexpr uint32_t kSupported = kPageAlignModules | kMemoryInfo;

// Machine state (Multiboot 3.2).
inline constexpr uint32_t kBootMagic = 0x2badb002;

// Boot information (Multiboot 3.3): flags and field offsets.
inline constexpr uint32_t kInfoMemory = 1u << 0;
inline constexpr uint32_t kInfoCmdline = 1u << 2;
inline constexpr uint32_t kInfoMods = 1u << 3;
inline constexpr uint32_t kInfoMmap = 1u << 6;
inline constexpr uint32_t kInfoLoaderName = 1u << 9;
inline constexpr size_t kFlags = 0, kMemLower = 4, kMemUpper = 8, kCmdline = 16, kModsCount = 20, kModsAddr = 24,
                        kMmapLength = 44, kMmapAddr = 48, kBootLoaderName = 64;
inline constexpr size_t kInfoSize = 0x100;     // through the framebuffer fields, zeroed
inline constexpr size_t kModEntrySize = 16;    // mod_start, mod_end (exclusive), string, reserved
inline constexpr size_t kMmapEntrySize = 24;   // u32 size (= 20, not counting itself), u64 base, u64 length, u32 type
inline constexpr uint32_t kMmapSizeField = 20;
}  // namespace mb1

struct Multiboot1Header {
    size_t offset;  // of the magic in the image
    uint32_t flags;
    // Valid with kAddressFields (physical addresses).
    uint32_t header_addr, load_addr, load_end_addr, bss_end_addr, entry_addr;
};

// Finds the first 4-byte aligned magic within the first 8 KiB whose
// checksum holds (magic + flags + checksum == 0).
// Errors: bad_magic (none), bad_checksum (magic only with bad checksums),
// image_truncated (address fields cut off by the end of the image),
// bad_header (address fields beyond 8 KiB), unsupported_flags (a required bit
// other than 0 and 1: video mode information is not available).
LoadStatus find_multiboot1_header(const Image& kernel, Multiboot1Header& out);

// a.out kludge (flag bit 16): the file bytes from header offset -
// (header_addr - load_addr) go to load_addr up to load_end_addr (0: to the end
// of the file), zeroes up to bss_end_addr (0: none); entry_addr must be inside.
// Errors: bad_header (load_addr > header_addr, text start before the file,
// load_end < load_addr, bss_end < load_end), image_truncated, bad_entry,
// those of plan_add.
LoadStatus plan_aout_kludge(const Image& kernel, const Multiboot1Header& h, uint64_t mem_size, LoadPlan& plan);

// Guest-physical layout. Low area: 0x1000 GDT, 0x2000 information
// structure, 0x2100 memory map, 0x2200 module list, 0x2300 boot loader name,
// 0x3000-0xFFFF strings (command line, then module strings). Kernel
// segments anywhere in loadable RAM below 4 GiB (check_load_range).
// Modules follow the kernel's highest byte (at least 1 MiB), in order, each
// 4 KiB aligned if flag bit 0 is set, else 8-byte aligned; below
// min(RAM end, 4 GiB).
inline constexpr uint64_t kMbiGpa = 0x2000;
inline constexpr uint64_t kMbiMmapGpa = 0x2100;
inline constexpr uint64_t kMbiModsGpa = 0x2200;
inline constexpr uint64_t kMbiLoaderNameGpa = 0x2300;
inline constexpr uint64_t kMbiStringsGpa = 0x3000;
inline constexpr size_t kMaxModules = 16;
inline constexpr char kBootLoaderName[] = "Bulkhead";

struct Multiboot1Placement {
    uint64_t kernel_start, kernel_end;    // lowest and one past the highest segment byte
    uint64_t modules_start, modules_end;  // equal if there are no modules
    bool aout_kludge;
    bool operator==(const Multiboot1Placement&) const = default;
};

// Loads a Multiboot kernel (ELF unless flag bit 16 asks for the a.out
// kludge, see elf.hpp) and `n` modules (module strings from Image::cmdline),
// builds the information structure (mem_lower/upper, cmdline, mods, mmap
// from build_e820, boot_loader_name) and sets `state` to
// protected32_state(entry) with EAX = 0x2BADB002, EBX = the structure.
// `modules` may be nullptr when n is 0 (nullptr counts as no modules).
// Nothing is written unless every check passes.
// Errors: bad_ram_size, those of find_multiboot1_header / plan_elf /
// plan_aout_kludge, too_many_modules, cmdline_too_long (the strings do not
// fit the string area), no_room_for_modules, ram_write_failed.
LoadStatus load_multiboot1(GuestRam& ram, const Image& kernel, const char* cmdline, const Image* modules, size_t n,
                           BootState& state, Multiboot1Placement* where = nullptr);

}  // namespace bh::x86::loader
