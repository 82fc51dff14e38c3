// MOVS / STOS with and without REP: direction, address size, segments, chunking, faults mid-loop.
#include <gtest/gtest.h>

#include <vector>

#include "fake_guest.hpp"

namespace {

using namespace bh_test;

constexpr uint64_t kMmio = 0xfee00000;
constexpr uint64_t kRam = 0x100000;
constexpr unsigned RAX = 0, RCX = 1, RSI = 6, RDI = 7;
constexpr uint64_t DF = 1u << 10;

FakeGuest guest() {
    FakeGuest g;
    g.add_region(kMmio, 0x1000, true);
    g.add_region(kRam, 0x10000, false);
    for (unsigned i = 0; i < 0x100; ++i) g.poke(kRam + i, 1, i);  // RAM source pattern 00 01 02 ..
    return g;
}

TEST(InsnEmulateString, MovsbForward) {
    FakeGuest g = guest();
    g.regs[RSI] = kRam + 0x10;
    g.regs[RDI] = kMmio + 0x20;
    const uint64_t rcx = g.regs[RCX];
    const Result r = run(g, {0xa4});
    ASSERT_EQ(r.emulated, EmulateStatus::ok);
    EXPECT_EQ(g.peek(kMmio + 0x20, 1), 0x10u);
    EXPECT_EQ(g.regs[RSI], kRam + 0x11);
    EXPECT_EQ(g.regs[RDI], kMmio + 0x21);
    EXPECT_EQ(g.regs[RCX], rcx) << "no REP: rCX untouched";
    EXPECT_EQ(g.rip_, 0x1001u);
    EXPECT_EQ(g.trace(kMmio), "r1@=0x100010 w1@0x20");
}

TEST(InsnEmulateString, MovsdBackward) {
    FakeGuest g = guest();
    g.rflags_ |= DF;
    g.regs[RSI] = kRam + 0x10;
    g.regs[RDI] = kMmio + 0x20;
    ASSERT_EQ(run(g, {0xa5}).emulated, EmulateStatus::ok);
    EXPECT_EQ(g.peek(kMmio + 0x20, 4), 0x13121110u);
    EXPECT_EQ(g.regs[RSI], kRam + 0xc);
    EXPECT_EQ(g.regs[RDI], kMmio + 0x1c);
}

TEST(InsnEmulateString, RepCountZeroDoesNothing) {
    for (std::vector<uint8_t> code : {std::vector<uint8_t>{0xf3, 0xa4}, {0xf3, 0x48, 0xab}, {0xf2, 0xa5}}) {
        FakeGuest g = guest();
        g.regs[RCX] = 0;
        g.regs[RSI] = kRam;
        g.regs[RDI] = kMmio;
        ASSERT_EQ(run(g, code).emulated, EmulateStatus::ok);
        EXPECT_TRUE(g.log.empty());
        EXPECT_EQ(g.rip_, 0x1000 + code.size());
        EXPECT_EQ(g.regs[RSI], kRam);
        EXPECT_EQ(g.regs[RDI], kMmio);
    }
}

TEST(InsnEmulateString, RepCountOne) {
    FakeGuest g = guest();
    g.regs[RCX] = 1;
    g.regs[RAX] = 0x1122334455667788;
    g.regs[RDI] = kMmio + 8;
    ASSERT_EQ(run(g, {0xf3, 0x48, 0xab}).emulated, EmulateStatus::ok);  // rep stosq
    EXPECT_EQ(g.peek(kMmio + 8, 8), 0x1122334455667788u);
    EXPECT_EQ(g.regs[RCX], 0u);
    EXPECT_EQ(g.regs[RDI], kMmio + 16);
    EXPECT_EQ(g.rip_, 0x1003u);
}

TEST(InsnEmulateString, RepMovsdFromMmioToRam) {
    FakeGuest g = guest();
    for (unsigned i = 0; i < 10; ++i) g.poke(kMmio + 4 * i, 4, 0xa0000000 + i);
    g.regs[RCX] = 10;
    g.regs[RSI] = kMmio;
    g.regs[RDI] = kRam + 0x800;
    ASSERT_EQ(run(g, {0xf3, 0xa5}).emulated, EmulateStatus::ok);
    for (unsigned i = 0; i < 10; ++i) EXPECT_EQ(g.peek(kRam + 0x800 + 4 * i, 4), 0xa0000000u + i);
    ASSERT_EQ(g.log.size(), 20u);
    for (unsigned i = 0; i < 10; ++i) {  // read, write, read, write ... in address order
        EXPECT_FALSE(g.log[2 * i].write);
        EXPECT_TRUE(g.log[2 * i].mmio);
        EXPECT_EQ(g.log[2 * i].linear, kMmio + 4 * i);
        EXPECT_TRUE(g.log[2 * i + 1].write);
        EXPECT_EQ(g.log[2 * i + 1].linear, kRam + 0x800 + 4 * i);
    }
    EXPECT_EQ(g.regs[RCX], 0u);
    EXPECT_EQ(g.regs[RSI], kMmio + 40);
    EXPECT_EQ(g.regs[RDI], kRam + 0x828);
    EXPECT_EQ(g.rip_, 0x1002u);
}

TEST(InsnEmulateString, RepStosBackward) {
    FakeGuest g = guest();
    g.rflags_ |= DF;
    g.regs[RCX] = 3;
    g.regs[RAX] = 0xabcd;
    g.regs[RDI] = kMmio + 0x104;
    ASSERT_EQ(run(g, {0x66, 0xf3, 0xab}).emulated, EmulateStatus::ok);  // rep stosw
    EXPECT_EQ(g.trace(kMmio), "w2@0x104 w2@0x102 w2@0x100");
    EXPECT_EQ(g.regs[RDI], kMmio + 0xfe);
    EXPECT_EQ(g.peek(kMmio + 0x100, 6), 0xabcdabcdabcdu);
}

// A long REP runs in chunks of the budget; RIP stays until rCX reaches 0,
// and each chunk leaves a state the instruction restarts from.
TEST(InsnEmulateString, RepIsChunked) {
    FakeGuest g = guest();
    g.regs[RCX] = 100;
    g.regs[RAX] = 0x5a;
    g.regs[RDI] = kMmio;
    const Result r1 = run(g, {0xf3, 0xaa});
    ASSERT_EQ(r1.emulated, EmulateStatus::ok);
    EXPECT_EQ(g.regs[RCX], 100u - kRepBudget);
    EXPECT_EQ(g.regs[RDI], kMmio + kRepBudget);
    EXPECT_EQ(g.rip_, 0x1000u) << "not finished: RIP stays on the instruction";
    ASSERT_EQ(emulate(r1.insn, g), EmulateStatus::ok);
    EXPECT_EQ(g.regs[RCX], 0u);
    EXPECT_EQ(g.regs[RDI], kMmio + 100);
    EXPECT_EQ(g.rip_, 0x1002u);
    EXPECT_EQ(g.log.size(), 100u);

    FakeGuest h = guest();  // budget 1: one iteration per call
    h.regs[RCX] = 5;
    h.regs[RDI] = kMmio;
    const Result r = run(h, {0xf3, 0xaa}, CpuMode::bits64, 1);
    int calls = 1;
    while (h.rip_ == 0x1000) {
        ASSERT_EQ(emulate(r.insn, h, 1), EmulateStatus::ok);
        ++calls;
        ASSERT_LT(calls, 10);
    }
    EXPECT_EQ(calls, 5);
    EXPECT_EQ(h.regs[RCX], 0u);
}

// 67 in 64-bit mode: ECX/ESI/EDI are the counters and pointers; writes to
// them zero-extend.
TEST(InsnEmulateString, AddressSize32In64BitMode) {
    FakeGuest g = guest();
    g.regs[RCX] = 0xffffffff00000003;
    g.regs[RDI] = 0xffffffff00000000 | (kMmio + 0x100);
    g.regs[RAX] = 0x77;
    ASSERT_EQ(run(g, {0x67, 0xf3, 0xaa}).emulated, EmulateStatus::ok);
    EXPECT_EQ(g.trace(kMmio), "w1@0x100 w1@0x101 w1@0x102");
    EXPECT_EQ(g.regs[RCX], 0u);
    EXPECT_EQ(g.regs[RDI], kMmio + 0x103);
}

// 16-bit addressing (67 in 32-bit mode): SI/DI wrap at 64 KiB, bits 31:16 stay.
TEST(InsnEmulateString, AddressSize16Wraps) {
    FakeGuest g = guest();
    g.seg_base[static_cast<unsigned>(Seg::ds)] = kRam;
    g.seg_base[static_cast<unsigned>(Seg::es)] = kMmio;
    g.regs[RSI] = 0xabcdffff;
    g.regs[RDI] = 0x12340010;
    g.regs[RCX] = 0x55550002;
    ASSERT_EQ(run(g, {0x67, 0xf3, 0xa4}, CpuMode::bits32).emulated, EmulateStatus::ok);
    EXPECT_EQ(g.trace(kMmio), "r1@=0x10ffff w1@0x10 r1@=0x100000 w1@0x11");
    EXPECT_EQ(g.regs[RSI], 0xabcd0001u);
    EXPECT_EQ(g.regs[RDI], 0x12340012u);
    EXPECT_EQ(g.regs[RCX], 0x55550000u);
}

// The source segment can be overridden; the destination is always ES,
// whose base is 0 in 64-bit mode but applies in 32-bit mode.
TEST(InsnEmulateString, Segments) {
    FakeGuest g = guest();
    g.seg_base[static_cast<unsigned>(Seg::fs)] = kRam;
    g.seg_base[static_cast<unsigned>(Seg::es)] = 0x4000;  // ignored in 64-bit mode
    g.regs[RSI] = 0x42;
    g.regs[RDI] = kMmio;
    ASSERT_EQ(run(g, {0x64, 0xa4}).emulated, EmulateStatus::ok);
    EXPECT_EQ(g.peek(kMmio, 1), 0x42u);

    FakeGuest h = guest();
    h.seg_base[static_cast<unsigned>(Seg::ds)] = 0x7000;  // not used: overridden
    h.seg_base[static_cast<unsigned>(Seg::ss)] = kRam;
    h.seg_base[static_cast<unsigned>(Seg::es)] = kMmio;
    h.regs[RSI] = 0x40;
    h.regs[RDI] = 0x8;
    ASSERT_EQ(run(h, {0x36, 0xa5}, CpuMode::bits32).emulated, EmulateStatus::ok);
    EXPECT_EQ(h.peek(kMmio + 8, 4), 0x43424140u);
    ASSERT_EQ(run(h, {0x26, 0xab}, CpuMode::bits32).emulated, EmulateStatus::ok);  // ES:EDI regardless
    EXPECT_EQ(h.trace(kMmio), "r4@=0x100040 w4@0x8 w4@0xc");
}

// A fault in iteration k keeps iterations 0..k-1 (SDM Vol.2 REP) and RIP.
TEST(InsnEmulateString, FaultMidRepKeepsCompletedIterations) {
    for (int fail_at : {0, 1, 4, 5}) {
        FakeGuest g = guest();
        g.regs[RCX] = 5;
        g.regs[RSI] = kRam;
        g.regs[RDI] = kMmio;
        g.fail_at = fail_at;  // accesses go r w r w ...: iteration fail_at / 2
        const Result r = run(g, {0xf3, 0xa5});
        EXPECT_EQ(r.emulated, EmulateStatus::fault);
        const uint64_t done = static_cast<uint64_t>(fail_at / 2);
        EXPECT_EQ(g.regs[RCX], 5 - done);
        EXPECT_EQ(g.regs[RSI], kRam + 4 * done);
        EXPECT_EQ(g.regs[RDI], kMmio + 4 * done);
        EXPECT_EQ(g.rip_, 0x1000u);
        EXPECT_EQ(g.log.size(), static_cast<size_t>(fail_at) + 1);
    }
    FakeGuest g = guest();  // without REP: nothing moves
    g.regs[RSI] = kRam;
    g.regs[RDI] = kMmio;
    g.fail_at = 1;
    g.fail_with = AccessStatus::mmio_error;
    EXPECT_EQ(run(g, {0xa4}).emulated, EmulateStatus::mmio_error);
    EXPECT_EQ(g.regs[RSI], kRam);
    EXPECT_EQ(g.regs[RDI], kMmio);
    EXPECT_EQ(g.rip_, 0x1000u);
}

TEST(InsnEmulateString, ElementSizes) {
    const struct {
        std::vector<uint8_t> code;
        unsigned size;
    } cases[] = {{{0xa4}, 1}, {{0x66, 0xa5}, 2}, {{0xa5}, 4}, {{0x48, 0xa5}, 8}, {{0xaa}, 1}, {{0x66, 0xab}, 2},
                 {{0xab}, 4}, {{0x48, 0xab}, 8}};
    for (const auto& c : cases) {
        for (bool down : {false, true}) {
            FakeGuest g = guest();
            if (down) g.rflags_ |= DF;
            g.regs[RSI] = kRam + 0x80;
            g.regs[RDI] = kMmio + 0x80;
            g.regs[RAX] = 0x8877665544332211;
            ASSERT_EQ(run(g, c.code).emulated, EmulateStatus::ok);
            const uint64_t want = c.code.back() == 0xa4 || c.code.back() == 0xa5 ? g.peek(kRam + 0x80, c.size)
                                                                                  : g.regs[RAX];
            const uint64_t mask = c.size == 8 ? ~0ull : (1ull << (8 * c.size)) - 1;
            EXPECT_EQ(g.peek(kMmio + 0x80, c.size), want & mask);
            EXPECT_EQ(g.log.back().size, c.size);
            EXPECT_EQ(g.regs[RDI], down ? kMmio + 0x80 - c.size : kMmio + 0x80 + c.size);
        }
    }
}

}  // namespace
