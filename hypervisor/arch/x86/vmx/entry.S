/* VM entry and exit (SDM Vol.3 28, 27.5). vmx_enter(GuestRegs*, launched)
 * saves the callee-saved host registers and the GuestRegs pointer on the
 * stack, points HOST_RSP at them, loads the guest's general registers and
 * CR2, and executes VMLAUNCH or VMRESUME. A VM exit lands in vmx_exit_entry
 * (HOST_RIP) on that stack; it stores the guest registers and returns 0 from
 * vmx_enter. A failed VMLAUNCH/VMRESUME returns 1 (the VMCS says why).
 * GuestRegs layout: rax rcx rdx rbx rsp(unused) rbp rsi rdi r8..r15 cr2. */

#define VMCS_HOST_RSP 0x6c14
#define R_RAX 0
#define R_RCX 8
#define R_RDX 16
#define R_RBX 24
#define R_RBP 40
#define R_RSI 48
#define R_RDI 56
#define R_R8 64
#define R_R9 72
#define R_R10 80
#define R_R11 88
#define R_R12 96
#define R_R13 104
#define R_R14 112
#define R_R15 120
#define R_CR2 128

    .section .text
    .code64
    .globl vmx_enter
vmx_enter:
    pushq %rbp
    pushq %rbx
    pushq %r12
    pushq %r13
    pushq %r14
    pushq %r15
    pushq %rdi
    movq $VMCS_HOST_RSP, %rax
    vmwrite %rsp, %rax
    movq R_CR2(%rdi), %rax
    movq %rax, %cr2
    testq %rsi, %rsi            /* flags survive the moves below */
    movq R_RAX(%rdi), %rax
    movq R_RCX(%rdi), %rcx
    movq R_RDX(%rdi), %rdx
    movq R_RBX(%rdi), %rbx
    movq R_RBP(%rdi), %rbp
    movq R_RSI(%rdi), %rsi
    movq R_R8(%rdi), %r8
    movq R_R9(%rdi), %r9
    movq R_R10(%rdi), %r10
    movq R_R11(%rdi), %r11
    movq R_R12(%rdi), %r12
    movq R_R13(%rdi), %r13
    movq R_R14(%rdi), %r14
    movq R_R15(%rdi), %r15
    movq R_RDI(%rdi), %rdi
    jnz 1f
    vmlaunch
    jmp 2f
1:  vmresume
2:  popq %rdi                   /* entry failed: host state is intact */
    popq %r15
    popq %r14
    popq %r13
    popq %r12
    popq %rbx
    popq %rbp
    movl $1, %eax
    ret

    .globl vmx_exit_entry
vmx_exit_entry:
    pushq %rdi                  /* guest RDI; the GuestRegs pointer is above it */
    movq 8(%rsp), %rdi
    movq %rax, R_RAX(%rdi)
    movq %rcx, R_RCX(%rdi)
    movq %rdx, R_RDX(%rdi)
    movq %rbx, R_RBX(%rdi)
    movq %rbp, R_RBP(%rdi)
    movq %rsi, R_RSI(%rdi)
    movq %r8, R_R8(%rdi)
    movq %r9, R_R9(%rdi)
    movq %r10, R_R10(%rdi)
    movq %r11, R_R11(%rdi)
    movq %r12, R_R12(%rdi)
    movq %r13, R_R13(%rdi)
    movq %r14, R_R14(%rdi)
    movq %r15, R_R15(%rdi)
    popq %rax
    movq %rax, R_RDI(%rdi)
    movq %cr2, %rax
    movq %rax, R_CR2(%rdi)
    popq %rdi
    popq %r15
    popq %r14
    popq %r13
    popq %r12
    popq %rbx
    popq %rbp
    xorl %eax, %eax
    ret
