// Result and arithmetic flags of the ALU operations the emulator executes.
#pragma once
#include <cstdint>

#include "arch/x86/insn/insn.hpp"

namespace bh::x86::insn {

// RFLAGS bits (SDM Vol.1 3.4.3).
namespace rflags {
inline constexpr uint64_t cf = 1u << 0;
inline constexpr uint64_t pf = 1u << 2;
inline constexpr uint64_t af = 1u << 4;
inline constexpr uint64_t zf = 1u << 6;
inline constexpr uint64_t sf = 1u << 7;
inline constexpr uint64_t df = 1u << 10;
inline constexpr uint64_t of = 1u << 11;
inline constexpr uint64_t arith = cf | pf | af | zf | sf | of;
}  // namespace rflags

inline constexpr uint64_t size_mask(unsigned size) {
    return size >= 8 ? ~uint64_t{0} : (uint64_t{1} << (8 * size)) - 1;
}
inline constexpr uint64_t sign_extend(uint64_t v, unsigned size) {
    const unsigned shift = 64 - 8 * size;
    return static_cast<uint64_t>(static_cast<int64_t>(v << shift) >> shift);
}

struct AluResult {
    uint64_t value;  // masked to the operand size
    uint64_t flags;  // the rflags::arith bits only
};

// a op b on size-byte operands (1, 2, 4, 8; inputs are masked here) for
// ADD OR ADC SBB AND SUB XOR CMP TEST; carry_in is CF for ADC and SBB.
// CMP gives SUB's flags, TEST gives AND's. Flags as the SDM instruction
// pages define them; AF, which is undefined after AND OR XOR TEST, is 0.
AluResult alu(Op op, unsigned size, uint64_t a, uint64_t b, bool carry_in);

}  // namespace bh::x86::insn
