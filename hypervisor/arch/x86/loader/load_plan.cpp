// Checks and copies the segments of a Multiboot kernel.
#include "arch/x86/loader/load_plan.hpp"

#include "arch/x86/loader/e820.hpp"

namespace bh::x86::loader {

LoadStatus plan_add(LoadPlan& plan, const Image& image, const LoadSegment& s, uint64_t mem_size) {
    const uint64_t size = image.data == nullptr ? 0 : image.size;
    if (s.filesz > s.memsz) return LoadStatus::bad_elf;
    if (s.offset > size || s.filesz > size - s.offset) return LoadStatus::image_truncated;
    const LoadStatus st = check_load_range(s.paddr, s.memsz, mem_size, k4GiB);
    if (st != LoadStatus::ok) return st;
    for (size_t i = 0; i < plan.count; ++i) {
        const LoadSegment& o = plan.seg[i];
        if (s.paddr < o.paddr + o.memsz && o.paddr < s.paddr + s.memsz) return LoadStatus::overlapping_segments;
    }
    if (plan.count == kMaxLoadSegments) return LoadStatus::too_many_segments;
    plan.seg[plan.count++] = s;
    if (s.paddr + s.memsz > plan.end) plan.end = s.paddr + s.memsz;
    return LoadStatus::ok;
}

LoadStatus plan_load(GuestRam& ram, const Image& image, const LoadPlan& plan) {
    RamWriter w(ram);
    for (size_t i = 0; i < plan.count; ++i) {
        const LoadSegment& s = plan.seg[i];
        if (s.filesz != 0) w.bytes(s.paddr, image.data + s.offset, s.filesz);
        w.fill(s.paddr + s.filesz, 0, s.memsz - s.filesz);
    }
    return w.ok() ? LoadStatus::ok : LoadStatus::ram_write_failed;
}

}  // namespace bh::x86::loader
