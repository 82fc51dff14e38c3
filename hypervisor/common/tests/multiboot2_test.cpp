// Unit tests for the Multiboot2 boot information parser and available-RAM normalisation.
#include "common/multiboot2.hpp"

#include <gtest/gtest.h>
#include <sys/mman.h>
#include <unistd.h>

#include <cstdint>
#include <cstring>
#include <string>
#include <vector>

namespace bh::mb2 {
namespace {

constexpr uint32_t kMagic = kLoaderMagic;

void put32(std::vector<uint8_t>& v, uint32_t x) {
    for (int i = 0; i < 4; ++i) v.push_back(static_cast<uint8_t>(x >> (8 * i)));
}
void put64(std::vector<uint8_t>& v, uint64_t x) {
    for (int i = 0; i < 8; ++i) v.push_back(static_cast<uint8_t>(x >> (8 * i)));
}
void set32(std::vector<uint8_t>& v, size_t off, uint32_t x) {
    for (int i = 0; i < 4; ++i) v[off + static_cast<size_t>(i)] = static_cast<uint8_t>(x >> (8 * i));
}

// Builds a boot information structure tag by tag. Offsets of each tag are
// remembered so tests can point into the result.
class Builder {
public:
    Builder() { bytes_.assign(8, 0); }

    // Appends a tag with the given body; `size_override` replaces the size
    // field (the bytes written are still the body, padded to 8).
    size_t tag(uint32_t type, const std::vector<uint8_t>& body, int64_t size_override = -1) {
        const size_t off = bytes_.size();
        put32(bytes_, type);
        put32(bytes_, size_override >= 0 ? static_cast<uint32_t>(size_override)
                                         : static_cast<uint32_t>(8 + body.size()));
        bytes_.insert(bytes_.end(), body.begin(), body.end());
        while (bytes_.size() % 8 != 0) bytes_.push_back(0);
        return off;
    }
    size_t string_tag(uint32_t type, const std::string& s) {
        std::vector<uint8_t> body(s.begin(), s.end());
        body.push_back(0);
        return tag(type, body);
    }
    size_t module(uint32_t start, uint32_t end, const std::string& cmdline) {
        std::vector<uint8_t> body;
        put32(body, start);
        put32(body, end);
        body.insert(body.end(), cmdline.begin(), cmdline.end());
        body.push_back(0);
        return tag(3, body);
    }
    size_t mmap(const std::vector<MemRange>& ranges, uint32_t entry_size = 24) {
        std::vector<uint8_t> body;
        put32(body, entry_size);
        put32(body, 0);  // entry_version
        for (const MemRange& r : ranges) {
            const size_t start = body.size();
            put64(body, r.base);
            put64(body, r.length);
            put32(body, r.type);
            while (body.size() - start < entry_size) body.push_back(0);
        }
        return tag(6, body);
    }
    size_t meminfo(uint32_t lower, uint32_t upper) {
        std::vector<uint8_t> body;
        put32(body, lower);
        put32(body, upper);
        return tag(4, body);
    }
    size_t rsdp(bool v2, uint8_t marker) {
        std::vector<uint8_t> body(v2 ? 36 : 20, marker);
        return tag(v2 ? 15 : 14, body);
    }
    void end() { tag(0, {}); }

