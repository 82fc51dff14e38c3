// Unit tests for the 4-level page-table builder, decoding raw entries by hand.
#include "arch/x86/page_table.hpp"

#include <gtest/gtest.h>

#include <cstdio>
#include <cstdlib>
#include <random>
#include <vector>

namespace {

using bh::x86::MapAttrs;
using bh::x86::MemType;
using bh::x86::PageTable;
using Status = PageTable::Status;

constexpr uint64_t k4k = 0x1000;
constexpr uint64_t k2m = 0x200000;
constexpr uint64_t k1g = 0x40000000;

// Raw entry bits, written out independently of the implementation (SDM Vol.3 4.5).
constexpr uint64_t P = 1ull << 0;
constexpr uint64_t RW = 1ull << 1;
constexpr uint64_t US = 1ull << 2;
constexpr uint64_t PWT = 1ull << 3;
constexpr uint64_t PCD = 1ull << 4;
constexpr uint64_t PS = 1ull << 7;
constexpr uint64_t PAT_4K = 1ull << 7;
constexpr uint64_t G = 1ull << 8;
constexpr uint64_t PAT_LARGE = 1ull << 12;
constexpr uint64_t NX = 1ull << 63;
constexpr uint64_t ADDR = 0x000ffffffffff000ull;

constexpr MapAttrs kRwData{true, false, false, MemType::wb, false};
constexpr MapAttrs kRoCode{false, true, false, MemType::wb, false};

// Table pages come from a host buffer posing as physical memory at 1 MiB.
struct FakePhys {
    static constexpr uint64_t kBase = 0x100000;
    std::vector<uint8_t> mem = std::vector<uint8_t>(64 << 20, 0);
    uint64_t next = kBase;
    size_t allocs = 0;
    size_t limit = SIZE_MAX;  // allocations allowed before failing

    static bool alloc(uint64_t& out, void* ctx) {
        auto* self = static_cast<FakePhys*>(ctx);
        if (self->allocs == self->limit || self->next + k4k > kBase + self->mem.size()) return false;
        out = self->next;
        self->next += k4k;
        ++self->allocs;
        return true;
    }
    static void* to_virt(uint64_t phys, void* ctx) {
        auto* self = static_cast<FakePhys*>(ctx);
        if (phys < kBase || phys >= kBase + self->mem.size()) {
            std::fprintf(stderr, "to_virt out of range: %#llx\n", static_cast<unsigned long long>(phys));
            std::abort();
        }
        return self->mem.data() + (phys - kBase);
    }
    uint64_t* table(uint64_t phys) { return static_cast<uint64_t*>(to_virt(phys, this)); }
};

unsigned idx(uint64_t va, unsigned level) { return static_cast<unsigned>((va >> (12 + 9 * (level - 1))) & 511); }

class PageTableTest : public ::testing::Test {
protected:
    void SetUp() override { ASSERT_EQ(pt.init(FakePhys::alloc, FakePhys::to_virt, &phys, true), Status::ok); }

    // The raw entry for va at `level`, walking by hand (0 if a level above
    // is missing or is a leaf).
    uint64_t raw(uint64_t va, unsigned level) {
        uint64_t table = pt.root();
        for (unsigned l = 4; l > level; --l) {
            const uint64_t e = phys.table(table)[idx(va, l)];
            if ((e & P) == 0 || (l <= 3 && (e & PS) != 0)) return 0;
            table = e & ADDR;
        }
        return phys.table(table)[idx(va, level)];
    }

