// Unit tests for the boot vCPU states, the boot GDT and the identity-mapped boot page tables.
#include "arch/x86/loader/boot_state.hpp"

#include <gtest/gtest.h>

#include "arch/x86/loader/boot_paging.hpp"
#include "arch/x86/loader/tests/loader_test_util.hpp"

namespace bh::x86::loader {
namespace {

using test::GuardedRam;
using test::kGiB;
using test::kMiB;

// Access-rights values spelled out bit by bit (SDM Vol.3 Table 25-2).
constexpr uint32_t kAr32Code = 0xb | 1u << 4 | 1u << 7 | 1u << 14 | 1u << 15;  // 0xC09B
constexpr uint32_t kAr64Code = 0xb | 1u << 4 | 1u << 7 | 1u << 13 | 1u << 15;  // 0xA09B
constexpr uint32_t kArData = 0x3 | 1u << 4 | 1u << 7 | 1u << 14 | 1u << 15;    // 0xC093

BootState expected_common() {
    BootState s{};
    const Segment data{0x18, 0, 0xffffffff, kArData};
    s.ds = s.es = s.ss = s.fs = s.gs = data;
    s.tr = Segment{0, 0, 0xffff, 0x8b};
    s.ldtr = Segment{0, 0, 0, 0x10000};
    s.gdtr = DescriptorTable{0x1000, 31};
    s.idtr = DescriptorTable{0, 0};
    s.rflags = 0x2;
    return s;
}

TEST(BootStateTest, Protected32) {
    BootState e = expected_common();
    e.mode = CpuMode::protected32;
    e.rip = 0x123456;
    e.cs = Segment{0x10, 0, 0xffffffff, kAr32Code};
    e.cr0 = 0x31;  // PE, ET, NE; PG off
    EXPECT_EQ(protected32_state(0x123456, 0x1000), e);
    EXPECT_EQ(kAr32Code, 0xc09bu);
}

TEST(BootStateTest, Long64) {
    BootState e = expected_common();
    e.mode = CpuMode::long64;
    e.rip = 0x1000200;
    e.cs = Segment{0x10, 0, 0xffffffff, kAr64Code};
    e.cr0 = 0x80000031;
    e.cr3 = 0x2000;
    e.cr4 = 0x20;
    e.efer = 0x500;
    EXPECT_EQ(long64_state(0x1000200, 0x2000, 0x1000), e);
    EXPECT_EQ(kAr64Code, 0xa09bu);
}

TEST(BootStateTest, ModeNames) {
    EXPECT_STREQ(to_string(CpuMode::real16), "16-bit real mode");
    EXPECT_STREQ(to_string(CpuMode::protected32), "32-bit protected mode");
    EXPECT_STREQ(to_string(CpuMode::long64), "64-bit long mode");
}

TEST(BootStateTest, GdtDescriptorsMatchTheCanonicalEncodings) {
    EXPECT_EQ(gdt_descriptor(Segment{0x10, 0, 0xffffffff, kAr64Code}), 0x00af9b000000ffffull);
    EXPECT_EQ(gdt_descriptor(Segment{0x10, 0, 0xffffffff, kAr32Code}), 0x00cf9b000000ffffull);
    EXPECT_EQ(gdt_descriptor(Segment{0x18, 0, 0xffffffff, kArData}), 0x00cf93000000ffffull);
    // Byte-granular limit and a base in every base field.
    EXPECT_EQ(gdt_descriptor(Segment{0, 0x12345678, 0x67, 0x8b}), 0x12008b3456780067ull);
}

TEST(BootStateTest, InstallGdt) {
    GuardedRam g(2 * kMiB, 0xcc);
    const BootState s = long64_state(0x200, 0x2000, 0x1000);
    ASSERT_EQ(install_boot_gdt(g.ram(), s), LoadStatus::ok);
    EXPECT_EQ(g.u64(0x1000), 0u);
    EXPECT_EQ(g.u64(0x1008), 0u);
    EXPECT_EQ(g.u64(0x1010), 0x00af9b000000ffffull);
    EXPECT_EQ(g.u64(0x1018), 0x00cf93000000ffffull);
    EXPECT_EQ(g.u8(0x1020), 0xcc);  // nothing past the limit (31)
    EXPECT_EQ(install_boot_gdt(g.ram(), long64_state(0, 0, 2 * kMiB - 16)), LoadStatus::ram_write_failed);
    EXPECT_TRUE(g.guards_intact());
}

TEST(BootPaging, IdentityMapsFourGiBWithTwoMiBPages) {
    GuardedRam g(2 * kMiB, 0xcc);
    ASSERT_EQ(build_identity_map(g.ram(), 0x2000), LoadStatus::ok);
    EXPECT_EQ(g.u64(0x2000), 0x3000u | 0x3);  // PML4[0] -> PDPT, present + writable
    EXPECT_TRUE(g.zero(0x2008, 0x1000 - 8));  // nothing else in the PML4
    for (uint64_t i = 0; i < 4; ++i) EXPECT_EQ(g.u64(0x3000 + 8 * i), (0x4000 + 0x1000 * i) | 0x3);
    EXPECT_TRUE(g.zero(0x3020, 0x1000 - 0x20));
    for (uint64_t va = 0; va < 4 * kGiB; va += 2 * kMiB) {
        ASSERT_EQ(g.u64(0x4000 + va / (2 * kMiB) * 8), va | 0x83);  // present, writable, PS; no NX, no user
        const auto pa = g.translate(0x2000, va + 0x1234);
        ASSERT_TRUE(pa.has_value());
        ASSERT_EQ(*pa, va + 0x1234);
    }
    EXPECT_FALSE(g.translate(0x2000, 4 * kGiB).has_value());
    EXPECT_EQ(g.u8(0x8000), 0xcc);  // six pages exactly
    EXPECT_EQ(build_identity_map(g.ram(), 2 * kMiB - 0x5000), LoadStatus::ram_write_failed);
    EXPECT_TRUE(g.guards_intact());
}

}  // namespace
}  // namespace bh::x86::loader
