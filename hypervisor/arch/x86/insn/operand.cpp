// Register width rules, effective and linear addresses, operand access for the emulator.
#include "arch/x86/insn/operand.hpp"

namespace bh::x86::insn {

uint64_t read_reg(GuestContext& ctx, Reg r, unsigned size) {
    const uint64_t v = ctx.gpr(r.num);
    return r.high8 ? (v >> 8) & 0xff : v & size_mask(size);
}

void write_reg(GuestContext& ctx, Reg r, unsigned size, uint64_t v) {
    if (size >= 4) {  // a 32-bit write clears bits 63:32
        ctx.set_gpr(r.num, v & size_mask(size));
        return;
    }
    const unsigned shift = r.high8 ? 8 : 0;
    const uint64_t m = size_mask(size) << shift;
    ctx.set_gpr(r.num, (ctx.gpr(r.num) & ~m) | ((v << shift) & m));
}

uint64_t effective_address(const Insn& in, GuestContext& ctx) {
    const MemOperand& m = in.mem;
    uint64_t ea = m.disp;
    if (m.base != kNoReg) ea += ctx.gpr(m.base);
    if (m.index != kNoReg) ea += ctx.gpr(m.index) * m.scale;
    if (m.rip_relative) ea += ctx.rip() + in.length;  // relative to the next instruction
    return ea & size_mask(in.addrsize);
}

uint64_t linear_address(const Insn& in, GuestContext& ctx, Seg seg, uint64_t ea) {
    if (in.mode == CpuMode::bits64) {
        return seg == Seg::fs || seg == Seg::gs ? ctx.segment_base(seg) + ea : ea;
    }
    return (ctx.segment_base(seg) + ea) & 0xffffffffu;
}

Loc rm_loc(const Insn& in, GuestContext& ctx) {
    if (!in.rm_is_mem) return reg_loc(in.rm_reg);
    return Loc{true, Reg{0, false}, linear_address(in, ctx, in.mem.seg, effective_address(in, ctx))};
}

namespace {
EmulateStatus from_access(AccessStatus s) {
    switch (s) {
    case AccessStatus::ok: return EmulateStatus::ok;
    case AccessStatus::fault: return EmulateStatus::fault;
    case AccessStatus::mmio_error: return EmulateStatus::mmio_error;
    }
    return EmulateStatus::mmio_error;
}
}  // namespace

EmulateStatus load(GuestContext& ctx, const Loc& l, unsigned size, uint64_t& v) {
    if (!l.mem) {
        v = read_reg(ctx, l.reg, size);
        return EmulateStatus::ok;
    }
    v = 0;
    const EmulateStatus s = from_access(ctx.access(l.linear, size, false, v));
    v &= size_mask(size);
    return s;
}

EmulateStatus store(GuestContext& ctx, const Loc& l, unsigned size, uint64_t v) {
    v &= size_mask(size);
    if (!l.mem) {
        write_reg(ctx, l.reg, size, v);
        return EmulateStatus::ok;
    }
    return from_access(ctx.access(l.linear, size, true, v));
}

void advance_rip(const Insn& in, GuestContext& ctx) {
    const uint64_t next = ctx.rip() + in.length;
    switch (in.mode) {
    case CpuMode::bits64: ctx.set_rip(next); break;
    case CpuMode::bits32: ctx.set_rip(next & 0xffffffffu); break;
    case CpuMode::bits16: ctx.set_rip(next & 0xffffu); break;  // IP wraps within the segment
    }
}

void set_arith_flags(GuestContext& ctx, uint64_t bits, uint64_t which) {
    ctx.set_rflags((ctx.rflags() & ~which) | (bits & which));
}

}  // namespace bh::x86::insn
