// Raw binary loader: the image's bytes at a configured address, entered at that address.
#pragma once
#include <cstdint>

#include "arch/x86/loader/boot_state.hpp"
#include "arch/x86/loader/guest_ram.hpp"
#include "arch/x86/loader/image.hpp"
#include "arch/x86/loader/status.hpp"

namespace bh::x86::loader {

// A raw binary is entered in flat 32-bit protected mode, paging off: the
// Multiboot machine state without the information structure (EAX = EBX = 0,
// boot GDT at kGdtGpa with CS = 0x10, DS = 0x18). Chosen over 16-bit real
// mode because raw images are usually linked at or above 1 MiB, which real
// mode cannot reach, and because one test kernel can then boot both as raw
// and as Multiboot. A binary that wants real mode or long mode switches itself.
inline constexpr CpuMode kRawMode = CpuMode::protected32;

// VmConfig kernel.load_addr = 0 means "the image type's default".
inline constexpr uint64_t kRawDefaultLoadAddr = 0x100000;

// Copies the image to load_addr (0 = kRawDefaultLoadAddr) and sets `state`
// to protected32_state(load_addr); the image must lie in loadable RAM below
// 4 GiB (check_load_range). Nothing is written unless the checks pass.
// Errors: bad_ram_size, empty_image, segment_outside_ram, overlaps_reserved,
// ram_write_failed.
LoadStatus load_raw(GuestRam& ram, const Image& image, uint64_t load_addr, BootState& state);

}  // namespace bh::x86::loader
