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

static int same(const char* a, const char* b, int n) {
    for (int i = 0; i < n; ++i) if (a[i] != b[i]) return 0;
    return 1;
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

    u32 r[4];
    cpuid(1, r);
    check((r[2] >> 31) & 1, "CPUID.1:ECX[31] hypervisor bit");
    check(!((r[2] >> 5) & 1), "CPUID.1:ECX[5] VMX hidden");
    cpuid(0x40000000, r);
    check(same((const char*)&r[1], "ACRN", 4) && same((const char*)&r[2], "ACRN", 4) &&
          same((const char*)&r[3], "ACRN", 4), "CPUID 0x40000000 signature ACRNACRNACRN");
    cpuid(0x40000010, r);
    check(r[0] != 0, "CPUID 0x40000010 TSC kHz");

    /* An unclaimed port reads as all ones. */
    check(inb(0x2f0) == 0xff, "unclaimed port reads 0xff");

    puts(failures ? "test-kernel: FAILED\n" : "test-kernel: all checks passed\n");
    outl(0xf4, failures ? 0x11 : 0x10);
    for (;;) __asm__ volatile("cli; hlt");
}
