// Unit tests for the guest memory map, the placement check and bounds-checked guest RAM.
#include "arch/x86/loader/e820.hpp"

#include <gtest/gtest.h>

#include <set>
#include <string>

#include "arch/x86/loader/guest_ram.hpp"
#include "arch/x86/loader/tests/loader_test_util.hpp"

namespace bh::x86::loader {
namespace {

using test::GuardedRam;
using test::kGiB;
using test::kMiB;

TEST(E820, SmallestVm) {
    E820Map m;
    ASSERT_EQ(build_e820(2 * kMiB, m), LoadStatus::ok);
    ASSERT_EQ(m.count, 4u);
    EXPECT_EQ(m.entries[0], (E820Entry{0, 0x9fc00, E820Type::ram}));
    EXPECT_EQ(m.entries[1], (E820Entry{0x9fc00, 0x400, E820Type::reserved}));
    EXPECT_EQ(m.entries[2], (E820Entry{0xe0000, 0x20000, E820Type::reserved}));
    EXPECT_EQ(m.entries[3], (E820Entry{0x100000, 0x100000, E820Type::ram}));
}

TEST(E820, LargeVmsEndAtMemSize) {
    for (uint64_t size : {256 * kMiB, 4 * kGiB, 8 * kGiB + 2 * kMiB}) {
        E820Map m;
        ASSERT_EQ(build_e820(size, m), LoadStatus::ok);
        ASSERT_EQ(m.count, 4u);
        EXPECT_EQ(m.entries[3], (E820Entry{0x100000, size - 0x100000, E820Type::ram}));
        EXPECT_EQ(static_cast<uint32_t>(m.entries[1].type), 2u);  // raw values as the guest sees them
        EXPECT_EQ(static_cast<uint32_t>(m.entries[3].type), 1u);
    }
}

TEST(E820, RejectsBadSizes) {
    for (uint64_t size : {uint64_t{0}, kMiB, 3 * kMiB, 2 * kMiB + 0x1000, 2 * kMiB - 1, UINT64_MAX}) {
        E820Map m;
        m.count = 99;
        EXPECT_EQ(build_e820(size, m), LoadStatus::bad_ram_size) << size;
        EXPECT_EQ(m.count, 0u);
    }
}

TEST(E820, LoadRangeCheck) {
    const uint64_t mem = 64 * kMiB;
    const uint64_t lim = 1ull << 32;
    EXPECT_EQ(check_load_range(0x10000, 0x8fc00, mem, lim), LoadStatus::ok);  // all of low RAM after the loader area
    EXPECT_EQ(check_load_range(kMiB, mem - kMiB, mem, lim), LoadStatus::ok);
    EXPECT_EQ(check_load_range(0xf000, 0x2000, mem, lim), LoadStatus::overlaps_reserved);    // loader area
    EXPECT_EQ(check_load_range(0, 1, mem, lim), LoadStatus::overlaps_reserved);              // page 0
    EXPECT_EQ(check_load_range(0x9f000, 0x1000, mem, lim), LoadStatus::overlaps_reserved);   // into the EBDA
    EXPECT_EQ(check_load_range(0xa0000, 0x1000, mem, lim), LoadStatus::overlaps_reserved);   // VGA hole
    EXPECT_EQ(check_load_range(0xf2000, 0x1000, mem, lim), LoadStatus::overlaps_reserved);   // ACPI tables
    EXPECT_EQ(check_load_range(0xff000, 0x2000, mem, lim), LoadStatus::overlaps_reserved);   // straddles 1 MiB
    EXPECT_EQ(check_load_range(0x50000, 0x100000, mem, lim), LoadStatus::overlaps_reserved);  // low over the hole
    EXPECT_EQ(check_load_range(mem - 0x1000, 0x1001, mem, lim), LoadStatus::segment_outside_ram);
    EXPECT_EQ(check_load_range(mem, 1, mem, lim), LoadStatus::segment_outside_ram);
    EXPECT_EQ(check_load_range(UINT64_MAX - 4, 0x10, mem, lim), LoadStatus::segment_outside_ram);  // wraps
    EXPECT_EQ(check_load_range(kMiB, UINT64_MAX, mem, lim), LoadStatus::segment_outside_ram);
    // Above 4 GiB only where the limit allows it.
    EXPECT_EQ(check_load_range(lim, 0x1000, 8 * kGiB, lim), LoadStatus::segment_outside_ram);
    EXPECT_EQ(check_load_range(lim, 0x1000, 8 * kGiB, UINT64_MAX), LoadStatus::ok);
}

TEST(GuestRamTest, BoundsChecked) {
    GuardedRam g(2 * kMiB);
    auto& ram = g.ram();
    const uint8_t b[4] = {1, 2, 3, 4};
    uint8_t out[4] = {};
    EXPECT_EQ(ram.size(), 2 * kMiB);
    EXPECT_TRUE(ram.write(2 * kMiB - 4, b, 4));
    EXPECT_FALSE(ram.write(2 * kMiB - 3, b, 4));
    EXPECT_FALSE(ram.write(2 * kMiB, b, 1));
    EXPECT_TRUE(ram.write(2 * kMiB, b, 0));
    EXPECT_FALSE(ram.write(UINT64_MAX - 1, b, 4));
    EXPECT_FALSE(ram.fill(0, 0xff, 2 * kMiB + 1));
    EXPECT_FALSE(ram.fill(1, 0xff, UINT64_MAX));
    EXPECT_TRUE(ram.fill(0, 0xff, 16));
    EXPECT_FALSE(ram.read(2 * kMiB - 2, out, 4));
    EXPECT_TRUE(ram.read(2 * kMiB - 4, out, 4));
    EXPECT_EQ(out[3], 4);
    EXPECT_TRUE(g.guards_intact());

    RamWriter w(ram);
    w.u32(0x100, 0x11223344);
    EXPECT_TRUE(w.ok());
    EXPECT_EQ(g.u32(0x100), 0x11223344u);
    w.u64(2 * kMiB - 4, 0);  // refused, and the failure sticks
    w.u8(0, 0);
    EXPECT_FALSE(w.ok());
    EXPECT_TRUE(g.guards_intact());
}

TEST(LoadStatusTest, EveryValueHasADistinctName) {
    std::set<std::string> names;
    for (int i = 0; i <= static_cast<int>(LoadStatus::ram_write_failed); ++i) {
        const char* s = to_string(static_cast<LoadStatus>(i));
        ASSERT_NE(s, nullptr);
        EXPECT_STRNE(s, "?");
        names.insert(s);
    }
    EXPECT_EQ(names.size(), static_cast<size_t>(LoadStatus::ram_write_failed) + 1);
}

}  // namespace
}  // namespace bh::x86::loader
