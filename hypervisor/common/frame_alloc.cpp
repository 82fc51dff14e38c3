// Bitmap allocator of 4 KiB physical page frames (see frame_alloc.hpp).
#include "common/frame_alloc.hpp"

#include <bit>

namespace bh {

namespace {

constexpr uint64_t kFrameShift = 12;
constexpr uint64_t kFrameMask = FrameAllocator::frame_size - 1;
// Allocations prefer frames at or above 1 MiB (frame 256).
constexpr uint64_t kLowMemFrames = 0x100000 >> kFrameShift;
constexpr uint64_t kBitsPerWord = 64;
constexpr uint64_t kAllOnes = ~uint64_t{0};

struct FrameSpan {  // [first, end) in frame numbers; empty when end <= first
    uint64_t first;
    uint64_t end;
};

uint64_t min_u64(uint64_t a, uint64_t b) { return a < b ? a : b; }
uint64_t max_u64(uint64_t a, uint64_t b) { return a > b ? a : b; }

// Exclusive end address of r, saturated at 2^64 - 1.
uint64_t range_end(const PhysRange& r) {
    return r.length > UINT64_MAX - r.base ? UINT64_MAX : r.base + r.length;
}

// Whole frames inside a usable range, excluding frame 0 and frames at or
// above max_phys.
FrameSpan trim_inward(const PhysRange& r) {
    uint64_t first = (r.base >> kFrameShift) + ((r.base & kFrameMask) != 0 ? 1 : 0);
    first = max_u64(first, 1);
    const uint64_t end = min_u64(range_end(r), FrameAllocator::max_phys) >> kFrameShift;
    return FrameSpan{first, end};
}

// Every frame a reserved range touches.
FrameSpan widen_outward(const PhysRange& r) {
    if (r.length == 0) return FrameSpan{0, 0};
    const uint64_t last = r.length - 1 > UINT64_MAX - r.base ? UINT64_MAX : r.base + (r.length - 1);
    return FrameSpan{r.base >> kFrameShift, (last >> kFrameShift) + 1};
}

uint64_t align_up(uint64_t v, uint64_t align) { return (v + align - 1) & ~(align - 1); }

// Lowest frame >= floor inside one usable span where `pages` frames fit
// without touching any reserved range; returns false if there is none.
bool fit_in_span(FrameSpan span, uint64_t floor, uint64_t pages, const PhysRange* reserved,
                 size_t n_reserved, uint64_t& frame_out) {
    uint64_t cand = max_u64(span.first, floor);
    for (;;) {
        if (cand >= span.end || span.end - cand < pages) return false;
        bool moved = false;
        for (size_t i = 0; i < n_reserved; ++i) {
            const FrameSpan res = widen_outward(reserved[i]);
            if (res.first < cand + pages && cand < res.end) {
                cand = res.end;  // strictly increases, so the loop ends
                moved = true;
                break;
            }
        }
        if (!moved) {
            frame_out = cand;
            return true;
        }
    }
}

}  // namespace

FrameAllocator::Status FrameAllocator::init(const PhysRange* usable, size_t n_usable,
                                            const PhysRange* reserved, size_t n_reserved,
                                            ToVirt to_virt, void* ctx) {
    bits_ = nullptr;
    runs_ = nullptr;
    n_runs_ = 0;
    n_bits_ = 0;
    meta_phys_ = 0;
    meta_pages_ = 0;
    free_ = 0;
    total_ = 0;
    if (to_virt == nullptr || (usable == nullptr && n_usable != 0) ||
        (reserved == nullptr && n_reserved != 0) || n_usable > max_ranges ||
        n_reserved > max_ranges) {
        return Status::bad_range;
    }

    // The span the bitmap covers: lowest to highest usable frame.
    uint64_t lo = UINT64_MAX;
    uint64_t hi = 0;
    for (size_t i = 0; i < n_usable; ++i) {
        const FrameSpan s = trim_inward(usable[i]);
        if (s.end <= s.first) continue;
        lo = min_u64(lo, s.first);
        hi = max_u64(hi, s.end);
    }
    if (hi == 0) return Status::no_memory;

    // Metadata: the bitmap, then the run list. Each usable range contributes
    // at most one run; each reserved range and the metadata itself split at
    // most one run in two.
    const uint64_t n_bits = hi - lo;
    const uint64_t n_words = (n_bits + kBitsPerWord - 1) / kBitsPerWord;
    const uint64_t max_runs = n_usable + n_reserved + 1;
    const uint64_t meta_bytes = n_words * sizeof(uint64_t) + max_runs * sizeof(Run);
    const uint64_t meta_pages = (meta_bytes + kFrameMask) >> kFrameShift;

    // Place it in the lowest usable spot, preferring memory above 1 MiB.
    uint64_t meta_frame = 0;
    bool placed = false;
    for (int pass = 0; pass < 2 && !placed; ++pass) {
        const uint64_t floor = pass == 0 ? kLowMemFrames : 0;
        for (size_t i = 0; i < n_usable; ++i) {
            uint64_t f = 0;
            if (fit_in_span(trim_inward(usable[i]), floor, meta_pages, reserved, n_reserved, f) &&
                (!placed || f < meta_frame)) {
                meta_frame = f;
                placed = true;
            }
        }
    }
    if (!placed) return Status::no_memory;

    void* meta = to_virt(meta_frame << kFrameShift, ctx);
    if (meta == nullptr) return Status::bad_range;
    bits_ = static_cast<uint64_t*>(meta);
    runs_ = reinterpret_cast<Run*>(bits_ + n_words);
    base_frame_ = lo;
    n_bits_ = n_bits;

    // Start with every frame unavailable, free the usable ones, then take
    // back the reserved ones and the metadata.
    for (uint64_t w = 0; w < n_words; ++w) bits_[w] = kAllOnes;
    for (size_t i = 0; i < n_usable; ++i) {
        const FrameSpan s = trim_inward(usable[i]);
        if (s.end > s.first) clear_bits(s.first - lo, s.end - lo);
    }
    for (size_t i = 0; i < n_reserved; ++i) {
        const FrameSpan s = widen_outward(reserved[i]);
        const uint64_t first = max_u64(s.first, lo);
        const uint64_t end = min_u64(s.end, hi);
        if (end > first) set_bits(first - lo, end - lo);
    }
    set_bits(meta_frame - lo, meta_frame - lo + meta_pages);

    // Record the managed runs and count the free frames.
    uint64_t i = find_clear(0, n_bits);
    while (i < n_bits && n_runs_ < max_runs) {  // the bound always holds
        const uint64_t j = find_set(i, n_bits);
        runs_[n_runs_++] = Run{lo + i, lo + j};
        free_ += static_cast<size_t>(j - i);
        i = find_clear(j, n_bits);
    }
    total_ = free_;
    to_virt_ = to_virt;
    ctx_ = ctx;
    meta_phys_ = meta_frame << kFrameShift;
    meta_pages_ = meta_pages;
    return Status::ok;
}

FrameAllocator::Status FrameAllocator::alloc(size_t pages, uint64_t& phys_out, uint64_t align,
                                             uint64_t below) {
    if (bits_ == nullptr) return Status::not_initialized;
    if (pages == 0 || align == 0 || (align & (align - 1)) != 0) return Status::bad_range;
    const uint64_t align_frames = max_u64(align, frame_size) >> kFrameShift;
    if (pages > free_) return Status::no_memory;

    const uint64_t hi = min_u64(base_frame_ + n_bits_, below >> kFrameShift);
    uint64_t frame = 0;
    const bool found = search(max_u64(base_frame_, kLowMemFrames), hi, pages, align_frames, frame) ||
                       search(base_frame_, hi, pages, align_frames, frame);
    if (!found) return Status::no_memory;

    const uint64_t bit = frame - base_frame_;
    set_bits(bit, bit + pages);
    free_ -= pages;
    for (uint64_t p = 0; p < pages; ++p) {
        __builtin_memset(to_virt_((frame + p) << kFrameShift, ctx_), 0, frame_size);
    }
    phys_out = frame << kFrameShift;
    return Status::ok;
}

FrameAllocator::Status FrameAllocator::free(uint64_t phys, size_t pages) {
    if (bits_ == nullptr) return Status::not_initialized;
    if ((phys & kFrameMask) != 0 || pages == 0) return Status::bad_range;
    const uint64_t first = phys >> kFrameShift;
    if (pages > (UINT64_MAX >> kFrameShift) - first) return Status::bad_range;
    const uint64_t end = first + pages;

    // Runs are maximal and separated by unmanaged frames, so an allocated
    // range always lies inside a single run.
    const Run* run = find_run(first);
    if (run == nullptr || end > run->end) return Status::not_allocated;
    const uint64_t bit = first - base_frame_;
    if (find_clear(bit, bit + pages) != bit + pages) return Status::not_allocated;
    clear_bits(bit, bit + pages);
    free_ += pages;
    return Status::ok;
}

// Searches frames [lo, hi) for `pages` clear bits starting on an aligned
// frame. Skips whole words of used frames at a time.
bool FrameAllocator::search(uint64_t lo, uint64_t hi, uint64_t pages, uint64_t align_frames,
                            uint64_t& frame_out) const {
    uint64_t f = align_up(lo, align_frames);
    while (f < hi && hi - f >= pages) {
        const uint64_t bit = f - base_frame_;
        const uint64_t used = find_set(bit, bit + pages);
        if (used == bit + pages) {
            frame_out = f;
            return true;
        }
        const uint64_t next = find_clear(used + 1, n_bits_);
        if (next >= n_bits_) return false;
        f = align_up(base_frame_ + next, align_frames);
    }
    return false;
}

const FrameAllocator::Run* FrameAllocator::find_run(uint64_t frame) const {
    size_t lo = 0;
    size_t hi = n_runs_;
    while (lo < hi) {  // first run whose end is above frame
        const size_t mid = lo + (hi - lo) / 2;
        if (runs_[mid].end <= frame) {
            lo = mid + 1;
        } else {
            hi = mid;
        }
    }
    if (lo == n_runs_ || frame < runs_[lo].first) return nullptr;
    return &runs_[lo];
}

namespace {

// Mask of bits [from, to) within one word, 0 <= from < to <= 64.
uint64_t word_mask(uint64_t from, uint64_t to) {
    const uint64_t high = to == kBitsPerWord ? kAllOnes : (uint64_t{1} << to) - 1;
    return high & ~((uint64_t{1} << from) - 1);
}

}  // namespace

void FrameAllocator::set_bits(uint64_t from, uint64_t to) {
    while (from < to) {
        const uint64_t w = from / kBitsPerWord;
        const uint64_t stop = min_u64(to, (w + 1) * kBitsPerWord);
        bits_[w] |= word_mask(from % kBitsPerWord, stop - w * kBitsPerWord);
        from = stop;
    }
}

void FrameAllocator::clear_bits(uint64_t from, uint64_t to) {
    while (from < to) {
        const uint64_t w = from / kBitsPerWord;
        const uint64_t stop = min_u64(to, (w + 1) * kBitsPerWord);
        bits_[w] &= ~word_mask(from % kBitsPerWord, stop - w * kBitsPerWord);
        from = stop;
    }
}

// First set bit in [from, to), or `to` if there is none.
uint64_t FrameAllocator::find_set(uint64_t from, uint64_t to) const {
    while (from < to) {
        const uint64_t w = from / kBitsPerWord;
        const uint64_t stop = min_u64(to, (w + 1) * kBitsPerWord);
        const uint64_t hits = bits_[w] & word_mask(from % kBitsPerWord, stop - w * kBitsPerWord);
        if (hits != 0) return w * kBitsPerWord + static_cast<uint64_t>(std::countr_zero(hits));
        from = stop;
    }
    return to;
}

// First clear bit in [from, to), or `to` if there is none.
uint64_t FrameAllocator::find_clear(uint64_t from, uint64_t to) const {
    while (from < to) {
        const uint64_t w = from / kBitsPerWord;
        const uint64_t stop = min_u64(to, (w + 1) * kBitsPerWord);
        const uint64_t hits = ~bits_[w] & word_mask(from % kBitsPerWord, stop - w * kBitsPerWord);
        if (hits != 0) return w * kBitsPerWord + static_cast<uint64_t>(std::countr_zero(hits));
        from = stop;
    }
    return to;
}

}  // namespace bh
