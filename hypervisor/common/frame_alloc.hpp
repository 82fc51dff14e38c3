// Bitmap allocator of 4 KiB physical page frames.
#pragma once
#include <cstddef>
#include <cstdint>

namespace bh {

// A physical address range [base, base + length).
struct PhysRange {
    uint64_t base;
    uint64_t length;
};

// Hands out physically contiguous, zeroed runs of 4 KiB frames.
//
// Tracking: one bit per frame (1 = not available) over the span from the
// lowest to the highest usable frame, so holes below the first usable frame
// cost nothing. Beside the bitmap the allocator keeps the sorted list of
// "managed" runs (frames that were usable and not reserved at init), which
// lets free() reject frames that were never allocatable (reserved, holes,
// the allocator's own metadata) without a second bitmap. The metadata is
// carved out of usable memory and is never handed out.
//
// Policy: first fit from low addresses, but frames at or above 1 MiB are
// preferred so that low memory stays available for callers that ask for it
// with `below` (the AP trampoline). Frame 0 is never handed out, so a
// physical address of 0 can never be a valid allocation.
//
// Not thread-safe: there is no locking inside. Callers that share an
// allocator between pCPUs wrap every call in their own spinlock.
class FrameAllocator final {
public:
    // Converts a physical address to a pointer (identity in the hypervisor;
    // a buffer offset in tests). A physically contiguous range must map to a
    // virtually contiguous one, since the metadata is accessed as one array.
    using ToVirt = void* (*)(uint64_t phys, void* ctx);

    enum class Status : uint8_t { ok, no_memory, bad_range, not_allocated, not_initialized };

    static constexpr uint64_t frame_size = 4096;
    // Frames at or above this address are ignored (bounds the bitmap to 32 MiB).
    static constexpr uint64_t max_phys = uint64_t{1} << 40;
    // Upper bound on the number of ranges init() accepts in each list.
    static constexpr size_t max_ranges = 4096;

    FrameAllocator() = default;
    FrameAllocator(const FrameAllocator&) = delete;
    FrameAllocator& operator=(const FrameAllocator&) = delete;

    // usable: available RAM ranges, in any order, possibly unaligned (trimmed
    // inward to whole frames) or overlapping. reserved: ranges never to hand
    // out (widened outward to whole frames), may overlap usable. Calling init
    // again starts over. Errors: bad_range (null pointers, too many ranges,
    // to_virt returning null), no_memory (no usable frame, or no room for
    // the metadata).
    Status init(const PhysRange* usable, size_t n_usable, const PhysRange* reserved,
                size_t n_reserved, ToVirt to_virt, void* ctx);

    // Allocates `pages` contiguous frames whose first address is a multiple
    // of `align` (a power of two; values below 4096 mean 4096) and whose
    // whole extent lies below `below` (end <= below). The frames are zeroed.
    // Errors: bad_range (pages == 0, bad align), no_memory.
    Status alloc(size_t pages, uint64_t& phys_out, uint64_t align = frame_size,
                 uint64_t below = UINT64_MAX);

    // Frees `pages` frames starting at `phys`; any sub-range of earlier
    // allocations may be freed. If any frame in the range is not currently
    // allocated (never was, already freed, reserved, out of range) the call
    // returns not_allocated and changes nothing. bad_range for a misaligned
    // address, pages == 0 or an overflowing range.
    Status free(uint64_t phys, size_t pages);

    size_t free_frames() const { return free_; }
    // Frames available for allocation right after init (usable minus
    // reserved minus the allocator's own metadata).
    size_t total_frames() const { return total_; }
    // Where init placed the bitmap and run list (length 0 before init).
    PhysRange metadata() const { return PhysRange{meta_phys_, meta_pages_ * frame_size}; }

private:
    struct Run {  // managed frames [first, end), absolute frame numbers
        uint64_t first;
        uint64_t end;
    };

    void set_bits(uint64_t from, uint64_t to);
    void clear_bits(uint64_t from, uint64_t to);
    uint64_t find_set(uint64_t from, uint64_t to) const;
    uint64_t find_clear(uint64_t from, uint64_t to) const;
    bool search(uint64_t lo, uint64_t hi, uint64_t pages, uint64_t align_frames,
                uint64_t& frame_out) const;
    const Run* find_run(uint64_t frame) const;

    ToVirt to_virt_ = nullptr;
    void* ctx_ = nullptr;
    uint64_t* bits_ = nullptr;  // bit i describes frame base_frame_ + i
    Run* runs_ = nullptr;
    size_t n_runs_ = 0;
    uint64_t base_frame_ = 0;
    uint64_t n_bits_ = 0;
    uint64_t meta_phys_ = 0;
    uint64_t meta_pages_ = 0;
    size_t free_ = 0;
    size_t total_ = 0;
};

}  // namespace bh
