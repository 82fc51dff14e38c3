// Loads a real distribution kernel when BH_TEST_BZIMAGE names one (e.g. Debian's
// boot/vmlinuz-*, extracted with dpkg-deb -x); skipped otherwise.
#include <gtest/gtest.h>

#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <iterator>
#include <vector>

#include "arch/x86/loader/bzimage.hpp"
#include "arch/x86/loader/tests/loader_test_util.hpp"

namespace bh::x86::loader {
namespace {

using test::GuardedRam;
using test::kMiB;
using test::pattern;

TEST(BzImageReal, LoadsTheKernelNamedByBhTestBzimage) {
    const char* path = std::getenv("BH_TEST_BZIMAGE");
    if (path == nullptr || *path == '\0') GTEST_SKIP() << "set BH_TEST_BZIMAGE to a bzImage (e.g. boot/vmlinuz-*) to run";
    std::ifstream in(path, std::ios::binary);
    ASSERT_TRUE(in) << "cannot read " << path;
    const std::vector<uint8_t> img((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());

    BzImageHeader h;
    ASSERT_EQ(parse_bzimage_header(Image{img.data(), img.size(), nullptr}, h), LoadStatus::ok);
    std::printf("%s: %zu bytes, boot protocol %u.%02u, loadflags 0x%02x, xloadflags 0x%04x, setup %zu bytes\n", path,
                img.size(), h.version >> 8, h.version & 0xff, h.loadflags, h.xloadflags, h.setup_size);
    std::printf("  pref_address 0x%llx, kernel_alignment 0x%x, relocatable %d, init_size 0x%x, cmdline_size %u, "
                "initrd_addr_max 0x%x\n",
                static_cast<unsigned long long>(h.pref_address), h.kernel_alignment, h.relocatable ? 1 : 0, h.init_size,
                h.cmdline_size, h.initrd_addr_max);
    EXPECT_GE(h.version, 0x020c);
    EXPECT_NE(h.xloadflags & hdr::kXlfKernel64, 0);

    const uint64_t ram = 256 * kMiB;
    GuardedRam g(ram);
    const auto initrd = pattern(3 * kMiB + 123, 0x42);
    const Image rd{initrd.data(), initrd.size(), nullptr};
    BootState st{};
    BzImagePlacement where{};
    const char* cmdline = "console=ttyS0 earlyprintk=serial,ttyS0 rdinit=/init";
    ASSERT_EQ(load_bzimage(g.ram(), Image{img.data(), img.size(), nullptr}, &rd, cmdline, kVmRsdpGpa, st, &where),
              LoadStatus::ok);
    std::printf("  loaded at 0x%llx (reserved 0x%llx), entry 0x%llx, initrd at 0x%llx, zero page 0x%llx\n",
                static_cast<unsigned long long>(where.kernel), static_cast<unsigned long long>(where.kernel_reserved),
                static_cast<unsigned long long>(st.rip), static_cast<unsigned long long>(where.initrd),
                static_cast<unsigned long long>(st.rsi));
    EXPECT_EQ(where.kernel, h.pref_address);
    EXPECT_EQ(st.rip, where.kernel + 0x200);
    EXPECT_EQ(st.mode, CpuMode::long64);
    EXPECT_TRUE(g.equals(where.kernel, img.data() + h.setup_size, img.size() - h.setup_size));
    EXPECT_TRUE(g.equals(where.initrd, initrd.data(), initrd.size()));
    EXPECT_LE(where.initrd + initrd.size() - 1, h.initrd_addr_max);
    EXPECT_TRUE(g.identity_mapped(st.cr3, where.kernel, where.kernel_reserved));
    EXPECT_TRUE(g.identity_mapped(st.cr3, where.initrd, initrd.size()));
    EXPECT_TRUE(g.identity_mapped(st.cr3, st.rsi, 0x1000));
    EXPECT_EQ(g.str(g.u32(st.rsi + 0x228)), cmdline);
    EXPECT_EQ(g.u64(st.rsi + 0x070), kVmRsdpGpa);
    EXPECT_EQ(g.u8(st.rsi + 0x210), 0xff);
    EXPECT_TRUE(g.guards_intact());
}

}  // namespace
}  // namespace bh::x86::loader
