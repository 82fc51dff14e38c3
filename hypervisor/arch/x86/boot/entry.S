/* Multiboot2 header and the boot processor's 32-bit -> 64-bit entry.
 * GRUB enters in 32-bit protected mode, paging off (Multiboot2 spec 3.3):
 * EAX = 0x36d76289, EBX = physical address of the boot information.
 * We build identity page tables for the low 4 GiB with 2 MiB pages (no NX,
 * executable), enter long mode and call bsp_main(magic, info). C++ then
 * builds the real W^X tables; these boot tables stay for the AP trampoline. */

#define MB2_MAGIC        0xe85250d6
#define MB2_ARCH_I386    0
#define MSR_EFER         0xc0000080
#define EFER_LME         (1 << 8)
#define EFER_NXE         (1 << 11)
#define CR0_PE           (1 << 0)
#define CR0_NE           (1 << 5)
#define CR0_WP           (1 << 16)
#define CR0_NW           (1 << 29)
#define CR0_CD           (1 << 30)
#define CR0_PG           (1 << 31)
#define CR4_PAE          (1 << 5)
#define PTE_P_RW         0x03
#define PTE_P_RW_PS      0x83
#define COM1             0x3f8
#define BOOT_STACK_SIZE  16384

    .section .multiboot2, "a"
    .balign 8
mb2_header:
    .long MB2_MAGIC
    .long MB2_ARCH_I386
    .long mb2_header_end - mb2_header
    .long -(MB2_MAGIC + MB2_ARCH_I386 + (mb2_header_end - mb2_header))
    /* Information request (type 1), optional (flags bit 0): memory map,
     * module, ACPI old/new RSDP. */
    .balign 8
    .word 1, 1
    .long 8 + 4 * 5
    .long 6, 3, 14, 15, 1
    .balign 8
    .word 0, 0            /* end tag */
    .long 8
mb2_header_end:

    .section .boot.text, "ax"
    .code32
    .globl _start
_start:
    cli
    cld
    movl $boot_stack_top, %esp
    movl %eax, %edi          /* magic -> first C++ argument */
    movl %ebx, %esi          /* boot info -> second argument */

    /* Long mode needs CPUID leaf 0x80000001 EDX[29] (SDM Vol.3 9.8.5). */
    movl $0x80000000, %eax
    cpuid
    cmpl $0x80000001, %eax
    jb no_long_mode
    movl $0x80000001, %eax
    cpuid
    testl $(1 << 29), %edx
    jz no_long_mode
    movl %edx, %ebp          /* keep EDX[20] (NX) for EFER below */

    /* PML4[0] -> PDPT, PDPT[0..3] -> PD0..3, each PD maps 1 GiB with 2 MiB pages. */
    movl $boot_pdpt, %eax
    orl $PTE_P_RW, %eax
    movl %eax, boot_pml4
    xorl %ecx, %ecx
1:  movl %ecx, %eax
    shll $12, %eax
    addl $boot_pd, %eax
    orl $PTE_P_RW, %eax
    movl %eax, boot_pdpt(, %ecx, 8)
    incl %ecx
    cmpl $4, %ecx
    jb 1b
    xorl %ecx, %ecx          /* 2048 PDEs cover 4 GiB */
2:  movl %ecx, %eax
    shll $21, %eax
    orl $PTE_P_RW_PS, %eax
    movl %eax, boot_pd(, %ecx, 8)
    movl %ecx, %eax
    shrl $11, %eax
    movl %eax, boot_pd + 4(, %ecx, 8)
    incl %ecx
    cmpl $2048, %ecx
    jb 2b

    movl %cr4, %eax
    orl $CR4_PAE, %eax
    movl %eax, %cr4
    movl $boot_pml4, %eax
    movl %eax, %cr3
    movl $MSR_EFER, %ecx
    rdmsr
    orl $EFER_LME, %eax
    testl $(1 << 20), %ebp
    jz 3f
    orl $EFER_NXE, %eax
3:  wrmsr
    /* Firmware may leave caching disabled (CR0.CD/NW set): turn it on. */
    movl %cr0, %eax
    andl $~(CR0_CD | CR0_NW), %eax
    orl $(CR0_PE | CR0_NE | CR0_WP | CR0_PG), %eax
    movl %eax, %cr0
    lgdt boot_gdtr
    ljmp $0x08, $entry64

no_long_mode:
    movl $msg_no_lm, %esi
4:  lodsb
    testb %al, %al
    jz 6f
    movw $(COM1 + 5), %dx
    movb %al, %bl
5:  inb %dx, %al
    testb $0x20, %al
    jz 5b
    movw $COM1, %dx
    movb %bl, %al
    outb %al, %dx
    jmp 4b
6:  hlt
    jmp 6b

    .code64
entry64:
    movw $0x10, %ax
    movw %ax, %ds
    movw %ax, %es
    movw %ax, %ss
    xorw %ax, %ax
    movw %ax, %fs
    movw %ax, %gs
    movq $boot_stack_top, %rsp
    xorl %ebp, %ebp
    call bsp_main            /* (uint32 magic, uint32 info) in edi/esi */
7:  cli
    hlt
    jmp 7b

    .section .boot.rodata, "a"
    .balign 8
boot_gdt:
    .quad 0
    .quad 0x00af9a000000ffff   /* 0x08: 64-bit code */
    .quad 0x00cf92000000ffff   /* 0x10: data */
boot_gdt_end:
    .balign 8
boot_gdtr:
    .word boot_gdt_end - boot_gdt - 1
    .long boot_gdt
msg_no_lm:
    .asciz "Bulkhead: this CPU has no 64-bit long mode (CPUID 80000001h EDX[29]); halting.\r\n"

    .section .boot.data, "aw"
    .balign 4096
    .globl boot_pml4
boot_pml4:
    .fill 512, 8, 0
boot_pdpt:
    .fill 512, 8, 0
boot_pd:
    .fill 2048, 8, 0

    .section .bss
    .balign 4096
    .globl boot_stack_guard
boot_stack_guard:                /* unmapped by memory.cpp */
    .skip 4096
    .globl boot_stack_bottom
boot_stack_bottom:
    .skip BOOT_STACK_SIZE
    .globl boot_stack_top
boot_stack_top:
