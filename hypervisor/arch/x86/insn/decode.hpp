// x86 instruction decoder for the MMIO emulator: prefixes, opcodes, operands.
#pragma once
#include <cstddef>
#include <cstdint>

#include "arch/x86/insn/insn.hpp"

namespace bh::x86::insn {

// Decodes the instruction at bytes[0..avail). Never reads bytes[avail] or
// beyond, nor past byte 15. On any status but ok, `out` is unspecified.
// Forms with a register r/m (ModRM.mod = 11) decode too (rm_is_mem = false);
// an MMIO exit cannot come from them, so callers should check rm_is_mem.
DecodeStatus decode(const uint8_t* bytes, size_t avail, CpuMode mode, Insn& out);

const char* to_string(DecodeStatus s);

}  // namespace bh::x86::insn
