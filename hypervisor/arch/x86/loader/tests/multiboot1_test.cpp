// Unit tests for the Multiboot loader: ELF32/ELF64 and a.out-kludge kernels, modules, the
// information structure, and the boot state.
#include "arch/x86/loader/multiboot1.hpp"

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "arch/x86/loader/tests/loader_test_util.hpp"
#include "arch/x86/loader/tests/multiboot_test_util.hpp"

namespace bh::x86::loader {
namespace {

using test::AoutSpec;
using test::ElfSeg;
using test::ElfSpec;
using test::GuardedRam;
using test::kMiB;
using test::make_aout;
using test::make_elf;
using test::pattern;

constexpr uint64_t kRam = 16 * kMiB;
constexpr uint8_t kFill = 0xee;  // RAM contents before loading: shows what the loader zeroes
constexpr uint64_t kMbi = 0x2000;

BootState expected_state(uint32_t entry) {
    BootState e = test::expected_flat32_state(entry);
    e.rax = 0x2badb002;  // Multiboot 0.6.96 3.2
    e.rbx = kMbi;
    return e;
}

BootState sentinel_state() {
    BootState s{};
    s.rip = 0x5a5a5a5a;
    return s;
}

// Module images and strings kept alive for the Image views.
struct Mods {
    std::vector<std::vector<uint8_t>> data;
    std::vector<std::string> names;
    std::vector<Image> images;
    void add(std::vector<uint8_t> d, std::string name) {
        data.push_back(std::move(d));
        names.push_back(std::move(name));
    }
    const Image* finish() {
        images.clear();
        for (size_t i = 0; i < data.size(); ++i) images.push_back(Image{data[i].data(), data[i].size(), names[i].c_str()});
        return images.empty() ? nullptr : images.data();
    }
};

struct Loaded {
    LoadStatus st;
    BootState state;
    Multiboot1Placement where;
};

Loaded load(GuardedRam& g, const std::vector<uint8_t>& img, const char* cmdline, Mods* mods = nullptr) {
    Loaded r{LoadStatus::ok, sentinel_state(), {}};
    const Image* m = mods == nullptr ? nullptr : mods->finish();
    const size_t n = mods == nullptr ? 0 : mods->data.size();
    r.st = load_multiboot1(g.ram(), Image{img.data(), img.size(), nullptr}, cmdline, m, n, r.state, &r.where);
    return r;
}

// The information structure every successful load must produce (Multiboot 3.3), checked field by field.
void expect_info(const GuardedRam& g, const std::string& cmdline, const Mods& mods, uint64_t ram,
                 const std::vector<uint64_t>& mod_starts) {
    EXPECT_EQ(g.u32(kMbi + 0), 0x24du);  // mem, cmdline, mods, mmap, boot_loader_name
    EXPECT_EQ(g.u32(kMbi + 4), 639u);
    EXPECT_EQ(g.u32(kMbi + 8), (ram - kMiB) / 1024);
    EXPECT_EQ(g.u32(kMbi + 12), 0u);  // no boot_device
    EXPECT_EQ(g.str(g.u32(kMbi + 16)), cmdline);
    ASSERT_EQ(g.u32(kMbi + 20), mods.data.size());
    const uint32_t mods_addr = g.u32(kMbi + 24);
    EXPECT_EQ(mods_addr, 0x2200u);
    for (size_t i = 0; i < mods.data.size(); ++i) {
        const uint64_t e = mods_addr + 16 * i;
        EXPECT_EQ(g.u32(e), mod_starts[i]) << i;
        EXPECT_EQ(g.u32(e + 4), mod_starts[i] + mods.data[i].size()) << i;
        EXPECT_EQ(g.str(g.u32(e + 8)), mods.names[i]);
        EXPECT_EQ(g.u32(e + 12), 0u);
        EXPECT_TRUE(g.equals(mod_starts[i], mods.data[i].data(), mods.data[i].size())) << i;
    }
    for (uint64_t off = 28; off < 44; off += 4) EXPECT_EQ(g.u32(kMbi + off), 0u);  // syms
    EXPECT_EQ(g.u32(kMbi + 44), 4u * 24);
    const uint32_t mmap = g.u32(kMbi + 48);
    EXPECT_EQ(mmap, 0x2100u);
    const uint64_t want[4][3] = {{0, 0x9fc00, 1}, {0x9fc00, 0x400, 2}, {0xe0000, 0x20000, 2}, {0x100000, ram - kMiB, 1}};
    for (size_t i = 0; i < 4; ++i) {
        EXPECT_EQ(g.u32(mmap + 24 * i), 20u);
        EXPECT_EQ(g.u64(mmap + 24 * i + 4), want[i][0]);
        EXPECT_EQ(g.u64(mmap + 24 * i + 12), want[i][1]);
        EXPECT_EQ(g.u32(mmap + 24 * i + 20), want[i][2]);
    }
    for (uint64_t off = 52; off < 64; off += 4) EXPECT_EQ(g.u32(kMbi + off), 0u);  // drives, config table
    EXPECT_EQ(g.str(g.u32(kMbi + 64)), "Bulkhead");
    EXPECT_TRUE(g.zero(kMbi + 68, 0x100 - 68));  // apm, vbe, framebuffer
    EXPECT_EQ(g.u64(0x1010), 0x00cf9b000000ffffull);  // GDT: flat 32-bit code at 0x10
    EXPECT_EQ(g.u64(0x1018), 0x00cf93000000ffffull);  // flat data at 0x18
}

TEST(Multiboot1, Elf32WithBssAndPageAlignedModules) {
    GuardedRam g(kRam, kFill);
    ElfSpec s;
    const auto text = pattern(0x1800, 1);
    const auto data = pattern(0x800, 2);
    s.segs = {ElfSeg{0x100000, 0x100000, text, 0x1800},
              ElfSeg{0, 0, pattern(0x10, 3), 0x10, 4},           // PT_NOTE: ignored
              ElfSeg{0x104000, 0x104000, data, 0x3000},          // 0x2800 bytes of bss
              ElfSeg{0x200000, 0x200000, {}, 0}};                // empty PT_LOAD: ignored
    s.entry = 0x100010;
    const auto f = make_elf(s);
    Mods mods;
    mods.add(pattern(0x1234, 4), "initrd.img");
    mods.add(pattern(0x10, 5), "config arg=1");
    const Loaded r = load(g, f.bytes, "kernel --verbose", &mods);
    ASSERT_EQ(r.st, LoadStatus::ok) << to_string(r.st);
    EXPECT_EQ(r.state, expected_state(0x100010));
    EXPECT_EQ(r.where, (Multiboot1Placement{0x100000, 0x107000, 0x107000, 0x109010, false}));
    EXPECT_TRUE(g.equals(0x100000, text.data(), text.size()));
    EXPECT_TRUE(g.equals(0x104000, data.data(), data.size()));
    EXPECT_TRUE(g.zero(0x104800, 0x2800));
    EXPECT_TRUE(g.all(0x101800, 0x104000 - 0x101800, kFill));  // the gap is not the kernel's
    expect_info(g, "kernel --verbose", mods, kRam, {0x107000, 0x109000});
    EXPECT_TRUE(g.all(0x9fc00, 0x100000 - 0x9fc00, kFill));  // EBDA and BIOS area untouched
    EXPECT_TRUE(g.guards_intact());
}

TEST(Multiboot1, Elf64HigherHalfEntryIsTranslated) {
    GuardedRam g(kRam, kFill);
    ElfSpec s;
    s.is64 = true;
    s.mb_flags = 0x2;  // modules need not be page aligned
    const uint64_t kBase = 0xffffffff80000000ull;
    const auto low = pattern(0x300, 6);
    const auto text = pattern(0x2100, 7);
    s.segs = {ElfSeg{0x20000, 0x20000, low, 0x400},  // a segment in low RAM, with 0x100 bytes of bss
              ElfSeg{0x200000, kBase + 0x200000, text, 0x2100}};
    s.entry = kBase + 0x200040;
    const auto f = make_elf(s);
    Mods mods;
    mods.add(pattern(0x11, 8), "a");
    mods.add({}, "");  // an empty module
    mods.add(pattern(0x20, 9), "c");
    const Loaded r = load(g, f.bytes, nullptr, &mods);
    ASSERT_EQ(r.st, LoadStatus::ok) << to_string(r.st);
    EXPECT_EQ(r.state, expected_state(0x200040));
    EXPECT_TRUE(g.equals(0x20000, low.data(), low.size()));
    EXPECT_TRUE(g.zero(0x20300, 0x100));
    EXPECT_TRUE(g.equals(0x200000, text.data(), text.size()));
    // 8-byte alignment without flag bit 0: 0x202100, 0x202118 (empty), 0x202118.
    EXPECT_EQ(r.where, (Multiboot1Placement{0x20000, 0x202100, 0x202100, 0x202138, false}));
    expect_info(g, "", mods, kRam, {0x202100, 0x202118, 0x202118});
    EXPECT_TRUE(g.guards_intact());
}

TEST(Multiboot1, NoModules) {
    GuardedRam g(kRam);
    ElfSpec s;
    s.segs = {ElfSeg{0x100000, 0x100000, pattern(0x100, 1), 0x100}};
    s.entry = 0x100000;
    const Loaded r = load(g, make_elf(s).bytes, "x");
    ASSERT_EQ(r.st, LoadStatus::ok);
    Mods none;
    expect_info(g, "x", none, kRam, {});
    EXPECT_EQ(r.where.modules_start, r.where.modules_end);
}

TEST(Multiboot1, AoutKludge) {
    GuardedRam g(kRam, kFill);
    AoutSpec a;  // text at 1 MiB with the header 0x40 into it, 0x3000 bytes of bss
    const auto img = make_aout(a);
    Mods mods;
    mods.add(pattern(0x100, 1), "m0");
    const Loaded r = load(g, img, "aout", &mods);
    ASSERT_EQ(r.st, LoadStatus::ok) << to_string(r.st);
    EXPECT_EQ(r.state, expected_state(0x100080));
    EXPECT_EQ(r.where, (Multiboot1Placement{0x100000, 0x105000, 0x105000, 0x105100, true}));
    EXPECT_TRUE(g.equals(0x100000, img.data(), a.text));
    EXPECT_TRUE(g.zero(0x102000, 0x3000));
    EXPECT_TRUE(g.all(0x105100, 0x1000, kFill));
    expect_info(g, "aout", mods, kRam, {0x105000});
    EXPECT_TRUE(g.guards_intact());
}

TEST(Multiboot1, AoutKludgeWithFilePrefixAndDefaults) {
    GuardedRam g(kRam, kFill);
    AoutSpec a;
    a.prefix = 0x1000;      // e.g. an a.out exec header before the text
    a.load_end = 0;         // load to the end of the file
    a.bss_end = 0;          // no bss
    a.load_addr = 0x30000;  // low RAM
    a.entry = 0x30100;
    const auto img = make_aout(a);
    const Loaded r = load(g, img, "");
    ASSERT_EQ(r.st, LoadStatus::ok) << to_string(r.st);
    EXPECT_EQ(r.state.rip, 0x30100u);
    const size_t loaded = a.text + a.trailing;
    EXPECT_TRUE(g.equals(0x30000, img.data() + 0x1000, loaded));
    EXPECT_TRUE(g.all(0x30000 + loaded, 0x100, kFill));
    EXPECT_EQ(r.where.kernel_end, 0x30000 + loaded);
    EXPECT_EQ(r.where.modules_start, 0x100000u);  // modules never go below 1 MiB
}

TEST(Multiboot1, AddressFieldsWinOverElf) {
    // An ELF file whose Multiboot header sets bit 16 is loaded by the address fields.
    GuardedRam g(kRam);
    ElfSpec s;
    s.segs = {ElfSeg{0x100000, 0x100000, pattern(0x100, 1), 0x100}};
    s.entry = 0x100000;
    auto f = make_elf(s);
    test::Bytes b;
    b.v = f.bytes;
    const size_t h = f.mb_offset;
    test::put_mb_header(b, h, 0x10000);
    b.u32(h + 12, 0x400000 + static_cast<uint32_t>(h));  // file offset 0 loads at 4 MiB
    b.u32(h + 16, 0x400000);
    b.u32(h + 20, 0x400000 + 0x800);
    b.u32(h + 24, 0);
    b.u32(h + 28, 0x400004);
    const Loaded r = load(g, b.v, "");
    ASSERT_EQ(r.st, LoadStatus::ok) << to_string(r.st);
    EXPECT_TRUE(r.where.aout_kludge);
    EXPECT_EQ(r.state.rip, 0x400004u);
    EXPECT_TRUE(g.equals(0x400000, b.v.data(), 0x800));
    EXPECT_TRUE(g.zero(0x100000, 0x100));
}

TEST(Multiboot1Header, SearchRules) {
    std::vector<uint8_t> img(12 * 1024, 0);
    test::Bytes b;
    b.v = img;
    Multiboot1Header h;
    // Last aligned position inside the first 8 KiB.
    test::put_mb_header(b, 8192 - 12, 0x3);
    EXPECT_EQ(find_multiboot1_header(Image{b.v.data(), b.v.size(), nullptr}, h), LoadStatus::ok);
    EXPECT_EQ(h.offset, 8192u - 12);
    // Past 8 KiB, or misaligned: not a header.
    b.v = img;
    test::put_mb_header(b, 8192, 0x3);
    test::put_mb_header(b, 0x102, 0x3);
    EXPECT_EQ(find_multiboot1_header(Image{b.v.data(), b.v.size(), nullptr}, h), LoadStatus::bad_magic);
    // A magic with a bad checksum is skipped; a later good one is used.
    b.v = img;
    test::put_mb_header(b, 0x100, 0x3, false);
    EXPECT_EQ(find_multiboot1_header(Image{b.v.data(), b.v.size(), nullptr}, h), LoadStatus::bad_checksum);
    test::put_mb_header(b, 0x200, 0x1);
    EXPECT_EQ(find_multiboot1_header(Image{b.v.data(), b.v.size(), nullptr}, h), LoadStatus::ok);
    EXPECT_EQ(h.offset, 0x200u);
    EXPECT_EQ(h.flags, 0x1u);
    // Optional bits (16-31) that are not understood are ignored; required ones refuse the image.
    for (uint32_t flags : {0x4u, 0x20u, 0x8000u, 0x7u}) {
        b.v = img;
        test::put_mb_header(b, 0, flags);
        EXPECT_EQ(find_multiboot1_header(Image{b.v.data(), b.v.size(), nullptr}, h), LoadStatus::unsupported_flags)
            << flags;
    }
    b.v = img;
    test::put_mb_header(b, 0, 0x00f00003);
    EXPECT_EQ(find_multiboot1_header(Image{b.v.data(), b.v.size(), nullptr}, h), LoadStatus::ok);
    // Address fields cut off by the end of the image, or reaching past 8 KiB.
    b.v = img;
    test::put_mb_header(b, 0x100, 0x10000);
    EXPECT_EQ(find_multiboot1_header(Image{b.v.data(), 0x100 + 31, nullptr}, h), LoadStatus::image_truncated);
    b.v = img;
    test::put_mb_header(b, 8192 - 20, 0x10000);
    EXPECT_EQ(find_multiboot1_header(Image{b.v.data(), b.v.size(), nullptr}, h), LoadStatus::bad_header);
    EXPECT_EQ(find_multiboot1_header(Image{nullptr, 100, nullptr}, h), LoadStatus::bad_magic);
    EXPECT_EQ(find_multiboot1_header(Image{b.v.data(), 11, nullptr}, h), LoadStatus::bad_magic);
}

}  // namespace
}  // namespace bh::x86::loader
