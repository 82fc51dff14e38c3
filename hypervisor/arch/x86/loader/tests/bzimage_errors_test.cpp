// Error paths of the bzImage loader: every bad image is refused with guest RAM untouched,
// nothing written outside it, and the boot state not written.
#include <gtest/gtest.h>

#include <vector>

#include "arch/x86/loader/bzimage.hpp"
#include "arch/x86/loader/tests/bzimage_test_util.hpp"
#include "arch/x86/loader/tests/loader_test_util.hpp"

namespace bh::x86::loader {
namespace {

using test::BzSpec;
using test::GuardedRam;
using test::kMiB;
using test::kRam;
using test::kRsdp;
using test::load;
using test::Loaded;
using test::make_bzimage;
using test::pattern;
using test::sentinel_state;
// Each bad image: the expected status, guest RAM untouched, the state not written.
void expect_rejected(const std::vector<uint8_t>& img, LoadStatus want, uint64_t ram = kRam,
                     const std::vector<uint8_t>* initrd = nullptr) {
    GuardedRam g(ram);
    const Loaded r = load(g, img, initrd, "quiet");
    EXPECT_EQ(r.st, want) << "got " << to_string(r.st) << ", want " << to_string(want);
    EXPECT_EQ(r.state, sentinel_state());
    EXPECT_TRUE(g.untouched());
    EXPECT_TRUE(g.guards_intact());
}

TEST(BzImageErrors, Magic) {
    BzSpec s;
    s.magic = 0x53726447;
    expect_rejected(make_bzimage(s), LoadStatus::bad_magic);
    s = BzSpec{};
    s.boot_flag = 0x55aa;
    expect_rejected(make_bzimage(s), LoadStatus::bad_magic);
    expect_rejected(pattern(64 * 1024, 9), LoadStatus::bad_magic);  // not a kernel at all
}

TEST(BzImageErrors, OldProtocols) {
    for (uint16_t v : {0x0200, 0x0206, 0x020a, 0x020b}) {
        BzSpec s;
        s.version = v;
        expect_rejected(make_bzimage(s), LoadStatus::unsupported_version);
    }
    BzSpec s;
    s.version = 0x020c;
    s.jump_offset = 0x66;  // a 2.12 header ends after handover_offset
    GuardedRam g(kRam);
    EXPECT_EQ(load(g, make_bzimage(s), nullptr, "").st, LoadStatus::ok);
}

TEST(BzImageErrors, Not64BitCapable) {
    BzSpec s;
    s.xloadflags = 0x0002;  // above-4G but no 64-bit entry
    expect_rejected(make_bzimage(s), LoadStatus::not_64bit_capable);
    s.xloadflags = 0;
    expect_rejected(make_bzimage(s), LoadStatus::not_64bit_capable);
}

TEST(BzImageErrors, BadHeaderFields) {
    BzSpec s;
    s.loadflags = 0;  // zImage
    expect_rejected(make_bzimage(s), LoadStatus::bad_header);
    for (uint8_t jump : {0x00, 0x60, 0x61, 0x8f}) {  // header ends at 0x202, 0x262, 0x263, 0x291
        s = BzSpec{};
        s.jump_offset = jump;
        expect_rejected(make_bzimage(s), LoadStatus::bad_header);
    }
    for (uint32_t align : {0u, 0x300000u, 0x80000001u}) {
        s = BzSpec{};
        s.kernel_alignment = align;
        expect_rejected(make_bzimage(s), LoadStatus::bad_header);
    }
}

TEST(BzImageErrors, TruncatedAtEveryBoundary) {
    const BzSpec s;
    const auto full = make_bzimage(s);
    const size_t setup = 5 * 512;
    for (size_t cut : {size_t{0}, size_t{0x100}, size_t{0x1f2}, size_t{0x205}, size_t{0x207}, size_t{0x240},
                       size_t{0x26b}, setup - 1, setup, setup + 1, setup + 0x1000, full.size() - 1}) {
        const std::vector<uint8_t> img(full.begin(), full.begin() + static_cast<std::ptrdiff_t>(cut));
        SCOPED_TRACE(cut);
        expect_rejected(img, LoadStatus::image_truncated);
    }
    // syssize larger than the payload the file holds.
    BzSpec big = s;
    big.syssize_override = static_cast<uint32_t>(s.payload / 16 + 1);
    expect_rejected(make_bzimage(big), LoadStatus::image_truncated);
    // Extra bytes after syssize (a signature) are fine.
    auto signed_img = full;
    signed_img.resize(full.size() + 0x5c0, 0x42);
    GuardedRam g(kRam);
    EXPECT_EQ(load(g, signed_img, nullptr, "").st, LoadStatus::ok);
}

TEST(BzImageErrors, KernelPlacement) {
    BzSpec s;
    s.relocatable = 0;
    s.pref_address = 0x10000;  // a fixed kernel in low memory
    expect_rejected(make_bzimage(s), LoadStatus::overlaps_reserved);
    s.relocatable = 1;
    s.kernel_alignment = 0x10000;
    expect_rejected(make_bzimage(s), LoadStatus::overlaps_reserved);
    s = BzSpec{};
    s.pref_address = 1ull << 32;
    expect_rejected(make_bzimage(s), LoadStatus::no_room_for_kernel);
    s.pref_address = UINT64_MAX - 0xfff;
    expect_rejected(make_bzimage(s), LoadStatus::no_room_for_kernel);
    s = BzSpec{};
    s.init_size = 29 * kMiB;  // 4 MiB + 29 MiB > 32 MiB
    expect_rejected(make_bzimage(s), LoadStatus::no_room_for_kernel);
    s.init_size = 28 * kMiB;  // exactly up to the end of RAM
    GuardedRam g(kRam);
    EXPECT_EQ(load(g, make_bzimage(s), nullptr, "").st, LoadStatus::ok);
}

TEST(BzImageErrors, InitrdTooLarge) {
    const auto img = make_bzimage(BzSpec{});
    const auto huge = pattern(33 * kMiB, 3);
    expect_rejected(img, LoadStatus::no_room_for_initrd, kRam, &huge);
    // Fits neither above the kernel ([7, 32) MiB) nor below it ([1, 4) MiB).
    const auto large = pattern(26 * kMiB, 3);
    expect_rejected(img, LoadStatus::no_room_for_initrd, kRam, &large);
    // initrd_addr_max below 1 MiB leaves no legal place.
    BzSpec s;
    s.initrd_addr_max = 0xfffff;
    const auto small = pattern(0x1000, 3);
    expect_rejected(make_bzimage(s), LoadStatus::no_room_for_initrd, kRam, &small);
}

TEST(BzImageErrors, BadRamSize) {
    const auto img = make_bzimage(BzSpec{});
    expect_rejected(img, LoadStatus::bad_ram_size, kRam + 0x1000);
    expect_rejected(img, LoadStatus::bad_ram_size, kMiB);
}

TEST(BzImageErrors, NullImage) {
    GuardedRam g(kRam);
    BootState st = sentinel_state();
    EXPECT_EQ(load_bzimage(g.ram(), Image{nullptr, 4096, nullptr}, nullptr, "", kRsdp, st), LoadStatus::image_truncated);
    EXPECT_TRUE(g.untouched());
}

}  // namespace
}  // namespace bh::x86::loader