    FakePhys phys;
    PageTable pt;
};

TEST(PageTableInit, RejectsNullAndReportsNoMemory) {
    FakePhys phys;
    PageTable pt;
    EXPECT_EQ(pt.map(0, 0, k4k, kRwData), Status::bad_range);  // before init
    EXPECT_FALSE(pt.lookup(0).present);
    EXPECT_EQ(pt.init(nullptr, FakePhys::to_virt, &phys, true), Status::bad_range);
    EXPECT_EQ(pt.init(FakePhys::alloc, nullptr, &phys, true), Status::bad_range);
    phys.limit = 0;
    EXPECT_EQ(pt.init(FakePhys::alloc, FakePhys::to_virt, &phys, true), Status::no_memory);
    EXPECT_EQ(pt.map(0, 0, k4k, kRwData), Status::bad_range);
}

TEST_F(PageTableTest, RootIsOneZeroedPage) {
    EXPECT_EQ(phys.allocs, 1u);
    EXPECT_EQ(pt.root() % k4k, 0u);
    EXPECT_GE(pt.root(), FakePhys::kBase);
    for (unsigned i = 0; i < 512; ++i) EXPECT_EQ(phys.table(pt.root())[i], 0u);
    EXPECT_FALSE(pt.lookup(0x1234000).present);
}

TEST_F(PageTableTest, UsesOneGigPagesWhenAligned) {
    ASSERT_EQ(pt.map(k1g, 2 * k1g, k1g, kRwData), Status::ok);
    const auto l = pt.lookup(k1g + 0x12345);
    ASSERT_TRUE(l.present);
    EXPECT_EQ(l.page_size, k1g);
    EXPECT_EQ(l.pa, 2 * k1g + 0x12345);
    const uint64_t e = raw(k1g, 3);
    EXPECT_EQ(e, 2 * k1g | P | RW | PS | NX);
    EXPECT_EQ(phys.allocs, 2u);  // PML4 + PDPT only
}

TEST_F(PageTableTest, MixesPageSizesForUnalignedEdges) {
    // 4 KiB head, 2 MiB middle, 4 KiB tail.
    ASSERT_EQ(pt.map(0x1ff000, 0x801ff000, k4k + k2m + k4k, kRwData), Status::ok);
    EXPECT_EQ(pt.lookup(0x1ff000).page_size, k4k);
    EXPECT_EQ(pt.lookup(0x200000).page_size, k2m);
    EXPECT_EQ(pt.lookup(0x3fffff).pa, 0x803fffffu);
    EXPECT_EQ(pt.lookup(0x400000).page_size, k4k);
    EXPECT_EQ(pt.lookup(0x400000).pa, 0x80400000u);
    EXPECT_FALSE(pt.lookup(0x401000).present);
    EXPECT_FALSE(pt.lookup(0x1fe000).present);

    // 1 GiB-aligned with a 2 MiB remainder.
    ASSERT_EQ(pt.map(4 * k1g, 8 * k1g, k1g + k2m, kRwData), Status::ok);
    EXPECT_EQ(pt.lookup(4 * k1g).page_size, k1g);
    EXPECT_EQ(pt.lookup(5 * k1g).page_size, k2m);
    EXPECT_EQ(pt.lookup(5 * k1g + 0x1000).pa, 9 * k1g + 0x1000);
}

TEST_F(PageTableTest, DifferentlyAlignedPaForcesSmallPages) {
    ASSERT_EQ(pt.map(k2m, k2m + k4k, k2m, kRwData), Status::ok);
    for (uint64_t off = 0; off < k2m; off += k4k) {
        const auto l = pt.lookup(k2m + off);
        ASSERT_TRUE(l.present);
        ASSERT_EQ(l.page_size, k4k);
        ASSERT_EQ(l.pa, k2m + k4k + off);
    }
    ASSERT_EQ(pt.map(k1g, k1g + k2m, k1g, kRwData), Status::ok);
    EXPECT_EQ(pt.lookup(k1g).page_size, k2m);
}

TEST(PageTableNo1g, UsesTwoMegPages) {
    FakePhys phys;
    PageTable pt;
    ASSERT_EQ(pt.init(FakePhys::alloc, FakePhys::to_virt, &phys, false), Status::ok);
    ASSERT_EQ(pt.map(0, 0, 2 * k1g, kRwData), Status::ok);
    for (uint64_t va = 0; va < 2 * k1g; va += k2m) {
        const auto l = pt.lookup(va);
        ASSERT_TRUE(l.present);
        ASSERT_EQ(l.page_size, k2m);
        ASSERT_EQ(l.pa, va);
    }
    EXPECT_EQ(phys.allocs, 4u);  // PML4, PDPT, two PDs
}

TEST_F(PageTableTest, LeafBitsForEachAttribute) {
    struct Case {
        MapAttrs attrs;
        uint64_t bits_4k;
        uint64_t bits_2m;
    };
    const Case cases[] = {
        {{true, true, false, MemType::wb, false}, P | RW, P | RW | PS},
        {{false, false, false, MemType::wb, false}, P | NX, P | PS | NX},
        {{true, false, false, MemType::uc, false}, P | RW | PCD | PWT | NX, P | RW | PS | PCD | PWT | NX},
        {{true, false, false, MemType::wc, false}, P | RW | PAT_4K | PCD | PWT | NX,
         P | RW | PS | PAT_LARGE | PCD | PWT | NX},
        {{false, true, true, MemType::wb, true}, P | US | G, P | US | G | PS},
    };
    uint64_t va = 0x10000000;
    for (const Case& c : cases) {
        ASSERT_EQ(pt.map(va, 0x5000, k4k, c.attrs), Status::ok);
        EXPECT_EQ(raw(va, 1), 0x5000 | c.bits_4k) << std::hex << va;
        ASSERT_EQ(pt.map(va + k2m, 0x40000000, k2m, c.attrs), Status::ok);
        EXPECT_EQ(raw(va + k2m, 2), 0x40000000 | c.bits_2m) << std::hex << va;
        const auto l = pt.lookup(va);
        EXPECT_EQ(l.attrs.writable, c.attrs.writable);
        EXPECT_EQ(l.attrs.executable, c.attrs.executable);
        EXPECT_EQ(l.attrs.user, c.attrs.user);
        EXPECT_EQ(l.attrs.type, c.attrs.type);
        EXPECT_EQ(l.attrs.global, c.attrs.global);
        EXPECT_EQ(pt.lookup(va + k2m).attrs.type, c.attrs.type);
        va += 2 * k1g;
    }
    // 1 GiB leaves keep PAT at bit 12 as well.
    ASSERT_EQ(pt.map(64 * k1g, k1g, k1g, {true, false, false, MemType::wc, false}), Status::ok);
    EXPECT_EQ(raw(64 * k1g, 3), k1g | P | RW | PS | PAT_LARGE | PCD | PWT | NX);
}

TEST_F(PageTableTest, NonLeafEntriesArePresentWritableAndUserOnlyWhenNeeded) {
    ASSERT_EQ(pt.map(0x7f0000000000, 0x1000, k4k, kRwData), Status::ok);
    for (unsigned l = 4; l >= 2; --l) EXPECT_EQ(raw(0x7f0000000000, l) & ~ADDR, P | RW) << l;

    // A user leaf below a supervisor path turns U on along that path only.
    ASSERT_EQ(pt.map(0x7f0000002000, 0x2000, k4k, {true, false, true, MemType::wb, false}), Status::ok);
    for (unsigned l = 4; l >= 2; --l) EXPECT_EQ(raw(0x7f0000002000, l) & ~ADDR, P | RW | US) << l;
    EXPECT_EQ(raw(0x7f0000002000, 1), 0x2000 | P | RW | US | NX);
    EXPECT_FALSE(pt.lookup(0x7f0000000000).attrs.user);  // leaf U is still clear
    EXPECT_TRUE(pt.lookup(0x7f0000002000).attrs.user);

    ASSERT_EQ(pt.map(0xffff800000000000, 0x3000, k4k, kRoCode), Status::ok);
    EXPECT_EQ(raw(0xffff800000000000, 4) & ~ADDR, P | RW);
    EXPECT_EQ(raw(0xffff800000000000, 1), 0x3000 | P);
}

TEST_F(PageTableTest, RemappingFourKInsideTwoMegSplitsIt) {
    const MapAttrs wc_data{true, false, false, MemType::wc, false};
    ASSERT_EQ(pt.map(k2m, 0x40000000, k2m, wc_data), Status::ok);
    ASSERT_EQ(pt.lookup(k2m).page_size, k2m);
    const MapAttrs uc_code{false, true, false, MemType::uc, false};
    ASSERT_EQ(pt.map(k2m + 5 * k4k, 0x9000, k4k, uc_code), Status::ok);

    const auto hit = pt.lookup(k2m + 5 * k4k + 0x10);
    ASSERT_TRUE(hit.present);
    EXPECT_EQ(hit.page_size, k4k);
    EXPECT_EQ(hit.pa, 0x9010u);
    EXPECT_EQ(hit.attrs.type, MemType::uc);
    EXPECT_FALSE(hit.attrs.writable);
    EXPECT_TRUE(hit.attrs.executable);
    EXPECT_EQ(raw(k2m, 2) & (PS | P), P);  // the PDE now points to a table
    for (unsigned i = 0; i < 512; ++i) {
        if (i == 5) continue;
        const uint64_t va = k2m + i * k4k;
        // PAT moved from bit 12 to bit 7; bit 12 is an address bit again.
        ASSERT_EQ(raw(va, 1), (0x40000000 + i * k4k) | P | RW | PAT_4K | PCD | PWT | NX) << i;
        const auto l = pt.lookup(va);
        ASSERT_EQ(l.pa, 0x40000000 + i * k4k);
        ASSERT_EQ(l.attrs.type, MemType::wc);
    }
}

TEST_F(PageTableTest, SplitOfOneGigPageKeepsTheRest) {
    const MapAttrs wc_user{true, true, true, MemType::wc, true};
    ASSERT_EQ(pt.map(k1g, 3 * k1g, k1g, wc_user), Status::ok);
    ASSERT_EQ(pt.map(k1g + 7 * k2m + 3 * k4k, 0x1000, k4k, kRwData), Status::ok);
    // 2 MiB neighbours keep PAT at bit 12, the split 2 MiB slice has 4 KiB pages.
    EXPECT_EQ(raw(k1g, 2), 3 * k1g | P | RW | US | G | PS | PAT_LARGE | PCD | PWT);
    EXPECT_EQ(raw(k1g + 511 * k2m, 2), (3 * k1g + 511 * k2m) | P | RW | US | G | PS | PAT_LARGE | PCD | PWT);
    EXPECT_EQ(raw(k1g + 7 * k2m + 4 * k4k, 1), (3 * k1g + 7 * k2m + 4 * k4k) | P | RW | US | G | PAT_4K | PCD | PWT);
    EXPECT_EQ(raw(k1g + 7 * k2m + 3 * k4k, 1), 0x1000 | P | RW | NX);
    EXPECT_EQ(pt.lookup(k1g + 8 * k2m).page_size, k2m);
    EXPECT_EQ(pt.lookup(k1g + 7 * k2m + 5 * k4k + 1).pa, 3 * k1g + 7 * k2m + 5 * k4k + 1);
    EXPECT_TRUE(pt.lookup(k1g + 7 * k2m + 4 * k4k).attrs.user);
}

TEST_F(PageTableTest, LargeRemapOverSmallPagesRecyclesTables) {
    ASSERT_EQ(pt.map(k2m, 0x5000, 16 * k4k, kRwData), Status::ok);  // forces a PT
    const size_t allocs = phys.allocs;
    ASSERT_EQ(pt.map(k2m, 0x40000000, k2m, kRoCode), Status::ok);
    EXPECT_EQ(pt.lookup(k2m + 3 * k4k).page_size, k2m);
    EXPECT_EQ(pt.lookup(k2m + 3 * k4k).pa, 0x40003000u);
    // The freed PT is reused for the next table instead of a new page.
    ASSERT_EQ(pt.map(4 * k2m, 0x5000, k4k, kRwData), Status::ok);
    EXPECT_EQ(phys.allocs, allocs);
    ASSERT_EQ(pt.map(8 * k2m, 0x5000, k4k, kRwData), Status::ok);
    EXPECT_EQ(phys.allocs, allocs + 1);
    // A recycled table comes back zeroed.
    EXPECT_FALSE(pt.lookup(4 * k2m + k4k).present);
}

TEST_F(PageTableTest, UnmapSplitsAndClears) {
    ASSERT_EQ(pt.map(0, k1g, 2 * k2m, kRwData), Status::ok);
    ASSERT_EQ(pt.unmap(k2m - k4k, 2 * k4k), Status::ok);  // straddles both 2 MiB pages
    EXPECT_FALSE(pt.lookup(k2m - k4k).present);
    EXPECT_FALSE(pt.lookup(k2m).present);
    EXPECT_TRUE(pt.lookup(k2m - 2 * k4k).present);
    EXPECT_EQ(pt.lookup(k2m - 2 * k4k).pa, k1g + k2m - 2 * k4k);
    EXPECT_EQ(pt.lookup(k2m + k4k).pa, k1g + k2m + k4k);
    EXPECT_EQ(pt.lookup(k2m + k4k).page_size, k4k);
    EXPECT_EQ(raw(k2m, 1), 0u);

    ASSERT_EQ(pt.unmap(0, 2 * k2m), Status::ok);
    for (uint64_t va = 0; va < 2 * k2m; va += k4k) ASSERT_FALSE(pt.lookup(va).present);
    EXPECT_EQ(raw(0, 2), 0u);  // whole-entry unmap clears the PDE itself
    // Unmapping nothing is fine.
    EXPECT_EQ(pt.unmap(0x123456000, 5 * k1g), Status::ok);

    ASSERT_EQ(pt.map(2 * k1g, 0, k1g, kRwData), Status::ok);
    ASSERT_EQ(pt.unmap(2 * k1g, k1g), Status::ok);
    EXPECT_EQ(raw(2 * k1g, 3), 0u);
    EXPECT_FALSE(pt.lookup(2 * k1g + 0x5000).present);
}

TEST_F(PageTableTest, LookupOfUnmapped) {
    const auto l = pt.lookup(0x400000);
    EXPECT_FALSE(l.present);
    EXPECT_EQ(l.pa, 0u);
    EXPECT_FALSE(pt.lookup(0x0000800000000000).present);  // non-canonical
    ASSERT_EQ(pt.map(0x400000, 0x400000, k4k, kRwData), Status::ok);
    EXPECT_FALSE(pt.lookup(0x401000).present);
    EXPECT_FALSE(pt.lookup(0x400000 + k1g).present);
}

TEST_F(PageTableTest, RejectsBadInputs) {
    EXPECT_EQ(pt.map(0x1001, 0, k4k, kRwData), Status::misaligned);
    EXPECT_EQ(pt.map(0x1000, 0x10, k4k, kRwData), Status::misaligned);
    EXPECT_EQ(pt.map(0x1000, 0, 0x800, kRwData), Status::misaligned);
    EXPECT_EQ(pt.unmap(0x1800, k4k), Status::misaligned);
    EXPECT_EQ(pt.unmap(0x1000, 0x10), Status::misaligned);
    EXPECT_EQ(pt.map(0x1000, 0, 0, kRwData), Status::bad_range);
    EXPECT_EQ(pt.unmap(0x1000, 0), Status::bad_range);
    EXPECT_EQ(pt.map(0x0000800000000000, 0, k4k, kRwData), Status::bad_range);
    EXPECT_EQ(pt.map(0xffff7ffffffff000, 0, k4k, kRwData), Status::bad_range);
    EXPECT_EQ(pt.map(0x00007ffffffff000, 0, 2 * k4k, kRwData), Status::bad_range);  // crosses the hole
    EXPECT_EQ(pt.unmap(0x00007ffffffff000, 2 * k4k), Status::bad_range);
    EXPECT_EQ(pt.map(0xfffffffffffff000, 0, 2 * k4k, kRwData), Status::bad_range);  // wraps
    EXPECT_EQ(pt.map(0x1000, 1ull << 52, k4k, kRwData), Status::bad_range);
    EXPECT_EQ(pt.map(0x1000, (1ull << 52) - k4k, 2 * k4k, kRwData), Status::bad_range);
    EXPECT_EQ(phys.allocs, 1u);  // nothing was touched

    // The edges of both canonical halves are fine.
    EXPECT_EQ(pt.map(0x00007ffffffff000, 0x1000, k4k, kRwData), Status::ok);
    EXPECT_EQ(pt.map(0xfffffffffffff000, 0x2000, k4k, kRwData), Status::ok);
    EXPECT_EQ(pt.lookup(0xffffffffffffffff).pa, 0x2fffu);
    EXPECT_EQ(pt.unmap(0xfffffffffffff000, k4k), Status::ok);
    EXPECT_FALSE(pt.lookup(0xfffffffffffff000).present);
}

TEST_F(PageTableTest, ReportsNoMemory) {
    phys.limit = phys.allocs + 2;  // PDPT and PD, but no PT
    EXPECT_EQ(pt.map(0x1000, 0x1000, k4k, kRwData), Status::no_memory);
    EXPECT_FALSE(pt.lookup(0x1000).present);
    EXPECT_EQ(pt.map(0, 0, k2m, kRwData), Status::ok);  // needs no new table
    EXPECT_EQ(pt.unmap(0x1000, k4k), Status::no_memory);  // split needs a page
    EXPECT_EQ(pt.lookup(0x1000).page_size, k2m);
}

// Random maps and unmaps over a 4 GiB window, checked page by page against
// a flat model.
void random_against_model(bool allow_1g) {
    FakePhys phys;
    PageTable pt;
    ASSERT_EQ(pt.init(FakePhys::alloc, FakePhys::to_virt, &phys, allow_1g), Status::ok);
    constexpr uint64_t kWindow = 4 * k1g;
    constexpr uint64_t kPages = kWindow / k4k;
    struct Model {
        bool present;
        uint64_t pa;
        MapAttrs attrs;
    };
    std::vector<Model> model(kPages, Model{false, 0, {}});
    std::mt19937_64 rng(allow_1g ? 7 : 11);
    const uint64_t grains[] = {k4k, k2m, k1g};
    for (int step = 0; step < 150; ++step) {
        const uint64_t grain = grains[rng() % 3];
        const uint64_t va = (rng() % (kWindow / grain)) * grain + (rng() % 4 == 0 ? k4k * (rng() % 512) : 0);
        if (va >= kWindow) continue;
        uint64_t size = grain * (1 + rng() % 3) + (rng() % 4 == 0 ? k4k * (rng() % 600) : 0);
        if (size > kWindow - va) size = kWindow - va;
        if (rng() % 4 == 0) {
            ASSERT_EQ(pt.unmap(va, size), Status::ok);
            for (uint64_t p = va / k4k; p < (va + size) / k4k; ++p) model[p].present = false;
        } else {
            const uint64_t pa = (rng() % 64) * grain + (va % grain) + (rng() % 8 == 0 ? k4k : 0);
            const MapAttrs a{rng() % 2 == 0, rng() % 2 == 0, rng() % 2 == 0, static_cast<MemType>(rng() % 3),
                             rng() % 2 == 0};
            ASSERT_EQ(pt.map(va, pa, size, a), Status::ok);
            for (uint64_t i = 0; i < size / k4k; ++i) model[va / k4k + i] = Model{true, pa + i * k4k, a};
        }
    }
    for (uint64_t p = 0; p < kPages; ++p) {
        const auto l = pt.lookup(p * k4k + 0x18);
        ASSERT_EQ(l.present, model[p].present) << std::hex << p * k4k;
        if (!l.present) continue;
        ASSERT_EQ(l.pa, model[p].pa + 0x18) << std::hex << p * k4k;
        ASSERT_EQ(l.attrs.writable, model[p].attrs.writable);
        ASSERT_EQ(l.attrs.executable, model[p].attrs.executable);
        ASSERT_EQ(l.attrs.user, model[p].attrs.user);
        ASSERT_EQ(l.attrs.global, model[p].attrs.global);
        ASSERT_EQ(l.attrs.type, model[p].attrs.type);
        if (!allow_1g) {
            ASSERT_NE(l.page_size, k1g);
        }
    }
}

TEST(PageTableRandom, MatchesModelWith1g) { random_against_model(true); }
TEST(PageTableRandom, MatchesModelWithout1g) { random_against_model(false); }

}  // namespace
