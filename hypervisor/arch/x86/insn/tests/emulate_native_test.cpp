// The host CPU as the reference: ALU results and flags, and BT-family bit-string addressing,
// executed natively and compared with the emulator on the same operands.
#include <gtest/gtest.h>

#include <cstring>
#include <random>
#include <vector>

#include "arch/x86/insn/flags.hpp"
#include "describe.hpp"
#include "fake_guest.hpp"

#if defined(__x86_64__)

namespace {

using namespace bh_test;

constexpr uint64_t kArith = 0x8d5;  // CF PF AF ZF SF OF
constexpr uint64_t kAF = 0x10;
constexpr uint64_t kMem = 0xfee00100;

// Runs `MN b, a` (AT&T: a = a MN b) on the host with the given arithmetic
// flags in; returns the flags out. The red zone is stepped over for push.
#define BH_NATIVE_BINOP(MN)                                                                                  \
    asm volatile("lea -128(%%rsp), %%rsp\n\tpush %[f]\n\tpopf\n\t" MN " %[b], %[a]\n\tpushf\n\tpop %[f]\n\t" \
                 "lea 128(%%rsp), %%rsp"                                                                     \
                 : [a] "+r"(a), [f] "+r"(f)                                                                  \
                 : [b] "r"(b)                                                                                \
                 : "cc", "memory")

template <typename T>
uint64_t native_typed(Op op, uint64_t a64, uint64_t b64, uint64_t& flags) {
    T a = static_cast<T>(a64), b = static_cast<T>(b64);
    uint64_t f = (flags & kArith) | 0x2;
    switch (op) {
    case Op::add: BH_NATIVE_BINOP("add"); break;
    case Op::or_: BH_NATIVE_BINOP("or"); break;
    case Op::adc: BH_NATIVE_BINOP("adc"); break;
    case Op::sbb: BH_NATIVE_BINOP("sbb"); break;
    case Op::and_: BH_NATIVE_BINOP("and"); break;
    case Op::sub: BH_NATIVE_BINOP("sub"); break;
    case Op::xor_: BH_NATIVE_BINOP("xor"); break;
    case Op::cmp: BH_NATIVE_BINOP("cmp"); break;
    case Op::test: BH_NATIVE_BINOP("test"); break;
    default: ADD_FAILURE(); break;
    }
    flags = f & kArith;
    return a;
}

uint64_t native(Op op, unsigned size, uint64_t a, uint64_t b, uint64_t& flags) {
    switch (size) {
    case 1: return native_typed<uint8_t>(op, a, b, flags);
    case 2: return native_typed<uint16_t>(op, a, b, flags);
    case 4: return native_typed<uint32_t>(op, a, b, flags);
    default: return native_typed<uint64_t>(op, a, b, flags);
    }
}

std::vector<uint64_t> values() {
    std::vector<uint64_t> v = {0,          1,          2,          0x0f,       0x10,       0x7f,
                               0x80,       0x81,       0xff,       0x100,      0x7fff,     0x8000,
                               0xffff,     0x10000,    0x7fffffff, 0x80000000, 0xffffffff, 0x100000000,
                               0x7fffffffffffffff,     0x8000000000000000,     0xffffffffffffffff,
                               0x5555555555555555,     0xaaaaaaaaaaaaaaaa,     0x0123456789abcdef};
    std::mt19937_64 rng(7);
    for (int i = 0; i < 16; ++i) v.push_back(rng());
    return v;
}

struct AluOp {
    Op op;
    uint8_t opcode;  // r/m8, reg8 form; +1 full size; +2/+3 the reg, r/m direction
    bool logic;
    bool writes;
};
const AluOp kOps[] = {
    {Op::add, 0x00, false, true}, {Op::or_, 0x08, true, true},  {Op::adc, 0x10, false, true},
    {Op::sbb, 0x18, false, true}, {Op::and_, 0x20, true, true}, {Op::sub, 0x28, false, true},
    {Op::xor_, 0x30, true, true}, {Op::cmp, 0x38, false, false}, {Op::test, 0x84, true, false},
};

std::vector<uint8_t> encode(uint8_t opcode, unsigned size, bool reg_dst) {
    std::vector<uint8_t> code;
    if (size == 2) code.push_back(0x66);
    if (size == 8) code.push_back(0x48);
    code.push_back(static_cast<uint8_t>(opcode + (size == 1 ? 0 : 1) + (reg_dst ? 2 : 0)));
    code.push_back(0x0b);  // ModRM: reg = rCX, r/m = [rBX]
    return code;
}

TEST(InsnEmulateNative, AluFlagsMatchHostCpu) {
    const auto vals = values();
    size_t n = 0;
    for (const AluOp& o : kOps) {
        for (unsigned size : {1u, 2u, 4u, 8u}) {
            for (bool reg_dst : {false, true}) {
                if (reg_dst && o.op == Op::test) continue;  // 86/87 would be XCHG
                for (uint64_t a : vals) {
                    for (uint64_t b : vals) {
                        for (uint64_t cf : {0ull, 1ull}) {
                            const uint64_t m = size_mask(size);
                            uint64_t want_flags = cf | 0x800 | 0x4;  // junk in OF/PF must be overwritten
                            const uint64_t want = native(o.op, size, a, b, want_flags);
                            FakeGuest g;
                            g.add_region(kMem & ~0xfffull, 0x1000, true);
                            g.regs[3] = kMem;
                            g.poke(kMem, 8, reg_dst ? b : a);
                            g.regs[1] = reg_dst ? a : b;
                            g.rflags_ = 0x2 | cf | 0x800 | 0x4;
                            const Result r = run(g, encode(o.opcode, size, reg_dst));
                            ASSERT_EQ(r.emulated, EmulateStatus::ok);
                            const uint64_t mask = o.logic ? kArith & ~kAF : kArith;  // AF undefined for logic ops
                            ASSERT_EQ(g.rflags_ & mask, want_flags & mask)
                                << op_name(o.op) << " size " << size << " a " << a << " b " << b << " cf " << cf;
                            if (o.logic) {
                                EXPECT_EQ(g.rflags_ & kAF, 0u);
                            }
                            const uint64_t dst = reg_dst ? g.regs[1] : g.peek(kMem, 8);
                            const uint64_t orig = a;  // the destination's value before
                            const uint64_t expect_dst = o.writes ? want & m : orig & m;
                            EXPECT_EQ(dst & m, expect_dst);
                            if (size == 4 && reg_dst && o.writes) {
                                EXPECT_EQ(dst >> 32, 0u) << "32-bit register destination zero-extends";
                            } else if (size < 8) {
                                EXPECT_EQ(dst & ~m, orig & ~m) << "bytes beyond the operand untouched";
                            }
                            ++n;
                        }
                    }
                }
            }
        }
    }
    EXPECT_GT(n, 100000u);
}

// alu() alone on random operands: results and flags, all operations and sizes.
TEST(InsnEmulateNative, AluRandom) {
    std::mt19937_64 rng(2024);
    for (int i = 0; i < 200000; ++i) {
        const AluOp& o = kOps[rng() % 9];
        const unsigned size = 1u << (rng() % 4);
        uint64_t a = rng(), b = rng();
        if (rng() % 4 == 0) b = a;  // equal operands: ZF paths
        const bool cf = rng() & 1;
        uint64_t want_flags = cf ? 1 : 0;
        const uint64_t want = native(o.op, size, a, b, want_flags);
        const AluResult r = alu(o.op, size, a, b, cf);
        const uint64_t mask = o.logic ? kArith & ~kAF : kArith;
        ASSERT_EQ(r.flags & mask, want_flags & mask) << op_name(o.op) << " " << size << " " << a << " " << b;
        if (o.writes) {
            ASSERT_EQ(r.value, want & size_mask(size));
        }
    }
}

// BT BTS BTR BTC m, reg with offsets far outside the operand, both signs:
// the host CPU on a buffer vs the emulator on the same bytes.
template <typename T>
bool native_bit(Op op, uint8_t* p, T off) {
    uint8_t c = 0;
    switch (op) {
    case Op::bt: asm volatile("bt %[o], (%[p])\n\tsetc %[c]" : [c] "=r"(c) : [o] "r"(off), [p] "r"(p) : "cc", "memory"); break;
    case Op::bts: asm volatile("bts %[o], (%[p])\n\tsetc %[c]" : [c] "=r"(c) : [o] "r"(off), [p] "r"(p) : "cc", "memory"); break;
    case Op::btr: asm volatile("btr %[o], (%[p])\n\tsetc %[c]" : [c] "=r"(c) : [o] "r"(off), [p] "r"(p) : "cc", "memory"); break;
    default: asm volatile("btc %[o], (%[p])\n\tsetc %[c]" : [c] "=r"(c) : [o] "r"(off), [p] "r"(p) : "cc", "memory"); break;
    }
    return c != 0;
}

TEST(InsnEmulateNative, BitStringMatchesHostCpu) {
    constexpr size_t kSize = 8224, kMid = 4112;  // +-4096 bytes of bit string around the operand
    constexpr uint64_t kBase = 0x200000;
    std::mt19937_64 rng(99);
    const Op ops[] = {Op::bt, Op::bts, Op::btr, Op::btc};
    const uint8_t opcodes[] = {0xa3, 0xab, 0xb3, 0xbb};
    size_t n = 0;
    for (unsigned size : {2u, 4u, 8u}) {
        for (unsigned k = 0; k < 4; ++k) {
            for (int i = 0; i < 3000; ++i) {
                int64_t off = static_cast<int64_t>(rng() % 65536) - 32768;  // +-4 KiB of bytes
                if (i < 64) off = i - 32;                                     // around the operand
                std::vector<uint8_t> host(kSize);
                for (size_t j = 0; j < kSize; j += 8) {
                    const uint64_t r = rng();
                    std::memcpy(host.data() + j, &r, 8);
                }
                FakeGuest g;
                g.add_region(kBase, kSize, false);
                g.regions[0].bytes = host;  // the same bytes, before the host runs the instruction
                bool cf = false;
                if (size == 2) cf = native_bit<uint16_t>(ops[k], host.data() + kMid, static_cast<uint16_t>(off));
                if (size == 4) cf = native_bit<uint32_t>(ops[k], host.data() + kMid, static_cast<uint32_t>(off));
                if (size == 8) cf = native_bit<uint64_t>(ops[k], host.data() + kMid, static_cast<uint64_t>(off));
                g.regs[3] = kBase + kMid;
                g.regs[0] = static_cast<uint64_t>(off);
                g.rflags_ = 0x2 | (cf ? 0 : 1);  // CF starts opposite to the answer
                std::vector<uint8_t> code;
                if (size == 2) code.push_back(0x66);
                if (size == 8) code.push_back(0x48);
                code.insert(code.end(), {0x0f, opcodes[k], 0x03});  // op [rbx], eAX
                ASSERT_EQ(run(g, code).emulated, EmulateStatus::ok);
                ASSERT_EQ((g.rflags_ & 1) != 0, cf) << op_name(ops[k]) << " size " << size << " off " << off;
                ASSERT_EQ(g.log.size(), ops[k] == Op::bt ? 1u : 2u);
                ASSERT_TRUE(g.regions[0].bytes == host) << op_name(ops[k]) << " size " << size << " off " << off;
                ++n;
            }
        }
    }
    EXPECT_EQ(n, 36000u);
}

}  // namespace

#endif
