// Emulator tables: each instruction kind, sizes and values; registers, flags, memory and the access trace.
#include <gtest/gtest.h>

#include <string>
#include <utility>
#include <vector>

#include "fake_guest.hpp"

namespace {

using namespace bh_test;

constexpr uint64_t kMmio = 0xfee00000;  // an emulated device page
constexpr uint64_t kOp = kMmio + 0x100;  // where [rbx] points by default
constexpr unsigned RAX = 0, RCX = 1, RDX = 2, RBX = 3, RSP = 4, RSI = 6, RDI = 7, R8 = 8, R9 = 9, R10 = 10;
constexpr unsigned RIP = 16;                       // pseudo register ids for the tables
constexpr unsigned SEG = 20;                       // SEG + Seg: a segment base
constexpr uint64_t F = 0x2;                        // RFLAGS reserved bit 1
constexpr uint64_t CF = 0x1, PF = 0x4, AF = 0x10, ZF = 0x40, SF = 0x80, OF = 0x800;

using Regs = std::vector<std::pair<unsigned, uint64_t>>;

struct EmuCase {
    const char* name;
    std::vector<uint8_t> code;
    Regs in;            // registers (and RIP, segment bases) set before
    uint64_t mem_in;    // 8 bytes at kOp
    uint64_t flags_in;
    Regs out;           // registers expected to change, with their values
    uint64_t mem_out;
    uint64_t flags_out;
    const char* trace;  // accesses, offsets from kMmio
    CpuMode mode = CpuMode::bits64;
};

void setup(FakeGuest& g, const Regs& in) {
    g.add_region(kMmio, 0x1000, true);
    g.add_region(0x100000, 0x10000, false);  // RAM
    g.regs[RBX] = kOp;
    for (auto [id, v] : in) {
        if (id < 16) g.regs[id] = v;
        else if (id == RIP) g.rip_ = v;
        else g.seg_base[id - SEG] = v;
    }
}

void check(const EmuCase& c) {
    SCOPED_TRACE(c.name);
    FakeGuest g;
    setup(g, c.in);
    g.poke(kOp, 8, c.mem_in);
    g.rflags_ = c.flags_in;
    uint64_t want[16];
    for (unsigned i = 0; i < 16; ++i) want[i] = g.regs[i];
    for (auto [id, v] : c.out) want[id] = v;
    const uint64_t rip0 = g.rip_;
    const Result r = run(g, c.code, c.mode);
    ASSERT_EQ(r.decoded, DecodeStatus::ok);
    ASSERT_EQ(to_string(r.emulated), std::string("ok"));
    for (unsigned i = 0; i < 16; ++i) EXPECT_EQ(g.regs[i], want[i]) << "register " << i;
    EXPECT_EQ(g.rip_, rip0 + c.code.size());
    EXPECT_EQ(g.rflags_, c.flags_out);
    EXPECT_EQ(g.peek(kOp, 8), c.mem_out);
    EXPECT_EQ(g.trace(kMmio), c.trace);
    EXPECT_EQ(g.atomic_depth, 0);
    EXPECT_FALSE(g.atomic_misuse);
}

const uint64_t M = 0xaaaaaaaaaaaaaaaa;
const uint64_t X = 0x1122334455667788;

const EmuCase kMov[] = {
    {"mov [rbx],eax", {0x89, 0x03}, {{RAX, X}}, M, F, {}, 0xaaaaaaaa55667788, F, "w4@0x100"},
    {"mov [rbx],ax", {0x66, 0x89, 0x03}, {{RAX, X}}, M, F, {}, 0xaaaaaaaaaaaa7788, F, "w2@0x100"},
    {"mov [rbx],al", {0x88, 0x03}, {{RAX, X}}, M, F, {}, 0xaaaaaaaaaaaaaa88, F, "w1@0x100"},
    {"mov [rbx],ah", {0x88, 0x23}, {{RAX, X}}, M, F, {}, 0xaaaaaaaaaaaaaa77, F, "w1@0x100"},
    {"mov [rbx],spl", {0x40, 0x88, 0x23}, {{RSP, 0x1234}}, M, F, {}, 0xaaaaaaaaaaaaaa34, F, "w1@0x100"},
    {"mov [rbx],rax", {0x48, 0x89, 0x03}, {{RAX, X}}, M, F, {}, X, F, "w8@0x100"},
    {"mov [rbx],r9", {0x4c, 0x89, 0x0b}, {{R9, 0x99}}, M, F, {}, 0x99, F, "w8@0x100"},
    {"mov [rbx],r9b", {0x44, 0x88, 0x0b}, {{R9, 0x99}}, M, F, {}, 0xaaaaaaaaaaaaaa99, F, "w1@0x100"},
    {"mov eax,[rbx] zero-extends", {0x8b, 0x03}, {{RAX, ~0ull}}, X, F, {{RAX, 0x55667788}}, X, F, "r4@0x100"},
    {"mov ax,[rbx] merges", {0x66, 0x8b, 0x03}, {{RAX, ~0ull}}, X, F, {{RAX, 0xffffffffffff7788}}, X, F, "r2@0x100"},
    {"mov al,[rbx]", {0x8a, 0x03}, {{RAX, ~0ull}}, X, F, {{RAX, 0xffffffffffffff88}}, X, F, "r1@0x100"},
    {"mov ah,[rbx]", {0x8a, 0x23}, {{RAX, ~0ull}}, X, F, {{RAX, 0xffffffffffff88ff}}, X, F, "r1@0x100"},
    {"mov rax,[rbx]", {0x48, 0x8b, 0x03}, {}, X, F, {{RAX, X}}, X, F, "r8@0x100"},
    {"mov r10d,[rbx]", {0x44, 0x8b, 0x13}, {{R10, ~0ull}}, X, F, {{R10, 0x55667788}}, X, F, "r4@0x100"},
    {"mov dil,[rbx]", {0x40, 0x8a, 0x3b}, {}, X, F, {{RDI, 0xcccccccccccccc88}}, X, F, "r1@0x100"},
    {"mov bh,[rbx] rewrites the base", {0x8a, 0x3b}, {}, X, F, {{RBX, 0xfee08800}}, X, F, "r1@0x100"},
    {"mov byte [rbx],0x80", {0xc6, 0x03, 0x80}, {}, M, F, {}, 0xaaaaaaaaaaaaaa80, F, "w1@0x100"},
    {"mov dword [rbx],imm32", {0xc7, 0x03, 0x78, 0x56, 0x34, 0x12}, {}, M, F, {}, 0xaaaaaaaa12345678, F, "w4@0x100"},
    {"mov qword [rbx],-1", {0x48, 0xc7, 0x03, 0xff, 0xff, 0xff, 0xff}, {}, M, F, {}, ~0ull, F, "w8@0x100"},
    {"mov qword [rbx],imm32 positive", {0x48, 0xc7, 0x03, 0xff, 0xff, 0xff, 0x7f}, {}, M, F, {}, 0x7fffffff, F, "w8@0x100"},
    {"mov word [rbx],0x1234", {0x66, 0xc7, 0x03, 0x34, 0x12}, {}, M, F, {}, 0xaaaaaaaaaaaa1234, F, "w2@0x100"},
    {"mov eax,moffs64", {0xa1, 0x00, 0x01, 0xe0, 0xfe, 0, 0, 0, 0}, {{RAX, ~0ull}}, X, F, {{RAX, 0x55667788}}, X, F,
     "r4@0x100"},
    {"mov moffs64,al", {0xa2, 0x00, 0x01, 0xe0, 0xfe, 0, 0, 0, 0}, {{RAX, 0x5a}}, M, F, {}, 0xaaaaaaaaaaaaaa5a, F,
     "w1@0x100"},
    {"mov rax,moffs32 (67)", {0x67, 0x48, 0xa1, 0x00, 0x01, 0xe0, 0xfe}, {}, X, F, {{RAX, X}}, X, F, "r8@0x100"},
    {"mov [rbx+rcx*4+8],eax", {0x89, 0x44, 0x8b, 0x08}, {{RCX, 2}, {RAX, 1}}, M, F, {}, M, F, "w4@0x110"},
    {"mov [rbx+rcx*8-0x10],eax", {0x89, 0x44, 0xcb, 0xf0}, {{RCX, 4}, {RAX, 1}}, M, F, {}, M, F, "w4@0x110"},
    {"mov [rip+0x10fa],eax", {0x89, 0x05, 0xfa, 0x10, 0, 0}, {{RIP, kMmio - 0x1000}, {RAX, 7}}, M, F, {},
     0xaaaaaaaa00000007, F, "w4@0x100"},
    {"mov [rip-0x106],eax", {0x89, 0x05, 0xfa, 0xfe, 0xff, 0xff}, {{RIP, kMmio + 0x200}, {RAX, 7}}, M, F, {},
     0xaaaaaaaa00000007, F, "w4@0x100"},
    {"mov eax,fs:[rbx]", {0x64, 0x8b, 0x03}, {{RBX, 0x100}, {SEG + 4, kMmio}}, X, F, {{RAX, 0x55667788}}, X, F,
     "r4@0x100"},
    {"mov eax,gs:[rbx]", {0x65, 0x8b, 0x03}, {{RBX, 0x80}, {SEG + 5, kMmio + 0x80}}, X, F, {{RAX, 0x55667788}}, X, F,
     "r4@0x100"},
    {"ds/es/ss/cs bases are 0 in 64-bit mode", {0x26, 0x8b, 0x03}, {{SEG + 0, 0x1000}, {SEG + 3, 0x1000}}, X, F,
     {{RAX, 0x55667788}}, X, F, "r4@0x100"},
    {"mov eax,[ebx] (67) ignores bits 63:32", {0x67, 0x8b, 0x03}, {{RBX, 0xffffffff00000000 | kOp}}, X, F,
     {{RAX, 0x55667788}}, X, F, "r4@0x100"},
    {"mov eax,[eax+ecx] (67) wraps at 4 GiB", {0x67, 0x8b, 0x04, 0x08}, {{RAX, 0xffffffff}, {RCX, kOp + 1}}, X, F,
     {{RAX, 0x55667788}}, X, F, "r4@0x100"},
};

const EmuCase kExtend[] = {
    {"movzx eax,byte", {0x0f, 0xb6, 0x03}, {{RAX, ~0ull}}, 0xf0, F, {{RAX, 0xf0}}, 0xf0, F, "r1@0x100"},
    {"movzx ecx,word", {0x0f, 0xb7, 0x0b}, {{RCX, ~0ull}}, 0xfff0, F, {{RCX, 0xfff0}}, 0xfff0, F, "r2@0x100"},
    {"movzx ax,byte merges", {0x66, 0x0f, 0xb6, 0x03}, {{RAX, ~0ull}}, 0xf0, F, {{RAX, 0xffffffffffff00f0}}, 0xf0, F,
     "r1@0x100"},
    {"movzx rax,word", {0x48, 0x0f, 0xb7, 0x03}, {{RAX, ~0ull}}, 0x8001, F, {{RAX, 0x8001}}, 0x8001, F, "r2@0x100"},
    {"movsx eax,byte neg", {0x0f, 0xbe, 0x03}, {{RAX, 0}}, 0xf0, F, {{RAX, 0xfffffff0}}, 0xf0, F, "r1@0x100"},
    {"movsx eax,byte pos", {0x0f, 0xbe, 0x03}, {{RAX, ~0ull}}, 0x7f, F, {{RAX, 0x7f}}, 0x7f, F, "r1@0x100"},
    {"movsx rax,byte", {0x48, 0x0f, 0xbe, 0x03}, {}, 0x80, F, {{RAX, 0xffffffffffffff80}}, 0x80, F, "r1@0x100"},
    {"movsx ax,byte", {0x66, 0x0f, 0xbe, 0x03}, {{RAX, 0}}, 0x80, F, {{RAX, 0xff80}}, 0x80, F, "r1@0x100"},
    {"movsx eax,word", {0x0f, 0xbf, 0x03}, {}, 0x8000, F, {{RAX, 0xffff8000}}, 0x8000, F, "r2@0x100"},
    {"movsx rdx,word", {0x48, 0x0f, 0xbf, 0x13}, {}, 0x7fff, F, {{RDX, 0x7fff}}, 0x7fff, F, "r2@0x100"},
    {"movsxd rax,dword neg", {0x48, 0x63, 0x03}, {}, 0x80000000, F, {{RAX, 0xffffffff80000000}}, 0x80000000, F,
     "r4@0x100"},
    {"movsxd rax,dword pos", {0x48, 0x63, 0x03}, {{RAX, ~0ull}}, 0x7fffffff, F, {{RAX, 0x7fffffff}}, 0x7fffffff, F,
     "r4@0x100"},
    {"movsxd eax (no REX.W) is a 32-bit move", {0x63, 0x03}, {{RAX, ~0ull}}, 0x80000000, F, {{RAX, 0x80000000}},
     0x80000000, F, "r4@0x100"},
    {"movzx ecx,ah (register)", {0x0f, 0xb6, 0xcc}, {{RAX, 0xabcd}, {RCX, ~0ull}}, M, F, {{RCX, 0xab}}, M, F, ""},
    {"movsx r8,spl (register)", {0x4c, 0x0f, 0xbe, 0xc4}, {{RSP, 0x80}}, M, F, {{R8, 0xffffffffffffff80}}, M, F, ""},
};

const EmuCase kAlu[] = {
    {"or [rbx],eax -> 0", {0x09, 0x03}, {{RAX, 0}}, 0, F | CF | OF | AF, {}, 0, F | ZF | PF, "r4@0x100 w4@0x100"},
    {"or [rbx],eax sign", {0x09, 0x03}, {{RAX, 0x80000000}}, 1, F, {}, 0x80000001, F | SF, "r4@0x100 w4@0x100"},
    {"or [rbx],eax keeps bits 63:32 of memory", {0x09, 0x03}, {{RAX, 0x0f}}, M, F, {}, 0xaaaaaaaaaaaaaaaf,
     F | SF | PF, "r4@0x100 w4@0x100"},
    {"and [rbx],ecx -> 0", {0x21, 0x0b}, {{RCX, 0x0f0f0f0f}}, 0xf0f0f0f0, F, {}, 0, F | ZF | PF, "r4@0x100 w4@0x100"},
    {"xor byte [rbx],0xff", {0x80, 0x33, 0xff}, {}, 0x0f, F, {}, 0xf0, F | SF | PF, "r1@0x100 w1@0x100"},
    {"cmp [rbx],eax 1-2", {0x39, 0x03}, {{RAX, 2}}, 1, F, {}, 1, F | CF | PF | AF | SF, "r4@0x100"},
    {"cmp eax,[rbx] equal", {0x3b, 0x03}, {{RAX, 1}}, 1, F | CF, {}, 1, F | ZF | PF, "r4@0x100"},
    {"cmp byte [rbx],0x80", {0x80, 0x3b, 0x80}, {}, 0x7f, F, {}, 0x7f, F | CF | PF | SF | OF, "r1@0x100"},
    {"cmp dword [rbx],-1", {0x83, 0x3b, 0xff}, {}, 0, F, {}, 0, F | CF | AF, "r4@0x100"},
    {"cmp qword [rbx],imm32 sext", {0x48, 0x81, 0x3b, 0, 0, 0, 0x80}, {}, 0xffffffff80000000, F, {},
     0xffffffff80000000, F | ZF | PF, "r8@0x100"},
    {"test [rbx],eax", {0x85, 0x03}, {{RAX, 0x100}}, 0x100, F | CF | OF, {}, 0x100, F | PF, "r4@0x100"},
    {"test byte [rbx],0x80", {0xf6, 0x03, 0x80}, {}, 0x80, F, {}, 0x80, F | SF, "r1@0x100"},
    {"test qword [rbx],imm32 sext", {0x48, 0xf7, 0x03, 0, 0, 0, 0x80}, {}, 0x8000000000000000, F, {},
     0x8000000000000000, F | SF | PF, "r8@0x100"},
    {"test word [rbx],imm16 -> 0", {0x66, 0xf7, 0x03, 0x00, 0xff}, {}, 0x00ff, F, {}, 0x00ff, F | ZF | PF, "r2@0x100"},
    {"add [rbx],eax carry", {0x01, 0x03}, {{RAX, 1}}, 0xffffffff, F, {}, 0, F | CF | PF | AF | ZF,
     "r4@0x100 w4@0x100"},
    {"add byte [rbx],1 overflow", {0x80, 0x03, 0x01}, {}, 0x7f, F, {}, 0x80, F | AF | SF | OF, "r1@0x100 w1@0x100"},
    {"add word [rbx],ax", {0x66, 0x01, 0x03}, {{RAX, 1}}, 0x7fff, F, {}, 0x8000, F | PF | AF | SF | OF,
     "r2@0x100 w2@0x100"},
    {"add [rbx],rax", {0x48, 0x01, 0x03}, {{RAX, 0x8000000000000000}}, 0x8000000000000000, F, {}, 0,
     F | CF | PF | ZF | OF, "r8@0x100 w8@0x100"},
    {"adc [rbx],eax CF=1", {0x11, 0x03}, {{RAX, 0}}, 0xffffffff, F | CF, {}, 0, F | CF | PF | AF | ZF,
     "r4@0x100 w4@0x100"},
    {"adc [rbx],eax CF=0", {0x11, 0x03}, {{RAX, 0}}, 0xffffffff, F, {}, 0xffffffff, F | PF | SF, "r4@0x100 w4@0x100"},
    {"sbb [rbx],eax CF=1", {0x19, 0x03}, {{RAX, 0}}, 0, F | CF, {}, 0xffffffff, F | CF | PF | AF | SF,
     "r4@0x100 w4@0x100"},
    {"sbb byte [rbx],0x7f CF=1", {0x80, 0x1b, 0x7f}, {}, 0x80, F | CF, {}, 0x00, F | ZF | PF | AF | OF,
     "r1@0x100 w1@0x100"},
    {"sub [rbx],eax overflow", {0x29, 0x03}, {{RAX, 1}}, 0x80000000, F, {}, 0x7fffffff, F | PF | AF | OF,
     "r4@0x100 w4@0x100"},
    {"sub dword [rbx],imm8", {0x83, 0x2b, 0x01}, {}, 1, F, {}, 0, F | ZF | PF, "r4@0x100 w4@0x100"},
    {"or eax,[rbx] zero-extends", {0x0b, 0x03}, {{RAX, 0xffffffff00000001}}, 2, F, {{RAX, 3}}, 2, F | PF, "r4@0x100"},
    {"and al,[rbx] merges", {0x22, 0x03}, {{RAX, ~0ull}}, 0x0f, F, {{RAX, 0xffffffffffffff0f}}, 0x0f, F | PF,
     "r1@0x100"},
    {"and ah,[rbx]", {0x22, 0x23}, {{RAX, 0xf0ff}}, 0x3c, F, {{RAX, 0x30ff}}, 0x3c, F | PF, "r1@0x100"},
    {"xor [rbx],r8w", {0x66, 0x44, 0x31, 0x03}, {{R8, 0xffff}}, 0x12345678, F, {}, 0x1234a987, F | SF | PF,
     "r2@0x100 w2@0x100"},
    {"or qword [rbx],imm8 sext", {0x48, 0x83, 0x0b, 0x80}, {}, 0x1, F, {}, 0xffffffffffffff81, F | SF | PF,
     "r8@0x100 w8@0x100"},
    {"lock or [rbx],eax", {0xf0, 0x09, 0x03}, {{RAX, 0x10}}, 0x1, F, {}, 0x11, F | PF, "r4@0x100 w4@0x100"},
    {"and word [rbx],0x00ff", {0x66, 0x81, 0x23, 0xff, 0x00}, {}, 0x1234, F, {}, 0x0034, F, "r2@0x100 w2@0x100"},
    {"add [rbx],eax keeps DF and IF", {0x01, 0x03}, {{RAX, 1}}, 1, F | 0x600 | CF, {}, 2, F | 0x600, "r4@0x100 w4@0x100"},
    {"xor eax,eax (register)", {0x31, 0xc0}, {{RAX, ~0ull}}, M, F | CF | SF, {{RAX, 0}}, M, F | ZF | PF, ""},
    {"cmp bh,ah (register)", {0x38, 0xe7}, {{RAX, 0x0200}}, M, F, {}, M, F | CF | SF | PF | AF, ""},
};

const EmuCase kXchgBt[] = {
    {"xchg [rbx],eax", {0x87, 0x03}, {{RAX, 0xffffffff11111111}}, 0x2222222233333333, F, {{RAX, 0x33333333}},
     0x2222222211111111, F, "r4@0x100 w4@0x100"},
    {"xchg [rbx],ah", {0x86, 0x23}, {{RAX, 0x1234}}, 0x56, F, {{RAX, 0x5634}}, 0x12, F, "r1@0x100 w1@0x100"},
    {"xchg [rbx],rcx", {0x48, 0x87, 0x0b}, {{RCX, X}}, M, F, {{RCX, M}}, X, F, "r8@0x100 w8@0x100"},
    {"xchg [rbx],bx", {0x66, 0x87, 0x1b}, {}, 0xbeef, F, {{RBX, 0xfee0beef}}, 0x0100, F, "r2@0x100 w2@0x100"},
    {"lock xchg [rbx],r10w", {0xf0, 0x66, 0x44, 0x87, 0x13}, {{R10, 0x1}}, 0xffff, F, {{R10, 0xffff}}, 0x1, F,
     "r2@0x100 w2@0x100"},
    {"xchg ecx,eax (register)", {0x87, 0xc1}, {{RAX, 1}, {RCX, 2}}, M, F, {{RAX, 2}, {RCX, 1}}, M, F, ""},
    {"bt [rbx],eax set", {0x0f, 0xa3, 0x03}, {{RAX, 5}}, 0x20, F | ZF | SF, {}, 0x20, F | ZF | SF | CF, "r4@0x100"},
    {"bt [rbx],eax clear", {0x0f, 0xa3, 0x03}, {{RAX, 4}}, 0x20, F | CF | OF | PF, {}, 0x20, F | OF | PF, "r4@0x100"},
    {"bts [rbx],eax", {0x0f, 0xab, 0x03}, {{RAX, 4}}, 0, F, {}, 0x10, F, "r4@0x100 w4@0x100"},
    {"btr [rbx],eax", {0x0f, 0xb3, 0x03}, {{RAX, 7}}, 0xff, F, {}, 0x7f, F | CF, "r4@0x100 w4@0x100"},
    {"btc [rbx],eax", {0x0f, 0xbb, 0x03}, {{RAX, 0}}, 1, F, {}, 0, F | CF, "r4@0x100 w4@0x100"},
    {"bt [rbx],eax=32 -> [rbx+4] bit 0", {0x0f, 0xa3, 0x03}, {{RAX, 32}}, 0x100000000, F, {}, 0x100000000, F | CF,
     "r4@0x104"},
    {"bt [rbx],eax=-1 -> [rbx-4] bit 31", {0x0f, 0xa3, 0x03}, {{RAX, 0xffffffff}}, 0, F, {}, 0, F, "r4@0xfc"},
    {"bt dword [rbx],33 masks to 1", {0x0f, 0xba, 0x23, 0x21}, {}, 2, F, {}, 2, F | CF, "r4@0x100"},
    {"bts word [rbx],ax=17 -> [rbx+2] bit 1", {0x66, 0x0f, 0xab, 0x03}, {{RAX, 0x11}}, 0, F, {}, 0x20000, F,
     "r2@0x102 w2@0x102"},
    {"btr word [rbx],ax=-16 -> [rbx-2] bit 0", {0x66, 0x0f, 0xb3, 0x03}, {{RAX, 0xfff0}}, M, F, {}, M, F,
     "r2@0xfe w2@0xfe"},
    {"bt qword [rbx],rax=-65 -> [rbx-16] bit 63", {0x48, 0x0f, 0xa3, 0x03}, {{RAX, static_cast<uint64_t>(-65)}}, 0, F,
     {}, 0, F, "r8@0xf0"},
    {"btc qword [rbx],63", {0x48, 0x0f, 0xba, 0x3b, 0x3f}, {}, 0, F, {}, 0x8000000000000000, F, "r8@0x100 w8@0x100"},
    {"bts dword [rbx],0xff masks to 31", {0x0f, 0xba, 0x2b, 0xff}, {}, 0, F, {}, 0x80000000, F, "r4@0x100 w4@0x100"},
    {"bt eax,ecx=35 (register) -> bit 3", {0x0f, 0xa3, 0xc8}, {{RAX, 8}, {RCX, 35}}, M, F, {}, M, F | CF, ""},
    {"bts eax,ecx (register) zero-extends", {0x0f, 0xab, 0xc8}, {{RAX, ~0ull}, {RCX, 0}}, M, F, {{RAX, 0xffffffff}}, M,
     F | CF, ""},
};

TEST(InsnEmulate, Mov) {
    for (const auto& c : kMov) check(c);
}
TEST(InsnEmulate, MovzxMovsx) {
    for (const auto& c : kExtend) check(c);
}
TEST(InsnEmulate, AluAndFlags) {
    for (const auto& c : kAlu) check(c);
}
TEST(InsnEmulate, XchgAndBitOps) {
    for (const auto& c : kXchgBt) check(c);
}

// Read-modify-writes of memory are bracketed by atomic_begin/end; plain
// loads and stores, CMP/TEST/BT and register forms are not.
TEST(InsnEmulate, AtomicBracket) {
    struct {
        std::vector<uint8_t> code;
        bool atomic;
    } cases[] = {
        {{0x09, 0x03}, true},       {{0xf0, 0x09, 0x03}, true}, {{0x87, 0x03}, true},
        {{0x0f, 0xab, 0x03}, true}, {{0x0f, 0xba, 0x33, 1}, true}, {{0x80, 0x03, 1}, true},
        {{0x89, 0x03}, false},      {{0x8b, 0x03}, false},      {{0x39, 0x03}, false},
        {{0x85, 0x03}, false},      {{0x0f, 0xa3, 0x03}, false}, {{0x0b, 0x03}, false},
        {{0x87, 0xc1}, false},
    };
    for (const auto& c : cases) {
        FakeGuest g;
        setup(g, {{RAX, 0}});
        ASSERT_EQ(run(g, c.code).emulated, EmulateStatus::ok);
        EXPECT_EQ(g.atomic_scopes, c.atomic ? 1 : 0);
        for (const auto& a : g.log) EXPECT_EQ(a.in_atomic, c.atomic);
        EXPECT_EQ(g.atomic_depth, 0);
        EXPECT_FALSE(g.atomic_misuse);
    }
}

// A failing access commits nothing: registers, flags, RIP and memory stay.
TEST(InsnEmulate, FaultCommitsNothing) {
    const std::vector<uint8_t> codes[] = {
        {0x87, 0x03},              // xchg: the write (2nd access) fails
        {0x09, 0x03},              // or: the write fails
        {0x0f, 0xab, 0x03},        // bts
        {0x0f, 0xba, 0x3b, 0x01},  // btc imm
        {0x8b, 0x03},              // mov load: the only access fails
        {0x0b, 0x03},              // or reg, mem
        {0x48, 0x63, 0x03},        // movsxd
        {0x39, 0x03},              // cmp
        {0x89, 0x03},              // mov store
    };
    for (AccessStatus how : {AccessStatus::fault, AccessStatus::mmio_error}) {
        for (const auto& code : codes) {
            for (int at : {0, 1}) {
                FakeGuest g;
                setup(g, {{RAX, 0x0123456700000005}});
                g.poke(kOp, 8, M);
                g.rflags_ = F | ZF;
                g.fail_at = at;
                g.fail_with = how;
                FakeGuest before = g;
                const Result r = run(g, code);
                ASSERT_EQ(r.decoded, DecodeStatus::ok);
                if (static_cast<size_t>(at) >= g.log.size()) {  // no such access: completes
                    EXPECT_EQ(r.emulated, EmulateStatus::ok);
                    continue;
                }
                EXPECT_EQ(r.emulated, how == AccessStatus::fault ? EmulateStatus::fault : EmulateStatus::mmio_error);
                EXPECT_EQ(g.log.size(), static_cast<size_t>(at) + 1) << "stops at the failing access";
                for (unsigned i = 0; i < 16; ++i) EXPECT_EQ(g.regs[i], before.regs[i]);
                EXPECT_EQ(g.rip_, before.rip_);
                EXPECT_EQ(g.rflags_, before.rflags_);
                EXPECT_EQ(g.peek(kOp, 8), M);
                EXPECT_EQ(g.atomic_depth, 0);
                EXPECT_FALSE(g.atomic_misuse);
            }
        }
    }
}

TEST(InsnEmulate, UnmappedIsFault) {
    FakeGuest g;
    setup(g, {{RBX, 0x5000}});
    EXPECT_EQ(run(g, {0x8b, 0x03}).emulated, EmulateStatus::fault);
    EXPECT_EQ(g.rip_, 0x1000u);
}

// 32-bit protected mode: segment bases apply, linear addresses wrap at 4 GiB.
TEST(InsnEmulate, ProtectedMode32) {
    FakeGuest g;
    setup(g, {{RBX, 0x100}, {RAX, 0xffffffff12345678}, {SEG + 3, kMmio}});
    g.rip_ = 0xfffffffe;
    ASSERT_EQ(run(g, {0x89, 0x03}, CpuMode::bits32).emulated, EmulateStatus::ok);
    EXPECT_EQ(g.trace(kMmio), "w4@0x100");
    EXPECT_EQ(g.peek(kOp, 4), 0x12345678u);
    EXPECT_EQ(g.rip_, 0u) << "EIP wraps";

    FakeGuest h;  // base + offset past 4 GiB wraps
    setup(h, {{RBX, 0x100}, {SEG + 3, kMmio + 0x1000000}});
    h.regs[RBX] = 0xff000100;
    ASSERT_EQ(run(h, {0x8b, 0x03}, CpuMode::bits32).emulated, EmulateStatus::ok);
    EXPECT_EQ(h.trace(kMmio), "r4@0x100");
    EXPECT_EQ(h.regs[RAX], 0u);

    FakeGuest s;  // an EBP base defaults to SS; an override replaces it
    setup(s, {{5, 0x80}, {SEG + 2, kMmio + 0x80}, {SEG + 0, kMmio}});
    ASSERT_EQ(run(s, {0x8b, 0x45, 0x00}, CpuMode::bits32).emulated, EmulateStatus::ok);
    ASSERT_EQ(run(s, {0x26, 0x8b, 0x45, 0x10}, CpuMode::bits32).emulated, EmulateStatus::ok);
    EXPECT_EQ(s.trace(kMmio), "r4@0x100 r4@0x90");
}

// 16-bit code: [BX+SI+disp] wraps at 64 KiB, IP wraps, 16-bit operands merge.
TEST(InsnEmulate, RealMode16) {
    FakeGuest g;
    setup(g, {{RBX, 0xabcdffff}, {RSI, 0x2}, {RAX, 0xffffffffffffffff}, {SEG + 3, 0x100000}});
    g.poke(0x100000 + 0x11, 2, 0xbeef);
    g.rip_ = 0xfffe;
    ASSERT_EQ(run(g, {0x8b, 0x40, 0x10}, CpuMode::bits16).emulated, EmulateStatus::ok);  // mov ax,[bx+si+0x10]
    EXPECT_EQ(g.regs[RAX], 0xffffffffffffbeefu);
    EXPECT_EQ(g.rip_, 0x1u);
    ASSERT_EQ(run(g, {0x66, 0xc7, 0x06, 0x20, 0x00, 0x78, 0x56, 0x34, 0x12}, CpuMode::bits16).emulated,
              EmulateStatus::ok);  // mov dword [0x20],0x12345678
    EXPECT_EQ(g.peek(0x100020, 4), 0x12345678u);
    ASSERT_EQ(run(g, {0x67, 0x8b, 0x03}, CpuMode::bits16).emulated, EmulateStatus::fault);  // [ebx]: 32-bit EA
    EXPECT_EQ(g.log.back().linear, 0x100000u + 0xabcdffff);
}

TEST(InsnEmulate, RejectsMalformedInsn) {
    FakeGuest g;
    setup(g, {});
    Insn in{};
    const uint8_t code[] = {0x89, 0x03};
    ASSERT_EQ(decode(code, sizeof code, CpuMode::bits64, in), DecodeStatus::ok);
    Insn bad = in;
    bad.reg.num = 16;
    EXPECT_EQ(emulate(bad, g), EmulateStatus::unsupported);
    bad = in;
    bad.mem.base = 40;
    EXPECT_EQ(emulate(bad, g), EmulateStatus::unsupported);
    bad = in;
    bad.opsize = 3;
    EXPECT_EQ(emulate(bad, g), EmulateStatus::unsupported);
    bad = in;
    bad.length = 0;
    EXPECT_EQ(emulate(bad, g), EmulateStatus::unsupported);
    bad = in;
    bad.reg = Reg{5, true};
    EXPECT_EQ(emulate(bad, g), EmulateStatus::unsupported);
    bad = in;
    bad.op = Op::movs;
    EXPECT_EQ(emulate(bad, g), EmulateStatus::unsupported);
    EXPECT_TRUE(g.log.empty());
    EXPECT_EQ(emulate(in, g), EmulateStatus::ok);
}

}  // namespace
