/* Multiboot v1 header and entry of the bare-metal test guest.
 * Multiboot 0.6.96 3.1: magic, flags (bit 1: memory info), checksum. */
    .section .multiboot, "a"
    .balign 4
    .long 0x1badb002
    .long 0x00000002
    .long -(0x1badb002 + 0x00000002)

    .section .text
    .code32
    .globl _start
_start:
    movl $stack_top, %esp
    pushl %ebx              /* multiboot info */
    pushl %eax              /* magic */
    call test_main
1:  cli
    hlt
    jmp 1b

/* #GP handler for the MSR checks: counts the fault and resumes after the
 * 2-byte RDMSR/WRMSR that raised it (error code, then EIP, on the stack). */
    .globl gp_handler
gp_handler:
    pushl %eax
    incl gp_count
    movl gp_skip, %eax          /* length of the faulting instruction */
    addl %eax, 8(%esp)          /* EIP, above the saved EAX and the error code */
    popl %eax
    addl $4, %esp               /* error code */
    iret

    .section .data
    .balign 4
    .globl gp_count
gp_count:
    .long 0
    .globl gp_skip
gp_skip:
    .long 2

    .section .bss
    .balign 16
    .skip 16384
stack_top:

    .section .note.GNU-stack, "", @progbits
