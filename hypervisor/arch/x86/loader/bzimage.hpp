// Linux bzImage loader through the 64-bit boot protocol (Documentation/arch/x86/boot.rst,
// "64-bit Boot Protocol"; zero page per zero-page.rst).
#pragma once
#include <cstddef>
#include <cstdint>

#include "arch/x86/loader/boot_state.hpp"
#include "arch/x86/loader/e820.hpp"
#include "arch/x86/loader/guest_ram.hpp"
#include "arch/x86/loader/image.hpp"
#include "arch/x86/loader/status.hpp"

namespace bh::x86::loader {

// Setup header fields: offsets in the image and in struct boot_params alike
// (boot.rst "The Real-Mode Kernel Header").
namespace hdr {
inline constexpr size_t kStart = 0x1f1;
inline constexpr size_t kSetupSects = 0x1f1;      // u8, 0 means 4
inline constexpr size_t kSyssize = 0x1f4;         // u32, 16-byte paragraphs (2.04+)
inline constexpr size_t kVidMode = 0x1fa;         // u16
inline constexpr size_t kBootFlag = 0x1fe;        // u16, 0xAA55
inline constexpr size_t kJump = 0x200;            // EB xx: the header ends at 0x202 + xx
inline constexpr size_t kHeader = 0x202;          // u32 "HdrS"
inline constexpr size_t kVersion = 0x206;         // u16
inline constexpr size_t kTypeOfLoader = 0x210;    // u8
inline constexpr size_t kLoadflags = 0x211;       // u8
inline constexpr size_t kCode32Start = 0x214;     // u32
inline constexpr size_t kRamdiskImage = 0x218;    // u32
inline constexpr size_t kRamdiskSize = 0x21c;     // u32
inline constexpr size_t kHeapEndPtr = 0x224;      // u16
inline constexpr size_t kCmdLinePtr = 0x228;      // u32
inline constexpr size_t kInitrdAddrMax = 0x22c;   // u32 (2.03+)
inline constexpr size_t kKernelAlignment = 0x230; // u32 (2.05+)
inline constexpr size_t kRelocatable = 0x234;     // u8 (2.05+)
inline constexpr size_t kXloadflags = 0x236;      // u16 (2.12+)
inline constexpr size_t kCmdlineSize = 0x238;     // u32 (2.06+)
inline constexpr size_t kSetupData = 0x250;       // u64 (2.09+)
inline constexpr size_t kPrefAddress = 0x258;     // u64 (2.10+)
inline constexpr size_t kInitSize = 0x260;        // u32 (2.10+)
inline constexpr size_t kMinEnd = 0x264;          // a 2.12 header reaches at least past init_size
inline constexpr size_t kMaxEnd = 0x290;          // boot_params.edd_mbr_sig_buffer follows the header

inline constexpr uint16_t kBootFlagValue = 0xaa55;
inline constexpr uint32_t kHdrSMagic = 0x53726448;  // "HdrS"
inline constexpr uint16_t kMinVersion = 0x020c;     // 2.12: xloadflags, 64-bit entry flag
inline constexpr uint8_t kLoaderUndefined = 0xff;   // type_of_loader: no assigned id
inline constexpr uint16_t kVidModeNormal = 0xffff;  // boot.rst "Special Command Line Options": vga=normal
inline constexpr uint8_t kLoadedHigh = 1u << 0;     // loadflags bit 0 (read): bzImage, loaded at 1 MiB+
inline constexpr uint8_t kKeepSegments = 1u << 6;   // loadflags bit 6: obsolete, cleared
inline constexpr uint8_t kCanUseHeap = 1u << 7;     // loadflags bit 7 (write)
inline constexpr uint16_t kXlfKernel64 = 1u << 0;   // xloadflags bit 0: 64-bit entry at load + 0x200
inline constexpr size_t kSectorSize = 512;
inline constexpr uint64_t kEntry64Offset = 0x200;   // boot.rst "64-bit Boot Protocol"
}  // namespace hdr

// struct boot_params fields outside the setup header (zero-page.rst).
namespace zp {
inline constexpr uint64_t kSize = 0x1000;
inline constexpr size_t kAcpiRsdpAddr = 0x070;   // u64
inline constexpr size_t kExtRamdiskImage = 0x0c0;  // u32, high half
inline constexpr size_t kExtRamdiskSize = 0x0c4;   // u32, high half
inline constexpr size_t kExtCmdLinePtr = 0x0c8;    // u32, high half
inline constexpr size_t kE820Entries = 0x1e8;      // u8
inline constexpr size_t kE820Table = 0x2d0;        // 128 x {u64 addr, u64 size, u32 type}
inline constexpr size_t kE820EntrySize = 20;
inline constexpr size_t kE820MaxEntries = 128;
}  // namespace zp

// The setup header fields the loader acts on, validated.
struct BzImageHeader {
    uint16_t version;
    uint8_t loadflags;
    uint16_t xloadflags;
    size_t setup_size;    // (setup_sects + 1) * 512: the protected-mode code starts here
    size_t header_end;    // 0x202 + the jump's offset byte
    size_t payload_size;  // image size - setup_size
    uint32_t initrd_addr_max;
    uint32_t kernel_alignment;
    bool relocatable;
    uint32_t cmdline_size;
    uint64_t pref_address;
    uint32_t init_size;
};

// Errors: image_truncated (shorter than its header, its setup sectors or
// syssize), bad_magic (boot_flag or "HdrS"), unsupported_version (< 2.12),
// not_64bit_capable, bad_header (header end outside [0x264, 0x290], no
// LOADED_HIGH, relocatable with a kernel_alignment that is not a power of two).
LoadStatus parse_bzimage_header(const Image& kernel, BzImageHeader& out);

// Guest-physical layout. Low area (kLoaderAreaEnd = 64 KiB):
//   0x1000 GDT, 0x2000-0x7FFF page tables (identity map of 4 GiB),
//   0x8000 zero page, 0x9000-0xFFFF command line.
// The kernel goes at pref_address (aligned up to kernel_alignment when
// relocatable; 1 MiB if pref_address is 0) with max(init_size, payload)
// bytes reserved there. Never lower: the 64-bit entry of a relocatable
// kernel loaded below pref_address still decompresses at pref_address, so
// lower would hide the memory the kernel really uses. The initrd goes at the
// highest 4 KiB aligned address below min(RAM end, initrd_addr_max + 1,
// 4 GiB) that misses the kernel's reservation (else just below the kernel),
// and above 1 MiB. Everything stays below 4 GiB, inside the identity map, so
// XLF_CAN_BE_LOADED_ABOVE_4G is never needed and the ext_ halves are 0.
inline constexpr uint64_t kBzPageTablesGpa = 0x2000;
inline constexpr uint64_t kBzZeroPageGpa = 0x8000;
inline constexpr uint64_t kBzCmdlineGpa = 0x9000;
inline constexpr size_t kBzCmdlineMax = kLoaderAreaEnd - kBzCmdlineGpa - 1;  // characters, without the NUL

struct BzImagePlacement {
    uint64_t kernel;           // protected-mode code; the 64-bit entry is kernel + 0x200
    uint64_t kernel_reserved;  // bytes from `kernel` the kernel may use before reading its e820 map
    uint64_t initrd;           // 0 if none
    uint64_t initrd_size;
    bool operator==(const BzImagePlacement&) const = default;
};

// Loads `kernel` (and `initrd`, if not nullptr and not empty) and builds the
// zero page: setup header from the image; type_of_loader 0xFF; loadflags
// with LOADED_HIGH kept, CAN_USE_HEAP and KEEP_SEGMENTS cleared (the
// real-mode setup code that would use the heap is not run); vid_mode
// "normal"; code32_start = load address; cmd_line_ptr (cmdline nullptr =
// ""); ramdisk_image/size with their ext_ halves; e820 table; setup_data 0;
// acpi_rsdp_addr = rsdp_gpa. `state` gets long64_state(load + 0x200) with
// RSI = zero page. Nothing is written unless every check passes.
// Errors: those of parse_bzimage_header, bad_ram_size, cmdline_too_long
// (> cmdline_size or > kBzCmdlineMax), overlaps_reserved (pref_address below
// 1 MiB), no_room_for_kernel, no_room_for_initrd, ram_write_failed.
LoadStatus load_bzimage(GuestRam& ram, const Image& kernel, const Image* initrd, const char* cmdline,
                        uint64_t rsdp_gpa, BootState& state, BzImagePlacement* where = nullptr);

}  // namespace bh::x86::loader
