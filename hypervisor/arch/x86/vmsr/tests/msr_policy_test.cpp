// Unit tests of the guest MSR policy: every rule, the emulated semantics,
// the #GP cases, and the VMX MSR bitmap it produces.
#include "arch/x86/vmsr/msr_policy.hpp"

#include <gtest/gtest.h>

#include <cstring>

namespace {

using namespace bh::x86::vmsr;

struct FakeBackend final : MsrBackend {
    uint64_t pat = 0x0007040600070406ull, efer = 0, tsc = 123456;
    uint64_t guest_pat() override { return pat; }
    void set_guest_pat(uint64_t v) override { pat = v; }
    uint64_t guest_efer() override { return efer; }
    void set_guest_efer(uint64_t v) override { efer = v; }
    uint64_t guest_tsc() override { return tsc; }
};

struct MsrPolicy : ::testing::Test {
    VirtualMsrs m{};
    FakeBackend be;
    void SetUp() override { reset(m, true); }
    uint64_t rd(uint32_t msr) {
        uint64_t v = 0xdead;
        EXPECT_EQ(read(msr, m, be, v), MsrResult::ok) << std::hex << msr;
        return v;
    }
};

TEST_F(MsrPolicy, KindsFollowTheTable) {
    EXPECT_EQ(kind_of(msr::tsc), MsrKind::read_only);
    EXPECT_EQ(kind_of(msr::apic_base), MsrKind::emulated);
    EXPECT_EQ(kind_of(msr::pat), MsrKind::emulated);
    EXPECT_EQ(kind_of(msr::efer), MsrKind::emulated);
    EXPECT_EQ(kind_of(msr::tsc_deadline), MsrKind::emulated);
    EXPECT_EQ(kind_of(msr::misc_enable), MsrKind::emulated);
    for (uint32_t x = 0x200; x <= 0x20f; ++x) EXPECT_EQ(kind_of(x), MsrKind::emulated);
    for (uint32_t x : {0x250u, 0x258u, 0x259u, 0x268u, 0x26fu, 0x2ffu, 0xfeu}) EXPECT_EQ(kind_of(x), MsrKind::emulated);
    for (uint32_t x : {0x174u, 0x175u, 0x176u, 0xc0000081u, 0xc0000084u, 0xc0000100u, 0xc0000102u, 0xc0000103u})
        EXPECT_EQ(kind_of(x), MsrKind::passthrough) << std::hex << x;
    // Everything else is refused: VMX capability MSRs, debug, perf, unknown.
    for (uint32_t x : {0x480u, 0x48cu, 0x1d9u, 0x186u, 0x38fu, 0x210u, 0x260u, 0x270u, 0x12345678u, 0xc0000104u})
        EXPECT_EQ(kind_of(x), MsrKind::gp) << std::hex << x;
}

TEST_F(MsrPolicy, PowerOnValues) {
    EXPECT_EQ(rd(msr::apic_base), 0xfee00900u);  // enabled, BSP, xAPIC base
    VirtualMsrs ap{};
    reset(ap, false);
    EXPECT_EQ(ap.apic_base, 0xfee00800u);
    EXPECT_EQ(rd(msr::feature_control), 1u);     // locked, VMX off
    EXPECT_EQ(rd(msr::mtrr_cap), 0x508u);        // 8 variable, fixed, WC
    EXPECT_EQ(rd(msr::mtrr_def_type), 0u);
    EXPECT_EQ(rd(msr::tsc), 123456u);
    EXPECT_EQ(rd(msr::pat), 0x0007040600070406ull);
}

TEST_F(MsrPolicy, ApicBaseRules) {
    EXPECT_EQ(write(msr::apic_base, m, be, 0xfee00c00u), MsrResult::ok);  // x2APIC on
    EXPECT_EQ(rd(msr::apic_base), 0xfee00d00u);                           // BSP kept
    EXPECT_EQ(write(msr::apic_base, m, be, 0xfee00400u), MsrResult::gp);  // x2APIC without enable
    EXPECT_EQ(write(msr::apic_base, m, be, 0xfee00801u), MsrResult::gp);  // reserved bit 0
    EXPECT_EQ(write(msr::apic_base, m, be, 0x1000000000800ull), MsrResult::gp);  // beyond 36 bits
    EXPECT_EQ(rd(msr::apic_base), 0xfee00d00u);                           // unchanged by the #GPs
    EXPECT_EQ(write(msr::apic_base, m, be, 0xfee00000u), MsrResult::ok);  // disable (BSP stays)
    EXPECT_EQ(rd(msr::apic_base), 0xfee00100u);
}

TEST_F(MsrPolicy, PatValidation) {
    EXPECT_EQ(write(msr::pat, m, be, 0x0007010600070106ull), MsrResult::ok);
    EXPECT_EQ(be.pat, 0x0007010600070106ull);
    for (uint64_t bad : {2ull, 3ull, 8ull, 0xffull}) {
        EXPECT_EQ(write(msr::pat, m, be, bad << 40), MsrResult::gp) << bad;
        EXPECT_EQ(be.pat, 0x0007010600070106ull);
    }
}

TEST_F(MsrPolicy, EferKeepsLmaAndRefusesReservedBits) {
    be.efer = 1ull << 10;  // LMA set by the CPU
    EXPECT_EQ(write(msr::efer, m, be, (1ull << 8) | (1ull << 11) | 1), MsrResult::ok);
    EXPECT_EQ(be.efer, (1ull << 10) | (1ull << 8) | (1ull << 11) | 1);
    EXPECT_EQ(write(msr::efer, m, be, 0), MsrResult::ok);
    EXPECT_EQ(be.efer, 1ull << 10);  // the guest cannot clear LMA by WRMSR
    EXPECT_EQ(write(msr::efer, m, be, 1ull << 12), MsrResult::gp);  // SVME
    EXPECT_EQ(write(msr::efer, m, be, 1ull << 14), MsrResult::gp);
}

TEST_F(MsrPolicy, MtrrsStoreValidValuesOnly) {
    EXPECT_EQ(write(msr::mtrr_def_type, m, be, 0xc06), MsrResult::ok);
    EXPECT_EQ(rd(msr::mtrr_def_type), 0xc06u);
    EXPECT_EQ(write(msr::mtrr_def_type, m, be, 0xc02), MsrResult::gp);   // type 2 reserved
    EXPECT_EQ(write(msr::mtrr_def_type, m, be, 0x1006), MsrResult::gp);  // reserved bit 12
    EXPECT_EQ(write(0x200, m, be, 0x80000006), MsrResult::ok);           // base0: WB
    EXPECT_EQ(write(0x201, m, be, 0xff0000800), MsrResult::ok);          // mask0: valid
    EXPECT_EQ(write(0x202, m, be, 0x80000003), MsrResult::gp);           // base1: type 3
    EXPECT_EQ(write(0x203, m, be, 0x400), MsrResult::gp);                // mask1: reserved bit 10
    EXPECT_EQ(rd(0x200), 0x80000006u);
    EXPECT_EQ(rd(0x201), 0xff0000800u);
    EXPECT_EQ(rd(0x202), 0u);
    EXPECT_EQ(write(0x250, m, be, 0x0606060606060606ull), MsrResult::ok);
    EXPECT_EQ(write(0x259, m, be, 0x0000000000000000ull), MsrResult::ok);
    EXPECT_EQ(write(0x26f, m, be, 0x0505050505050505ull), MsrResult::ok);
    EXPECT_EQ(write(0x268, m, be, 0x0706060606060606ull), MsrResult::gp);  // UC- not a fixed-MTRR type
    EXPECT_EQ(rd(0x250), 0x0606060606060606ull);
    EXPECT_EQ(rd(0x26f), 0x0505050505050505ull);
}

TEST_F(MsrPolicy, ReadOnlyAndLockedAndUnknownWritesFault) {
    for (uint32_t x : {msr::tsc, msr::feature_control, msr::mtrr_cap, 0x480u, 0x12345678u})
        EXPECT_EQ(write(x, m, be, 0), MsrResult::gp) << std::hex << x;
    uint64_t v = 0;
    EXPECT_EQ(read(0x480, m, be, v), MsrResult::gp);
}

TEST_F(MsrPolicy, TscDeadlineAndMiscEnableAreStored) {
    EXPECT_EQ(write(msr::tsc_deadline, m, be, 0x123456789ull), MsrResult::ok);
    EXPECT_EQ(rd(msr::tsc_deadline), 0x123456789ull);
    EXPECT_EQ(write(msr::misc_enable, m, be, 0x850089), MsrResult::ok);
    EXPECT_EQ(rd(msr::misc_enable), 0x850089u);
}

// An independent reading of SDM Vol.3 25.6.9 for the bitmap.
bool exits(const uint8_t* bm, uint32_t msr, bool write_access) {
    const bool high = msr >= 0xc0000000u;
    const uint32_t idx = msr & 0x1fff;
    const size_t off = (write_access ? 2048 : 0) + (high ? 1024 : 0);
    return (bm[off + idx / 8] >> (idx % 8)) & 1;
}

TEST(MsrBitmap, OnlyPassthroughMsrsAvoidExits) {
    uint8_t bm[4096];
    std::memset(bm, 0, sizeof bm);
    fill_bitmap(bm);
    size_t clear_bits = 0;
    for (size_t i = 0; i < sizeof bm; ++i) clear_bits += 8 - static_cast<size_t>(__builtin_popcount(bm[i]));
    // 3 SYSENTER + 4 syscall + 4 base/aux, read and write, plus the TSC read.
    EXPECT_EQ(clear_bits, 2u * 11u + 1u);
    for (uint32_t x : {0x174u, 0x176u, 0xc0000081u, 0xc0000100u, 0xc0000103u}) {
        EXPECT_FALSE(exits(bm, x, false)) << std::hex << x;
        EXPECT_FALSE(exits(bm, x, true)) << std::hex << x;
    }
    EXPECT_FALSE(exits(bm, msr::tsc, false));
    EXPECT_TRUE(exits(bm, msr::tsc, true));
    for (uint32_t x : {msr::apic_base, msr::pat, msr::efer, msr::tsc_deadline, 0x480u, 0xc0000104u}) {
        EXPECT_TRUE(exits(bm, x, false)) << std::hex << x;
        EXPECT_TRUE(exits(bm, x, true)) << std::hex << x;
    }
}

}  // namespace
