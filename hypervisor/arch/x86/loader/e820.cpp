// Guest memory map construction and the shared image-placement check.
#include "arch/x86/loader/e820.hpp"

namespace bh::x86::loader {

LoadStatus build_e820(uint64_t mem_size, E820Map& out) {
    out = E820Map{};
    if (!valid_ram_size(mem_size)) return LoadStatus::bad_ram_size;
    out.entries[0] = {0, kLowRamEnd, E820Type::ram};
    out.entries[1] = {kLowRamEnd, kEbdaEnd - kLowRamEnd, E820Type::reserved};
    out.entries[2] = {kBiosAreaStart, kHighRamStart - kBiosAreaStart, E820Type::reserved};
    out.entries[3] = {kHighRamStart, mem_size - kHighRamStart, E820Type::ram};
    out.count = 4;
    return LoadStatus::ok;
}

LoadStatus check_load_range(uint64_t start, uint64_t len, uint64_t mem_size, uint64_t limit) {
    const uint64_t top = mem_size < limit ? mem_size : limit;
    if (start > top || len > top - start) return LoadStatus::segment_outside_ram;
    const uint64_t end = start + len;
    const bool low = start >= kLoaderAreaEnd && end <= kLowRamEnd;
    const bool high = start >= kHighRamStart;
    return low || high ? LoadStatus::ok : LoadStatus::overlaps_reserved;
}

}  // namespace bh::x86::loader
