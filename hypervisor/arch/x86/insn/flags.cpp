// ALU results and CF PF AF ZF SF OF, per the SDM Vol.2 pages of ADD ADC SUB SBB CMP AND OR XOR TEST.
#include "arch/x86/insn/flags.hpp"

namespace bh::x86::insn {

namespace {

// PF: set when the low byte of the result has an even number of 1 bits.
bool even_parity(uint64_t v) {
    uint64_t x = v & 0xff;
    x ^= x >> 4;
    x ^= x >> 2;
    x ^= x >> 1;
    return (x & 1) == 0;
}

// ZF SF PF of a masked result.
uint64_t zsp(uint64_t r, unsigned size) {
    uint64_t f = 0;
    if (r == 0) f |= rflags::zf;
    if ((r >> (8 * size - 1)) & 1) f |= rflags::sf;
    if (even_parity(r)) f |= rflags::pf;
    return f;
}

uint64_t top(uint64_t v, unsigned size) { return (v >> (8 * size - 1)) & 1; }

AluResult add(unsigned size, uint64_t a, uint64_t b, bool c) {
    const uint64_t r = (a + b + (c ? 1 : 0)) & size_mask(size);
    uint64_t f = zsp(r, size);
    if (c ? r <= a : r < a) f |= rflags::cf;              // carry out of the top bit
    if (top((a ^ r) & (b ^ r), size)) f |= rflags::of;     // both inputs differ in sign from r
    if (((a ^ b ^ r) & 0x10) != 0) f |= rflags::af;        // carry out of bit 3
    return {r, f};
}

AluResult sub(unsigned size, uint64_t a, uint64_t b, bool c) {
    const uint64_t r = (a - b - (c ? 1 : 0)) & size_mask(size);
    uint64_t f = zsp(r, size);
    if (c ? a <= b : a < b) f |= rflags::cf;               // borrow into the top bit
    if (top((a ^ b) & (a ^ r), size)) f |= rflags::of;     // signs of a, b differ and r's differs from a
    if (((a ^ b ^ r) & 0x10) != 0) f |= rflags::af;        // borrow into bit 3
    return {r, f};
}

AluResult logic(unsigned size, uint64_t r) { return {r, zsp(r, size)}; }  // CF = OF = 0

}  // namespace

AluResult alu(Op op, unsigned size, uint64_t a, uint64_t b, bool carry_in) {
    const uint64_t m = size_mask(size);
    a &= m;
    b &= m;
    switch (op) {
    case Op::add: return add(size, a, b, false);
    case Op::adc: return add(size, a, b, carry_in);
    case Op::sub: case Op::cmp: return sub(size, a, b, false);
    case Op::sbb: return sub(size, a, b, carry_in);
    case Op::and_: case Op::test: return logic(size, a & b);
    case Op::or_: return logic(size, a | b);
    case Op::xor_: return logic(size, a ^ b);
    default: return {a, 0};
    }
}

}  // namespace bh::x86::insn
