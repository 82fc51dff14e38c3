// Unit tests for the bitmap frame allocator, with a host buffer as physical memory.
#include "common/frame_alloc.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <random>
#include <set>
#include <vector>

namespace {

using bh::FrameAllocator;
using bh::PhysRange;
using Status = FrameAllocator::Status;

constexpr uint64_t kPage = 4096;
constexpr uint64_t kMiB = 1024 * 1024;

// A host buffer standing in for physical memory [base, base + size).
struct FakePhys {
    uint64_t base;
    std::vector<uint8_t> mem;

    FakePhys(uint64_t b, uint64_t size) : base(b), mem(size, 0xa5) {}

    static void* to_virt(uint64_t phys, void* ctx) {
        auto* self = static_cast<FakePhys*>(ctx);
        if (phys < self->base || phys >= self->base + self->mem.size()) {
            std::fprintf(stderr, "to_virt out of range: %#llx\n", static_cast<unsigned long long>(phys));
            std::abort();
        }
        return self->mem.data() + (phys - self->base);
    }
    uint8_t* at(uint64_t phys) { return static_cast<uint8_t*>(to_virt(phys, this)); }
};

bool overlaps(uint64_t a, uint64_t a_len, uint64_t b, uint64_t b_len) {
    return a < b + b_len && b < a + a_len;
}

bool overlaps_any(uint64_t a, uint64_t len, const std::vector<PhysRange>& ranges) {
    for (const PhysRange& r : ranges) {
        if (overlaps(a, len, r.base, r.length)) return true;
    }
    return false;
}

// Allocates single frames until exhaustion.
std::vector<uint64_t> drain(FrameAllocator& fa) {
    std::vector<uint64_t> out;
    uint64_t p = 0;
    while (fa.alloc(1, p) == Status::ok) out.push_back(p);
    return out;
}

class FrameAllocTest : public ::testing::Test {
protected:
    // 64 MiB of "RAM" at 1 MiB.
    FakePhys phys{0x100000, 64 * kMiB};
    FrameAllocator fa;
};

TEST_F(FrameAllocTest, NotInitialized) {
    uint64_t p = 0;
    EXPECT_EQ(fa.alloc(1, p), Status::not_initialized);
    EXPECT_EQ(fa.free(0x200000, 1), Status::not_initialized);
    EXPECT_EQ(fa.free_frames(), 0u);
    EXPECT_EQ(fa.total_frames(), 0u);
}

TEST_F(FrameAllocTest, InitErrors) {
    const PhysRange usable[] = {{0x100000, 64 * kMiB}};
    EXPECT_EQ(fa.init(usable, 1, nullptr, 0, nullptr, &phys), Status::bad_range);
    EXPECT_EQ(fa.init(nullptr, 1, nullptr, 0, FakePhys::to_virt, &phys), Status::bad_range);
    EXPECT_EQ(fa.init(usable, 1, nullptr, 1, FakePhys::to_virt, &phys), Status::bad_range);
    EXPECT_EQ(fa.init(usable, 0, nullptr, 0, FakePhys::to_virt, &phys), Status::no_memory);
    // Less than a frame once trimmed.
    const PhysRange tiny[] = {{0x100001, 0x1000}};
    EXPECT_EQ(fa.init(tiny, 1, nullptr, 0, FakePhys::to_virt, &phys), Status::no_memory);
    // Everything reserved.
    EXPECT_EQ(fa.init(usable, 1, usable, 1, FakePhys::to_virt, &phys), Status::no_memory);
    uint64_t p = 0;
    EXPECT_EQ(fa.alloc(1, p), Status::not_initialized);
}

TEST_F(FrameAllocTest, CountsAndMetadataPlacement) {
    const PhysRange usable[] = {{0x100000, 64 * kMiB}};
    const std::vector<PhysRange> reserved = {{0x100000, 0x100000}, {0x500123, 0x10000}};
    ASSERT_EQ(fa.init(usable, 1, reserved.data(), reserved.size(), FakePhys::to_virt, &phys), Status::ok);
    const PhysRange meta = fa.metadata();
    EXPECT_GT(meta.length, 0u);
    EXPECT_EQ(meta.base % kPage, 0u);
    EXPECT_GE(meta.base, 0x100000u);
    EXPECT_LE(meta.base + meta.length, 0x100000 + 64 * kMiB);
    EXPECT_FALSE(overlaps_any(meta.base, meta.length, reserved));
    // Small: one bit per frame plus a short run list.
    EXPECT_LE(meta.length, 2 * kPage);

    const uint64_t usable_frames = 64 * kMiB / kPage;
    const uint64_t reserved_frames = 0x100 + 0x11;  // 0x500123 + 0x10000 touches 17 frames
    const uint64_t expected = usable_frames - reserved_frames - meta.length / kPage;
    EXPECT_EQ(fa.total_frames(), expected);
    EXPECT_EQ(fa.free_frames(), expected);
}

TEST_F(FrameAllocTest, AllocatesEverythingOutsideReservations) {
    const std::vector<PhysRange> usable = {
        {0x100000 + 40 * kMiB, 24 * kMiB}, {0x100000, 30 * kMiB + 0x123}, {0x100000 + 32 * kMiB + 0x800, 4 * kMiB}};
    const std::vector<PhysRange> reserved = {
        {0x100000, 0x3000}, {0x100000 + 1 * kMiB + 5, 0x10}, {0x100000 + 10 * kMiB, 3 * kMiB},
        {0x100000 + 33 * kMiB, 0x1000}, {0x100000 + 50 * kMiB - 0x800, 0x1000}, {0, 0x100000}};
    ASSERT_EQ(fa.init(usable.data(), usable.size(), reserved.data(), reserved.size(), FakePhys::to_virt,
                      &phys),
              Status::ok);
    const PhysRange meta = fa.metadata();
    EXPECT_FALSE(overlaps_any(meta.base, meta.length, reserved));

    const std::vector<uint64_t> got = drain(fa);
    EXPECT_EQ(got.size(), fa.total_frames());
    EXPECT_EQ(fa.free_frames(), 0u);
    std::set<uint64_t> distinct(got.begin(), got.end());
    EXPECT_EQ(distinct.size(), got.size());
    for (uint64_t p : got) {
        ASSERT_EQ(p % kPage, 0u);
        ASSERT_FALSE(overlaps_any(p, kPage, reserved)) << std::hex << p;
        ASSERT_FALSE(overlaps(p, kPage, meta.base, meta.length)) << std::hex << p;
        bool inside = false;
        for (const PhysRange& u : usable) inside = inside || (p >= u.base && p + kPage <= u.base + u.length);
        ASSERT_TRUE(inside) << std::hex << p;
    }
    // Whole-frame trimming: the unaligned tails are not handed out.
    EXPECT_EQ(distinct.count(0x100000 + 30 * kMiB), 0u);
    EXPECT_EQ(distinct.count(0x100000 + 32 * kMiB), 0u);
    EXPECT_EQ(distinct.count(0x100000 + 36 * kMiB), 0u);
    EXPECT_EQ(distinct.count(0x100000 + 32 * kMiB + 0x1000), 1u);

    for (uint64_t p : got) ASSERT_EQ(fa.free(p, 1), Status::ok);
    EXPECT_EQ(fa.free_frames(), fa.total_frames());
}

TEST_F(FrameAllocTest, OverlappingUsableRanges) {
    const PhysRange usable[] = {{0x100000, 8 * kMiB}, {0x100000 + 4 * kMiB, 8 * kMiB}};
    ASSERT_EQ(fa.init(usable, 2, nullptr, 0, FakePhys::to_virt, &phys), Status::ok);
    EXPECT_EQ(fa.total_frames() + fa.metadata().length / kPage, 12 * kMiB / kPage);
    EXPECT_EQ(drain(fa).size(), fa.total_frames());
}

TEST_F(FrameAllocTest, FramesAboveMaxPhysIgnored) {
    // Ranges at or above max_phys would make the bitmap far larger than the
    // buffer (and to_virt would abort) if they were tracked.
    const PhysRange usable[] = {{FrameAllocator::max_phys, 0x1000000000000},
                                {0x100000, 16 * kMiB},
                                {FrameAllocator::max_phys * 2, 0x100000},
                                {UINT64_MAX - 0x10000, 0x20000}};
    ASSERT_EQ(fa.init(usable, 4, nullptr, 0, FakePhys::to_virt, &phys), Status::ok);
    EXPECT_EQ(fa.total_frames() + fa.metadata().length / kPage, 16 * kMiB / kPage);
    EXPECT_EQ(fa.metadata().length, kPage);
    for (uint64_t p : drain(fa)) ASSERT_LT(p, 0x100000 + 16 * kMiB);
}

TEST_F(FrameAllocTest, AlignmentAndContiguity) {
    const PhysRange usable[] = {{0x100000, 64 * kMiB}};
    const PhysRange reserved[] = {{0x100000, 0x5000}};
    ASSERT_EQ(fa.init(usable, 1, reserved, 1, FakePhys::to_virt, &phys), Status::ok);
    uint64_t p = 0;
    ASSERT_EQ(fa.alloc(1, p, 2 * kMiB), Status::ok);
    EXPECT_EQ(p % (2 * kMiB), 0u);
    ASSERT_EQ(fa.alloc(3, p, 64 * 1024), Status::ok);
    EXPECT_EQ(p % (64 * 1024), 0u);
    ASSERT_EQ(fa.alloc(1, p, 8), Status::ok);  // below a frame means a frame
    EXPECT_EQ(p % kPage, 0u);
    EXPECT_EQ(fa.alloc(1, p, 0), Status::bad_range);
    EXPECT_EQ(fa.alloc(1, p, 3 * kPage), Status::bad_range);
    EXPECT_EQ(fa.alloc(0, p), Status::bad_range);

    // A multi-frame allocation covers frames nobody else gets.
    uint64_t big = 0;
    ASSERT_EQ(fa.alloc(100, big), Status::ok);
    for (uint64_t q : drain(fa)) ASSERT_FALSE(overlaps(q, kPage, big, 100 * kPage));
}

TEST_F(FrameAllocTest, ContiguousNeedsAHole) {
    const PhysRange usable[] = {{0x100000, 2 * kMiB}};
    ASSERT_EQ(fa.init(usable, 1, nullptr, 0, FakePhys::to_virt, &phys), Status::ok);
    std::vector<uint64_t> got = drain(fa);
    std::sort(got.begin(), got.end());
    ASSERT_GE(got.size(), 10u);
    for (size_t i = 0; i < got.size(); i += 2) ASSERT_EQ(fa.free(got[i], 1), Status::ok);
    uint64_t p = 0;
    const size_t free_before = fa.free_frames();
    EXPECT_EQ(fa.alloc(2, p), Status::no_memory);
    EXPECT_EQ(fa.free_frames(), free_before);
    ASSERT_EQ(fa.free(got[5], 1), Status::ok);  // joins got[4] .. got[6]
    ASSERT_EQ(fa.alloc(3, p), Status::ok);
    EXPECT_EQ(p, got[4]);
}

TEST_F(FrameAllocTest, ExhaustionAndDoubleFree) {
    const PhysRange usable[] = {{0x100000, 1 * kMiB}};
    ASSERT_EQ(fa.init(usable, 1, nullptr, 0, FakePhys::to_virt, &phys), Status::ok);
    uint64_t p = 0;
    EXPECT_EQ(fa.alloc(fa.free_frames() + 1, p), Status::no_memory);
    const std::vector<uint64_t> got = drain(fa);
    EXPECT_EQ(got.size(), fa.total_frames());
    EXPECT_EQ(fa.alloc(1, p), Status::no_memory);

    ASSERT_EQ(fa.free(got[3], 1), Status::ok);
    EXPECT_EQ(fa.free(got[3], 1), Status::not_allocated);
    EXPECT_EQ(fa.free_frames(), 1u);
    ASSERT_EQ(fa.alloc(1, p), Status::ok);
    EXPECT_EQ(p, got[3]);
}

TEST_F(FrameAllocTest, PartialDoubleFreeChangesNothing) {
    const PhysRange usable[] = {{0x100000, 8 * kMiB}};
    ASSERT_EQ(fa.init(usable, 1, nullptr, 0, FakePhys::to_virt, &phys), Status::ok);
    uint64_t a = 0;
    ASSERT_EQ(fa.alloc(4, a), Status::ok);
    ASSERT_EQ(fa.free(a + kPage, 1), Status::ok);
    const size_t before = fa.free_frames();
    EXPECT_EQ(fa.free(a, 4), Status::not_allocated);
    EXPECT_EQ(fa.free_frames(), before);
    // The other three frames are still allocated.
    EXPECT_EQ(fa.free(a, 1), Status::ok);
    EXPECT_EQ(fa.free(a + 2 * kPage, 2), Status::ok);
    EXPECT_EQ(fa.free_frames(), fa.total_frames());
}

TEST_F(FrameAllocTest, FreeRejectsUnmanagedFrames) {
    const PhysRange usable[] = {{0x100000, 8 * kMiB}, {0x100000 + 10 * kMiB, 8 * kMiB}};
    const PhysRange reserved[] = {{0x100000 + 1 * kMiB, 0x4000}};
    ASSERT_EQ(fa.init(usable, 2, reserved, 1, FakePhys::to_virt, &phys), Status::ok);
    const size_t total = fa.free_frames();
    EXPECT_EQ(fa.free(0x100000 + 1 * kMiB, 1), Status::not_allocated);   // reserved
    EXPECT_EQ(fa.free(0x100000 + 9 * kMiB, 1), Status::not_allocated);   // hole
    EXPECT_EQ(fa.free(0x10000000, 1), Status::not_allocated);             // above the span
    EXPECT_EQ(fa.free(0x1000, 1), Status::not_allocated);                 // below the span
    EXPECT_EQ(fa.free(fa.metadata().base, 1), Status::not_allocated);     // the bitmap
    EXPECT_EQ(fa.free(0x100800, 1), Status::bad_range);
    EXPECT_EQ(fa.free(0x100000, 0), Status::bad_range);
    EXPECT_EQ(fa.free(0xfffffffffffff000, 2), Status::bad_range);
    EXPECT_EQ(fa.free_frames(), total);

    // An allocation next to the hole cannot be freed together with the hole.
    std::vector<uint64_t> got = drain(fa);
    const uint64_t last_low = 0x100000 + 8 * kMiB - kPage;
    ASSERT_NE(std::find(got.begin(), got.end(), last_low), got.end());
    EXPECT_EQ(fa.free(last_low, 2), Status::not_allocated);
    EXPECT_EQ(fa.free(last_low, 1), Status::ok);
}

TEST_F(FrameAllocTest, AllocationsAreZeroed) {
    const PhysRange usable[] = {{0x100000, 4 * kMiB}};
    ASSERT_EQ(fa.init(usable, 1, nullptr, 0, FakePhys::to_virt, &phys), Status::ok);
    uint64_t p = 0;
    ASSERT_EQ(fa.alloc(5, p), Status::ok);
    for (uint64_t i = 0; i < 5 * kPage; ++i) ASSERT_EQ(phys.at(p)[i], 0) << i;
    std::fill(phys.at(p), phys.at(p) + 5 * kPage, uint8_t{0x5a});
    ASSERT_EQ(fa.free(p, 5), Status::ok);
    uint64_t q = 0;
    ASSERT_EQ(fa.alloc(5, q), Status::ok);
    EXPECT_EQ(q, p);
    for (uint64_t i = 0; i < 5 * kPage; ++i) ASSERT_EQ(phys.at(q)[i], 0) << i;
}

TEST(FrameAllocLowMem, BelowAndLowMemoryPreference) {
    FakePhys phys(0, 16 * kMiB);
    FrameAllocator fa;
    // A PC-like map: conventional memory, then RAM from 1 MiB.
    const PhysRange usable[] = {{0x100000, 15 * kMiB}, {0, 0x9fc00}};
    const PhysRange reserved[] = {{0x100000, 0x200000}};
    ASSERT_EQ(fa.init(usable, 2, reserved, 1, FakePhys::to_virt, &phys), Status::ok);
    EXPECT_GE(fa.metadata().base, 0x100000u);  // metadata keeps out of low memory

    uint64_t p = 0;
    ASSERT_EQ(fa.alloc(1, p), Status::ok);
    EXPECT_GE(p, 0x300000u);  // ordinary allocations leave low memory alone
    ASSERT_EQ(fa.alloc(1, p, kPage, 0x100000), Status::ok);
    EXPECT_NE(p, 0u);  // frame 0 is never handed out
    EXPECT_LE(p + kPage, 0x100000u);
    ASSERT_EQ(fa.free(p, 1), Status::ok);

    // Exactly the frames 0x1000 .. 0x9f000 are available under 1 MiB.
    std::vector<uint64_t> low;
    while (fa.alloc(1, p, kPage, 0x100000) == Status::ok) low.push_back(p);
    EXPECT_EQ(low.size(), 0x9eu);
    for (uint64_t q : low) {
        EXPECT_GE(q, 0x1000u);
        EXPECT_LE(q + kPage, 0x9f000u);
    }
    EXPECT_EQ(fa.alloc(1, p, kPage, 0x1000), Status::no_memory);
    EXPECT_EQ(fa.alloc(1, p, kPage, 0), Status::no_memory);
    // `below` bounds the end of the block, not just its start.
    ASSERT_EQ(fa.alloc(4, p, kPage, 0x400000 + 2 * kPage), Status::ok);
    EXPECT_LE(p + 4 * kPage, 0x400000u + 2 * kPage);
}

TEST(FrameAllocLowMem, FallsBackToLowMemoryWhenHighIsFull) {
    FakePhys phys(0, 4 * kMiB);
    FrameAllocator fa;
    const PhysRange usable[] = {{0x1000, 0x9e000}, {0x100000, 1 * kMiB}};
    ASSERT_EQ(fa.init(usable, 2, nullptr, 0, FakePhys::to_virt, &phys), Status::ok);
    const std::vector<uint64_t> got = drain(fa);
    EXPECT_EQ(got.size(), fa.total_frames());
    // High memory went first.
    EXPECT_GE(got.front(), 0x100000u);
    EXPECT_LT(got.back(), 0x100000u);
}

TEST_F(FrameAllocTest, RandomizedAgainstModel) {
    const PhysRange usable[] = {{0x100000, 16 * kMiB}, {0x100000 + 20 * kMiB, 8 * kMiB}};
    const PhysRange reserved[] = {{0x100000 + 3 * kMiB, 0x7000}, {0x100000 + 21 * kMiB, kMiB}};
    ASSERT_EQ(fa.init(usable, 2, reserved, 2, FakePhys::to_virt, &phys), Status::ok);
    std::mt19937_64 rng(1234);
    struct Block {
        uint64_t phys;
        size_t pages;
    };
    std::vector<Block> live;
    std::set<uint64_t> owned;
    size_t used = 0;
    for (int step = 0; step < 4000; ++step) {
        if (live.empty() || rng() % 3 != 0) {
            const size_t pages = 1 + static_cast<size_t>(rng() % 40);
            const uint64_t align = kPage << (rng() % 6);
            uint64_t p = 0;
            const Status st = fa.alloc(pages, p, align);
            if (st != Status::ok) {
                ASSERT_EQ(st, Status::no_memory);
                continue;
            }
            ASSERT_EQ(p % align, 0u);
            for (size_t i = 0; i < pages; ++i) ASSERT_TRUE(owned.insert(p + i * kPage).second);
            ASSERT_FALSE(overlaps(p, pages * kPage, reserved[0].base, reserved[0].length));
            ASSERT_FALSE(overlaps(p, pages * kPage, reserved[1].base, reserved[1].length));
            live.push_back({p, pages});
            used += pages;
        } else {
            const size_t i = static_cast<size_t>(rng() % live.size());
            ASSERT_EQ(fa.free(live[i].phys, live[i].pages), Status::ok);
            ASSERT_EQ(fa.free(live[i].phys, 1), Status::not_allocated);
            for (size_t k = 0; k < live[i].pages; ++k) owned.erase(live[i].phys + k * kPage);
            used -= live[i].pages;
            live[i] = live.back();
            live.pop_back();
        }
        ASSERT_EQ(fa.free_frames(), fa.total_frames() - used);
    }
}

}  // namespace
