// MOVS and STOS, with REP, in bounded chunks (SDM Vol.2 MOVS, STOS, REP).
#include "arch/x86/insn/operand.hpp"

namespace bh::x86::insn {

// rSI, rDI and rCX are used and updated at the address size; DF selects
// decrement. The source of MOVS is seg:rSI (segment override allowed), the
// destination ES:rDI (no override). F2 repeats MOVS/STOS like F3: only
// CMPS/SCAS test ZF. A REP with rCX = 0 does nothing but advance RIP.
EmulateStatus emulate_string(const Insn& in, GuestContext& ctx, uint32_t budget) {
    const unsigned as = in.addrsize;
    const bool rep = (in.prefixes & (prefix::rep | prefix::repne)) != 0;
    const uint64_t step = (ctx.rflags() & rflags::df) != 0 ? ~uint64_t{in.opsize} + 1 : in.opsize;
    uint64_t count = rep ? ctx.gpr(kRcx) & size_mask(as) : 1;
    const Reg rsi{kRsi, false}, rdi{kRdi, false}, rcx{kRcx, false};
    if (budget == 0) budget = 1;

    for (uint32_t done = 0; count != 0 && done < budget; ++done) {
        const uint64_t si = ctx.gpr(kRsi) & size_mask(as);
        const uint64_t di = ctx.gpr(kRdi) & size_mask(as);
        uint64_t v = 0;
        EmulateStatus s = EmulateStatus::ok;
        if (in.op == Op::movs) {
            s = load(ctx, Loc{true, rsi, linear_address(in, ctx, in.mem.seg, si)}, in.opsize, v);
        } else {
            v = read_reg(ctx, Reg{kRax, false}, in.opsize);
        }
        if (s != EmulateStatus::ok) return s;
        s = store(ctx, Loc{true, rdi, linear_address(in, ctx, Seg::es, di)}, in.opsize, v);
        if (s != EmulateStatus::ok) return s;
        // This iteration is complete: commit it (an interrupted REP restarts from here).
        if (in.op == Op::movs) write_reg(ctx, rsi, as, si + step);
        write_reg(ctx, rdi, as, di + step);
        --count;
        if (rep) write_reg(ctx, rcx, as, count);
    }
    if (count == 0) advance_rip(in, ctx);
    return EmulateStatus::ok;
}

}  // namespace bh::x86::insn
