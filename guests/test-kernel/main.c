/* Bare-metal test guest for Bulkhead's pre-launched VMs: a Multiboot v1
 * kernel that checks what the hypervisor promised (boot information, the
 * ACRN CPUID leaves), reports on its serial port and ends through the
 * test-exit port 0xf4 with 0x10 (pass) or 0x11 (fail). No libc. */

typedef unsigned int u32;
typedef unsigned short u16;
typedef unsigned char u8;

static inline void outb(u16 port, u8 v) { __asm__ volatile("outb %0, %1" : : "a"(v), "Nd"(port)); }
static inline u8 inb(u16 port) { u8 v; __asm__ volatile("inb %1, %0" : "=a"(v) : "Nd"(port)); return v; }
static inline void outl(u16 port, u32 v) { __asm__ volatile("outl %0, %1" : : "a"(v), "Nd"(port)); }
static inline void cpuid(u32 leaf, u32 r[4]) {
    __asm__ volatile("cpuid" : "=a"(r[0]), "=b"(r[1]), "=c"(r[2]), "=d"(r[3]) : "a"(leaf), "c"(0));
}

#define COM1 0x3f8
static void putc(char c) {
    for (int i = 0; i < 100000 && !(inb(COM1 + 5) & 0x20); ++i) {}
    outb(COM1, (u8)c);
}
static void puts(const char* s) { while (*s) { if (*s == '\n') putc('\r'); putc(*s++); } }
static void putu(u32 v) {
    char b[11]; int n = 0;
    do { b[n++] = (char)('0' + v % 10); v /= 10; } while (v);
    while (n) putc(b[--n]);
}

static int failures;
static void check(int ok, const char* what) {
    puts(ok ? "test-kernel: PASS " : "test-kernel: FAIL ");
    puts(what);
    puts("\n");
    if (!ok) ++failures;
}

static int contains(const char* s, const char* w) {
    for (; *s; ++s) {
        int i = 0;
        while (w[i] && s[i] == w[i]) ++i;
        if (!w[i]) return 1;
    }
    return 0;
}

static int same(const char* a, const char* b, int n) {
    for (int i = 0; i < n; ++i) if (a[i] != b[i]) return 0;
    return 1;
}

static inline int rdmsr_safe(u32 msr, u32* lo, u32* hi);
static inline void wrmsr_raw(u32 msr, u32 lo, u32 hi) {
    __asm__ volatile("wrmsr" : : "c"(msr), "a"(lo), "d"(hi) : "memory");
}
extern volatile u32 gp_count;
extern volatile u32 gp_skip;
extern void gp_handler(void);

static inline int rdmsr_safe(u32 msr, u32* lo, u32* hi) {
    const u32 before = gp_count;
    *lo = *hi = 0;
    __asm__ volatile("rdmsr" : "=a"(*lo), "=d"(*hi) : "c"(msr) : "memory");
    return gp_count == before;
}

/* A 32-bit IDT whose only gate is #GP (SDM Vol.3 6.11). */
static unsigned long long idt[32];
static void install_idt(void) {
    u16 cs;
    __asm__ volatile("mov %%cs, %0" : "=r"(cs));
    const u32 h = (u32)gp_handler;
    idt[13] = (unsigned long long)((h & 0xffff) | ((u32)cs << 16)) |
              ((unsigned long long)((h & 0xffff0000u) | 0x8e00u) << 32);
    struct __attribute__((packed)) { u16 limit; u32 base; } ptr = {sizeof(idt) - 1, (u32)idt};
    __asm__ volatile("lidt %0" : : "m"(ptr));
}

/* Multiboot information (Multiboot 0.6.96 3.3). */
struct mbi { u32 flags, mem_lower, mem_upper, boot_device, cmdline, mods_count, mods_addr; };

