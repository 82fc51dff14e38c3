// Unit tests for the raw binary loader.
#include "arch/x86/loader/raw.hpp"

#include <gtest/gtest.h>

#include <vector>

#include "arch/x86/loader/tests/loader_test_util.hpp"

namespace bh::x86::loader {
namespace {

using test::GuardedRam;
using test::kMiB;
using test::pattern;

constexpr uint64_t kRam = 8 * kMiB;

BootState expected_state(uint32_t entry) { return test::expected_flat32_state(entry); }

TEST(Raw, ModeIsFlatProtected32) { EXPECT_EQ(kRawMode, CpuMode::protected32); }

TEST(Raw, LoadsAtTheConfiguredAddress) {
    const auto img = pattern(0x1234, 7);
    struct Case {
        uint64_t load_addr, at;
    };
    for (const Case c : {Case{0, 0x100000}, Case{0x100000, 0x100000}, Case{0x10000, 0x10000}, Case{0x234560, 0x234560},
                         Case{kRam - 0x1234, kRam - 0x1234}}) {
        GuardedRam g(kRam, 0xee);
        BootState st{};
        ASSERT_EQ(load_raw(g.ram(), Image{img.data(), img.size(), nullptr}, c.load_addr, st), LoadStatus::ok);
        EXPECT_EQ(st, expected_state(static_cast<uint32_t>(c.at)));
        EXPECT_TRUE(g.equals(c.at, img.data(), img.size()));
        EXPECT_EQ(g.u64(0x1010), 0x00cf9b000000ffffull);
        EXPECT_EQ(g.u64(0x1018), 0x00cf93000000ffffull);
        EXPECT_TRUE(g.all(0x9fc00, 0x100000 - 0x9fc00, 0xee));
        EXPECT_TRUE(g.guards_intact());
    }
}

TEST(Raw, Errors) {
    const auto img = pattern(0x2000, 7);
    struct Case {
        const uint8_t* data;
        size_t size;
        uint64_t load_addr, ram;
        LoadStatus want;
    };
    const Case cases[] = {
        {nullptr, 0, 0, kRam, LoadStatus::empty_image},
        {img.data(), 0, 0, kRam, LoadStatus::empty_image},
        {nullptr, 0x100, 0, kRam, LoadStatus::empty_image},
        {img.data(), img.size(), 0x8000, kRam, LoadStatus::overlaps_reserved},    // loader area
        {img.data(), img.size(), 0x9f000, kRam, LoadStatus::overlaps_reserved},   // EBDA
        {img.data(), img.size(), 0xf2000, kRam, LoadStatus::overlaps_reserved},   // ACPI tables
        {img.data(), img.size(), 0xff000, kRam, LoadStatus::overlaps_reserved},   // straddles 1 MiB
        {img.data(), img.size(), kRam - 0x1000, kRam, LoadStatus::segment_outside_ram},
        {img.data(), img.size(), 1ull << 32, kRam, LoadStatus::segment_outside_ram},
        {img.data(), img.size(), UINT64_MAX - 0xfff, kRam, LoadStatus::segment_outside_ram},
        {img.data(), img.size(), 0, kRam + 0x1000, LoadStatus::bad_ram_size},
    };
    for (const Case& c : cases) {
        GuardedRam g(c.ram);
        BootState st{};
        st.rip = 0x5a5a;
        const BootState before = st;
        EXPECT_EQ(load_raw(g.ram(), Image{c.data, c.size, nullptr}, c.load_addr, st), c.want) << std::hex << c.load_addr;
        EXPECT_EQ(st, before);
        EXPECT_TRUE(g.untouched());
        EXPECT_TRUE(g.guards_intact());
    }
}

}  // namespace
}  // namespace bh::x86::loader
