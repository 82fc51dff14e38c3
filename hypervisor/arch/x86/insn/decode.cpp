// Prefixes and the opcode subset the MMIO emulator handles (SDM Vol.2 chapter 2, appendix A).
#include "arch/x86/insn/decode.hpp"

#include "arch/x86/insn/cursor.hpp"
#include "arch/x86/insn/modrm.hpp"

namespace bh::x86::insn {

namespace {

struct Prefixes {
    uint8_t bits = 0;
    uint8_t rex = 0;
    Seg seg = Seg::ds;
};

// Legacy prefixes (SDM Vol.2 2.1.1); any number, any order. Of F2/F3 and of
// the segment overrides the last one counts.
bool legacy_prefix(uint8_t b, Prefixes& p) {
    auto set_seg = [&p](Seg s) {
        p.bits |= prefix::segment;
        p.seg = s;
    };
    switch (b) {
    case 0xf0: p.bits |= prefix::lock; break;
    case 0xf2: p.bits = static_cast<uint8_t>((p.bits & ~prefix::rep) | prefix::repne); break;
    case 0xf3: p.bits = static_cast<uint8_t>((p.bits & ~prefix::repne) | prefix::rep); break;
    case 0x66: p.bits |= prefix::opsize; break;
    case 0x67: p.bits |= prefix::addrsize; break;
    case 0x26: set_seg(Seg::es); break;
    case 0x2e: set_seg(Seg::cs); break;
    case 0x36: set_seg(Seg::ss); break;
    case 0x3e: set_seg(Seg::ds); break;
    case 0x64: set_seg(Seg::fs); break;
    case 0x65: set_seg(Seg::gs); break;
    default: return false;
    }
    return true;
}

// One-byte opcodes that raise #UD in 64-bit mode (SDM Vol.2 Table A-2, "i64").
bool invalid_in_64(uint8_t op) {
    switch (op) {
    case 0x06: case 0x07: case 0x0e: case 0x16: case 0x17: case 0x1e: case 0x1f:
    case 0x27: case 0x2f: case 0x37: case 0x3f: case 0x60: case 0x61: case 0x82:
    case 0x9a: case 0xce: case 0xd4: case 0xd5: case 0xd6: case 0xea:
        return true;
    default:
        return false;
    }
}

// Operand size of a non-byte operation (SDM Vol.2 2.2.1.2, Vol.1 3.6.1).
uint8_t word_size(CpuMode m, const Prefixes& p) {
    if (m == CpuMode::bits64 && (p.rex & rex::w) != 0) return 8;
    const bool o16 = (m == CpuMode::bits16) != ((p.bits & prefix::opsize) != 0);
    return o16 ? 2 : 4;
}

uint8_t address_size(CpuMode m, const Prefixes& p) {
    const bool a67 = (p.bits & prefix::addrsize) != 0;
    switch (m) {
    case CpuMode::bits64: return a67 ? 4 : 8;
    case CpuMode::bits32: return a67 ? 2 : 4;
    case CpuMode::bits16: return a67 ? 4 : 2;
    }
    return 4;
}

constexpr Op kGroup1[8] = {Op::add, Op::or_, Op::adc, Op::sbb, Op::and_, Op::sub, Op::xor_, Op::cmp};
constexpr Op kBitOps[4] = {Op::bt, Op::bts, Op::btr, Op::btc};

class Decoder final {
public:
    Decoder(Cursor& c, const Prefixes& p, Insn& out) : c_(c), p_(p), out_(out) {}

    DecodeStatus one_byte(uint8_t op);
    DecodeStatus two_byte();

private:
    // Reads ModRM and the r/m operand; the register operand from ModRM.reg.
    DecodeStatus modrm(bool reg_byte, bool rm_byte, uint8_t& m) {
        if (!c_.byte(m)) return c_.error();
        const unsigned r = modrm_reg(m) | ((out_.rex & rex::r) != 0 ? 8u : 0u);
        out_.reg = make_reg(r, reg_byte, out_.rex);
        const bool has_seg = (p_.bits & prefix::segment) != 0;
        return decode_rm(c_, m, rm_byte, has_seg, p_.seg, out_) ? DecodeStatus::ok : c_.error();
    }
    DecodeStatus immediate(unsigned n) {
        out_.imm_size = static_cast<uint8_t>(n);
        return c_.take_signed(n, out_.imm) ? DecodeStatus::ok : c_.error();
    }
    // Immediate of a full-size operation: imm16, or imm32 (sign-extended for 64-bit operands).
    unsigned imm_z() const { return out_.opsize == 2 ? 2u : out_.opsize == 1 ? 1u : 4u; }
    void set(Op op, Form f, uint8_t size) {
        out_.op = op;
        out_.form = f;
        out_.opsize = size;
        out_.src_size = size;
    }
    DecodeStatus plain(Op op, Form f, bool byte) {  // reg <-> r/m, both of the operation's size
        set(op, f, byte ? 1 : word_);
        uint8_t m = 0;
        return modrm(byte, byte, m);
    }
    DecodeStatus group1(uint8_t op);
    DecodeStatus moffs(uint8_t op);
    DecodeStatus string(Op op, bool byte);

