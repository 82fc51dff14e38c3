// Decoder tables: hand-written encodings with their expected meaning, in every CPU mode.
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "arch/x86/insn/decode.hpp"
#include "describe.hpp"

namespace {

using namespace bh_test;
using S = DecodeStatus;
constexpr CpuMode k64 = CpuMode::bits64, k32 = CpuMode::bits32, k16 = CpuMode::bits16;

struct Case {
    CpuMode mode;
    std::vector<uint8_t> bytes;
    S status;
    const char* text;  // describe() of the result when status is ok
};

std::vector<uint8_t> cat(std::vector<uint8_t> a, const std::vector<uint8_t>& b) {
    a.insert(a.end(), b.begin(), b.end());
    return a;
}
std::vector<uint8_t> rep(uint8_t b, size_t n) { return std::vector<uint8_t>(n, b); }
const std::vector<uint8_t> kMoffs64{0x88, 0x77, 0x66, 0x55, 0x44, 0x33, 0x22, 0x11};

std::string show(const std::vector<uint8_t>& b) {
    std::string s;
    char t[4];
    for (uint8_t x : b) {
        std::snprintf(t, sizeof t, "%02x ", x);
        s += t;
    }
    return s;
}

void check(const Case& c) {
    std::vector<uint8_t> buf(c.bytes);  // exact size: ASan flags any read past avail
    Insn in{};
    const S s = decode(buf.data(), buf.size(), c.mode, in);
    SCOPED_TRACE("bytes " + show(c.bytes) + " mode " + std::to_string(static_cast<int>(c.mode)));
    ASSERT_EQ(to_string(s), std::string(to_string(c.status)));
    if (s == S::ok) {
        EXPECT_EQ(describe(in), c.text);
        EXPECT_EQ(in.mode, c.mode);
    }
}

const Case kCases64[] = {
    // operand size: default 32, 66 -> 16, REX.W -> 64 and beats 66; a REX before a legacy prefix is dropped
    {k64, {0x89, 0x08}, S::ok, "mov rm_reg o4 a8 len2 reg=r1 rm=ds:[r0]"},
    {k64, {0x48, 0x89, 0x08}, S::ok, "mov rm_reg o8 a8 len3 reg=r1 rm=ds:[r0]"},
    {k64, {0x66, 0x89, 0x08}, S::ok, "mov rm_reg o2 a8 len3 reg=r1 rm=ds:[r0]"},
    {k64, {0x66, 0x48, 0x89, 0x08}, S::ok, "mov rm_reg o8 a8 len4 reg=r1 rm=ds:[r0]"},
    {k64, {0x48, 0x66, 0x89, 0x08}, S::ok, "mov rm_reg o2 a8 len4 reg=r1 rm=ds:[r0]"},
    {k64, {0x48, 0x41, 0x8b, 0x00}, S::ok, "mov reg_rm o4 a8 len4 reg=r0 rm=ds:[r8]"},
    {k64, {0x4c, 0x8b, 0x00}, S::ok, "mov reg_rm o8 a8 len3 reg=r8 rm=ds:[r0]"},
    {k64, {0x66, 0x66, 0x67, 0x67, 0x2e, 0x3e, 0x89, 0x08}, S::ok, "mov rm_reg o2 a4 len8 reg=r1 rm=ds:[r0]"},
    // byte registers: AH..BH without REX, SPL..DIL / r8b.. with any REX
    {k64, {0x88, 0x20}, S::ok, "mov rm_reg o1 a8 len2 reg=ah rm=ds:[r0]"},
    {k64, {0x40, 0x88, 0x20}, S::ok, "mov rm_reg o1 a8 len3 reg=r4 rm=ds:[r0]"},
    {k64, {0x44, 0x88, 0x20}, S::ok, "mov rm_reg o1 a8 len3 reg=r12 rm=ds:[r0]"},
    {k64, {0x88, 0x18}, S::ok, "mov rm_reg o1 a8 len2 reg=r3 rm=ds:[r0]"},
    {k64, {0x8a, 0x3c, 0x24}, S::ok, "mov reg_rm o1 a8 len3 reg=bh rm=ss:[r4]"},
    {k64, {0x88, 0xe0}, S::ok, "mov rm_reg o1 a8 len2 reg=ah rm=r0"},
    {k64, {0x40, 0x88, 0xe7}, S::ok, "mov rm_reg o1 a8 len3 reg=r4 rm=r7"},
    {k64, {0x88, 0xe7}, S::ok, "mov rm_reg o1 a8 len2 reg=ah rm=bh"},
    // addressing: SIB, REX.B/X, RIP-relative, disp8 sign extension, no-base disp32
    {k64, {0x41, 0x8b, 0x04, 0x24}, S::ok, "mov reg_rm o4 a8 len4 reg=r0 rm=ds:[r12]"},
    {k64, {0x41, 0x8b, 0x45, 0x00}, S::ok, "mov reg_rm o4 a8 len4 reg=r0 rm=ds:[r13]"},
    {k64, {0x41, 0x8b, 0x05, 0x10, 0, 0, 0}, S::ok, "mov reg_rm o4 a8 len7 reg=r0 rm=ds:[rip+0x10]"},
    {k64, {0x8b, 0x05, 0xf0, 0xff, 0xff, 0xff}, S::ok, "mov reg_rm o4 a8 len6 reg=r0 rm=ds:[rip-0x10]"},
    {k64, {0x67, 0x8b, 0x05, 0x10, 0, 0, 0}, S::ok, "mov reg_rm o4 a4 len7 reg=r0 rm=ds:[rip+0x10]"},
    {k64, {0x8b, 0x04, 0x25, 0x78, 0x56, 0x34, 0x12}, S::ok, "mov reg_rm o4 a8 len7 reg=r0 rm=ds:[0x12345678]"},
    {k64, {0x42, 0x8b, 0x04, 0x25, 0x78, 0x56, 0x34, 0x12}, S::ok,
     "mov reg_rm o4 a8 len8 reg=r0 rm=ds:[r12*1+0x12345678]"},
    {k64, {0x8b, 0x04, 0x65, 0x78, 0x56, 0x34, 0x12}, S::ok, "mov reg_rm o4 a8 len7 reg=r0 rm=ds:[0x12345678]"},
    {k64, {0x41, 0x8b, 0x04, 0x25, 0x78, 0x56, 0x34, 0x12}, S::ok, "mov reg_rm o4 a8 len8 reg=r0 rm=ds:[0x12345678]"},
    {k64, {0x8b, 0x44, 0x88, 0xf0}, S::ok, "mov reg_rm o4 a8 len4 reg=r0 rm=ds:[r0+r1*4-0x10]"},
    {k64, {0x8b, 0x84, 0xc8, 0x00, 0x00, 0x00, 0x80}, S::ok,
     "mov reg_rm o4 a8 len7 reg=r0 rm=ds:[r0+r1*8-0x80000000]"},
    {k64, {0x4f, 0x8b, 0x44, 0xe5, 0x7f}, S::ok, "mov reg_rm o8 a8 len5 reg=r8 rm=ds:[r13+r12*8+0x7f]"},
    {k64, {0x8b, 0x45, 0xf8}, S::ok, "mov reg_rm o4 a8 len3 reg=r0 rm=ss:[r5-0x8]"},
    {k64, {0x67, 0x8b, 0x00}, S::ok, "mov reg_rm o4 a4 len3 reg=r0 rm=ds:[r0]"},
    {k64, {0x67, 0x8b, 0x04, 0x24}, S::ok, "mov reg_rm o4 a4 len4 reg=r0 rm=ss:[r4]"},
    // segment overrides: recorded as given (in 64-bit mode only FS/GS have a base); the last one wins
    {k64, {0x64, 0x8b, 0x04, 0x25, 0x28, 0, 0, 0}, S::ok, "mov reg_rm o4 a8 len8 reg=r0 rm=fs:[0x28]"},
    {k64, {0x65, 0x48, 0x8b, 0x04, 0x25, 0x28, 0, 0, 0}, S::ok, "mov reg_rm o8 a8 len9 reg=r0 rm=gs:[0x28]"},
    {k64, {0x2e, 0x8b, 0x00}, S::ok, "mov reg_rm o4 a8 len3 reg=r0 rm=cs:[r0]"},
    {k64, {0x26, 0x64, 0x8b, 0x00}, S::ok, "mov reg_rm o4 a8 len4 reg=r0 rm=fs:[r0]"},
    {k64, {0x36, 0x8b, 0x00}, S::ok, "mov reg_rm o4 a8 len3 reg=r0 rm=ss:[r0]"},
    {k64, {0x3e, 0x8b, 0x45, 0x00}, S::ok, "mov reg_rm o4 a8 len4 reg=r0 rm=ds:[r5]"},
    {k64, {0x65, 0x40, 0x8b, 0x00}, S::ok, "mov reg_rm o4 a8 len4 reg=r0 rm=gs:[r0]"},
    // moffs: 8-byte offset in 64-bit mode, 4 with 67
    {k64, cat({0xa1}, kMoffs64), S::ok, "mov reg_rm o4 a8 len9 reg=r0 rm=ds:[0x1122334455667788]"},
    {k64, {0x67, 0xa1, 0x78, 0x56, 0x34, 0x12}, S::ok, "mov reg_rm o4 a4 len6 reg=r0 rm=ds:[0x12345678]"},
    {k64, {0x48, 0xa3, 1, 2, 3, 4, 5, 6, 7, 8}, S::ok, "mov rm_reg o8 a8 len10 reg=r0 rm=ds:[0x807060504030201]"},
    {k64, cat({0xa0}, rep(0xff, 8)), S::ok, "mov reg_rm o1 a8 len9 reg=r0 rm=ds:[0xffffffffffffffff]"},
    {k64, cat({0x66, 0xa1}, kMoffs64), S::ok, "mov reg_rm o2 a8 len10 reg=r0 rm=ds:[0x1122334455667788]"},
    {k64, {0x64, 0xa2, 0x10, 0, 0, 0, 0, 0, 0, 0}, S::ok, "mov rm_reg o1 a8 len10 reg=r0 rm=fs:[0x10]"},
    {k64, {0x41, 0xa1, 0x10, 0, 0, 0, 0, 0, 0, 0}, S::ok, "mov reg_rm o4 a8 len10 reg=r0 rm=ds:[0x10]"},
    {k64, {0xa1, 0x10, 0, 0, 0}, S::truncated, ""},
    // MOV immediate
    {k64, {0xc6, 0x00, 0x7f}, S::ok, "mov rm_imm o1 a8 len3 rm=ds:[r0] imm1=0x7f"},
    {k64, {0xc6, 0x00, 0x80}, S::ok, "mov rm_imm o1 a8 len3 rm=ds:[r0] imm1=0xffffffffffffff80"},
    {k64, {0xc7, 0x00, 0x78, 0x56, 0x34, 0x12}, S::ok, "mov rm_imm o4 a8 len6 rm=ds:[r0] imm4=0x12345678"},
    {k64, {0x48, 0xc7, 0x00, 0xff, 0xff, 0xff, 0xff}, S::ok, "mov rm_imm o8 a8 len7 rm=ds:[r0] imm4=0xffffffffffffffff"},
    {k64, {0x66, 0xc7, 0x00, 0x34, 0x12}, S::ok, "mov rm_imm o2 a8 len5 rm=ds:[r0] imm2=0x1234"},
    {k64, {0xc7, 0x80, 0x00, 0x03, 0x00, 0x00, 0x01, 0x00, 0x00, 0x00}, S::ok,
     "mov rm_imm o4 a8 len10 rm=ds:[r0+0x300] imm4=0x1"},
    {k64, {0xc7, 0x05, 0x10, 0, 0, 0, 1, 0, 0, 0}, S::ok, "mov rm_imm o4 a8 len10 rm=ds:[rip+0x10] imm4=0x1"},
    {k64, {0xc7, 0x44, 0x24, 0x08, 1, 0, 0, 0}, S::ok, "mov rm_imm o4 a8 len8 rm=ss:[r4+0x8] imm4=0x1"},
    // MOVZX / MOVSX / MOVSXD
    {k64, {0x0f, 0xb6, 0x00}, S::ok, "movzx reg_rm o4/s1 a8 len3 reg=r0 rm=ds:[r0]"},
    {k64, {0x0f, 0xb7, 0x00}, S::ok, "movzx reg_rm o4/s2 a8 len3 reg=r0 rm=ds:[r0]"},
    {k64, {0x48, 0x0f, 0xbe, 0x00}, S::ok, "movsx reg_rm o8/s1 a8 len4 reg=r0 rm=ds:[r0]"},
    {k64, {0x66, 0x0f, 0xbe, 0x00}, S::ok, "movsx reg_rm o2/s1 a8 len4 reg=r0 rm=ds:[r0]"},
    {k64, {0x66, 0x0f, 0xb7, 0x00}, S::ok, "movzx reg_rm o2 a8 len4 reg=r0 rm=ds:[r0]"},
    {k64, {0x0f, 0xbf, 0x08}, S::ok, "movsx reg_rm o4/s2 a8 len3 reg=r1 rm=ds:[r0]"},
    {k64, {0x0f, 0xb6, 0xc4}, S::ok, "movzx reg_rm o4/s1 a8 len3 reg=r0 rm=ah"},
    {k64, {0x40, 0x0f, 0xb6, 0xc4}, S::ok, "movzx reg_rm o4/s1 a8 len4 reg=r0 rm=r4"},
    {k64, {0x45, 0x0f, 0xb6, 0xc4}, S::ok, "movzx reg_rm o4/s1 a8 len4 reg=r8 rm=r12"},
    {k64, {0x0f, 0xb7, 0xc4}, S::ok, "movzx reg_rm o4/s2 a8 len3 reg=r0 rm=r4"},
    {k64, {0x48, 0x63, 0x00}, S::ok, "movsx reg_rm o8/s4 a8 len3 reg=r0 rm=ds:[r0]"},
    {k64, {0x63, 0x00}, S::ok, "movsx reg_rm o4 a8 len2 reg=r0 rm=ds:[r0]"},
    {k64, {0x66, 0x63, 0x00}, S::ok, "movsx reg_rm o2 a8 len3 reg=r0 rm=ds:[r0]"},
    // string operations
    {k64, {0xa4}, S::ok, "movs string o1 a8 len1 reg=r0 src=ds:[r6]"},
    {k64, {0xa5}, S::ok, "movs string o4 a8 len1 reg=r0 src=ds:[r6]"},
    {k64, {0x48, 0xa5}, S::ok, "movs string o8 a8 len2 reg=r0 src=ds:[r6]"},
    {k64, {0x66, 0xa5}, S::ok, "movs string o2 a8 len2 reg=r0 src=ds:[r6]"},
    {k64, {0xf3, 0xa4}, S::ok, "movs string o1 a8 len2 rep reg=r0 src=ds:[r6]"},
    {k64, {0xf3, 0x48, 0xa5}, S::ok, "movs string o8 a8 len3 rep reg=r0 src=ds:[r6]"},
    {k64, {0xf2, 0xa4}, S::ok, "movs string o1 a8 len2 repne reg=r0 src=ds:[r6]"},
    {k64, {0xf3, 0xf2, 0xa4}, S::ok, "movs string o1 a8 len3 repne reg=r0 src=ds:[r6]"},
    {k64, {0xf2, 0xf3, 0xa4}, S::ok, "movs string o1 a8 len3 rep reg=r0 src=ds:[r6]"},
    {k64, {0x67, 0xf3, 0xaa}, S::ok, "stos string o1 a4 len3 rep reg=r0"},
    {k64, {0x64, 0xa4}, S::ok, "movs string o1 a8 len2 reg=r0 src=fs:[r6]"},
    {k64, {0xab}, S::ok, "stos string o4 a8 len1 reg=r0"},
    {k64, {0x65, 0xf3, 0x48, 0xab}, S::ok, "stos string o8 a8 len4 rep reg=r0"},
    // ALU with memory, both directions, all sizes
    {k64, {0x01, 0x08}, S::ok, "add rm_reg o4 a8 len2 reg=r1 rm=ds:[r0]"},
    {k64, {0x09, 0x08}, S::ok, "or rm_reg o4 a8 len2 reg=r1 rm=ds:[r0]"},
    {k64, {0x0b, 0x08}, S::ok, "or reg_rm o4 a8 len2 reg=r1 rm=ds:[r0]"},
    {k64, {0x08, 0x08}, S::ok, "or rm_reg o1 a8 len2 reg=r1 rm=ds:[r0]"},
    {k64, {0x0a, 0x28}, S::ok, "or reg_rm o1 a8 len2 reg=ch rm=ds:[r0]"},
    {k64, {0x11, 0x08}, S::ok, "adc rm_reg o4 a8 len2 reg=r1 rm=ds:[r0]"},
    {k64, {0x1b, 0x08}, S::ok, "sbb reg_rm o4 a8 len2 reg=r1 rm=ds:[r0]"},
    {k64, {0x20, 0x08}, S::ok, "and rm_reg o1 a8 len2 reg=r1 rm=ds:[r0]"},
    {k64, {0x21, 0x08}, S::ok, "and rm_reg o4 a8 len2 reg=r1 rm=ds:[r0]"},
    {k64, {0x22, 0x08}, S::ok, "and reg_rm o1 a8 len2 reg=r1 rm=ds:[r0]"},
    {k64, {0x48, 0x23, 0x08}, S::ok, "and reg_rm o8 a8 len3 reg=r1 rm=ds:[r0]"},
    {k64, {0x29, 0x08}, S::ok, "sub rm_reg o4 a8 len2 reg=r1 rm=ds:[r0]"},
    {k64, {0x30, 0x20}, S::ok, "xor rm_reg o1 a8 len2 reg=ah rm=ds:[r0]"},
    {k64, {0x66, 0x31, 0x08}, S::ok, "xor rm_reg o2 a8 len3 reg=r1 rm=ds:[r0]"},
    {k64, {0x32, 0x08}, S::ok, "xor reg_rm o1 a8 len2 reg=r1 rm=ds:[r0]"},
    {k64, {0x33, 0x08}, S::ok, "xor reg_rm o4 a8 len2 reg=r1 rm=ds:[r0]"},
    {k64, {0x38, 0x08}, S::ok, "cmp rm_reg o1 a8 len2 reg=r1 rm=ds:[r0]"},
    {k64, {0x39, 0x08}, S::ok, "cmp rm_reg o4 a8 len2 reg=r1 rm=ds:[r0]"},
    {k64, {0x3a, 0x08}, S::ok, "cmp reg_rm o1 a8 len2 reg=r1 rm=ds:[r0]"},
    {k64, {0x4c, 0x3b, 0x08}, S::ok, "cmp reg_rm o8 a8 len3 reg=r9 rm=ds:[r0]"},
    {k64, {0x80, 0x08, 0x01}, S::ok, "or rm_imm o1 a8 len3 rm=ds:[r0] imm1=0x1"},
    {k64, {0x80, 0x00, 0x01}, S::ok, "add rm_imm o1 a8 len3 rm=ds:[r0] imm1=0x1"},
    {k64, {0x81, 0x20, 0x00, 0x00, 0x00, 0x80}, S::ok, "and rm_imm o4 a8 len6 rm=ds:[r0] imm4=0xffffffff80000000"},
    {k64, {0x83, 0x30, 0xff}, S::ok, "xor rm_imm o4 a8 len3 rm=ds:[r0] imm1=0xffffffffffffffff"},
    {k64, {0x83, 0x38, 0x05}, S::ok, "cmp rm_imm o4 a8 len3 rm=ds:[r0] imm1=0x5"},
    {k64, {0x83, 0x10, 0x05}, S::ok, "adc rm_imm o4 a8 len3 rm=ds:[r0] imm1=0x5"},
    {k64, {0x83, 0x18, 0x05}, S::ok, "sbb rm_imm o4 a8 len3 rm=ds:[r0] imm1=0x5"},
    {k64, {0x83, 0x28, 0x05}, S::ok, "sub rm_imm o4 a8 len3 rm=ds:[r0] imm1=0x5"},
    {k64, {0x48, 0x81, 0x08, 0x01, 0x02, 0x03, 0x04}, S::ok, "or rm_imm o8 a8 len7 rm=ds:[r0] imm4=0x4030201"},
    {k64, {0x66, 0x81, 0x08, 0x34, 0x12}, S::ok, "or rm_imm o2 a8 len5 rm=ds:[r0] imm2=0x1234"},
    {k64, {0x66, 0x83, 0x08, 0x80}, S::ok, "or rm_imm o2 a8 len4 rm=ds:[r0] imm1=0xffffffffffffff80"},
    {k64, {0x81, 0x0d, 0x10, 0, 0, 0, 0x00, 0x01, 0, 0}, S::ok, "or rm_imm o4 a8 len10 rm=ds:[rip+0x10] imm4=0x100"},
    // TEST
    {k64, {0x84, 0x08}, S::ok, "test rm_reg o1 a8 len2 reg=r1 rm=ds:[r0]"},
    {k64, {0x85, 0x08}, S::ok, "test rm_reg o4 a8 len2 reg=r1 rm=ds:[r0]"},
    {k64, {0xf6, 0x00, 0x01}, S::ok, "test rm_imm o1 a8 len3 rm=ds:[r0] imm1=0x1"},
    {k64, {0xf7, 0x00, 1, 0, 0, 0}, S::ok, "test rm_imm o4 a8 len6 rm=ds:[r0] imm4=0x1"},
    {k64, {0x66, 0xf7, 0x00, 1, 0}, S::ok, "test rm_imm o2 a8 len5 rm=ds:[r0] imm2=0x1"},
    {k64, {0x48, 0xf7, 0x00, 0, 0, 0, 0x80}, S::ok, "test rm_imm o8 a8 len7 rm=ds:[r0] imm4=0xffffffff80000000"},
    // XCHG
    {k64, {0x86, 0x08}, S::ok, "xchg rm_reg o1 a8 len2 reg=r1 rm=ds:[r0]"},
    {k64, {0x87, 0x08}, S::ok, "xchg rm_reg o4 a8 len2 reg=r1 rm=ds:[r0]"},
    {k64, {0x48, 0x87, 0x08}, S::ok, "xchg rm_reg o8 a8 len3 reg=r1 rm=ds:[r0]"},
    {k64, {0x87, 0xc8}, S::ok, "xchg rm_reg o4 a8 len2 reg=r1 rm=r0"},
    // BT family
    {k64, {0x0f, 0xa3, 0x08}, S::ok, "bt rm_reg o4 a8 len3 reg=r1 rm=ds:[r0]"},
    {k64, {0x0f, 0xab, 0x08}, S::ok, "bts rm_reg o4 a8 len3 reg=r1 rm=ds:[r0]"},
    {k64, {0x0f, 0xb3, 0x08}, S::ok, "btr rm_reg o4 a8 len3 reg=r1 rm=ds:[r0]"},
    {k64, {0x0f, 0xbb, 0x08}, S::ok, "btc rm_reg o4 a8 len3 reg=r1 rm=ds:[r0]"},
    {k64, {0x66, 0x0f, 0xa3, 0x08}, S::ok, "bt rm_reg o2 a8 len4 reg=r1 rm=ds:[r0]"},
    {k64, {0x48, 0x0f, 0xab, 0x08}, S::ok, "bts rm_reg o8 a8 len4 reg=r1 rm=ds:[r0]"},
    {k64, {0x0f, 0xba, 0x20, 0x05}, S::ok, "bt rm_imm o4 a8 len4 rm=ds:[r0] imm1=0x5"},
    {k64, {0x0f, 0xba, 0x28, 0x05}, S::ok, "bts rm_imm o4 a8 len4 rm=ds:[r0] imm1=0x5"},
    {k64, {0x0f, 0xba, 0x30, 0x05}, S::ok, "btr rm_imm o4 a8 len4 rm=ds:[r0] imm1=0x5"},
    {k64, {0x0f, 0xba, 0x38, 0x05}, S::ok, "btc rm_imm o4 a8 len4 rm=ds:[r0] imm1=0x5"},
    {k64, {0x48, 0x0f, 0xba, 0x20, 0xff}, S::ok, "bt rm_imm o8 a8 len5 rm=ds:[r0] imm1=0xff"},
    // LOCK: only on a memory destination of ADD OR ADC SBB AND SUB XOR XCHG BTS BTR BTC
    {k64, {0xf0, 0x09, 0x08}, S::ok, "or rm_reg o4 a8 len3 lock reg=r1 rm=ds:[r0]"},
    {k64, {0x66, 0xf0, 0x09, 0x08}, S::ok, "or rm_reg o2 a8 len4 lock reg=r1 rm=ds:[r0]"},
    {k64, {0xf0, 0x87, 0x00}, S::ok, "xchg rm_reg o4 a8 len3 lock reg=r0 rm=ds:[r0]"},
    {k64, {0xf0, 0x0f, 0xab, 0x08}, S::ok, "bts rm_reg o4 a8 len4 lock reg=r1 rm=ds:[r0]"},
    {k64, {0xf0, 0x48, 0x0f, 0xbb, 0x08}, S::ok, "btc rm_reg o8 a8 len5 lock reg=r1 rm=ds:[r0]"},
    {k64, {0xf0, 0x0f, 0xba, 0x30, 0x01}, S::ok, "btr rm_imm o4 a8 len5 lock rm=ds:[r0] imm1=0x1"},
    {k64, {0xf0, 0x80, 0x08, 0x01}, S::ok, "or rm_imm o1 a8 len4 lock rm=ds:[r0] imm1=0x1"},
    {k64, {0xf0, 0x83, 0x20, 0x01}, S::ok, "and rm_imm o4 a8 len4 lock rm=ds:[r0] imm1=0x1"},
    {k64, {0xf0, 0x01, 0x08}, S::ok, "add rm_reg o4 a8 len3 lock reg=r1 rm=ds:[r0]"},
    {k64, {0xf0, 0x0b, 0x08}, S::invalid, ""},  // register destination
    {k64, {0xf0, 0x09, 0xc8}, S::invalid, ""},  // register r/m
    {k64, {0xf0, 0x87, 0xc0}, S::invalid, ""},
    {k64, {0xf0, 0x89, 0x08}, S::invalid, ""},  // MOV
    {k64, {0xf0, 0xc6, 0x00, 0x01}, S::invalid, ""},
    {k64, {0xf0, 0x0f, 0xa3, 0x08}, S::invalid, ""},  // BT only reads
    {k64, {0xf0, 0x0f, 0xba, 0x20, 0x01}, S::invalid, ""},
    {k64, {0xf0, 0x39, 0x08}, S::invalid, ""},
    {k64, {0xf0, 0x80, 0x38, 0x01}, S::invalid, ""},
    {k64, {0xf0, 0x85, 0x08}, S::invalid, ""},
    {k64, {0xf0, 0xf6, 0x00, 0x01}, S::invalid, ""},
    {k64, {0xf0, 0xa4}, S::invalid, ""},
    {k64, {0xf0, 0xf3, 0xab}, S::invalid, ""},
    {k64, cat({0xf0, 0xa1}, kMoffs64), S::invalid, ""},
    {k64, {0xf0, 0x0f, 0xb6, 0x00}, S::invalid, ""},
    {k64, {0xf0, 0x48, 0x63, 0x00}, S::invalid, ""},
    // F2/F3 outside string operations: other instructions or hints
    {k64, {0xf3, 0x89, 0x08}, S::unsupported, ""},
    {k64, {0xf2, 0x89, 0x08}, S::unsupported, ""},
    {k64, {0xf3, 0x0f, 0xb8, 0x00}, S::unsupported, ""},  // POPCNT
    {k64, {0xf2, 0xf0, 0x87, 0x00}, S::unsupported, ""},  // XACQUIRE LOCK XCHG
    // undefined opcodes (#UD), also the ones removed in 64-bit mode
    {k64, {0x06}, S::invalid, ""},
    {k64, {0x27}, S::invalid, ""},
    {k64, {0x60}, S::invalid, ""},
    {k64, {0x82, 0x00, 0x01}, S::invalid, ""},
    {k64, {0xd4, 0x0a}, S::invalid, ""},
    {k64, {0xea}, S::invalid, ""},
    {k64, {0x0f, 0x0b}, S::invalid, ""},
    {k64, {0x0f, 0xb9, 0x00}, S::invalid, ""},
    {k64, {0x0f, 0xff, 0x00}, S::invalid, ""},
    {k64, {0xc6, 0x08, 0x01}, S::invalid, ""},
    {k64, {0xc7, 0x48, 0x00}, S::invalid, ""},
    {k64, {0x0f, 0xba, 0x00, 0x01}, S::invalid, ""},
    {k64, {0x0f, 0xba, 0x18, 0x01}, S::invalid, ""},
    // valid but not handled here
    {k64, {0xc7, 0xf8, 0, 0, 0, 0}, S::unsupported, ""},  // XBEGIN
    {k64, {0xc6, 0xf8, 0x01}, S::unsupported, ""},        // XABORT
    {k64, {0xf6, 0x10}, S::unsupported, ""},              // NOT
    {k64, {0xf6, 0x08, 0x01}, S::unsupported, ""},        // F6 /1
    {k64, {0xf7, 0x38}, S::unsupported, ""},              // IDIV
    {k64, {0xfe, 0x00}, S::unsupported, ""},              // INC
    {k64, {0xff, 0x00}, S::unsupported, ""},
    {k64, {0x8f, 0x00}, S::unsupported, ""},              // POP r/m
    {k64, {0x0f, 0xc1, 0x00}, S::unsupported, ""},        // XADD
    {k64, {0x0f, 0xb1, 0x00}, S::unsupported, ""},        // CMPXCHG
    {k64, {0x90}, S::unsupported, ""},
    {k64, {0xe8, 0, 0, 0, 0}, S::unsupported, ""},
    {k64, {0xc4, 0xe2, 0x79, 0x00}, S::unsupported, ""},  // VEX
    {k64, {0x62}, S::unsupported, ""},                    // EVEX
    {k64, {0x05, 1, 0, 0, 0}, S::unsupported, ""},        // ADD eAX, imm: no memory
    {k64, {0xa8, 0x01}, S::unsupported, ""},
    {k64, {0x0f, 0x38, 0x00}, S::unsupported, ""},
    {k64, {0xa6}, S::unsupported, ""},                    // CMPS
    {k64, {0xac}, S::unsupported, ""},                    // LODS
    {k64, {0x6c}, S::unsupported, ""},                    // INS
    {k64, {0x0f, 0x05}, S::unsupported, ""},
    {k64, {0x8c, 0x00}, S::unsupported, ""},              // MOV r/m, Sreg
    // the 15-byte limit and running out of bytes
    {k64, cat(rep(0x66, 13), {0x89, 0x08}), S::ok, "mov rm_reg o2 a8 len15 reg=r1 rm=ds:[r0]"},
    {k64, cat(rep(0x66, 14), {0x89, 0x08}), S::too_long, ""},
    {k64, cat(rep(0x66, 15), {0x90}), S::too_long, ""},
    {k64, rep(0x66, 15), S::too_long, ""},
    {k64, rep(0x66, 14), S::truncated, ""},
    {k64, cat(rep(0x26, 14), {0xa4}), S::ok, "movs string o1 a8 len15 reg=r0 src=es:[r6]"},
    {k64, cat(rep(0x40, 14), {0xa4}), S::ok, "movs string o1 a8 len15 reg=r0 src=ds:[r6]"},
    {k64, cat(rep(0x3e, 6), {0xc7, 0x80, 0, 0, 0, 0, 1, 0, 0, 0}), S::too_long, ""},
    {k64, cat(rep(0x3e, 5), {0xc7, 0x80, 0, 0, 0, 0, 1, 0, 0, 0}), S::ok, "mov rm_imm o4 a8 len15 rm=ds:[r0] imm4=0x1"},
    {k64, cat(rep(0x66, 4), {0xc7, 0x80, 0, 0, 0, 0, 1, 0}), S::ok, "mov rm_imm o2 a8 len12 rm=ds:[r0] imm2=0x1"},
    {k64, cat(rep(0x3e, 6), cat({0x48, 0xa1}, kMoffs64)), S::too_long, ""},
    {k64, cat(rep(0x3e, 5), cat({0x48, 0xa1}, kMoffs64)), S::ok,
     "mov reg_rm o8 a8 len15 reg=r0 rm=ds:[0x1122334455667788]"},
    {k64, {}, S::truncated, ""},
    {k64, {0x66}, S::truncated, ""},
    {k64, {0x48}, S::truncated, ""},
    {k64, {0x0f}, S::truncated, ""},
    {k64, {0x89}, S::truncated, ""},
    {k64, {0x8b, 0x04}, S::truncated, ""},
    {k64, {0x8b, 0x05, 0x10}, S::truncated, ""},
    {k64, {0x0f, 0xba, 0x20}, S::truncated, ""},
};

const Case kCases32[] = {
    {k32, {0x89, 0x08}, S::ok, "mov rm_reg o4 a4 len2 reg=r1 rm=ds:[r0]"},
    {k32, {0x66, 0x89, 0x08}, S::ok, "mov rm_reg o2 a4 len3 reg=r1 rm=ds:[r0]"},
    {k32, {0x67, 0x89, 0x08}, S::ok, "mov rm_reg o4 a2 len3 reg=r1 rm=ds:[r3+r6*1]"},
    {k32, {0x8b, 0x05, 0x78, 0x56, 0x34, 0x12}, S::ok, "mov reg_rm o4 a4 len6 reg=r0 rm=ds:[0x12345678]"},
    {k32, {0xa1, 0x78, 0x56, 0x34, 0x12}, S::ok, "mov reg_rm o4 a4 len5 reg=r0 rm=ds:[0x12345678]"},
    {k32, {0x67, 0xa1, 0x34, 0x12}, S::ok, "mov reg_rm o4 a2 len4 reg=r0 rm=ds:[0x1234]"},
    {k32, {0x66, 0xa3, 0x78, 0x56, 0x34, 0x12}, S::ok, "mov rm_reg o2 a4 len6 reg=r0 rm=ds:[0x12345678]"},
    {k32, {0x48, 0x8b, 0x00}, S::unsupported, ""},  // DEC eAX, not REX
    {k32, {0x82, 0x00, 0x01}, S::ok, "add rm_imm o1 a4 len3 rm=ds:[r0] imm1=0x1"},
    {k32, {0x8b, 0x45, 0xf8}, S::ok, "mov reg_rm o4 a4 len3 reg=r0 rm=ss:[r5-0x8]"},
    {k32, {0x8b, 0x04, 0x24}, S::ok, "mov reg_rm o4 a4 len3 reg=r0 rm=ss:[r4]"},
    {k32, {0x88, 0x24, 0x24}, S::ok, "mov rm_reg o1 a4 len3 reg=ah rm=ss:[r4]"},
    {k32, {0x8b, 0x44, 0xb5, 0x00}, S::ok, "mov reg_rm o4 a4 len4 reg=r0 rm=ss:[r5+r6*4]"},
    {k32, {0x8b, 0x04, 0xb5, 0x00, 0x10, 0, 0}, S::ok, "mov reg_rm o4 a4 len7 reg=r0 rm=ds:[r6*4+0x1000]"},
    {k32, {0x64, 0x8b, 0x00}, S::ok, "mov reg_rm o4 a4 len3 reg=r0 rm=fs:[r0]"},
    {k32, {0x63, 0x00}, S::unsupported, ""},  // ARPL
    {k32, {0xc4, 0x00}, S::unsupported, ""},  // LES
    {k32, {0x06}, S::unsupported, ""},        // PUSH ES
    {k32, {0x66, 0xa5}, S::ok, "movs string o2 a4 len2 reg=r0 src=ds:[r6]"},
    {k32, {0x0f, 0xb7, 0x00}, S::ok, "movzx reg_rm o4/s2 a4 len3 reg=r0 rm=ds:[r0]"},
    {k32, {0xf0, 0x0f, 0xab, 0x08}, S::ok, "bts rm_reg o4 a4 len4 lock reg=r1 rm=ds:[r0]"},
    {k32, {0xc7, 0x05, 0x00, 0x03, 0xe0, 0xfe, 1, 0, 0, 0}, S::ok, "mov rm_imm o4 a4 len10 rm=ds:[0xfffffffffee00300] imm4=0x1"},
    {k32, cat(rep(0x66, 13), {0x89, 0x08}), S::ok, "mov rm_reg o2 a4 len15 reg=r1 rm=ds:[r0]"},
    {k32, cat(rep(0x66, 14), {0x89, 0x08}), S::too_long, ""},
};

const Case kCases16[] = {
    {k16, {0x89, 0x07}, S::ok, "mov rm_reg o2 a2 len2 reg=r0 rm=ds:[r3]"},
    {k16, {0x8b, 0x46, 0xfe}, S::ok, "mov reg_rm o2 a2 len3 reg=r0 rm=ss:[r5-0x2]"},
    {k16, {0x8b, 0x06, 0x34, 0x12}, S::ok, "mov reg_rm o2 a2 len4 reg=r0 rm=ds:[0x1234]"},
    {k16, {0x8b, 0x06, 0x34, 0x82}, S::ok, "mov reg_rm o2 a2 len4 reg=r0 rm=ds:[0xffffffffffff8234]"},
    {k16, {0x66, 0x8b, 0x07}, S::ok, "mov reg_rm o4 a2 len3 reg=r0 rm=ds:[r3]"},
    {k16, {0x67, 0x8b, 0x04, 0x24}, S::ok, "mov reg_rm o2 a4 len4 reg=r0 rm=ss:[r4]"},
    {k16, {0x67, 0x66, 0x8b, 0x05, 0x78, 0x56, 0x34, 0x12}, S::ok, "mov reg_rm o4 a4 len8 reg=r0 rm=ds:[0x12345678]"},
    {k16, {0xa1, 0x34, 0x12}, S::ok, "mov reg_rm o2 a2 len3 reg=r0 rm=ds:[0x1234]"},
    {k16, {0x67, 0xa1, 0x78, 0x56, 0x34, 0x12}, S::ok, "mov reg_rm o2 a4 len6 reg=r0 rm=ds:[0x12345678]"},
    {k16, {0x8b, 0x00}, S::ok, "mov reg_rm o2 a2 len2 reg=r0 rm=ds:[r3+r6*1]"},
    {k16, {0x8b, 0x01}, S::ok, "mov reg_rm o2 a2 len2 reg=r0 rm=ds:[r3+r7*1]"},
    {k16, {0x8b, 0x02}, S::ok, "mov reg_rm o2 a2 len2 reg=r0 rm=ss:[r5+r6*1]"},
    {k16, {0x8b, 0x03}, S::ok, "mov reg_rm o2 a2 len2 reg=r0 rm=ss:[r5+r7*1]"},
    {k16, {0x8b, 0x04}, S::ok, "mov reg_rm o2 a2 len2 reg=r0 rm=ds:[r6]"},
    {k16, {0x8b, 0x05}, S::ok, "mov reg_rm o2 a2 len2 reg=r0 rm=ds:[r7]"},
    {k16, {0x8b, 0x42, 0x10}, S::ok, "mov reg_rm o2 a2 len3 reg=r0 rm=ss:[r5+r6*1+0x10]"},
    {k16, {0x8b, 0x80, 0x00, 0x80}, S::ok, "mov reg_rm o2 a2 len4 reg=r0 rm=ds:[r3+r6*1-0x8000]"},
    {k16, {0x8b, 0x46, 0x00}, S::ok, "mov reg_rm o2 a2 len3 reg=r0 rm=ss:[r5]"},
    {k16, {0x26, 0x8b, 0x46, 0x00}, S::ok, "mov reg_rm o2 a2 len4 reg=r0 rm=es:[r5]"},
    {k16, {0xc7, 0x06, 0x34, 0x12, 0x78, 0x56}, S::ok, "mov rm_imm o2 a2 len6 rm=ds:[0x1234] imm2=0x5678"},
    {k16, {0x66, 0xc7, 0x06, 0x34, 0x12, 0x78, 0x56, 0x34, 0x12}, S::ok,
     "mov rm_imm o4 a2 len9 rm=ds:[0x1234] imm4=0x12345678"},
    {k16, {0xa5}, S::ok, "movs string o2 a2 len1 reg=r0 src=ds:[r6]"},
    {k16, {0xf3, 0x66, 0xab}, S::ok, "stos string o4 a2 len3 rep reg=r0"},
    {k16, {0x0f, 0xb6, 0x07}, S::ok, "movzx reg_rm o2/s1 a2 len3 reg=r0 rm=ds:[r3]"},
    {k16, {0x0f, 0xb7, 0x07}, S::ok, "movzx reg_rm o2 a2 len3 reg=r0 rm=ds:[r3]"},
    {k16, {0x0f, 0xba, 0x2f, 0x03}, S::ok, "bts rm_imm o2 a2 len4 rm=ds:[r3] imm1=0x3"},
    {k16, {0x82, 0x0f, 0x01}, S::ok, "or rm_imm o1 a2 len3 rm=ds:[r3] imm1=0x1"},
    {k16, {0x8b, 0x06, 0x34}, S::truncated, ""},
};

TEST(InsnDecode, Table64) {
    for (const Case& c : kCases64) check(c);
}
TEST(InsnDecode, Table32) {
    for (const Case& c : kCases32) check(c);
}
TEST(InsnDecode, Table16) {
    for (const Case& c : kCases16) check(c);
}

// Every table entry, cut at every point short of its length: truncated
// (or too_long when the cut keeps more than 15 bytes).
TEST(InsnDecode, TruncatedAtEveryCut) {
    size_t cuts = 0;
    auto cut_all = [&](const Case* begin, const Case* end) {
        for (const Case* c = begin; c != end; ++c) {
            if (c->status != S::ok) continue;
            for (size_t n = 0; n < c->bytes.size(); ++n) {
                std::vector<uint8_t> buf(c->bytes.begin(), c->bytes.begin() + static_cast<long>(n));
                Insn in{};
                EXPECT_EQ(decode(buf.data(), n, c->mode, in), S::truncated) << show(c->bytes) << " cut at " << n;
                ++cuts;
            }
        }
    };
    cut_all(std::begin(kCases64), std::end(kCases64));
    cut_all(std::begin(kCases32), std::end(kCases32));
    cut_all(std::begin(kCases16), std::end(kCases16));
    EXPECT_GT(cuts, 500u);
}

// Extra bytes after the instruction are never consumed.
TEST(InsnDecode, TrailingBytesIgnored) {
    for (const Case& c : kCases64) {
        if (c.status != S::ok) continue;
        std::vector<uint8_t> buf = cat(c.bytes, rep(0xcc, 16));
        Insn in{};
        ASSERT_EQ(decode(buf.data(), buf.size(), c.mode, in), S::ok) << show(c.bytes);
        EXPECT_EQ(describe(in), c.text);
    }
}

TEST(InsnDecode, RexAndPrefixFields) {
    Insn in{};
    const uint8_t a[] = {0x66, 0xf0, 0x65, 0x4d, 0x0f, 0xab, 0x08};
    ASSERT_EQ(decode(a, sizeof a, k64, in), S::ok);
    EXPECT_EQ(in.rex, 0x4d);
    EXPECT_EQ(in.prefixes, prefix::opsize | prefix::lock | prefix::segment);
    EXPECT_TRUE(in.map0f);
    EXPECT_EQ(in.opcode, 0xab);
    EXPECT_EQ(in.opsize, 8);  // REX.W
    EXPECT_EQ(describe(in), "bts rm_reg o8 a8 len7 lock reg=r9 rm=gs:[r8]");
    const uint8_t b[] = {0x41, 0x67, 0x8b, 0x00};  // REX then 67: REX dropped
    ASSERT_EQ(decode(b, sizeof b, k64, in), S::ok);
    EXPECT_EQ(in.rex, 0);
    EXPECT_EQ(in.prefixes, prefix::addrsize);
    EXPECT_EQ(describe(in), "mov reg_rm o4 a4 len4 reg=r0 rm=ds:[r0]");
}

}  // namespace
