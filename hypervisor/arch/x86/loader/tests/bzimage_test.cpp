// Unit tests for the bzImage loader: zero page fields, placement, page tables, boot state.
#include "arch/x86/loader/bzimage.hpp"

#include <gtest/gtest.h>

#include <cstring>
#include <string>
#include <vector>

#include "arch/x86/loader/tests/bzimage_test_util.hpp"
#include "arch/x86/loader/tests/loader_test_util.hpp"

namespace bh::x86::loader {
namespace {

using test::BzSpec;
using test::GuardedRam;
using test::kMiB;
using test::make_bzimage;
using test::kCmdline;
using test::kRam;
using test::kRsdp;
using test::kZeroPage;
using test::load;
using test::Loaded;
using test::pattern;

// The zero page the loader must produce, built independently from zero-page.rst offsets.
std::vector<uint8_t> expected_zero_page(const std::vector<uint8_t>& img, uint64_t kernel, uint64_t initrd,
                                        uint64_t initrd_size, uint64_t ram) {
    test::Bytes z;
    z.v.assign(0x1000, 0);
    const size_t hdr_end = 0x202 + img[0x201];
    std::memcpy(z.v.data() + 0x1f1, img.data() + 0x1f1, hdr_end - 0x1f1);
    z.u64(0x070, kRsdp);                                  // acpi_rsdp_addr
    z.u32(0x0c0, static_cast<uint32_t>(initrd >> 32));    // ext_ramdisk_image
    z.u32(0x0c4, static_cast<uint32_t>(initrd_size >> 32));
    z.u32(0x0c8, 0);                                      // ext_cmd_line_ptr
    z.u8(0x1e8, 4);                                       // e820_entries
    z.u16(0x1fa, 0xffff);                                 // vid_mode normal
    z.u8(0x210, 0xff);                                    // type_of_loader
    z.u8(0x211, static_cast<uint8_t>(img[0x211] & 0x3f));  // CAN_USE_HEAP, KEEP_SEGMENTS cleared
    z.u32(0x214, static_cast<uint32_t>(kernel));          // code32_start
    z.u32(0x218, static_cast<uint32_t>(initrd));
    z.u32(0x21c, static_cast<uint32_t>(initrd_size));
    z.u16(0x224, 0);                                      // heap_end_ptr
    z.u32(0x228, kCmdline);
    z.u64(0x250, 0);                                      // setup_data
    const uint64_t e820[4][3] = {{0, 0x9fc00, 1}, {0x9fc00, 0x400, 2}, {0xe0000, 0x20000, 2}, {0x100000, ram - 0x100000, 1}};
    for (size_t i = 0; i < 4; ++i) {
        z.u64(0x2d0 + 20 * i, e820[i][0]);
        z.u64(0x2d0 + 20 * i + 8, e820[i][1]);
        z.u32(0x2d0 + 20 * i + 16, static_cast<uint32_t>(e820[i][2]));
    }
    return z.v;
}


TEST(BzImage, FullLoad) {
    GuardedRam g(kRam);
    const BzSpec spec;
    const auto img = make_bzimage(spec);
    const auto initrd = pattern(100 * 1024 + 5, 0x13);
    const Loaded r = load(g, img, &initrd, "console=ttyS0 root=/dev/ram0");
    ASSERT_EQ(r.st, LoadStatus::ok) << to_string(r.st);

    // Kernel at pref_address (4 MiB), reserving init_size; initrd at the top of RAM.
    const uint64_t initrd_at = (kRam - initrd.size()) & ~0xfffull;
    EXPECT_EQ(r.where, (BzImagePlacement{0x400000, 0x300000, initrd_at, initrd.size()}));

    BootState e{};
    e.mode = CpuMode::long64;
    e.rip = 0x400200;
    e.rsi = kZeroPage;
    e.rflags = 0x2;
    e.cr0 = 0x80000031;
    e.cr3 = 0x2000;
    e.cr4 = 0x20;
    e.efer = 0x500;
    e.cs = Segment{0x10, 0, 0xffffffff, 0xa09b};
    e.ds = e.es = e.ss = e.fs = e.gs = Segment{0x18, 0, 0xffffffff, 0xc093};
    e.tr = Segment{0, 0, 0xffff, 0x8b};
    e.ldtr = Segment{0, 0, 0, 0x10000};
    e.gdtr = DescriptorTable{0x1000, 31};
    e.idtr = DescriptorTable{0, 0};
    EXPECT_EQ(r.state, e);

    const auto zp = expected_zero_page(img, 0x400000, initrd_at, initrd.size(), kRam);
    for (size_t i = 0; i < zp.size(); ++i) ASSERT_EQ(g.u8(kZeroPage + i), zp[i]) << "zero page offset 0x" << std::hex << i;
    EXPECT_EQ(g.u8(kZeroPage + 0x1ef), 0);  // sentinel
    EXPECT_EQ(g.str(kCmdline), "console=ttyS0 root=/dev/ram0");

    const size_t setup = 5 * 512;
    EXPECT_TRUE(g.equals(0x400000, img.data() + setup, img.size() - setup));
    EXPECT_TRUE(g.equals(initrd_at, initrd.data(), initrd.size()));
    EXPECT_EQ(g.u64(0x1010), 0x00af9b000000ffffull);  // __BOOT_CS: 64-bit code
    EXPECT_EQ(g.u64(0x1018), 0x00cf93000000ffffull);  // __BOOT_DS

    // The 64-bit protocol's identity mapping: kernel + init_size, zero page, command line, and the initrd.
    EXPECT_TRUE(g.identity_mapped(e.cr3, 0x400000, 0x300000));
    EXPECT_TRUE(g.identity_mapped(e.cr3, kZeroPage, 0x1000));
    EXPECT_TRUE(g.identity_mapped(e.cr3, kCmdline, 64));
    EXPECT_TRUE(g.identity_mapped(e.cr3, initrd_at, initrd.size()));
    EXPECT_TRUE(g.identity_mapped(e.cr3, 0x1000, 32));  // the GDT
    // Nothing touched the BIOS/ACPI area, the EBDA, or page 0.
    EXPECT_TRUE(g.zero(0x9fc00, 0x100000 - 0x9fc00));
    EXPECT_TRUE(g.zero(0, 0x1000));
    EXPECT_TRUE(g.guards_intact());
}

TEST(BzImage, NoInitrdAndNoCommandLine) {
    GuardedRam g(kRam);
    const auto img = make_bzimage(BzSpec{});
    const std::vector<uint8_t> empty;
    for (const auto* rd : {static_cast<const std::vector<uint8_t>*>(nullptr), &empty}) {
        const Loaded r = load(g, img, rd, nullptr);
        ASSERT_EQ(r.st, LoadStatus::ok);
        EXPECT_EQ(r.where.initrd, 0u);
        EXPECT_EQ(g.u32(kZeroPage + 0x218), 0u);
        EXPECT_EQ(g.u32(kZeroPage + 0x21c), 0u);
        EXPECT_EQ(g.u32(kZeroPage + 0x228), kCmdline);  // always set (boot.rst cmd_line_ptr)
        EXPECT_EQ(g.str(kCmdline), "");
    }
}

TEST(BzImage, Placement) {
    struct Case {
        uint64_t pref;
        uint8_t reloc;
        uint32_t align;
        uint32_t init_size;
        uint64_t want_at, want_reserved;
    };
    const Case cases[] = {
        {0x400000, 1, 0x200000, 0x300000, 0x400000, 0x300000},  // pref_address, aligned
        {0x480000, 1, 0x200000, 0x300000, 0x600000, 0x300000},  // relocatable: runtime start aligned up
        {0x480000, 0, 0x200000, 0x300000, 0x480000, 0x300000},  // fixed kernel: exactly pref_address
        {0, 1, 0x200000, 0x300000, 0x200000, 0x300000},         // no preference: 1 MiB, aligned
        {0, 0, 0x200000, 0x300000, 0x100000, 0x300000},
        {0x400000, 1, 0x200000, 0x1000, 0x400000, 0x20000},     // init_size below the payload
        {0x400000, 1, 0x200000, 0x300001, 0x400000, 0x301000},  // reservation rounded to pages
        {0x400000, 1, 0x1000, 0x300000, 0x400000, 0x300000},
    };
    for (const Case& c : cases) {
        GuardedRam g(kRam);
        BzSpec s;
        s.pref_address = c.pref;
        s.relocatable = c.reloc;
        s.kernel_alignment = c.align;
        s.init_size = c.init_size;
        const auto img = make_bzimage(s);
        const Loaded r = load(g, img, nullptr, "x");
        ASSERT_EQ(r.st, LoadStatus::ok) << std::hex << c.pref;
        EXPECT_EQ(r.where.kernel, c.want_at) << std::hex << c.pref;
        EXPECT_EQ(r.where.kernel_reserved, c.want_reserved);
        EXPECT_EQ(r.state.rip, c.want_at + 0x200);
        EXPECT_EQ(g.u32(kZeroPage + 0x214), c.want_at);
        EXPECT_TRUE(g.equals(c.want_at, img.data() + 5 * 512, s.payload));
        EXPECT_TRUE(g.identity_mapped(r.state.cr3, c.want_at, c.want_reserved));
        EXPECT_TRUE(g.guards_intact());
    }
}

TEST(BzImage, SetupSectsZeroMeansFour) {
    GuardedRam g(kRam);
    BzSpec s;
    s.setup_sects = 0;
    const auto img = make_bzimage(s);
    const Loaded r = load(g, img, nullptr, "");
    ASSERT_EQ(r.st, LoadStatus::ok);
    EXPECT_TRUE(g.equals(0x400000, img.data() + 5 * 512, s.payload));
    s.setup_sects = 30;
    const auto big = make_bzimage(s);
    ASSERT_EQ(load(g, big, nullptr, "").st, LoadStatus::ok);
    EXPECT_TRUE(g.equals(0x400000, big.data() + 31 * 512, s.payload));
}

TEST(BzImage, InitrdBelowInitrdAddrMax) {
    GuardedRam g(kRam);
    BzSpec s;
    s.initrd_addr_max = 0xffffff;  // highest byte 16 MiB - 1
    const auto img = make_bzimage(s);
    const auto initrd = pattern(0x3000, 1);
    const Loaded r = load(g, img, &initrd, "");
    ASSERT_EQ(r.st, LoadStatus::ok);
    EXPECT_EQ(r.where.initrd, 16 * kMiB - 0x3000);
    EXPECT_EQ(r.where.initrd + r.where.initrd_size - 1, 0xffffffu);  // ends exactly on the highest legal byte
    EXPECT_TRUE(g.equals(r.where.initrd, initrd.data(), initrd.size()));
}

TEST(BzImage, InitrdGoesBelowTheKernelWhenTheTopIsTaken) {
    GuardedRam g(kRam);
    BzSpec s;
    s.pref_address = 28 * kMiB;  // kernel reserves [28, 31) MiB: 1 MiB free above it
    const auto img = make_bzimage(s);
    const auto initrd = pattern(2 * kMiB, 2);
    const Loaded r = load(g, img, &initrd, "");
    ASSERT_EQ(r.st, LoadStatus::ok) << to_string(r.st);
    EXPECT_EQ(r.where.initrd, 26 * kMiB);
    EXPECT_TRUE(g.equals(26 * kMiB, initrd.data(), initrd.size()));
    EXPECT_TRUE(g.equals(28 * kMiB, img.data() + 5 * 512, s.payload));
    EXPECT_TRUE(g.identity_mapped(r.state.cr3, 26 * kMiB, 2 * kMiB));
}

TEST(BzImage, CommandLineLimits) {
    GuardedRam g(kRam);
    BzSpec s;
    s.cmdline_size = 16;
    auto img = make_bzimage(s);
    EXPECT_EQ(load(g, img, nullptr, std::string(16, 'a').c_str()).st, LoadStatus::ok);
    EXPECT_EQ(g.str(kCmdline), std::string(16, 'a'));
    GuardedRam g2(kRam);
    EXPECT_EQ(load(g2, img, nullptr, std::string(17, 'a').c_str()).st, LoadStatus::cmdline_too_long);
    EXPECT_TRUE(g2.untouched());

    // A kernel accepting more than the loader's area is capped by the area.
    s.cmdline_size = 0xffffffff;
    img = make_bzimage(s);
    EXPECT_EQ(load(g, img, nullptr, std::string(kBzCmdlineMax, 'b').c_str()).st, LoadStatus::ok);
    EXPECT_EQ(g.str(kCmdline).size(), kBzCmdlineMax);
    EXPECT_EQ(g.u8(kCmdline + kBzCmdlineMax), 0);
    EXPECT_EQ(load(g2, img, nullptr, std::string(kBzCmdlineMax + 1, 'b').c_str()).st, LoadStatus::cmdline_too_long);
    EXPECT_TRUE(g2.untouched());
    EXPECT_TRUE(g.guards_intact());
    EXPECT_TRUE(g2.guards_intact());
}


}  // namespace
}  // namespace bh::x86::loader