    Cursor& c_;
    const Prefixes& p_;
    Insn& out_;
    uint8_t word_ = word_size(out_.mode, p_);
};

DecodeStatus Decoder::group1(uint8_t op) {  // 80 81 82 83 /digit, imm
    const bool byte = op == 0x80 || op == 0x82;
    set(Op::add, Form::rm_imm, byte ? 1 : word_);
    uint8_t m = 0;
    if (DecodeStatus s = modrm(false, byte, m); s != DecodeStatus::ok) return s;
    out_.op = kGroup1[modrm_reg(m)];
    return immediate(op == 0x81 ? imm_z() : 1);
}

DecodeStatus Decoder::moffs(uint8_t op) {  // A0-A3: AL/rAX <-> [seg:moffs] (SDM Vol.2 MOV)
    const bool byte = (op & 1) == 0;
    set(Op::mov, op < 0xa2 ? Form::reg_rm : Form::rm_reg, byte ? 1 : word_);
    out_.reg = Reg{0, false};
    out_.rm_is_mem = true;
    const Seg seg = (p_.bits & prefix::segment) != 0 ? p_.seg : Seg::ds;
    out_.mem = MemOperand{seg, kNoReg, kNoReg, 1, false, 0};
    return c_.take(out_.addrsize, out_.mem.disp) ? DecodeStatus::ok : c_.error();
}

DecodeStatus Decoder::string(Op op, bool byte) {  // MOVS: [seg:rSI] -> ES:[rDI]; STOS: rAX -> ES:[rDI]
    set(op, Form::string, byte ? 1 : word_);
    out_.reg = Reg{0, false};
    out_.rm_is_mem = true;
    const Seg src = (p_.bits & prefix::segment) != 0 ? p_.seg : Seg::ds;
    out_.mem = op == Op::movs ? MemOperand{src, 6, kNoReg, 1, false, 0} : MemOperand{Seg::es, 7, kNoReg, 1, false, 0};
    return DecodeStatus::ok;
}

DecodeStatus Decoder::one_byte(uint8_t op) {
    if (out_.mode == CpuMode::bits64 && invalid_in_64(op)) return DecodeStatus::invalid;
    if (op < 0x40 && (op & 7u) < 4) {  // ALU r/m,reg (d=0) and reg,r/m (d=1)
        return plain(kGroup1[op >> 3], (op & 2u) != 0 ? Form::reg_rm : Form::rm_reg, (op & 1u) == 0);
    }
    uint8_t m = 0;
    switch (op) {
    case 0x63:  // MOVSXD r, r/m32 (64-bit mode; ARPL elsewhere). Only REX.W extends.
        if (out_.mode != CpuMode::bits64) return DecodeStatus::unsupported;
        set(Op::movsx, Form::reg_rm, word_);
        out_.src_size = word_ == 8 ? 4 : word_;
        return modrm(false, false, m);
    case 0x80: case 0x81: case 0x82: case 0x83: return group1(op);
    case 0x84: case 0x85: return plain(Op::test, Form::rm_reg, op == 0x84);
    case 0x86: case 0x87: return plain(Op::xchg, Form::rm_reg, op == 0x86);
    case 0x88: case 0x89: return plain(Op::mov, Form::rm_reg, op == 0x88);
    case 0x8a: case 0x8b: return plain(Op::mov, Form::reg_rm, op == 0x8a);
    case 0xa0: case 0xa1: case 0xa2: case 0xa3: return moffs(op);
    case 0xa4: case 0xa5: return string(Op::movs, op == 0xa4);
    case 0xaa: case 0xab: return string(Op::stos, op == 0xaa);
    case 0xc6: case 0xc7: {  // group 11: /0 MOV r/m, imm; C6 F8 XABORT, C7 F8 XBEGIN
        const bool byte = op == 0xc6;
        set(Op::mov, Form::rm_imm, byte ? 1 : word_);
        if (!c_.byte(m)) return c_.error();
        if (modrm_reg(m) != 0) return m == 0xf8 ? DecodeStatus::unsupported : DecodeStatus::invalid;
        const bool has_seg = (p_.bits & prefix::segment) != 0;
        if (!decode_rm(c_, m, byte, has_seg, p_.seg, out_)) return c_.error();
        return immediate(byte ? 1 : imm_z());
    }
    case 0xf6: case 0xf7: {  // group 3: /0 TEST r/m, imm; NOT NEG MUL IMUL DIV IDIV not handled
        const bool byte = op == 0xf6;
        set(Op::test, Form::rm_imm, byte ? 1 : word_);
        if (DecodeStatus s = modrm(false, byte, m); s != DecodeStatus::ok) return s;
        if (modrm_reg(m) != 0) return DecodeStatus::unsupported;
        return immediate(byte ? 1 : imm_z());
    }
    default:
        return DecodeStatus::unsupported;
    }
}

DecodeStatus Decoder::two_byte() {
    uint8_t op = 0, m = 0;
    if (!c_.byte(op)) return c_.error();
    out_.opcode = op;
    out_.map0f = true;
    switch (op) {
    case 0xb6: case 0xb7: case 0xbe: case 0xbf: {  // MOVZX / MOVSX r, r/m8 or r/m16
        set(op < 0xb8 ? Op::movzx : Op::movsx, Form::reg_rm, word_);
        out_.src_size = (op & 1u) != 0 ? 2 : 1;
        if (out_.src_size > out_.opsize) out_.src_size = out_.opsize;  // 66 0F B7: a 16-bit move
        return modrm(false, out_.src_size == 1, m);
    }
    case 0xa3: case 0xab: case 0xb3: case 0xbb:  // BT BTS BTR BTC r/m, reg
        set(kBitOps[(op >> 3) & 3u], Form::rm_reg, word_);
        return modrm(false, false, m);
    case 0xba: {  // group 8: /4../7 BT BTS BTR BTC r/m, imm8; /0../3 undefined
        set(Op::bt, Form::rm_imm, word_);
        if (DecodeStatus s = modrm(false, false, m); s != DecodeStatus::ok) return s;
        if (modrm_reg(m) < 4) return DecodeStatus::invalid;
        out_.op = kBitOps[modrm_reg(m) - 4];
        out_.imm_size = 1;
        return c_.take(1, out_.imm) ? DecodeStatus::ok : c_.error();
    }
    case 0x0b: case 0xb9: case 0xff:  // UD2, UD1, UD0
        return DecodeStatus::invalid;
    default:
        return DecodeStatus::unsupported;
    }
}

// LOCK is legal only on a memory destination of ADD ADC AND BTC BTR BTS
// OR SBB SUB XOR XCHG (and others not decoded here); #UD otherwise (SDM Vol.2 LOCK).
bool lock_allowed(const Insn& in) {
    if (!in.rm_is_mem || in.form == Form::reg_rm || in.form == Form::string) return false;
    switch (in.op) {
    case Op::add: case Op::or_: case Op::adc: case Op::sbb: case Op::and_: case Op::sub: case Op::xor_:
    case Op::xchg: case Op::bts: case Op::btr: case Op::btc:
        return true;
    default:
        return false;
    }
}

}  // namespace

DecodeStatus decode(const uint8_t* bytes, size_t avail, CpuMode mode, Insn& out) {
    out = Insn{};
    out.mode = mode;
    Cursor c{bytes, avail};
    Prefixes p;
    uint8_t b = 0;
    for (;;) {
        if (!c.byte(b)) return c.error();
        if (legacy_prefix(b, p)) {
            p.rex = 0;  // a REX not immediately before the opcode is ignored (SDM Vol.2 2.2.1)
            continue;
        }
        if (mode == CpuMode::bits64 && (b & 0xf0u) == 0x40) {
            p.rex = b;
            continue;
        }
        break;
    }
    out.prefixes = p.bits;
    out.rex = p.rex;
    out.addrsize = address_size(mode, p);
    out.opcode = b;
    Decoder d{c, p, out};
    const DecodeStatus s = b == 0x0f ? d.two_byte() : d.one_byte(b);
    if (s != DecodeStatus::ok) return s;
    out.length = static_cast<uint8_t>(c.pos());
    if ((p.bits & prefix::lock) != 0 && !lock_allowed(out)) return DecodeStatus::invalid;
    // F2/F3 select other instructions or hints (XACQUIRE/XRELEASE, POPCNT,
    // ...) on everything but string operations.
    if ((p.bits & (prefix::rep | prefix::repne)) != 0 && out.form != Form::string) return DecodeStatus::unsupported;
    return DecodeStatus::ok;
}

const char* to_string(DecodeStatus s) {
    switch (s) {
    case DecodeStatus::ok: return "ok";
    case DecodeStatus::truncated: return "truncated";
    case DecodeStatus::too_long: return "too long";
    case DecodeStatus::invalid: return "invalid";
    case DecodeStatus::unsupported: return "unsupported";
    }
    return "?";
}

}  // namespace bh::x86::insn
