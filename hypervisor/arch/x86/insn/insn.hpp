// A decoded x86 instruction: the operand shapes the MMIO emulator handles.
#pragma once
#include <cstddef>
#include <cstdint>

namespace bh::x86::insn {

// Mode the instruction is fetched in; it fixes the default operand and
// address sizes and whether REX exists (SDM Vol.1 3.6, Vol.2 2.2.1).
enum class CpuMode : uint8_t {
    bits16,  // real mode, virtual-8086, or a code segment with CS.D = 0 (protected or compatibility)
    bits32,  // protected or compatibility mode with CS.D = 1
    bits64,  // 64-bit mode: IA32_EFER.LMA = 1 and CS.L = 1
};

enum class DecodeStatus : uint8_t {
    ok,
    truncated,    // the instruction goes on past `avail`: fetch more bytes (up to 15) and retry
    too_long,     // it would exceed 15 bytes: the CPU raises #GP(0) (SDM Vol.2 2.3.11)
    invalid,      // #UD (undefined opcode, LOCK where not allowed)
    unsupported,  // a valid encoding this emulator does not handle
};

// Segment registers in their encoding order (SDM Vol.2 3.1.1.3, "Sreg").
enum class Seg : uint8_t { es, cs, ss, ds, fs, gs };

// What the instruction does. or_/and_/xor_: the plain names are C++ keywords.
enum class Op : uint8_t {
    mov,    // 88 89 8A 8B C6/0 C7/0 A0-A3
    movzx,  // 0F B6 0F B7
    movsx,  // 0F BE 0F BF, and 63 (MOVSXD) in 64-bit mode
    movs,   // A4 A5
    stos,   // AA AB
    add, or_, adc, sbb, and_, sub, xor_, cmp,  // group-1 order (SDM Vol.2 Table A-6, /0../7)
    test,   // 84 85, F6/0 F7/0
    xchg,   // 86 87
    bt, bts, btr, btc,  // 0F A3 AB B3 BB, 0F BA /4../7
};

// Operand arrangement. "dst" is the first operand in Intel syntax; CMP,
// TEST and BT only read it.
enum class Form : uint8_t {
    rm_reg,  // dst = ModRM r/m (or moffs), src = register
    reg_rm,  // dst = register, src = ModRM r/m (or moffs)
    rm_imm,  // dst = ModRM r/m, src = immediate
    string,  // MOVS / STOS: operands implied by rSI, rDI, rCX
};

inline constexpr uint8_t kNoReg = 0xff;

// A general register: num 0..15 = rAX rCX rDX rBX rSP rBP rSI rDI r8..r15.
// high8 selects AH CH DH BH (num 0..3), possible only without REX.
struct Reg {
    uint8_t num;
    bool high8;
};

// Effective address = base + index * scale + disp, wrapped to the address
// size, or next-instruction RIP + disp when rip_relative (SDM Vol.2 2.2.1.6).
// For MOVS, seg is the source segment (the destination is always ES).
struct MemOperand {
    Seg seg;         // after overrides; the default is DS, or SS for an rSP/rBP base
    uint8_t base;    // register number or kNoReg
    uint8_t index;   // register number or kNoReg
    uint8_t scale;   // 1, 2, 4 or 8
    bool rip_relative;
    uint64_t disp;   // sign-extended to 64 bits; for A0-A3 the zero-extended moffs
};

// Prefix bits recorded in Insn::prefixes (SDM Vol.2 2.1.1).
namespace prefix {
inline constexpr uint8_t lock = 1u << 0;      // F0
inline constexpr uint8_t rep = 1u << 1;       // F3
inline constexpr uint8_t repne = 1u << 2;     // F2
inline constexpr uint8_t opsize = 1u << 3;    // 66
inline constexpr uint8_t addrsize = 1u << 4;  // 67
inline constexpr uint8_t segment = 1u << 5;   // 2E 36 3E 26 64 65 (the last one wins)
}  // namespace prefix

// REX bits (SDM Vol.2 2.2.1.2).
namespace rex {
inline constexpr uint8_t b = 1u << 0;
inline constexpr uint8_t x = 1u << 1;
inline constexpr uint8_t r = 1u << 2;
inline constexpr uint8_t w = 1u << 3;
inline constexpr uint8_t present = 0x40;  // Insn::rex is 0 when no REX applies
}  // namespace rex

struct Insn {
    CpuMode mode;
    uint8_t length;     // bytes, 1..15
    uint8_t opcode;     // the last opcode byte
    bool map0f;         // two-byte opcode (0F xx)
    Op op;
    Form form;
    uint8_t opsize;     // destination size in bytes: 1, 2, 4, 8 (for string ops the element size)
    uint8_t src_size;   // source size: equals opsize except MOVZX/MOVSX/MOVSXD (and it is the
                        // immediate's operand size for rm_imm, i.e. opsize too)
    uint8_t addrsize;   // 2, 4, 8
    uint8_t prefixes;   // prefix:: bits
    uint8_t rex;        // the REX byte that applies, or 0
    bool rm_is_mem;     // the r/m operand is memory (always true for moffs and string forms)
    Reg rm_reg;         // the r/m operand when it is a register (ModRM.mod = 11)
    MemOperand mem;     // the memory operand when rm_is_mem
    Reg reg;            // the register operand (ModRM.reg, or rAX for moffs)
    uint8_t imm_size;   // immediate bytes in the encoding (0 if none)
    uint64_t imm;       // sign-extended to 64 bits; 0F BA's imm8 zero-extended
};

}  // namespace bh::x86::insn
