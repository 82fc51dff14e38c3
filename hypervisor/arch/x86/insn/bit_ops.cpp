// BT BTS BTR BTC on registers and on memory bit strings (SDM Vol.2 "BT": bit base, bit offset).
#include "arch/x86/insn/operand.hpp"

namespace bh::x86::insn {

namespace {

unsigned log2_bits(unsigned size) { return size == 2 ? 4 : size == 4 ? 5 : 6; }

}  // namespace

// The bit base is r/m; the offset an imm8 (taken modulo the operand width)
// or a register. A register offset with a memory base is a signed bit index
// into a bit string: the access is the operand-sized unit at
// EA + size * floor(offset / width), bit offset mod width (SDM Vol.2 BT).
// CF = the bit; ZF is unchanged; OF SF AF PF (undefined) are left unchanged.
EmulateStatus emulate_bit(const Insn& in, GuestContext& ctx) {
    if (in.opsize == 1 || in.form == Form::reg_rm || in.form == Form::string) return EmulateStatus::unsupported;
    const unsigned width = 8u * in.opsize;
    Loc loc = rm_loc(in, ctx);
    uint64_t offset = in.imm;
    if (in.form == Form::rm_reg) {
        offset = sign_extend(read_reg(ctx, in.reg, in.opsize), in.opsize);
        if (loc.mem) {
            const int64_t unit = static_cast<int64_t>(offset) >> log2_bits(in.opsize);  // floor division
            const uint64_t ea = effective_address(in, ctx) + static_cast<uint64_t>(unit) * in.opsize;
            loc.linear = linear_address(in, ctx, in.mem.seg, ea & size_mask(in.addrsize));
        }
    }
    const uint64_t bit = uint64_t{1} << (offset & (width - 1));

    AtomicScope atomic{ctx, loc.mem && in.op != Op::bt};
    uint64_t v = 0;
    EmulateStatus s = load(ctx, loc, in.opsize, v);
    if (s != EmulateStatus::ok) return s;
    const bool was_set = (v & bit) != 0;
    switch (in.op) {
    case Op::bts: v |= bit; break;
    case Op::btr: v &= ~bit; break;
    case Op::btc: v ^= bit; break;
    default: break;
    }
    if (in.op != Op::bt && (s = store(ctx, loc, in.opsize, v)) != EmulateStatus::ok) return s;
    set_arith_flags(ctx, was_set ? rflags::cf : 0, rflags::cf);
    advance_rip(in, ctx);
    return EmulateStatus::ok;
}

}  // namespace bh::x86::insn
