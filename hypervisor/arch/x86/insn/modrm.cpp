// ModRM / SIB / displacement decoding for 16-, 32- and 64-bit addressing (SDM Vol.2 2.1.5, 2.2.1).
#include "arch/x86/insn/modrm.hpp"

namespace bh::x86::insn {

namespace {

constexpr uint8_t kSp = 4, kBp = 5, kBx = 3, kSi = 6, kDi = 7;

// 16-bit addressing, r/m 0..7 (SDM Vol.2 Table 2-1): base and index.
struct Form16 {
    uint8_t base, index;
};
constexpr Form16 kForms16[8] = {
    {kBx, kSi}, {kBx, kDi}, {kBp, kSi}, {kBp, kDi}, {kSi, kNoReg}, {kDi, kNoReg}, {kBp, kNoReg}, {kBx, kNoReg},
};

unsigned disp_bytes_for(unsigned mod, unsigned wide) { return mod == 1 ? 1 : mod == 2 ? wide : 0; }

bool rm16(Cursor& c, unsigned mod, unsigned rm, MemOperand& m) {
    if (mod == 0 && rm == 6) return c.take_signed(2, m.disp);  // [disp16], no base
    m.base = kForms16[rm].base;
    m.index = kForms16[rm].index;
    const unsigned n = disp_bytes_for(mod, 2);
    return n == 0 || c.take_signed(n, m.disp);
}

bool rm32(Cursor& c, unsigned mod, unsigned rm, const Insn& in, MemOperand& m) {
    const unsigned rex_b = (in.rex & rex::b) != 0 ? 8 : 0;
    unsigned n = disp_bytes_for(mod, 4);
    if (rm == 4) {  // SIB follows (SDM Vol.2 Table 2-3)
        uint8_t sib = 0;
        if (!c.byte(sib)) return false;
        const unsigned index = ((sib >> 3) & 7u) | ((in.rex & rex::x) != 0 ? 8 : 0);
        m.scale = static_cast<uint8_t>(1u << (sib >> 6));
        m.index = index == kSp ? kNoReg : static_cast<uint8_t>(index);  // 100 = no index; r12 is one
        if ((sib & 7u) == 5 && mod == 0) {
            n = 4;  // [index*scale + disp32], no base (also with REX.B)
        } else {
            m.base = static_cast<uint8_t>((sib & 7u) | rex_b);
        }
    } else if (rm == 5 && mod == 0) {
        n = 4;  // disp32: RIP-relative in 64-bit mode, absolute otherwise (SDM Vol.2 2.2.1.6)
        m.rip_relative = in.mode == CpuMode::bits64;
    } else {
        m.base = static_cast<uint8_t>(rm | rex_b);
    }
    return n == 0 || c.take_signed(n, m.disp);
}

}  // namespace

Reg make_reg(unsigned num, bool byte, uint8_t rex_byte) {
    if (byte && rex_byte == 0 && num >= 4 && num < 8) return {static_cast<uint8_t>(num - 4), true};
    return {static_cast<uint8_t>(num), false};
}

bool decode_rm(Cursor& c, uint8_t modrm, bool rm_byte, bool has_override, Seg seg_override, Insn& out) {
    const unsigned mod = modrm_mod(modrm), rm = modrm_rm(modrm);
    if (mod == 3) {
        out.rm_is_mem = false;
        out.rm_reg = make_reg(rm | ((out.rex & rex::b) != 0 ? 8u : 0u), rm_byte, out.rex);
        return true;
    }
    out.rm_is_mem = true;
    MemOperand& m = out.mem;
    m = MemOperand{Seg::ds, kNoReg, kNoReg, 1, false, 0};
    const bool ok = out.addrsize == 2 ? rm16(c, mod, rm, m) : rm32(c, mod, rm, out, m);
    if (!ok) return false;
    // Default segment: SS when rSP or rBP is the base (SDM Vol.1 3.7.4.1).
    if (m.base == kSp || m.base == kBp) m.seg = Seg::ss;
    if (has_override) m.seg = seg_override;
    return true;
}

}  // namespace bh::x86::insn
