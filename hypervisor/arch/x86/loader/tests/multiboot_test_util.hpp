// Builders of synthetic Multiboot kernels (ELF32/ELF64 and a.out kludge) for the loader tests.
#pragma once
#include <cstdint>
#include <vector>

#include "arch/x86/loader/tests/loader_test_util.hpp"

namespace bh::x86::loader::test {

inline constexpr uint32_t kMbMagic = 0x1badb002;

// Writes a Multiboot header (magic, flags, checksum) at `off`.
inline void put_mb_header(Bytes& b, size_t off, uint32_t flags, bool good_checksum = true) {
    b.u32(off, kMbMagic);
    b.u32(off + 4, flags);
    b.u32(off + 8, static_cast<uint32_t>(0u - kMbMagic - flags) + (good_checksum ? 0u : 1u));
}

struct ElfSeg {
    uint64_t paddr;
    uint64_t vaddr;
    std::vector<uint8_t> data;  // file bytes (filesz = data.size())
    uint64_t memsz;
    uint32_t type = 1;  // PT_LOAD
};

struct ElfSpec {
    bool is64 = false;
    uint64_t entry = 0;
    std::vector<ElfSeg> segs;
    uint32_t mb_flags = 0x3;  // page-align modules, memory info
};

// Layout: ELF header, program headers, the Multiboot header right after
// them (4-byte aligned), then each segment's bytes at its own 4 KiB-aligned
// offset from 0x1000. Offsets of the interesting fields are exposed.
struct ElfFile {
    std::vector<uint8_t> bytes;
    size_t phoff, phentsize, mb_offset;
    std::vector<size_t> seg_offsets;
    // Header field offsets (gABI "ELF Header").
    size_t off_phoff() const { return is64 ? 32 : 28; }
    size_t off_phentsize() const { return is64 ? 54 : 42; }
    size_t off_phnum() const { return is64 ? 56 : 44; }
    bool is64;
};

inline ElfFile make_elf(const ElfSpec& s) {
    ElfFile f{};
    f.is64 = s.is64;
    const size_t ehsize = s.is64 ? 64 : 52;
    f.phentsize = s.is64 ? 56 : 32;
    f.phoff = ehsize;
    f.mb_offset = (f.phoff + s.segs.size() * f.phentsize + 3) & ~size_t{3};
    Bytes b;
    b.v = {0x7f, 'E', 'L', 'F', static_cast<uint8_t>(s.is64 ? 2 : 1), 1, 1, 0};
    b.resize_at_least(16);
    b.u16(16, 2);                              // ET_EXEC
    b.u16(18, s.is64 ? 62 : 3);                // EM_X86_64 / EM_386
    b.u32(20, 1);                              // EV_CURRENT
    if (s.is64) {
        b.u64(24, s.entry);
        b.u64(32, f.phoff);
        b.u16(52, static_cast<uint16_t>(ehsize));
        b.u16(54, static_cast<uint16_t>(f.phentsize));
        b.u16(56, static_cast<uint16_t>(s.segs.size()));
    } else {
        b.u32(24, static_cast<uint32_t>(s.entry));
        b.u32(28, static_cast<uint32_t>(f.phoff));
        b.u16(40, static_cast<uint16_t>(ehsize));
        b.u16(42, static_cast<uint16_t>(f.phentsize));
        b.u16(44, static_cast<uint16_t>(s.segs.size()));
    }
    put_mb_header(b, f.mb_offset, s.mb_flags);
    size_t data_off = 0x1000;
    for (size_t i = 0; i < s.segs.size(); ++i) {
        const ElfSeg& g = s.segs[i];
        const size_t ph = f.phoff + i * f.phentsize;
        if (s.is64) {
            b.u32(ph, g.type);
            b.u32(ph + 4, 7);
            b.u64(ph + 8, data_off);
            b.u64(ph + 16, g.vaddr);
            b.u64(ph + 24, g.paddr);
            b.u64(ph + 32, g.data.size());
            b.u64(ph + 40, g.memsz);
            b.u64(ph + 48, 0x1000);
        } else {
            b.u32(ph, g.type);
            b.u32(ph + 4, static_cast<uint32_t>(data_off));
            b.u32(ph + 8, static_cast<uint32_t>(g.vaddr));
            b.u32(ph + 12, static_cast<uint32_t>(g.paddr));
            b.u32(ph + 16, static_cast<uint32_t>(g.data.size()));
            b.u32(ph + 20, static_cast<uint32_t>(g.memsz));
            b.u32(ph + 24, 7);
            b.u32(ph + 28, 0x1000);
        }
        f.seg_offsets.push_back(data_off);
        b.bytes(data_off, g.data);
        data_off = (data_off + g.data.size() + 0xfff) & ~size_t{0xfff};
    }
    b.resize_at_least(data_off);
    f.bytes = b.v;
    return f;
}

struct AoutSpec {
    size_t prefix = 0;         // file bytes before the text (e.g. an a.out header)
    size_t header_in_text = 0x40;
    uint32_t load_addr = 0x100000;
    size_t text = 0x2000;      // file bytes loaded
    int64_t load_end = -1;     // -1: load_addr + text; else the raw field value
    int64_t bss_end = -1;      // -1: load_end + 0x3000; else the raw field value
    int64_t header_addr = -1;  // -1: load_addr + header_in_text
    uint32_t entry = 0x100080;
    uint32_t flags = 0x10003;
    size_t trailing = 0x100;   // file bytes after the loaded part (not loaded when load_end != 0)
};

inline std::vector<uint8_t> make_aout(const AoutSpec& s) {
    Bytes b;
    b.v = pattern(s.prefix + s.text + s.trailing, 0x5b);
    const size_t h = s.prefix + s.header_in_text;
    const uint32_t load_end = s.load_end >= 0 ? static_cast<uint32_t>(s.load_end) : static_cast<uint32_t>(s.load_addr + s.text);
    put_mb_header(b, h, s.flags);
    b.u32(h + 12, s.header_addr >= 0 ? static_cast<uint32_t>(s.header_addr) : static_cast<uint32_t>(s.load_addr + s.header_in_text));
    b.u32(h + 16, s.load_addr);
    b.u32(h + 20, load_end);
    b.u32(h + 24, s.bss_end >= 0 ? static_cast<uint32_t>(s.bss_end) : load_end + 0x3000);
    b.u32(h + 28, s.entry);
    return b.v;
}

}  // namespace bh::x86::loader::test
