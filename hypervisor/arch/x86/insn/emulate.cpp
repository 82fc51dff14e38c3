// Instruction execution: MOV MOVZX MOVSX, the ALU group, TEST, XCHG; dispatch to bit and string ops.
#include "arch/x86/insn/emulate.hpp"

#include "arch/x86/insn/flags.hpp"
#include "arch/x86/insn/operand.hpp"

namespace bh::x86::insn {

namespace {

bool valid_size(unsigned s) { return s == 1 || s == 2 || s == 4 || s == 8; }
bool valid_reg(Reg r) { return r.num < 16 && (!r.high8 || r.num < 4); }
bool valid_gpr(uint8_t n) { return n < 16 || n == kNoReg; }

// Rejects an Insn that decode() cannot produce, so a hand-made or corrupted
// one never makes the context index a register file out of range.
bool well_formed(const Insn& in) {
    if (in.length == 0 || in.length > 15 || !valid_size(in.opsize) || !valid_size(in.src_size)) return false;
    if (in.mode != CpuMode::bits16 && in.mode != CpuMode::bits32 && in.mode != CpuMode::bits64) return false;
    if (in.addrsize != 2 && in.addrsize != 4 && in.addrsize != 8) return false;
    if (!valid_reg(in.reg)) return false;
    if (!in.rm_is_mem) return in.form != Form::string && valid_reg(in.rm_reg);
    const MemOperand& m = in.mem;
    return valid_gpr(m.base) && valid_gpr(m.index) && valid_size(m.scale) && static_cast<unsigned>(m.seg) <= 5;
}

EmulateStatus mov(const Insn& in, GuestContext& ctx) {
    const Loc rm = rm_loc(in, ctx);
    uint64_t v = 0;
    EmulateStatus s = EmulateStatus::ok;
    switch (in.form) {
    case Form::rm_reg: s = store(ctx, rm, in.opsize, read_reg(ctx, in.reg, in.opsize)); break;
    case Form::rm_imm: s = store(ctx, rm, in.opsize, in.imm); break;
    case Form::reg_rm:
        s = load(ctx, rm, in.opsize, v);
        if (s == EmulateStatus::ok) write_reg(ctx, in.reg, in.opsize, v);
        break;
    case Form::string: return EmulateStatus::unsupported;
    }
    if (s == EmulateStatus::ok) advance_rip(in, ctx);
    return s;
}

// MOVZX, MOVSX, MOVSXD: src_size bytes from r/m, extended to the register.
EmulateStatus extend(const Insn& in, GuestContext& ctx) {
    if (in.form != Form::reg_rm || in.src_size > in.opsize) return EmulateStatus::unsupported;
    uint64_t v = 0;
    const EmulateStatus s = load(ctx, rm_loc(in, ctx), in.src_size, v);
    if (s != EmulateStatus::ok) return s;
    if (in.op == Op::movsx) v = sign_extend(v, in.src_size);
    write_reg(ctx, in.reg, in.opsize, v);
    advance_rip(in, ctx);
    return EmulateStatus::ok;
}

// ADD OR ADC SBB AND SUB XOR CMP TEST: dst = dst op src, flags.
EmulateStatus alu_op(const Insn& in, GuestContext& ctx) {
    const bool writes = in.op != Op::cmp && in.op != Op::test;
    const Loc rm = rm_loc(in, ctx);
    Loc dst = rm;
    uint64_t src = 0;
    EmulateStatus s = EmulateStatus::ok;
    switch (in.form) {
    case Form::rm_reg: src = read_reg(ctx, in.reg, in.opsize); break;
    case Form::rm_imm: src = in.imm; break;
    case Form::reg_rm:
        dst = reg_loc(in.reg);
        s = load(ctx, rm, in.opsize, src);
        break;
    case Form::string: return EmulateStatus::unsupported;
    }
    if (s != EmulateStatus::ok) return s;
    AtomicScope atomic{ctx, writes && dst.mem};
    uint64_t a = 0;
    if (s = load(ctx, dst, in.opsize, a); s != EmulateStatus::ok) return s;
    const AluResult r = alu(in.op, in.opsize, a, src, (ctx.rflags() & rflags::cf) != 0);
    if (writes && (s = store(ctx, dst, in.opsize, r.value)) != EmulateStatus::ok) return s;
    set_arith_flags(ctx, r.flags);
    advance_rip(in, ctx);
    return EmulateStatus::ok;
}

// XCHG r/m, reg: with memory always locked (SDM Vol.2 XCHG). The register
// is written only after the memory write succeeded.
EmulateStatus xchg(const Insn& in, GuestContext& ctx) {
    if (in.form != Form::rm_reg) return EmulateStatus::unsupported;
    const Loc rm = rm_loc(in, ctx);
    AtomicScope atomic{ctx, rm.mem};
    const uint64_t r = read_reg(ctx, in.reg, in.opsize);
    uint64_t m = 0;
    EmulateStatus s = load(ctx, rm, in.opsize, m);
    if (s != EmulateStatus::ok) return s;
    if ((s = store(ctx, rm, in.opsize, r)) != EmulateStatus::ok) return s;
    write_reg(ctx, in.reg, in.opsize, m);
    advance_rip(in, ctx);
    return EmulateStatus::ok;
}

}  // namespace

EmulateStatus emulate(const Insn& in, GuestContext& ctx, uint32_t rep_budget) {
    if (!well_formed(in)) return EmulateStatus::unsupported;
    if ((in.form == Form::string) != (in.op == Op::movs || in.op == Op::stos)) return EmulateStatus::unsupported;
    switch (in.op) {
    case Op::mov: return mov(in, ctx);
    case Op::movzx: case Op::movsx: return extend(in, ctx);
    case Op::movs: case Op::stos: return emulate_string(in, ctx, rep_budget);
    case Op::add: case Op::or_: case Op::adc: case Op::sbb: case Op::and_: case Op::sub: case Op::xor_:
    case Op::cmp: case Op::test:
        return alu_op(in, ctx);
    case Op::xchg: return xchg(in, ctx);
    case Op::bt: case Op::bts: case Op::btr: case Op::btc: return emulate_bit(in, ctx);
    }
    return EmulateStatus::unsupported;
}

const char* to_string(EmulateStatus s) {
    switch (s) {
    case EmulateStatus::ok: return "ok";
    case EmulateStatus::fault: return "fault";
    case EmulateStatus::mmio_error: return "mmio error";
    case EmulateStatus::unsupported: return "unsupported";
    }
    return "?";
}

}  // namespace bh::x86::insn
