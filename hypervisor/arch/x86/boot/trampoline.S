/* AP start-up trampoline (SDM Vol.3 9.4.4, 9.8). The BSP copies the bytes
 * between ap_trampoline_start and ap_trampoline_end to a free page below
 * 1 MiB, fills the parameter block at the end, and sends INIT-SIPI-SIPI with
 * that page as the vector. The AP runs it in real mode: load a GDT, enter
 * protected mode, enable PAE paging on the boot page tables (identity, no
 * NX, below 4 GiB), set EFER.LME, and jump to ap_entry64 in the image.
 * Everything in the page is reached relative to its base (EBX). */

#define MSR_EFER   0xc0000080
#define CR0_PE     (1 << 0)
#define CR0_NE     (1 << 5)
#define CR0_WP     (1 << 16)
#define CR0_NW     (1 << 29)
#define CR0_CD     (1 << 30)
#define CR0_PG     (1 << 31)
#define CR4_PAE    (1 << 5)
#define OFF(sym)   ((sym) - ap_trampoline_start)

    .section .rodata.trampoline, "a"
    .code16
    .globl ap_trampoline_start
ap_trampoline_start:
    cli
    cld
    movw %cs, %ax
    movw %ax, %ds
    movzwl %ax, %ebx
    shll $4, %ebx                      /* EBX = linear base of this page */
    /* Patch the GDT pointer and the 32-bit jump target with our base. */
    leal OFF(tramp_gdt)(%ebx), %eax
    movl %eax, OFF(tramp_gdtr) + 2
    leal OFF(tramp32)(%ebx), %eax
    movl %eax, OFF(tramp_jmp32)
    lgdtl OFF(tramp_gdtr)
    movl %cr0, %eax
    andl $~(CR0_CD | CR0_NW), %eax     /* INIT leaves caching disabled */
    orl $(CR0_PE | CR0_NE), %eax
    movl %eax, %cr0
    ljmpl *OFF(tramp_jmp32)

    .code32
tramp32:
    movw $0x10, %ax
    movw %ax, %ds
    movw %ax, %es
    movw %ax, %ss
    movl %cr4, %eax
    orl $CR4_PAE, %eax
    movl %eax, %cr4
    movl OFF(tramp_boot_cr3)(%ebx), %eax
    movl %eax, %cr3
    movl $MSR_EFER, %ecx
    rdmsr
    orl OFF(tramp_efer_bits)(%ebx), %eax
    wrmsr
    movl %cr0, %eax
    orl $(CR0_PG | CR0_WP), %eax
    movl %eax, %cr0
    ljmpl *OFF(tramp_jmp64)(%ebx)

    .balign 8
tramp_gdt:
    .quad 0
    .quad 0x00cf9a000000ffff           /* 0x08: 32-bit code */
    .quad 0x00cf92000000ffff           /* 0x10: data */
    .quad 0x00af9a000000ffff           /* 0x18: 64-bit code */
tramp_gdt_end:
    .balign 4
tramp_gdtr:
    .word tramp_gdt_end - tramp_gdt - 1
    .long 0
tramp_jmp32:
    .long 0
    .word 0x08

/* Parameter block, filled by the BSP (see smp_boot.cpp, TrampolineParams). */
    .balign 8
    .globl ap_trampoline_params
ap_trampoline_params:
tramp_jmp64:
    .long 0                            /* +0: ap_entry64 (below 4 GiB) */
    .word 0x18                         /* +4: 64-bit code selector */
    .word 0
tramp_boot_cr3:
    .long 0                            /* +8: boot PML4 */
tramp_efer_bits:
    .long 0                            /* +12: LME | NXE-if-supported */
    .quad 0                            /* +16: real CR3 */
    .quad 0                            /* +24: stack top */
    .quad 0                            /* +32: cpu index */
    .globl ap_trampoline_end
ap_trampoline_end:

    .section .text
    .code64
    .globl ap_entry64
/* Entered in 64-bit mode on the boot tables with EBX = trampoline base. */
ap_entry64:
    movw $0x10, %ax
    movw %ax, %ds
    movw %ax, %es
    movw %ax, %ss
    xorw %ax, %ax
    movw %ax, %fs
    movw %ax, %gs
    movl %ebx, %ebx
    leaq OFF(ap_trampoline_params)(%rbx), %rbx
    movq 16(%rbx), %rax
    movq %rax, %cr3                    /* the hypervisor's real (W^X) tables */
    movq 24(%rbx), %rsp
    movq 32(%rbx), %rdi
    xorl %ebp, %ebp
    call ap_main                       /* never returns */
1:  cli
    hlt
    jmp 1b
