// Robustness: random and semi-structured byte strings through decode() and emulate();
// nothing may crash or read past `avail` (run under ASan to check the latter).
#include <gtest/gtest.h>

#include <random>
#include <vector>

#include "describe.hpp"
#include "fake_guest.hpp"

namespace {

using namespace bh_test;

const CpuMode kModes[] = {CpuMode::bits16, CpuMode::bits32, CpuMode::bits64};

// Properties of one decode of buf[0..n): an ok result is self-consistent
// and decodes identically from exactly its own bytes, and one byte fewer
// is truncated.
void check_bytes(const std::vector<uint8_t>& bytes, CpuMode mode, FakeGuest* g, size_t& ok_count) {
    std::vector<uint8_t> buf(bytes);  // exact size
    Insn in{};
    const DecodeStatus s = decode(buf.data(), buf.size(), mode, in);
    ASSERT_LE(static_cast<unsigned>(s), static_cast<unsigned>(DecodeStatus::unsupported));
    if (s == DecodeStatus::truncated) {
        ASSERT_LT(buf.size(), 15u);
    }
    if (s != DecodeStatus::ok) return;
    ++ok_count;
    ASSERT_GE(in.length, 1u);
    ASSERT_LE(in.length, std::min<size_t>(15, buf.size()));
    ASSERT_TRUE(in.opsize == 1 || in.opsize == 2 || in.opsize == 4 || in.opsize == 8);
    ASSERT_TRUE(in.addrsize == 2 || in.addrsize == 4 || in.addrsize == 8);
    std::vector<uint8_t> exact(buf.begin(), buf.begin() + in.length);
    Insn again{};
    ASSERT_EQ(decode(exact.data(), exact.size(), mode, again), DecodeStatus::ok);
    ASSERT_EQ(describe(again), describe(in));
    std::vector<uint8_t> shorter(buf.begin(), buf.begin() + in.length - 1);
    ASSERT_EQ(decode(shorter.data(), shorter.size(), mode, again), DecodeStatus::truncated);
    if (g == nullptr) return;
    const uint64_t rip = g->rip_;
    const size_t accesses = g->log.size();
    const EmulateStatus e = emulate(in, *g, 8);
    ASSERT_NE(e, EmulateStatus::unsupported) << describe(in);
    ASSERT_EQ(g->atomic_depth, 0);
    ASSERT_FALSE(g->atomic_misuse);
    if (e != EmulateStatus::ok) {
        ASSERT_EQ(g->rip_, rip) << "a failed instruction does not advance RIP";
        ASSERT_GT(g->log.size(), accesses);
    }
}

void randomize(FakeGuest& g, std::mt19937_64& rng) {
    for (auto& r : g.regs) {
        switch (rng() % 4) {
        case 0: r = rng(); break;
        case 1: r = 0xfee00000 + rng() % 0x1000; break;  // into the MMIO page
        case 2: r = 0x100000 + rng() % 0x1000; break;     // into RAM
        default: r = rng() % 64; break;                   // small: counts, offsets
        }
    }
    g.rflags_ = 0x2 | (rng() & 0x8d5) | (rng() % 2 ? 0x400 : 0);
    for (auto& b : g.seg_base) b = rng() % 2 ? 0 : rng();
    g.rip_ = rng() % 2 ? 0x1000 : rng();
}

TEST(InsnDecodeFuzz, RandomBytes) {
    std::mt19937_64 rng(0x5eed);
    size_t ok = 0;
    FakeGuest g;
    g.add_region(0xfee00000, 0x1000, true);
    g.add_region(0x100000, 0x2000, false);
    for (int i = 0; i < 100000; ++i) {
        std::vector<uint8_t> b(rng() % 21);
        for (auto& x : b) x = static_cast<uint8_t>(rng());
        randomize(g, rng);
        g.log.clear();
        check_bytes(b, kModes[rng() % 3], &g, ok);
        if (HasFatalFailure()) return;
    }
    EXPECT_GT(ok, 1000u);
    std::printf("random: %zu of 100000 decoded ok\n", ok);
}

// Prefixes, then an opcode this decoder handles, then random bytes: most
// decode, so the emulator runs on a wide variety of valid forms.
TEST(InsnDecodeFuzz, StructuredBytes) {
    const uint8_t prefixes[] = {0x66, 0x67, 0xf0, 0xf2, 0xf3, 0x2e, 0x36, 0x3e, 0x26, 0x64, 0x65, 0x40, 0x41,
                                0x44, 0x48, 0x4c, 0x4f, 0x42};
    const std::vector<std::vector<uint8_t>> opcodes = {
        {0x88}, {0x89}, {0x8a}, {0x8b}, {0xc6}, {0xc7}, {0xa0}, {0xa1}, {0xa2}, {0xa3}, {0x0f, 0xb6}, {0x0f, 0xb7},
        {0x0f, 0xbe}, {0x0f, 0xbf}, {0x63}, {0xa4}, {0xa5}, {0xaa}, {0xab}, {0x09}, {0x0b}, {0x21}, {0x23}, {0x31},
        {0x33}, {0x39}, {0x3b}, {0x08}, {0x20}, {0x30}, {0x38}, {0x01}, {0x11}, {0x19}, {0x29}, {0x80}, {0x81},
        {0x83}, {0x84}, {0x85}, {0xf6}, {0xf7}, {0x86}, {0x87}, {0x0f, 0xa3}, {0x0f, 0xab}, {0x0f, 0xb3},
        {0x0f, 0xbb}, {0x0f, 0xba}};
    std::mt19937_64 rng(0xfeed);
    size_t ok = 0;
    FakeGuest g;
    g.add_region(0xfee00000, 0x1000, true);
    g.add_region(0x100000, 0x2000, false);
    for (int i = 0; i < 100000; ++i) {
        std::vector<uint8_t> b;
        const unsigned np = static_cast<unsigned>(rng() % 5);
        for (unsigned k = 0; k < np; ++k) b.push_back(prefixes[rng() % sizeof prefixes]);
        const auto& op = opcodes[rng() % opcodes.size()];
        b.insert(b.end(), op.begin(), op.end());
        const unsigned tail = static_cast<unsigned>(rng() % 12);
        for (unsigned k = 0; k < tail; ++k) b.push_back(static_cast<uint8_t>(rng()));
        randomize(g, rng);
        g.log.clear();
        check_bytes(b, kModes[rng() % 3], &g, ok);
        if (HasFatalFailure()) return;
    }
    EXPECT_GT(ok, 30000u);
    std::printf("structured: %zu of 100000 decoded ok\n", ok);
}

// Every 1- and 2-byte string and every 3-byte string starting 0F in all
// modes, exact-size: the whole short-input space.
TEST(InsnDecodeFuzz, AllShortStrings) {
    size_t ok = 0;
    for (CpuMode m : kModes) {
        for (unsigned a = 0; a < 256; ++a) {
            check_bytes({static_cast<uint8_t>(a)}, m, nullptr, ok);
            for (unsigned b = 0; b < 256; ++b) {
                check_bytes({static_cast<uint8_t>(a), static_cast<uint8_t>(b)}, m, nullptr, ok);
                for (unsigned c = 0; c < 256; c += (a == 0x0f ? 1 : 256)) {
                    check_bytes({static_cast<uint8_t>(a), static_cast<uint8_t>(b), static_cast<uint8_t>(c)}, m, nullptr,
                                ok);
                }
            }
        }
    }
    EXPECT_GT(ok, 1000u);
}

}  // namespace
