// Interrupt and exception entry: the frame the stubs build and the dispatcher.
#pragma once
#include <cstdint>

namespace bh::x86 {

// Exception vectors (SDM Vol.3 6.3.1 Table 6-1) and the hypervisor's own
// interrupt vectors.
enum class Vector : uint8_t {
    divide_error = 0,
    debug = 1,
    nmi = 2,
    breakpoint = 3,
    invalid_opcode = 6,
    double_fault = 8,
    general_protection = 13,
    page_fault = 14,
    machine_check = 18,
    first_external = 32,
    timer = 0xef,
    notify = 0xf0,    // kick of a vCPU in non-root mode (interrupt core)
    smp_call = 0xf1,  // cross-pCPU function call
    lapic_error = 0xfe,
    spurious = 0xff,
};

// Pushed by isr.S: general registers, then vector and error code, then the
// CPU's own frame (SDM Vol.3 6.14.2).
struct TrapFrame {
    uint64_t r15, r14, r13, r12, r11, r10, r9, r8;
    uint64_t rbp, rdi, rsi, rdx, rcx, rbx, rax;
    uint64_t vector, error_code;
    uint64_t rip, cs, rflags, rsp, ss;
};

using IrqHandler = void (*)(TrapFrame& frame);
void set_irq_handler(Vector v, IrqHandler h);

const char* exception_name(uint64_t vector);

}  // namespace bh::x86
