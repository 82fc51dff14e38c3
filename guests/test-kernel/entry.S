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

    .section .bss
    .balign 16
    .skip 16384
stack_top:

    .section .note.GNU-stack, "", @progbits