    // Final bytes with total_size filled in (or overridden), copied into
    // 8-byte aligned storage.
    const uint8_t* finish(int64_t total_override = -1) {
        set32(bytes_, 0, total_override >= 0 ? static_cast<uint32_t>(total_override)
                                             : static_cast<uint32_t>(bytes_.size()));
        storage_.assign(bytes_.size() / 8 + 2, 0);
        std::memcpy(storage_.data(), bytes_.data(), bytes_.size());
        return data();
    }
    const uint8_t* data() const { return reinterpret_cast<const uint8_t*>(storage_.data()); }
    size_t size() const { return bytes_.size(); }
    std::vector<uint8_t>& raw() { return bytes_; }

private:
    std::vector<uint8_t> bytes_;
    std::vector<uint64_t> storage_;
};

// The memory map of a typical BIOS PC with 2 GiB below 4 GiB and 2 GiB above.
std::vector<MemRange> pc_memory_map() {
    return {
        {0x0, 0x9fc00, 1},
        {0x9fc00, 0x400, 2},
        {0xf0000, 0x10000, 2},
        {0x100000, 0x7fde0000, 1},
        {0x7fee0000, 0x10000, 3},
        {0x7fef0000, 0x10000, 4},
        {0xfec00000, 0x1000, 2},
        {0xfee00000, 0x1000, 2},
        {0xfffc0000, 0x40000, 2},
        {0x100000000, 0x80000000, 1},
    };
}

void expect_range(const MemRange& r, uint64_t base, uint64_t length, uint32_t type) {
    EXPECT_EQ(r.base, base);
    EXPECT_EQ(r.length, length);
    EXPECT_EQ(r.type, type);
}

void expect_empty(const BootInfo& bi) {
    EXPECT_EQ(bi.cmdline, nullptr);
    EXPECT_EQ(bi.loader_name, nullptr);
    EXPECT_FALSE(bi.has_basic_meminfo);
    EXPECT_EQ(bi.mem_count, 0u);
    EXPECT_EQ(bi.module_count, 0u);
    EXPECT_EQ(bi.rsdp, nullptr);
    EXPECT_EQ(bi.rsdp_len, 0u);
    EXPECT_EQ(bi.info_size, 0u);
    EXPECT_EQ(bi.info_phys_start, 0u);
}

Status parse_built(Builder& b, BootInfo& bi) {
    const uint8_t* p = b.finish();
    return parse(kMagic, p, b.size(), bi);
}

// ---- valid structures ----

TEST(Multiboot2Parse, RealisticPc) {
    Builder b;
    b.string_tag(1, "console=com1 loglevel=4");
    b.string_tag(2, "GRUB 2.06");
    b.meminfo(639, 2096000);
    const auto map = pc_memory_map();
    b.mmap(map);
    b.end();
    BootInfo bi{};
    const uint8_t* p = b.finish();
    ASSERT_EQ(parse(kMagic, p, b.size(), bi), Status::ok);

    ASSERT_NE(bi.cmdline, nullptr);
    EXPECT_STREQ(bi.cmdline, "console=com1 loglevel=4");
    EXPECT_EQ(reinterpret_cast<const uint8_t*>(bi.cmdline), p + 16);
    ASSERT_NE(bi.loader_name, nullptr);
    EXPECT_STREQ(bi.loader_name, "GRUB 2.06");
    EXPECT_TRUE(bi.has_basic_meminfo);
    EXPECT_EQ(bi.mem_lower_kib, 639u);
    EXPECT_EQ(bi.mem_upper_kib, 2096000u);
    ASSERT_EQ(bi.mem_count, map.size());
    for (size_t i = 0; i < map.size(); ++i) {
        SCOPED_TRACE(i);
        expect_range(bi.mem[i], map[i].base, map[i].length, map[i].type);
    }
    EXPECT_EQ(bi.module_count, 0u);
    EXPECT_EQ(bi.rsdp, nullptr);
    EXPECT_EQ(bi.rsdp_len, 0u);
    EXPECT_FALSE(bi.rsdp_is_v2);
    EXPECT_EQ(bi.info_phys_start, reinterpret_cast<uintptr_t>(p));
    EXPECT_EQ(bi.info_size, b.size());
}

TEST(Multiboot2Parse, MinimalStructureHasNothing) {
    Builder b;
    b.end();
    BootInfo bi{};
    ASSERT_EQ(parse_built(b, bi), Status::ok);
    EXPECT_EQ(bi.cmdline, nullptr);
    EXPECT_EQ(bi.loader_name, nullptr);
    EXPECT_FALSE(bi.has_basic_meminfo);
    EXPECT_EQ(bi.mem_count, 0u);
    EXPECT_EQ(bi.module_count, 0u);
    EXPECT_EQ(bi.rsdp, nullptr);
    EXPECT_EQ(bi.info_size, 16u);
}

TEST(Multiboot2Parse, ModulesWithCmdlines) {
    Builder b;
    const size_t m0 = b.module(0x200000, 0x2a3456, "vm0.bin guest=linux");
    const size_t m1 = b.module(0x300000, 0x300000, "");
    const size_t m2 = b.module(0x400000, 0x500000, "initrd");
    b.end();
    BootInfo bi{};
    const uint8_t* p = b.finish();
    ASSERT_EQ(parse(kMagic, p, b.size(), bi), Status::ok);
    ASSERT_EQ(bi.module_count, 3u);
    EXPECT_EQ(bi.modules[0].start, 0x200000u);
    EXPECT_EQ(bi.modules[0].end, 0x2a3456u);
    EXPECT_STREQ(bi.modules[0].cmdline, "vm0.bin guest=linux");
    EXPECT_EQ(reinterpret_cast<const uint8_t*>(bi.modules[0].cmdline), p + m0 + 16);
    EXPECT_EQ(bi.modules[1].start, 0x300000u);
    EXPECT_EQ(bi.modules[1].end, 0x300000u);
    EXPECT_STREQ(bi.modules[1].cmdline, "");
    EXPECT_EQ(reinterpret_cast<const uint8_t*>(bi.modules[1].cmdline), p + m1 + 16);
    EXPECT_EQ(bi.modules[2].start, 0x400000u);
    EXPECT_EQ(bi.modules[2].end, 0x500000u);
    EXPECT_STREQ(bi.modules[2].cmdline, "initrd");
    EXPECT_EQ(reinterpret_cast<const uint8_t*>(bi.modules[2].cmdline), p + m2 + 16);
}

TEST(Multiboot2Parse, OldRsdpOnly) {
    Builder b;
    const size_t t = b.rsdp(false, 0x11);
    b.end();
    BootInfo bi{};
    const uint8_t* p = b.finish();
    ASSERT_EQ(parse(kMagic, p, b.size(), bi), Status::ok);
    EXPECT_EQ(bi.rsdp, p + t + 8);
    EXPECT_EQ(bi.rsdp_len, 20u);
    EXPECT_FALSE(bi.rsdp_is_v2);
    EXPECT_EQ(bi.rsdp[0], 0x11);
}

TEST(Multiboot2Parse, NewRsdpOnly) {
    Builder b;
    const size_t t = b.rsdp(true, 0x22);
    b.end();
    BootInfo bi{};
    const uint8_t* p = b.finish();
    ASSERT_EQ(parse(kMagic, p, b.size(), bi), Status::ok);
    EXPECT_EQ(bi.rsdp, p + t + 8);
    EXPECT_EQ(bi.rsdp_len, 36u);
    EXPECT_TRUE(bi.rsdp_is_v2);
}

TEST(Multiboot2Parse, NewRsdpPreferredWhenAfterOld) {
    Builder b;
    b.rsdp(false, 0x11);
    const size_t t2 = b.rsdp(true, 0x22);
    b.end();
    BootInfo bi{};
    const uint8_t* p = b.finish();
    ASSERT_EQ(parse(kMagic, p, b.size(), bi), Status::ok);
    EXPECT_EQ(bi.rsdp, p + t2 + 8);
    EXPECT_EQ(bi.rsdp_len, 36u);
    EXPECT_TRUE(bi.rsdp_is_v2);
    EXPECT_EQ(bi.rsdp[0], 0x22);
}

TEST(Multiboot2Parse, NewRsdpPreferredWhenBeforeOld) {
    Builder b;
    const size_t t2 = b.rsdp(true, 0x22);
    b.rsdp(false, 0x11);
    b.end();
    BootInfo bi{};
    const uint8_t* p = b.finish();
    ASSERT_EQ(parse(kMagic, p, b.size(), bi), Status::ok);
    EXPECT_EQ(bi.rsdp, p + t2 + 8);
    EXPECT_EQ(bi.rsdp_len, 36u);
    EXPECT_TRUE(bi.rsdp_is_v2);
}

TEST(Multiboot2Parse, LongerRsdpCopyKeepsItsLength) {
    Builder b;
    b.tag(15, std::vector<uint8_t>(40, 0x33));  // a v2 RSDP whose length field says 40
    b.end();
    BootInfo bi{};
    ASSERT_EQ(parse_built(b, bi), Status::ok);
    EXPECT_EQ(bi.rsdp_len, 40u);
}

TEST(Multiboot2Parse, UnknownTagsSkippedWithPadding) {
    Builder b;
    b.tag(8, std::vector<uint8_t>(23, 0xAA));  // framebuffer-like, unpadded size 31
    b.tag(21, std::vector<uint8_t>(4, 0xBB));  // load base address
    b.tag(0x1234, std::vector<uint8_t>(1, 0xCC));
    b.string_tag(1, "after");
    b.end();
    BootInfo bi{};
    ASSERT_EQ(parse_built(b, bi), Status::ok);
    EXPECT_STREQ(bi.cmdline, "after");
}

TEST(Multiboot2Parse, MmapWithLargerEntrySize) {
    Builder b;
    b.mmap({{0x1000, 0x2000, 1}, {0x3000, 0x1000, 2}}, 32);
    b.end();
    BootInfo bi{};
    ASSERT_EQ(parse_built(b, bi), Status::ok);
    ASSERT_EQ(bi.mem_count, 2u);
    expect_range(bi.mem[0], 0x1000, 0x2000, 1);
    expect_range(bi.mem[1], 0x3000, 0x1000, 2);
}

TEST(Multiboot2Parse, EmptyMmapAccepted) {
    Builder b;
    b.mmap({});
    b.end();
    BootInfo bi{};
    ASSERT_EQ(parse_built(b, bi), Status::ok);
    EXPECT_EQ(bi.mem_count, 0u);
}

TEST(Multiboot2Parse, UnknownMemTypeKept) {
    Builder b;
    b.mmap({{0x1000, 0x1000, 7}, {0x2000, 0x1000, 0}});
    b.end();
    BootInfo bi{};
    ASSERT_EQ(parse_built(b, bi), Status::ok);
    ASSERT_EQ(bi.mem_count, 2u);
    EXPECT_EQ(bi.mem[0].type, 7u);
    EXPECT_EQ(bi.mem[1].type, 0u);
}

TEST(Multiboot2Parse, RangeEndingExactlyAtTopOfAddressSpace) {
    Builder b;
    b.mmap({{0xFFFFFFFFFFFFF000ull, 0x1000, 2}});
    b.end();
    BootInfo bi{};
    ASSERT_EQ(parse_built(b, bi), Status::ok);
    expect_range(bi.mem[0], 0xFFFFFFFFFFFFF000ull, 0x1000, 2);
}

TEST(Multiboot2Parse, BytesAfterEndTagIgnored) {
    Builder b;
    b.string_tag(1, "x");
    b.end();
    b.tag(1, std::vector<uint8_t>(8, 'y'));  // unterminated: would fail if parsed
    BootInfo bi{};
    ASSERT_EQ(parse_built(b, bi), Status::ok);
    EXPECT_STREQ(bi.cmdline, "x");
}

TEST(Multiboot2Parse, MaxLenLargerThanTotalSize) {
    Builder b;
    b.end();
    BootInfo bi{};
    const uint8_t* p = b.finish();
    EXPECT_EQ(parse(kMagic, p, b.size() + 8, bi), Status::ok);
    EXPECT_EQ(bi.info_size, 16u);
}

TEST(Multiboot2Parse, ExactlyMaxEntriesAndModules) {
    Builder b;
    std::vector<MemRange> map;
    for (uint64_t i = 0; i < kMaxMemRanges; ++i) map.push_back({i * 0x1000, 0x1000, 1});
    b.mmap(map);
    for (uint32_t i = 0; i < kMaxModules; ++i) b.module(i * 0x1000, i * 0x1000 + 0x10, "m");
    b.end();
    BootInfo bi{};
    ASSERT_EQ(parse_built(b, bi), Status::ok);
    EXPECT_EQ(bi.mem_count, kMaxMemRanges);
    EXPECT_EQ(bi.module_count, kMaxModules);
    expect_range(bi.mem[kMaxMemRanges - 1], (kMaxMemRanges - 1) * 0x1000, 0x1000, 1);
    EXPECT_EQ(bi.modules[kMaxModules - 1].start, (kMaxModules - 1) * 0x1000);
}

// ---- header errors ----

TEST(Multiboot2Errors, BadMagic) {
    Builder b;
    b.string_tag(1, "x");
    b.end();
    BootInfo bi{};
    const uint8_t* p = b.finish();
    EXPECT_EQ(parse(0x2badb002, p, b.size(), bi), Status::bad_magic);
    expect_empty(bi);
}

TEST(Multiboot2Errors, NullInfo) {
    BootInfo bi{};
    EXPECT_EQ(parse(kMagic, nullptr, 4096, bi), Status::truncated);
    expect_empty(bi);
}

TEST(Multiboot2Errors, MisalignedInfo) {
    Builder b;
    b.end();
    b.finish();
    alignas(8) uint8_t buf[64] = {};
    std::memcpy(buf + 4, b.data(), b.size());
    BootInfo bi{};
    EXPECT_EQ(parse(kMagic, buf + 4, b.size(), bi), Status::bad_alignment);
    std::memcpy(buf + 8, b.data(), b.size());
    EXPECT_EQ(parse(kMagic, buf + 8, b.size(), bi), Status::ok);
}

TEST(Multiboot2Errors, MaxLenTooSmallForHeader) {
    Builder b;
    b.end();
    BootInfo bi{};
    const uint8_t* p = b.finish();
    EXPECT_EQ(parse(kMagic, p, 7, bi), Status::truncated);
    EXPECT_EQ(parse(kMagic, p, 0, bi), Status::truncated);
}

TEST(Multiboot2Errors, TotalSizeBeyondMaxLen) {
    Builder b;
    b.string_tag(1, "console");
    b.end();
    BootInfo bi{};
    const uint8_t* p = b.finish();
    EXPECT_EQ(parse(kMagic, p, b.size() - 1, bi), Status::truncated);
    expect_empty(bi);
}

TEST(Multiboot2Errors, TotalSizeTooSmall) {
    Builder b;
    b.end();
    BootInfo bi{};
    const uint8_t* p = b.finish(15);
    EXPECT_EQ(parse(kMagic, p, 64, bi), Status::truncated);
    p = b.finish(0);
    EXPECT_EQ(parse(kMagic, p, 64, bi), Status::truncated);
}

// ---- tag walk errors ----

TEST(Multiboot2Errors, TagRunningPastTotalSize) {
    Builder b;
    b.string_tag(1, "abc");
    b.tag(2, std::vector<uint8_t>(8, 'n'), 64);  // claims 64 bytes, 16 present
    b.end();
    BootInfo bi{};
    EXPECT_EQ(parse_built(b, bi), Status::truncated);
    expect_empty(bi);
}

TEST(Multiboot2Errors, EndTagRunningPastTotalSize) {
    Builder b;
    b.tag(0, {}, 16);
    BootInfo bi{};
    EXPECT_EQ(parse_built(b, bi), Status::truncated);
}

TEST(Multiboot2Errors, TagSizeBelowHeader) {
    Builder b;
    b.tag(1, {}, 4);
    b.end();
    BootInfo bi{};
    EXPECT_EQ(parse_built(b, bi), Status::bad_tag);
}

TEST(Multiboot2Errors, UnknownTagWithZeroSize) {
    Builder b;
    b.tag(99, {}, 0);
    b.end();
    BootInfo bi{};
    EXPECT_EQ(parse_built(b, bi), Status::bad_tag);
}

TEST(Multiboot2Errors, MissingEndTag) {
    Builder b;
    b.string_tag(1, "console");
    b.mmap({{0, 0x9fc00, 1}});
    BootInfo bi{};
    EXPECT_EQ(parse_built(b, bi), Status::missing_end_tag);
    expect_empty(bi);
}

TEST(Multiboot2Errors, TotalSizeCutsOffEndTag) {
    Builder b;
    b.string_tag(1, "console");  // 16 bytes at offset 8
    b.end();                     // at offset 24
    BootInfo bi{};
    const uint8_t* p = b.finish(28);  // end tag header only half inside
    EXPECT_EQ(parse(kMagic, p, 64, bi), Status::missing_end_tag);
}

TEST(Multiboot2Errors, PaddingOfLastTagLeavesBuffer) {
    Builder b;
    b.tag(1, {'a', 0});     // size 10, padded to 16
    BootInfo bi{};
    const uint8_t* p = b.finish(18);  // ends right after the tag, before its padding
    EXPECT_EQ(parse(kMagic, p, 18, bi), Status::missing_end_tag);
}

TEST(Multiboot2Errors, EndTagWithWrongSize) {
    Builder b;
    b.tag(0, std::vector<uint8_t>(8, 0));  // size 16
    BootInfo bi{};
    EXPECT_EQ(parse_built(b, bi), Status::bad_tag);
}

// ---- string tags ----

TEST(Multiboot2Errors, UnterminatedCmdline) {
    Builder b;
    b.tag(1, {'a', 'b', 'c'});
    b.end();
    BootInfo bi{};
    EXPECT_EQ(parse_built(b, bi), Status::bad_tag);
    expect_empty(bi);
}

TEST(Multiboot2Errors, CmdlineNulOnlyInPaddingRejected) {
    Builder b;
    b.tag(1, {'a', 'b', 'c'});  // size 11: the zero padding after it must not count
    b.end();
    BootInfo bi{};
    EXPECT_EQ(parse_built(b, bi), Status::bad_tag);
}

TEST(Multiboot2Errors, EmptyCmdlineTagRejected) {
    Builder b;
    b.tag(1, {});
    b.end();
    BootInfo bi{};
    EXPECT_EQ(parse_built(b, bi), Status::bad_tag);
}

TEST(Multiboot2Errors, UnterminatedLoaderName) {
    Builder b;
    b.tag(2, {'G', 'R', 'U', 'B'});
    b.end();
    BootInfo bi{};
    EXPECT_EQ(parse_built(b, bi), Status::bad_tag);
}

TEST(Multiboot2Errors, UnterminatedModuleString) {
    Builder b;
    std::vector<uint8_t> body;
    put32(body, 0x1000);
    put32(body, 0x2000);
    body.push_back('x');
    b.tag(3, body);
    b.end();
    BootInfo bi{};
    EXPECT_EQ(parse_built(b, bi), Status::bad_tag);
}

TEST(Multiboot2Errors, ModuleWithoutString) {
    Builder b;
    std::vector<uint8_t> body;
    put32(body, 0x1000);
    put32(body, 0x2000);
    b.tag(3, body);
    b.end();
    BootInfo bi{};
    EXPECT_EQ(parse_built(b, bi), Status::bad_tag);
}

TEST(Multiboot2Errors, ModuleTooShortForAddresses) {
    Builder b;
    b.tag(3, {0, 0, 0, 0, 0});
    b.end();
    BootInfo bi{};
    EXPECT_EQ(parse_built(b, bi), Status::bad_tag);
}

TEST(Multiboot2Errors, ModuleStartAfterEnd) {
    Builder b;
    b.module(0x200001, 0x200000, "bad");
    b.end();
    BootInfo bi{};
    EXPECT_EQ(parse_built(b, bi), Status::bad_tag);
}

// ---- memory map ----

TEST(Multiboot2Errors, MmapEntrySizeTooSmall) {
    Builder b;
    b.mmap({{0, 0x1000, 1}}, 16);
    b.end();
    BootInfo bi{};
    EXPECT_EQ(parse_built(b, bi), Status::bad_tag);
}

TEST(Multiboot2Errors, MmapEntrySizeNotMultipleOf8) {
    Builder b;
    b.mmap({{0, 0x1000, 1}}, 28);
    b.end();
    BootInfo bi{};
    EXPECT_EQ(parse_built(b, bi), Status::bad_tag);
}

TEST(Multiboot2Errors, MmapEntrySizeZero) {
    Builder b;
    std::vector<uint8_t> body;
    put32(body, 0);
    put32(body, 0);
    b.tag(6, body);
    b.end();
    BootInfo bi{};
    EXPECT_EQ(parse_built(b, bi), Status::bad_tag);
}

TEST(Multiboot2Errors, MmapPartialTrailingEntry) {
    Builder b;
    std::vector<uint8_t> body;
    put32(body, 24);
    put32(body, 0);
    body.resize(8 + 24 + 8, 0);  // one entry and 8 stray bytes
    b.tag(6, body);
    b.end();
    BootInfo bi{};
    EXPECT_EQ(parse_built(b, bi), Status::bad_tag);
}

TEST(Multiboot2Errors, MmapTagShorterThanFixedPart) {
    Builder b;
    b.tag(6, {24, 0, 0, 0});
    b.end();
    BootInfo bi{};
    EXPECT_EQ(parse_built(b, bi), Status::bad_tag);
}

TEST(Multiboot2Errors, MmapRangeWrapping) {
    Builder b;
    b.mmap({{0xFFFFFFFFFFFFF000ull, 0x1001, 1}});
    b.end();
    BootInfo bi{};
    EXPECT_EQ(parse_built(b, bi), Status::bad_tag);
}

TEST(Multiboot2Errors, TooManyMemRanges) {
    Builder b;
    std::vector<MemRange> map;
    for (uint64_t i = 0; i < kMaxMemRanges + 1; ++i) map.push_back({i * 0x1000, 0x1000, 1});
    b.mmap(map);
    b.end();
    BootInfo bi{};
    EXPECT_EQ(parse_built(b, bi), Status::too_many);
    expect_empty(bi);
}

TEST(Multiboot2Errors, TooManyModules) {
    Builder b;
    for (uint32_t i = 0; i < kMaxModules + 1; ++i) b.module(i * 0x1000, i * 0x1000 + 1, "m");
    b.end();
    BootInfo bi{};
    EXPECT_EQ(parse_built(b, bi), Status::too_many);
    expect_empty(bi);
}

// ---- other tags ----

TEST(Multiboot2Errors, ShortOldRsdpTag) {
    Builder b;
    b.tag(14, std::vector<uint8_t>(19, 0));
    b.end();
    BootInfo bi{};
    EXPECT_EQ(parse_built(b, bi), Status::bad_tag);
}

TEST(Multiboot2Errors, ShortNewRsdpTag) {
    Builder b;
    b.tag(15, std::vector<uint8_t>(35, 0));
    b.end();
    BootInfo bi{};
    EXPECT_EQ(parse_built(b, bi), Status::bad_tag);
}

TEST(Multiboot2Errors, ShortBasicMeminfo) {
    Builder b;
    b.tag(4, {1, 2, 3, 4});
    b.end();
    BootInfo bi{};
    EXPECT_EQ(parse_built(b, bi), Status::bad_tag);
}

TEST(Multiboot2Errors, DuplicateCmdline) {
    Builder b;
    b.string_tag(1, "one");
    b.string_tag(1, "two");
    b.end();
    BootInfo bi{};
    EXPECT_EQ(parse_built(b, bi), Status::bad_tag);
}

TEST(Multiboot2Errors, DuplicateMmap) {
    Builder b;
    b.mmap({{0, 0x1000, 1}});
    b.mmap({{0x1000, 0x1000, 1}});
    b.end();
    BootInfo bi{};
    EXPECT_EQ(parse_built(b, bi), Status::bad_tag);
}

TEST(Multiboot2Errors, DuplicateRsdpTag) {
    Builder b;
    b.rsdp(true, 1);
    b.rsdp(true, 2);
    b.end();
    BootInfo bi{};
    EXPECT_EQ(parse_built(b, bi), Status::bad_tag);
}

// ---- never reads outside the buffer ----

// Places the structure so that it ends exactly at a page followed by an
// inaccessible guard page: any read past max_len faults the test.
class GuardedBuffer {
public:
    GuardedBuffer() {
        page_ = static_cast<size_t>(sysconf(_SC_PAGESIZE));
        void* m = mmap(nullptr, 2 * page_, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
        base_ = m == MAP_FAILED ? nullptr : static_cast<uint8_t*>(m);
        if (base_ != nullptr) mprotect(base_ + page_, page_, PROT_NONE);
    }
    ~GuardedBuffer() {
        if (base_ != nullptr) munmap(base_, 2 * page_);
    }
    GuardedBuffer(const GuardedBuffer&) = delete;
    GuardedBuffer& operator=(const GuardedBuffer&) = delete;
    const uint8_t* place(const uint8_t* p, size_t n) {
        uint8_t* dst = base_ + page_ - n;
        std::memcpy(dst, p, n);
        return dst;
    }
    bool ok() const { return base_ != nullptr; }

private:
    size_t page_ = 0;
    uint8_t* base_ = nullptr;
};

TEST(Multiboot2Bounds, ValidStructureAtEndOfMapping) {
    GuardedBuffer g;
    ASSERT_TRUE(g.ok());
    Builder b;
    b.string_tag(1, "abc");
    b.mmap(pc_memory_map());
    b.end();
    b.finish();
    const uint8_t* p = g.place(b.data(), b.size());
    BootInfo bi{};
    EXPECT_EQ(parse(kMagic, p, b.size(), bi), Status::ok);
}

TEST(Multiboot2Bounds, LyingSizesAtEndOfMapping) {
    GuardedBuffer g;
    ASSERT_TRUE(g.ok());
    BootInfo bi{};
    {
        Builder b;  // tag claims far more than is present
        b.tag(6, {24, 0, 0, 0, 0, 0, 0, 0}, 0x10000);
        b.finish();
        const uint8_t* p = g.place(b.data(), b.size());
        EXPECT_EQ(parse(kMagic, p, b.size(), bi), Status::truncated);
    }
    {
        Builder b;  // total_size claims more than max_len
        b.end();
        b.finish(0x100000);
        const uint8_t* p = g.place(b.data(), b.size());
        EXPECT_EQ(parse(kMagic, p, b.size(), bi), Status::truncated);
    }
    {
        Builder b;  // string without terminator reaching the very end
        b.tag(1, std::vector<uint8_t>(8, 'z'));
        b.finish();
        const uint8_t* p = g.place(b.data(), b.size());
        EXPECT_EQ(parse(kMagic, p, b.size(), bi), Status::bad_tag);
    }
    {
        Builder b;  // header only, max_len 8
        b.finish(16);
        const uint8_t* p = g.place(b.data(), 8);
        EXPECT_EQ(parse(kMagic, p, 8, bi), Status::truncated);
    }
}

// ---- normalize_available ----

BootInfo info_with(const std::vector<MemRange>& ranges) {
    BootInfo bi{};
    for (const MemRange& r : ranges) bi.mem[bi.mem_count++] = r;
    return bi;
}

TEST(Multiboot2Normalize, RealisticPc) {
    const BootInfo bi = info_with(pc_memory_map());
    MemRange out[8] = {};
    ASSERT_EQ(normalize_available(bi, out, 8), 3u);
    expect_range(out[0], 0x0, 0x9fc00, 1);
    expect_range(out[1], 0x100000, 0x7fde0000, 1);
    expect_range(out[2], 0x100000000, 0x80000000, 1);
}

TEST(Multiboot2Normalize, SortsUnorderedInput) {
    const BootInfo bi = info_with({{0x300000, 0x1000, 1}, {0x100000, 0x1000, 1}, {0x200000, 0x1000, 1}});
    MemRange out[4] = {};
    ASSERT_EQ(normalize_available(bi, out, 4), 3u);
    expect_range(out[0], 0x100000, 0x1000, 1);
    expect_range(out[1], 0x200000, 0x1000, 1);
    expect_range(out[2], 0x300000, 0x1000, 1);
}

TEST(Multiboot2Normalize, MergesOverlappingAndAdjacent) {
    const BootInfo bi = info_with({{0x8000, 0x18000, 1},
                                   {0x0, 0x10000, 1},
                                   {0x20000, 0x1000, 1},
                                   {0x40000, 0x1000, 1},
                                   {0x41000, 0x1000, 1}});
    MemRange out[4] = {};
    ASSERT_EQ(normalize_available(bi, out, 4), 2u);
    expect_range(out[0], 0x0, 0x21000, 1);
    expect_range(out[1], 0x40000, 0x2000, 1);
}

TEST(Multiboot2Normalize, ReservedInsideSplits) {
    const BootInfo bi = info_with({{0x0, 0x100000, 1}, {0x40000, 0x10000, 2}});
    MemRange out[4] = {};
    ASSERT_EQ(normalize_available(bi, out, 4), 2u);
    expect_range(out[0], 0x0, 0x40000, 1);
    expect_range(out[1], 0x50000, 0xb0000, 1);
}

TEST(Multiboot2Normalize, ReservedClipsBothEdges) {
    const BootInfo bi = info_with({{0x10000, 0x10000, 1},
                                   {0x8000, 0x10000, 2},     // overlaps the start
                                   {0x1c000, 0x10000, 4}});  // overlaps the end
    MemRange out[2] = {};
    ASSERT_EQ(normalize_available(bi, out, 2), 1u);
    expect_range(out[0], 0x18000, 0x4000, 1);
}

TEST(Multiboot2Normalize, ReservedCoveringEverythingLeavesNothing) {
    const BootInfo bi = info_with({{0x1000, 0x1000, 1}, {0x0, 0x10000, 3}});
    MemRange out[2] = {};
    EXPECT_EQ(normalize_available(bi, out, 2), 0u);
}

TEST(Multiboot2Normalize, ReservedWinsRegardlessOfOrderAndType) {
    for (uint32_t type : {0u, 2u, 3u, 4u, 5u, 7u}) {
        SCOPED_TRACE(type);
        const BootInfo bi = info_with({{0x1000, 0x1000, type}, {0x0, 0x3000, 1}});
        MemRange out[4] = {};
        ASSERT_EQ(normalize_available(bi, out, 4), 2u);
        expect_range(out[0], 0x0, 0x1000, 1);
        expect_range(out[1], 0x2000, 0x1000, 1);
    }
}

TEST(Multiboot2Normalize, ZeroLengthRangesIgnored) {
    const BootInfo bi = info_with({{0x5000, 0, 1}, {0x1000, 0x1000, 1}, {0x1800, 0, 2}});
    MemRange out[4] = {};
    ASSERT_EQ(normalize_available(bi, out, 4), 1u);
    expect_range(out[0], 0x1000, 0x1000, 1);
}

TEST(Multiboot2Normalize, EmptyInput) {
    const BootInfo bi{};
    MemRange out[1] = {};
    EXPECT_EQ(normalize_available(bi, out, 1), 0u);
    EXPECT_EQ(normalize_available(bi, nullptr, 0), 0u);
}

TEST(Multiboot2Normalize, CapTooSmallReportsFullCount) {
    const BootInfo bi = info_with({{0x1000, 0x1000, 1},
                                   {0x3000, 0x1000, 1},
                                   {0x5000, 0x1000, 1},
                                   {0x6000, 0x1000, 1}});  // merges with the third
    MemRange out[3] = {};
    out[2] = {0xdead, 0xbeef, 9};
    ASSERT_EQ(normalize_available(bi, out, 2), 3u);
    expect_range(out[0], 0x1000, 0x1000, 1);
    expect_range(out[1], 0x3000, 0x1000, 1);
    expect_range(out[2], 0xdead, 0xbeef, 9);  // untouched
    EXPECT_EQ(normalize_available(bi, nullptr, 0), 3u);
}

TEST(Multiboot2Normalize, MergeIntoLastWrittenEntryAtCap) {
    const BootInfo bi = info_with({{0x1000, 0x1000, 1}, {0x2000, 0x1000, 1}, {0x8000, 0x1000, 1}});
    MemRange out[2] = {};
    out[1] = {0xdead, 0xbeef, 9};
    ASSERT_EQ(normalize_available(bi, out, 1), 2u);
    expect_range(out[0], 0x1000, 0x2000, 1);
    expect_range(out[1], 0xdead, 0xbeef, 9);
}

TEST(Multiboot2Normalize, TopOfAddressSpaceSaturates) {
    const BootInfo bi = info_with({{0xFFFFFFFFFFFF0000ull, 0x10000, 1}});
    MemRange out[1] = {};
    ASSERT_EQ(normalize_available(bi, out, 1), 1u);
    expect_range(out[0], 0xFFFFFFFFFFFF0000ull, 0xFFFF, 1);
}

TEST(Multiboot2Normalize, FromParsedInfo) {
    Builder b;
    b.mmap({{0x100000, 0x100000, 1}, {0x0, 0x9fc00, 1}, {0x180000, 0x1000, 2}});
    b.end();
    BootInfo bi{};
    ASSERT_EQ(parse_built(b, bi), Status::ok);
    MemRange out[4] = {};
    ASSERT_EQ(normalize_available(bi, out, 4), 3u);
    expect_range(out[0], 0x0, 0x9fc00, 1);
    expect_range(out[1], 0x100000, 0x80000, 1);
    expect_range(out[2], 0x181000, 0x7f000, 1);
}

TEST(Multiboot2Status, ToStringDistinct) {
    const Status all[] = {Status::ok,       Status::bad_magic, Status::bad_alignment,
                          Status::truncated, Status::bad_tag,  Status::too_many,
                          Status::missing_end_tag};
    EXPECT_STREQ(to_string(Status::ok), "ok");
    for (size_t i = 0; i < std::size(all); ++i) {
        ASSERT_NE(to_string(all[i]), nullptr);
        for (size_t j = i + 1; j < std::size(all); ++j) {
            EXPECT_STRNE(to_string(all[i]), to_string(all[j]));
        }
    }
    EXPECT_STREQ(to_string(static_cast<Status>(200)), "unknown multiboot2 status");
}

}  // namespace
}  // namespace bh::mb2
