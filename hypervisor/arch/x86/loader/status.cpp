// Human-readable names of loader results, for the boot log.
#include "arch/x86/loader/status.hpp"

namespace bh::x86::loader {

const char* to_string(LoadStatus s) {
    switch (s) {
        case LoadStatus::ok: return "ok";
        case LoadStatus::bad_ram_size: return "guest RAM size is not a multiple of 2 MiB (at least 2 MiB)";
        case LoadStatus::bad_magic: return "image magic number not found";
        case LoadStatus::bad_checksum: return "Multiboot header checksum is wrong";
        case LoadStatus::unsupported_version: return "boot protocol older than 2.12";
        case LoadStatus::not_64bit_capable: return "kernel has no 64-bit entry point (XLF_KERNEL_64)";
        case LoadStatus::bad_header: return "inconsistent image header";
        case LoadStatus::unsupported_flags: return "image requires an unsupported Multiboot feature";
        case LoadStatus::image_truncated: return "image is truncated";
        case LoadStatus::empty_image: return "image is empty";
        case LoadStatus::bad_elf: return "malformed ELF headers";
        case LoadStatus::too_many_segments: return "too many ELF PT_LOAD segments";
        case LoadStatus::overlapping_segments: return "ELF segments overlap";
        case LoadStatus::segment_outside_ram: return "image would be loaded outside guest RAM";
        case LoadStatus::overlaps_reserved: return "image would overlap a reserved guest area";
        case LoadStatus::bad_entry: return "entry point is outside the loaded image";
        case LoadStatus::no_room_for_kernel: return "no room for the kernel in guest RAM";
        case LoadStatus::no_room_for_initrd: return "no room for the initrd in guest RAM";
        case LoadStatus::no_room_for_modules: return "no room for the modules in guest RAM";
        case LoadStatus::cmdline_too_long: return "command line is too long";
        case LoadStatus::too_many_modules: return "too many modules";
        case LoadStatus::ram_write_failed: return "guest RAM write failed";
    }
    return "?";
}

}  // namespace bh::x86::loader
