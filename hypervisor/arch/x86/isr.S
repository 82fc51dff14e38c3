/* 256 interrupt entry stubs and the common save/restore path.
 * Vectors that push an error code (SDM Vol.3 6.3.1 Table 6-1: 8, 10-14, 17,
 * 21, 29, 30) get none from us; all others push a zero so the frame is uniform. */

    .section .text
    .code64

.macro ISR_STUB v
    .balign 16
isr_stub_\v:
    .if (\v == 8) || ((\v >= 10) && (\v <= 14)) || (\v == 17) || (\v == 21) || (\v == 29) || (\v == 30)
    .else
    pushq $0
    .endif
    pushq $\v
    jmp isr_common
.endm

    .altmacro
.set vec, 0
.rept 256
    ISR_STUB %vec
    .set vec, vec + 1
.endr

isr_common:
    pushq %rax
    pushq %rbx
    pushq %rcx
    pushq %rdx
    pushq %rsi
    pushq %rdi
    pushq %rbp
    pushq %r8
    pushq %r9
    pushq %r10
    pushq %r11
    pushq %r12
    pushq %r13
    pushq %r14
    pushq %r15
    movq %rsp, %rdi
    movq %rsp, %rbx
    andq $-16, %rsp             /* SysV alignment for the C++ handler */
    cld
    call trap_dispatch
    movq %rbx, %rsp
    popq %r15
    popq %r14
    popq %r13
    popq %r12
    popq %r11
    popq %r10
    popq %r9
    popq %r8
    popq %rbp
    popq %rdi
    popq %rsi
    popq %rdx
    popq %rcx
    popq %rbx
    popq %rax
    addq $16, %rsp              /* vector, error code */
    iretq

.macro STUB_ADDR v
    .quad isr_stub_\v
.endm

    .section .rodata
    .balign 8
    .globl isr_stub_table
isr_stub_table:
.set vec, 0
.rept 256
    STUB_ADDR %vec
    .set vec, vec + 1
.endr
