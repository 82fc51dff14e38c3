// Error paths of the Multiboot loader and the ELF parser: every bad image is refused with
// guest RAM untouched and nothing written outside it.
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "arch/x86/loader/elf.hpp"
#include "arch/x86/loader/multiboot1.hpp"
#include "arch/x86/loader/tests/loader_test_util.hpp"
#include "arch/x86/loader/tests/multiboot_test_util.hpp"

namespace bh::x86::loader {
namespace {

using test::AoutSpec;
using test::ElfFile;
using test::ElfSeg;
using test::ElfSpec;
using test::GuardedRam;
using test::kMiB;
using test::make_aout;
using test::make_elf;
using test::pattern;

constexpr uint64_t kRam = 16 * kMiB;

void expect_rejected(const std::vector<uint8_t>& img, LoadStatus want, const char* cmdline = "",
                     const std::vector<Image>& mods = {}, uint64_t ram = kRam) {
    GuardedRam g(ram);
    BootState st{};
    st.rip = 0x5a5a5a5a;
    const BootState before = st;
    const LoadStatus got = load_multiboot1(g.ram(), Image{img.data(), img.size(), nullptr}, cmdline,
                                           mods.empty() ? nullptr : mods.data(), mods.size(), st);
    EXPECT_EQ(got, want) << "got " << to_string(got) << ", want " << to_string(want);
    EXPECT_EQ(st, before);
    EXPECT_TRUE(g.untouched());
    EXPECT_TRUE(g.guards_intact());
}

ElfSpec one_segment(bool is64, uint64_t paddr = 0x100000, uint64_t memsz = 0x1000) {
    ElfSpec s;
    s.is64 = is64;
    s.segs = {ElfSeg{paddr, paddr, pattern(0x800, 1), memsz}};
    s.entry = paddr;
    return s;
}

class ElfErrors : public ::testing::TestWithParam<bool> {};  // parameter: ELF64

TEST_P(ElfErrors, IdentAndHeaderFields) {
    const bool is64 = GetParam();
    const ElfFile f = make_elf(one_segment(is64));
    {
        GuardedRam g(kRam);
        BootState st{};
        ASSERT_EQ(load_multiboot1(g.ram(), Image{f.bytes.data(), f.bytes.size(), nullptr}, "", nullptr, 0, st),
                  LoadStatus::ok);
    }
    struct Patch {
        size_t off;
        uint64_t value;
        int width;
        LoadStatus want;
    };
    const std::vector<Patch> patches = {
        {0, 0x7e, 1, LoadStatus::bad_elf},                      // magic
        {4, 0, 1, LoadStatus::bad_elf},                         // class none
        {4, 3, 1, LoadStatus::bad_elf},                         // class invalid
        {5, 2, 1, LoadStatus::bad_elf},                         // big-endian
        {6, 0, 1, LoadStatus::bad_elf},                         // ident version
        {16, 3, 2, LoadStatus::bad_elf},                        // ET_DYN
        {18, is64 ? 3u : 62u, 2, LoadStatus::bad_elf},          // machine of the other class
        {18, 40, 2, LoadStatus::bad_elf},                       // EM_ARM
        {20, 0, 4, LoadStatus::bad_elf},                        // e_version
        {f.off_phentsize(), 0, 2, LoadStatus::bad_elf},
        {f.off_phentsize(), f.phentsize - 1, 2, LoadStatus::bad_elf},
        {f.off_phnum(), 0, 2, LoadStatus::bad_elf},
        {f.off_phnum(), 0xffff, 2, LoadStatus::bad_elf},        // PN_XNUM
        {f.off_phnum(), 1000, 2, LoadStatus::image_truncated},  // table past the end of the file
        {f.off_phoff(), f.bytes.size() - 8, is64 ? 8 : 4, LoadStatus::image_truncated},
        {f.off_phentsize(), 0xffff, 2, LoadStatus::image_truncated},
    };
    for (const Patch& p : patches) {
        test::Bytes b;
        b.v = f.bytes;
        b.put(p.off, p.value, p.width);
        SCOPED_TRACE(testing::Message() << "offset " << p.off << " value " << p.value);
        expect_rejected(b.v, p.want);
    }
    if (is64) {
        test::Bytes b;
        b.v = f.bytes;
        b.u64(f.off_phoff(), UINT64_MAX - 16);  // phoff + table wraps
        expect_rejected(b.v, LoadStatus::bad_elf);
    }
}

TEST_P(ElfErrors, Segments) {
    const bool is64 = GetParam();
    const size_t ph = is64 ? 64 : 52;  // first program header
    const size_t filesz = is64 ? ph + 32 : ph + 16, memsz = is64 ? ph + 40 : ph + 20;
    const size_t offset = is64 ? ph + 8 : ph + 4, width = is64 ? 8 : 4;
    const ElfFile f = make_elf(one_segment(is64));
    auto patched = [&](size_t off, uint64_t v) {
        test::Bytes b;
        b.v = f.bytes;
        b.put(off, v, static_cast<int>(width));
        return b.v;
    };
    expect_rejected(patched(filesz, 0x2000), LoadStatus::bad_elf);            // filesz > memsz
    expect_rejected(patched(offset, f.bytes.size() - 0x10), LoadStatus::image_truncated);
    if (is64) expect_rejected(patched(offset, UINT64_MAX - 0x10), LoadStatus::bad_elf);  // offset + filesz wraps
    expect_rejected(patched(memsz, 0xfffff000), LoadStatus::segment_outside_ram);
    if (is64) expect_rejected(patched(memsz, UINT64_MAX), LoadStatus::segment_outside_ram);

    const std::vector<std::pair<uint64_t, LoadStatus>> places = {
        {kRam - 0x800, LoadStatus::segment_outside_ram},  // runs past the end of RAM
        {kRam, LoadStatus::segment_outside_ram},
        {0x1'0000'0000, LoadStatus::segment_outside_ram},  // above 4 GiB (32-bit entry)
        {0xf0000, LoadStatus::overlaps_reserved},          // BIOS area with the ACPI tables
        {0xff800, LoadStatus::overlaps_reserved},          // straddles 1 MiB
        {0x9f800, LoadStatus::overlaps_reserved},          // EBDA
        {0xb8000, LoadStatus::overlaps_reserved},          // VGA hole
        {0x2000, LoadStatus::overlaps_reserved},           // the loader's MBI area
        {0, LoadStatus::overlaps_reserved},
    };
    for (const auto& [paddr, want] : places) {
        if (!is64 && paddr >= 0x1'0000'0000) continue;
        SCOPED_TRACE(paddr);
        expect_rejected(make_elf(one_segment(is64, paddr)).bytes, want);
    }
}

TEST_P(ElfErrors, SegmentSets) {
    const bool is64 = GetParam();
    ElfSpec s = one_segment(is64);
    s.segs.push_back(ElfSeg{0x100800, 0x100800, pattern(0x10, 2), 0x10});  // inside the first one's bss
    expect_rejected(make_elf(s).bytes, LoadStatus::overlapping_segments);
    s.segs.back().paddr = 0xff000;  // overlaps from below (and the BIOS area)
    expect_rejected(make_elf(s).bytes, LoadStatus::overlaps_reserved);
    s.segs.back().paddr = 0x101000;  // adjacent: fine
    {
        GuardedRam g(kRam);
        BootState st{};
        const auto img = make_elf(s).bytes;
        EXPECT_EQ(load_multiboot1(g.ram(), Image{img.data(), img.size(), nullptr}, "", nullptr, 0, st), LoadStatus::ok);
    }
    s = one_segment(is64);
    for (uint64_t i = 1; i <= kMaxLoadSegments; ++i)
        s.segs.push_back(ElfSeg{0x100000 + i * 0x1000, 0x100000 + i * 0x1000, pattern(0x10, 1), 0x10});
    expect_rejected(make_elf(s).bytes, LoadStatus::too_many_segments);
    s = one_segment(is64);
    s.segs[0].type = 4;  // no PT_LOAD at all
    expect_rejected(make_elf(s).bytes, LoadStatus::bad_elf);
    s = one_segment(is64);
    s.entry = 0x101000;  // one past the segment
    expect_rejected(make_elf(s).bytes, LoadStatus::bad_entry);
    s.entry = 0x200000;
    expect_rejected(make_elf(s).bytes, LoadStatus::bad_entry);
}

TEST_P(ElfErrors, TruncatedAtEveryCutPoint) {
    const ElfFile f = make_elf(one_segment(GetParam()));
    const size_t file_end = f.seg_offsets[0] + 0x800;  // make_elf pads the file to 4 KiB
    for (size_t cut = 0; cut < file_end; cut += 0x40) {
        const std::vector<uint8_t> img(f.bytes.begin(), f.bytes.begin() + static_cast<std::ptrdiff_t>(cut));
        // Before the Multiboot header is complete there is no header; after it, the ELF is short.
        const LoadStatus want = cut < f.mb_offset + 12 ? LoadStatus::bad_magic : LoadStatus::image_truncated;
        SCOPED_TRACE(cut);
        expect_rejected(img, want);
    }
}

INSTANTIATE_TEST_SUITE_P(Class, ElfErrors, ::testing::Values(false, true),
                         [](const ::testing::TestParamInfo<bool>& i) { return i.param ? "Elf64" : "Elf32"; });

TEST(ElfParser, ShortHeaders) {
    LoadPlan plan;
    const uint8_t ident32[16] = {0x7f, 'E', 'L', 'F', 1, 1, 1};
    const uint8_t ident64[16] = {0x7f, 'E', 'L', 'F', 2, 1, 1};
    EXPECT_EQ(plan_elf(Image{ident32, 6, nullptr}, kRam, plan), LoadStatus::image_truncated);
    EXPECT_EQ(plan_elf(Image{ident32, 16, nullptr}, kRam, plan), LoadStatus::image_truncated);
    EXPECT_EQ(plan_elf(Image{ident64, 16, nullptr}, kRam, plan), LoadStatus::image_truncated);
    EXPECT_EQ(plan_elf(Image{nullptr, 64, nullptr}, kRam, plan), LoadStatus::image_truncated);
}

TEST(Multiboot1Errors, NoHeaderOrBadChecksum) {
    expect_rejected(pattern(16 * 1024, 3), LoadStatus::bad_magic);
    expect_rejected({}, LoadStatus::bad_magic);
    test::Bytes b;
    b.v = make_elf(one_segment(false)).bytes;
    const ElfFile f = make_elf(one_segment(false));
    b.u32(f.mb_offset + 8, b.v[f.mb_offset + 8] + 1u);
    expect_rejected(b.v, LoadStatus::bad_checksum);
    // Not ELF and no address fields.
    b.v = pattern(0x2000, 1);
    test::put_mb_header(b, 0x40, 0x3);
    expect_rejected(b.v, LoadStatus::bad_elf);
    b.v = pattern(0x2000, 1);
    test::put_mb_header(b, 0x40, 0x4);  // wants a video mode
    expect_rejected(b.v, LoadStatus::unsupported_flags);
}

TEST(Multiboot1Errors, AoutKludgeFields) {
    AoutSpec a;
    a.header_addr = 0xff000;  // below load_addr
    expect_rejected(make_aout(a), LoadStatus::bad_header);
    a = AoutSpec{};
    a.header_addr = a.load_addr + 0x1000;  // text would start before the file
    expect_rejected(make_aout(a), LoadStatus::bad_header);
    a = AoutSpec{};
    a.load_end = a.load_addr - 1;
    a.bss_end = 0;
    expect_rejected(make_aout(a), LoadStatus::bad_header);
    a = AoutSpec{};
    a.load_end = a.load_addr + a.text + a.trailing + 1;  // past the end of the file
    expect_rejected(make_aout(a), LoadStatus::image_truncated);
    a = AoutSpec{};
    a.bss_end = a.load_addr + a.text - 1;
    expect_rejected(make_aout(a), LoadStatus::bad_header);
    a = AoutSpec{};
    a.entry = a.load_addr + a.text + 0x3000;  // one past the bss
    expect_rejected(make_aout(a), LoadStatus::bad_entry);
    a.entry = a.load_addr - 4;
    expect_rejected(make_aout(a), LoadStatus::bad_entry);
    a = AoutSpec{};
    a.load_addr = 0xe0000;
    a.entry = 0xe0080;
    expect_rejected(make_aout(a), LoadStatus::overlaps_reserved);
    a = AoutSpec{};
    a.load_addr = static_cast<uint32_t>(kRam - 0x1000);
    a.entry = a.load_addr;
    expect_rejected(make_aout(a), LoadStatus::segment_outside_ram);
    a = AoutSpec{};
    a.bss_end = 0xffffffff;  // bss to the top of the 32-bit space
    expect_rejected(make_aout(a), LoadStatus::segment_outside_ram);
    a = AoutSpec{};
    a.text = 0x40;
    a.header_in_text = 0;
    a.load_end = a.load_addr;  // nothing loaded and no bss
    a.bss_end = 0;
    a.entry = a.load_addr;
    expect_rejected(make_aout(a), LoadStatus::bad_entry);
}

TEST(Multiboot1Errors, ModulesAndStrings) {
    const auto img = make_elf(one_segment(false)).bytes;
    std::vector<std::vector<uint8_t>> data(kMaxModules + 1, pattern(0x10, 1));
    std::vector<Image> mods;
    for (const auto& d : data) mods.push_back(Image{d.data(), d.size(), "m"});
    expect_rejected(img, LoadStatus::too_many_modules, "", mods);
    mods.pop_back();
    {
        GuardedRam g(kRam);
        BootState st{};
        EXPECT_EQ(load_multiboot1(g.ram(), Image{img.data(), img.size(), nullptr}, "", mods.data(), mods.size(), st),
                  LoadStatus::ok);
    }
    // Strings: the command line alone, and together with module strings, must fit the string area.
    const size_t area = 0x10000 - 0x3000;
    expect_rejected(img, LoadStatus::cmdline_too_long, std::string(area, 'c').c_str());
    const std::string long_name(area / 2, 'n');
    const std::vector<Image> named = {Image{data[0].data(), 0x10, long_name.c_str()},
                                      Image{data[1].data(), 0x10, long_name.c_str()}};
    expect_rejected(img, LoadStatus::cmdline_too_long, "", named);
    {
        GuardedRam g(kRam);
        BootState st{};
        const std::string fits(area - 1, 'c');
        EXPECT_EQ(load_multiboot1(g.ram(), Image{img.data(), img.size(), nullptr}, fits.c_str(), nullptr, 0, st),
                  LoadStatus::ok);
        EXPECT_EQ(g.str(0x3000), fits);
        EXPECT_TRUE(g.guards_intact());
    }
    // Module bytes past the end of RAM.
    const auto big = pattern(kRam - 0x101000, 2);  // the kernel ends at 0x101000
    EXPECT_EQ(big.size() + 0x101000, kRam);
    {
        GuardedRam g(kRam);
        BootState st{};
        const Image fits[] = {Image{big.data(), big.size(), "exactly"}};
        EXPECT_EQ(load_multiboot1(g.ram(), Image{img.data(), img.size(), nullptr}, "", fits, 1, st), LoadStatus::ok);
    }
    const std::vector<Image> too_big = {Image{big.data(), big.size(), "a"}, Image{data[0].data(), 1, "b"}};
    expect_rejected(img, LoadStatus::no_room_for_modules, "", too_big);
}

TEST(Multiboot1Errors, BadRamSize) {
    const auto img = make_elf(one_segment(false)).bytes;
    expect_rejected(img, LoadStatus::bad_ram_size, "", {}, kRam + 0x1000);
}

}  // namespace
}  // namespace bh::x86::loader
