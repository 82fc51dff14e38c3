// ModRM / SIB / displacement decoding: the r/m operand and its addressing form.
#pragma once
#include <cstdint>

#include "arch/x86/insn/cursor.hpp"
#include "arch/x86/insn/insn.hpp"

namespace bh::x86::insn {

// Register operand `num` (0..15, REX bits already merged). For byte
// operands without any REX prefix, 4..7 name AH CH DH BH instead of
// SPL BPL SIL DIL (SDM Vol.2 2.2.1.2, Table 3-1).
Reg make_reg(unsigned num, bool byte, uint8_t rex_byte);

// Decodes the r/m part of `modrm` (SIB and displacement follow it in `c`)
// into out.rm_is_mem / out.rm_reg / out.mem, using out.addrsize, out.mode
// and out.rex. `seg_override` is the segment prefix, if has_override.
// Returns false when the bytes run out (c.error() says how).
bool decode_rm(Cursor& c, uint8_t modrm, bool rm_byte, bool has_override, Seg seg_override, Insn& out);

inline constexpr unsigned modrm_mod(uint8_t m) { return m >> 6; }
inline constexpr unsigned modrm_reg(uint8_t m) { return (m >> 3) & 7u; }
inline constexpr unsigned modrm_rm(uint8_t m) { return m & 7u; }

}  // namespace bh::x86::insn
