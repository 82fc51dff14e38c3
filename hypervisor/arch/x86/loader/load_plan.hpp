// A checked list of image segments to copy into guest RAM, shared by the ELF and a.out-kludge paths.
#pragma once
#include <cstddef>
#include <cstdint>

#include "arch/x86/loader/guest_ram.hpp"
#include "arch/x86/loader/image.hpp"
#include "arch/x86/loader/status.hpp"

namespace bh::x86::loader {

inline constexpr size_t kMaxLoadSegments = 16;

struct LoadSegment {
    uint64_t paddr;   // guest-physical destination
    uint64_t vaddr;   // link address (ELF p_vaddr; paddr for a.out), for entry translation
    uint64_t offset;  // file offset of the bytes to copy
    uint64_t filesz;  // bytes copied; [filesz, memsz) is zeroed
    uint64_t memsz;
};

struct LoadPlan {
    LoadSegment seg[kMaxLoadSegments];
    size_t count;
    uint64_t entry;  // guest-physical
    uint64_t end;    // one past the highest byte any segment occupies
};

// Appends a segment after checking it against the image and guest RAM:
// filesz <= memsz and offset + filesz inside the image (else image_truncated,
// or bad_elf for filesz > memsz), the destination per check_load_range with
// a 4 GiB limit, no overlap with earlier segments (overlapping_segments),
// room in the plan (too_many_segments).
LoadStatus plan_add(LoadPlan& plan, const Image& image, const LoadSegment& s, uint64_t mem_size);

// Copies every segment and zeroes its tail.
LoadStatus plan_load(GuestRam& ram, const Image& image, const LoadPlan& plan);

}  // namespace bh::x86::loader
