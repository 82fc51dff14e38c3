// Emulator internals: register width rules, addresses, operand locations.
#pragma once
#include <cstdint>

#include "arch/x86/insn/emulate.hpp"
#include "arch/x86/insn/flags.hpp"
#include "arch/x86/insn/guest_context.hpp"
#include "arch/x86/insn/insn.hpp"

namespace bh::x86::insn {

inline constexpr unsigned kRax = 0, kRcx = 1, kRsi = 6, kRdi = 7;

// Register read/write of `size` bytes (SDM Vol.1 3.4.1.1): 8/16-bit writes
// merge, AH..BH are bits 15:8, 32-bit writes zero-extend to 64 bits.
uint64_t read_reg(GuestContext& ctx, Reg r, unsigned size);
void write_reg(GuestContext& ctx, Reg r, unsigned size, uint64_t v);

// Effective address of in.mem wrapped to the address size.
uint64_t effective_address(const Insn& in, GuestContext& ctx);
// seg:ea -> linear address (SDM Vol.3 3.4.4: in 64-bit mode only FS and GS
// have a base; outside it linear addresses are 32 bits).
uint64_t linear_address(const Insn& in, GuestContext& ctx, Seg seg, uint64_t ea);

// An operand: a register or a linear memory address.
struct Loc {
    bool mem;
    Reg reg;
    uint64_t linear;
};
Loc rm_loc(const Insn& in, GuestContext& ctx);
inline Loc reg_loc(Reg r) { return Loc{false, r, 0}; }
EmulateStatus load(GuestContext& ctx, const Loc& l, unsigned size, uint64_t& v);
EmulateStatus store(GuestContext& ctx, const Loc& l, unsigned size, uint64_t v);

// Holds the context's atomic bracket for a read-modify-write of memory.
class AtomicScope final {
public:
    AtomicScope(GuestContext& ctx, bool active) : ctx_(ctx), active_(active) {
        if (active_) ctx_.atomic_begin();
    }
    ~AtomicScope() {
        if (active_) ctx_.atomic_end();
    }
    AtomicScope(const AtomicScope&) = delete;
    AtomicScope& operator=(const AtomicScope&) = delete;

private:
    GuestContext& ctx_;
    bool active_;
};

void advance_rip(const Insn& in, GuestContext& ctx);
void set_arith_flags(GuestContext& ctx, uint64_t bits, uint64_t which = rflags::arith);

EmulateStatus emulate_bit(const Insn& in, GuestContext& ctx);
EmulateStatus emulate_string(const Insn& in, GuestContext& ctx, uint32_t budget);

}  // namespace bh::x86::insn
