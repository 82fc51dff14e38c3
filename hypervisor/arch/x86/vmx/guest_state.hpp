// The general registers of a vCPU as entry.S saves and restores them.
#pragma once
#include <cstddef>
#include <cstdint>

namespace bh::x86::vmx {

struct GuestRegs {
    uint64_t rax, rcx, rdx, rbx, rsp_unused, rbp, rsi, rdi;
    uint64_t r8, r9, r10, r11, r12, r13, r14, r15;
    uint64_t cr2;
};
static_assert(offsetof(GuestRegs, r15) == 120 && offsetof(GuestRegs, cr2) == 128);

}  // namespace bh::x86::vmx
