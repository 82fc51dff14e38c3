// Result of loading a guest image: every malformed or unplaceable image is one of these, never a crash.
#pragma once
#include <cstdint>

namespace bh::x86::loader {

enum class LoadStatus : uint8_t {
    ok,
    bad_ram_size,          // guest RAM smaller than 2 MiB or not a multiple of 2 MiB
    bad_magic,             // no "HdrS"/0xAA55, no Multiboot header, no ELF magic
    bad_checksum,          // a Multiboot header magic was found, but never with a valid checksum
    unsupported_version,   // Linux boot protocol older than 2.12
    not_64bit_capable,     // xloadflags lacks XLF_KERNEL_64
    bad_header,            // a header field is inconsistent (sizes, alignment, a.out addresses)
    unsupported_flags,     // a required Multiboot feature bit (0-15) this loader cannot honour
    image_truncated,       // the image ends before data its headers describe
    empty_image,           // a raw image of zero bytes
    bad_elf,               // class, data, type, machine, program-header table or segment sizes
    too_many_segments,     // more PT_LOAD segments than kMaxElfSegments
    overlapping_segments,  // two loadable segments share guest-physical bytes
    segment_outside_ram,   // image bytes would land beyond the end of RAM (or above 4 GiB in 32-bit formats)
    overlaps_reserved,     // image bytes would land in the loader area, the EBDA, or the BIOS/ACPI hole
    bad_entry,             // the entry point is not inside the loaded image
    no_room_for_kernel,    // [load address, + init_size) does not fit in RAM
    no_room_for_initrd,
    no_room_for_modules,
    cmdline_too_long,      // longer than the kernel accepts, or than the loader's string area
    too_many_modules,
    ram_write_failed,      // GuestRam refused a write the plan had checked (a GuestRam bug)
};

const char* to_string(LoadStatus s);

}  // namespace bh::x86::loader
