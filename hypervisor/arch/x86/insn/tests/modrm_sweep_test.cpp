// Every ModRM byte, and every SIB byte where one follows, in every mode and address size, checked
// against SDM Vol.2 Tables 2-1, 2-2 and 2-3 transcribed here as text (an independent reference).
#include <gtest/gtest.h>

#include <cstring>
#include <string>
#include <vector>

#include "arch/x86/insn/decode.hpp"

namespace {

using namespace bh::x86::insn;

// SDM Vol.2 Table 2-1: 16-bit addressing forms, rows mod 00, 01, 10; columns r/m 000..111.
const char* const kTable21[3][8] = {
    {"[BX+SI]", "[BX+DI]", "[BP+SI]", "[BP+DI]", "[SI]", "[DI]", "disp16", "[BX]"},
    {"[BX+SI]+disp8", "[BX+DI]+disp8", "[BP+SI]+disp8", "[BP+DI]+disp8", "[SI]+disp8", "[DI]+disp8", "[BP]+disp8",
     "[BX]+disp8"},
    {"[BX+SI]+disp16", "[BX+DI]+disp16", "[BP+SI]+disp16", "[BP+DI]+disp16", "[SI]+disp16", "[DI]+disp16",
     "[BP]+disp16", "[BX]+disp16"},
};
// SDM Vol.2 Table 2-2: 32-bit addressing forms.
const char* const kTable22[3][8] = {
    {"[EAX]", "[ECX]", "[EDX]", "[EBX]", "[--][--]", "disp32", "[ESI]", "[EDI]"},
    {"[EAX]+disp8", "[ECX]+disp8", "[EDX]+disp8", "[EBX]+disp8", "[--][--]+disp8", "[EBP]+disp8", "[ESI]+disp8",
     "[EDI]+disp8"},
    {"[EAX]+disp32", "[ECX]+disp32", "[EDX]+disp32", "[EBX]+disp32", "[--][--]+disp32", "[EBP]+disp32",
     "[ESI]+disp32", "[EDI]+disp32"},
};
// SDM Vol.2 Table 2-3: SIB base (columns) and scaled index (rows, before the scale).
// "[*]": no base with disp32 if mod is 00, else [EBP].
const char* const kSibBase[8] = {"EAX", "ECX", "EDX", "EBX", "ESP", "[*]", "ESI", "EDI"};
const char* const kSibIndex[8] = {"[EAX]", "[ECX]", "[EDX]", "[EBX]", "none", "[EBP]", "[ESI]", "[EDI]"};

int reg_number(const std::string& name) {
    static const char* const k32[8] = {"EAX", "ECX", "EDX", "EBX", "ESP", "EBP", "ESI", "EDI"};
    static const char* const k16[8] = {"AX", "CX", "DX", "BX", "SP", "BP", "SI", "DI"};
    for (int i = 0; i < 8; ++i) {
        if (name == k32[i] || name == k16[i]) return i;
    }
    ADD_FAILURE() << "unknown register " << name;
    return -1;
}

bool contains(const std::string& s, const char* what) { return s.find(what) != std::string::npos; }

// The expected memory operand and encoding size of one ModRM(/SIB) form.
struct Ref {
    int base = -1, index = -1, scale = 1;  // -1: none
    unsigned disp_bytes = 0;
    bool sib = false, rip = false, ss = false;
};

// Registers named inside the first [...] of a table entry, e.g. "[BX+SI]".
std::vector<std::string> bracket_regs(const std::string& e) {
    std::vector<std::string> regs;
    const size_t open = e.find('['), close = e.find(']');
    if (open == std::string::npos || contains(e, "[--]") || contains(e, "[*]")) return regs;
    std::string inner = e.substr(open + 1, close - open - 1);
    size_t plus = inner.find('+');
    regs.push_back(inner.substr(0, plus));
    if (plus != std::string::npos) regs.push_back(inner.substr(plus + 1));
    return regs;
}

unsigned disp_size(const std::string& e) {
    return contains(e, "disp8") ? 1 : contains(e, "disp16") ? 2 : contains(e, "disp32") ? 4 : 0;
}

Ref reference(CpuMode mode, unsigned addrsize, uint8_t rex, uint8_t modrm, uint8_t sib) {
    Ref r;
    const unsigned mod = modrm >> 6, rm = modrm & 7;
    const int rex_b = (rex & 1) ? 8 : 0, rex_x = (rex & 2) ? 8 : 0;
    if (addrsize == 2) {
        const std::string e = kTable21[mod][rm];
        r.disp_bytes = disp_size(e);
        auto regs = bracket_regs(e);
        if (!regs.empty()) r.base = reg_number(regs[0]);
        if (regs.size() == 2) r.index = reg_number(regs[1]);
        r.ss = !regs.empty() && regs[0] == "BP";
        return r;
    }
    const std::string e = kTable22[mod][rm];
    r.disp_bytes = disp_size(e);
    if (e == "disp32") {
        r.rip = mode == CpuMode::bits64;  // SDM Vol.2 2.2.1.6
        return r;
    }
    if (contains(e, "[--][--]")) {
        r.sib = true;
        const std::string base = kSibBase[sib & 7], index = kSibIndex[(sib >> 3) & 7];
        r.scale = 1 << (sib >> 6);
        if (index != "none") {
            r.index = reg_number(index.substr(1, index.size() - 2)) + rex_x;
        } else if (rex_x) {
            r.index = 12;  // SDM Vol.2 Table 2-5: index 100 with REX.X is R12
        }
        if (base == "[*]" && mod == 0) {
            r.disp_bytes = 4;
        } else {
            const std::string b = base == "[*]" ? "EBP" : base;
            r.base = reg_number(b) + rex_b;
            r.ss = !rex_b && (b == "ESP" || b == "EBP");
        }
        return r;
    }
    const std::string b = bracket_regs(e)[0];
    r.base = reg_number(b) + rex_b;
    r.ss = !rex_b && b == "EBP";
    return r;
}

uint64_t sext(uint64_t v, unsigned bytes) {
    switch (bytes) {
    case 1: return static_cast<uint64_t>(static_cast<int64_t>(static_cast<int8_t>(v)));
    case 2: return static_cast<uint64_t>(static_cast<int64_t>(static_cast<int16_t>(v)));
    case 4: return static_cast<uint64_t>(static_cast<int64_t>(static_cast<int32_t>(v)));
    default: return v;
    }
}

struct Variant {
    CpuMode mode;
    bool a67;
    uint8_t rex;
};

unsigned addr_size(const Variant& v) {
    if (v.mode == CpuMode::bits64) return v.a67 ? 4 : 8;
    if (v.mode == CpuMode::bits32) return v.a67 ? 2 : 4;
    return v.a67 ? 4 : 2;
}

std::vector<Variant> variants() {
    std::vector<Variant> vs;
    for (bool a67 : {false, true}) {
        for (uint8_t rex : {0x00, 0x40, 0x41, 0x42, 0x44, 0x48, 0x4f}) vs.push_back({CpuMode::bits64, a67, rex});
        vs.push_back({CpuMode::bits32, a67, 0});
        vs.push_back({CpuMode::bits16, a67, 0});
    }
    return vs;
}

const uint8_t kDispPos[4] = {0x11, 0x22, 0x33, 0x44};
const uint8_t kDispNeg[4] = {0xf1, 0xe2, 0xd3, 0xc4};

// Calls f(variant, modrm, sib, negative) for every ModRM, every SIB when one follows.
template <typename F>
void sweep(F f) {
    for (const Variant& v : variants()) {
        for (unsigned m = 0; m < 256; ++m) {
            const bool has_sib = addr_size(v) != 2 && (m >> 6) != 3 && (m & 7) == 4;
            for (unsigned s = 0; s < (has_sib ? 256u : 1u); ++s) {
                for (bool neg : {false, true}) f(v, static_cast<uint8_t>(m), static_cast<uint8_t>(s), neg);
            }
        }
    }
}

struct Built {
    std::vector<uint8_t> bytes;
    Ref ref;
    uint64_t disp;
};

// prefixes + opcode + ModRM [+ SIB] [+ disp] [+ imm]
Built build(const Variant& v, const std::vector<uint8_t>& opcode, uint8_t modrm, uint8_t sib, bool neg,
            const std::vector<uint8_t>& imm) {
    Built b;
    if (v.a67) b.bytes.push_back(0x67);
    if (v.rex) b.bytes.push_back(v.rex);
    b.bytes.insert(b.bytes.end(), opcode.begin(), opcode.end());
    b.bytes.push_back(modrm);
    if ((modrm >> 6) != 3) b.ref = reference(v.mode, addr_size(v), v.rex, modrm, sib);
    if (b.ref.sib) b.bytes.push_back(sib);
    const uint8_t* d = neg ? kDispNeg : kDispPos;
    uint64_t raw = 0;
    for (unsigned i = 0; i < b.ref.disp_bytes; ++i) {
        b.bytes.push_back(d[i]);
        raw |= uint64_t{d[i]} << (8 * i);
    }
    b.disp = sext(raw, b.ref.disp_bytes);
    b.bytes.insert(b.bytes.end(), imm.begin(), imm.end());
    return b;
}

void expect_operands(const Variant& v, uint8_t modrm, const Built& b, const Insn& in) {
    const int rex_b = (v.rex & 1) ? 8 : 0;
    EXPECT_EQ(in.addrsize, addr_size(v));
    if ((modrm >> 6) == 3) {
        EXPECT_FALSE(in.rm_is_mem);
        EXPECT_EQ(in.rm_reg.num, (modrm & 7) + rex_b);
        return;
    }
    ASSERT_TRUE(in.rm_is_mem);
    EXPECT_EQ(in.mem.base, b.ref.base < 0 ? kNoReg : b.ref.base);
    EXPECT_EQ(in.mem.index, b.ref.index < 0 ? kNoReg : b.ref.index);
    if (b.ref.index >= 0) {
        EXPECT_EQ(in.mem.scale, b.ref.scale);
    }
    EXPECT_EQ(in.mem.rip_relative, b.ref.rip);
    EXPECT_EQ(in.mem.disp, b.disp);
    EXPECT_EQ(in.mem.seg, b.ref.ss ? Seg::ss : Seg::ds);
}

std::string hexdump(const std::vector<uint8_t>& b) {
    std::string s;
    char t[4];
    for (uint8_t x : b) {
        std::snprintf(t, sizeof t, "%02x ", x);
        s += t;
    }
    return s;
}

TEST(InsnDecodeSweep, MovLoadEveryModrmSib) {
    size_t n = 0;
    sweep([&](const Variant& v, uint8_t modrm, uint8_t sib, bool neg) {
        const Built b = build(v, {0x8b}, modrm, sib, neg, {});
        Insn in{};
        ASSERT_EQ(decode(b.bytes.data(), b.bytes.size(), v.mode, in), DecodeStatus::ok) << hexdump(b.bytes);
        SCOPED_TRACE(hexdump(b.bytes));
        EXPECT_EQ(in.length, b.bytes.size());
        EXPECT_EQ(in.op, Op::mov);
        EXPECT_EQ(in.form, Form::reg_rm);
        EXPECT_EQ(in.reg.num, ((modrm >> 3) & 7) + ((v.rex & 4) ? 8 : 0));
        EXPECT_EQ(in.opsize, (v.rex & 8) ? 8 : v.mode == CpuMode::bits16 ? 2 : 4);
        expect_operands(v, modrm, b, in);
        ++n;
    });
    EXPECT_GT(n, 200000u);
}

// The immediate follows the displacement; group opcodes check ModRM.reg.
TEST(InsnDecodeSweep, ImmediateAfterDisplacementAndGroups) {
    const std::vector<uint8_t> imm4{0xa1, 0xb2, 0xc3, 0xd4}, imm1{0x9c};
    size_t n = 0;
    sweep([&](const Variant& v, uint8_t modrm, uint8_t sib, bool neg) {
        if (v.rex != 0 && v.rex != 0x4f) return;
        const unsigned reg = (modrm >> 3) & 7;
        struct Op_ {
            std::vector<uint8_t> opcode;
            const std::vector<uint8_t>& imm;
            DecodeStatus status;
        };
        const unsigned z = v.mode == CpuMode::bits16 && !(v.rex & 8) ? 2 : 4;
        const std::vector<uint8_t> immz(imm4.begin(), imm4.begin() + z);
        const Op_ ops[] = {
            {{0x81}, immz, DecodeStatus::ok},
            {{0x83}, imm1, DecodeStatus::ok},
            {{0xc7}, immz, reg == 0 ? DecodeStatus::ok : modrm == 0xf8 ? DecodeStatus::unsupported : DecodeStatus::invalid},
            {{0x0f, 0xba}, imm1, reg >= 4 ? DecodeStatus::ok : DecodeStatus::invalid},
            {{0xf7}, immz, reg == 0 ? DecodeStatus::ok : DecodeStatus::unsupported},
        };
        for (const Op_& op : ops) {
            const Built b = build(v, op.opcode, modrm, sib, neg, op.imm);
            Insn in{};
            const DecodeStatus s = decode(b.bytes.data(), b.bytes.size(), v.mode, in);
            ASSERT_EQ(s, op.status) << hexdump(b.bytes);
            ++n;
            if (s != DecodeStatus::ok) continue;
            SCOPED_TRACE(hexdump(b.bytes));
            EXPECT_EQ(in.length, b.bytes.size());
            EXPECT_EQ(in.imm_size, op.imm.size());
            uint64_t raw = 0;
            for (size_t i = 0; i < op.imm.size(); ++i) raw |= uint64_t{op.imm[i]} << (8 * i);
            EXPECT_EQ(in.imm, op.opcode[0] == 0x0f ? raw : sext(raw, static_cast<unsigned>(op.imm.size())));
            expect_operands(v, modrm, b, in);
        }
    });
    EXPECT_GT(n, 100000u);
}

// LOCK OR r/m, reg: legal exactly when r/m is memory.
TEST(InsnDecodeSweep, LockNeedsMemory) {
    sweep([&](const Variant& v, uint8_t modrm, uint8_t sib, bool neg) {
        if (neg || v.rex > 0x41) return;
        Built b = build(v, {0x09}, modrm, sib, neg, {});
        b.bytes.insert(b.bytes.begin(), 0xf0);
        Insn in{};
        const DecodeStatus s = decode(b.bytes.data(), b.bytes.size(), v.mode, in);
        EXPECT_EQ(s, (modrm >> 6) == 3 ? DecodeStatus::invalid : DecodeStatus::ok) << hexdump(b.bytes);
    });
}

// Every prefix of every form is reported truncated, reading only the bytes given.
TEST(InsnDecodeSweep, TruncatedAtEveryCut) {
    size_t cuts = 0;
    sweep([&](const Variant& v, uint8_t modrm, uint8_t sib, bool neg) {
        if (!neg || (v.rex != 0 && v.rex != 0x4f) || ((modrm >> 3) & 7) != 0) return;
        const std::vector<uint8_t> imm = v.mode == CpuMode::bits16 ? std::vector<uint8_t>{1, 2} : std::vector<uint8_t>{1, 2, 3, 4};
        const Built b = build(v, {0xc7}, modrm, sib, neg, imm);
        ASSERT_LE(b.bytes.size(), 15u);
        for (size_t n = 0; n < b.bytes.size(); ++n) {
            std::vector<uint8_t> cut(b.bytes.begin(), b.bytes.begin() + static_cast<long>(n));
            Insn in{};
            ASSERT_EQ(decode(cut.data(), n, v.mode, in), DecodeStatus::truncated) << hexdump(b.bytes) << " cut " << n;
            ++cuts;
        }
    });
    EXPECT_GT(cuts, 40000u);
}

}  // namespace