void test_main(u32 magic, const struct mbi* mbi) {
    outb(COM1 + 1, 0);      /* 115200 8N1, FIFO on */
    outb(COM1 + 3, 0x80);
    outb(COM1 + 0, 1);
    outb(COM1 + 1, 0);
    outb(COM1 + 3, 0x03);
    outb(COM1 + 2, 0xc7);
    puts("test-kernel: started\n");

    check(magic == 0x2badb002, "multiboot magic in EAX");
    check((mbi->flags & 1) && mbi->mem_lower >= 600, "mem_lower reported");
    puts("test-kernel: mem_upper KiB ");
    putu(mbi->mem_upper);
    puts("\n");
    check((mbi->flags & 1) && mbi->mem_upper >= 8 * 1024, "mem_upper reported");
    if (mbi->flags & 4) {
        puts("test-kernel: cmdline ");
        puts((const char*)mbi->cmdline);
        puts("\n");
    }

    if ((mbi->flags & 4) && contains((const char*)mbi->cmdline, "triple-fault")) {
        /* An empty IDT: INT3 -> #GP -> #DF -> shutdown (SDM Vol.3 6.15, #DF). */
        puts("test-kernel: triple-faulting on purpose\n");
        struct __attribute__((packed)) { u16 limit; u32 base; } none = {0, 0};
        __asm__ volatile("lidt %0; int3" : : "m"(none));
    }

    if ((mbi->flags & 4) && contains((const char*)mbi->cmdline, "halt-forever")) {
        /* With no interrupt ever sent to it, HLT must not return. */
        puts("test-kernel: halting with interrupts enabled\n");
        __asm__ volatile("sti; hlt");
        puts("test-kernel: resumed after HLT without an event\n");
        outl(0xf4, 0x11);
    }

    u32 r[4];
    cpuid(1, r);
    check((r[2] >> 31) & 1, "CPUID.1:ECX[31] hypervisor bit");
    check(!((r[2] >> 5) & 1), "CPUID.1:ECX[5] VMX hidden");
    cpuid(0x40000000, r);
    check(same((const char*)&r[1], "ACRN", 4) && same((const char*)&r[2], "ACRN", 4) &&
          same((const char*)&r[3], "ACRN", 4), "CPUID 0x40000000 signature ACRNACRNACRN");
    cpuid(0x40000010, r);
    check(r[0] != 0, "CPUID 0x40000010 TSC kHz");

    /* The MSR policy, seen from inside. */
    install_idt();
    u32 lo, hi;
    check(rdmsr_safe(0x1b, &lo, &hi) && lo == 0xfee00900u && hi == 0, "IA32_APIC_BASE reads 0xFEE00900");
    check(rdmsr_safe(0x10, &lo, &hi) && (lo | hi) != 0, "IA32_TSC readable");
    wrmsr_raw(0x277, 0x00070106u, 0x00070406u);
    check(rdmsr_safe(0x277, &lo, &hi) && lo == 0x00070106u && hi == 0x00070406u, "IA32_PAT write and read back");
    check(!rdmsr_safe(0x480, &lo, &hi), "IA32_VMX_BASIC raises #GP");
    check(!rdmsr_safe(0x12345678, &lo, &hi), "an unknown MSR raises #GP");
    const u32 gp_before = gp_count;
    wrmsr_raw(0x277, 0x02020202u, 0);  /* type 2 is reserved: #GP, PAT unchanged */
    check(gp_count == gp_before + 1 && rdmsr_safe(0x277, &lo, &hi) && lo == 0x00070106u,
          "an invalid PAT raises #GP and changes nothing");

    /* Control registers: the host owns CR0.NE and CR4.VMXE; the guest sees
     * its own values through the read shadows. */
    u32 cr0, cr4;
    __asm__ volatile("mov %%cr0, %0" : "=r"(cr0));
    __asm__ volatile("mov %0, %%cr0" : : "r"(cr0 & ~0x20u));   /* clear NE: exits */
    u32 cr0_after;
    __asm__ volatile("mov %%cr0, %0" : "=r"(cr0_after));
    check(cr0_after == (cr0 & ~0x20u), "CR0.NE cleared reads back clear (read shadow)");
    __asm__ volatile("mov %0, %%cr0" : : "r"(cr0));
    __asm__ volatile("mov %%cr4, %0" : "=r"(cr4));
    check(!(cr4 & (1u << 13)), "CR4.VMXE reads 0");
    gp_skip = 3;  /* mov %eax, %cr4 is 0F 22 E0 */
    const u32 gp0 = gp_count;
    __asm__ volatile("mov %0, %%cr4" : : "a"(cr4 | (1u << 13)));
    gp_skip = 2;
    check(gp_count == gp0 + 1, "setting CR4.VMXE raises #GP");
    __asm__ volatile("mov %%cr4, %0" : "=r"(cr4));
    check(!(cr4 & (1u << 13)), "CR4.VMXE still 0 after the #GP");

    /* An unclaimed port reads as all ones. */
    check(inb(0x2f0) == 0xff, "unclaimed port reads 0xff");

    puts(failures ? "test-kernel: FAILED\n" : "test-kernel: all checks passed\n");
    outl(0xf4, failures ? 0x11 : 0x10);
    for (;;) __asm__ volatile("cli; hlt");
}
