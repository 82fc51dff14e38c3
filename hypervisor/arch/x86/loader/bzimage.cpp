// bzImage placement, zero page construction and the 64-bit boot protocol entry state.
#include "arch/x86/loader/bzimage.hpp"

#include "arch/x86/loader/boot_paging.hpp"

namespace bh::x86::loader {
namespace {

constexpr bool overlaps(uint64_t a, uint64_t alen, uint64_t b, uint64_t blen) { return a < b + blen && b < a + alen; }

LoadStatus place_kernel(const BzImageHeader& h, uint64_t mem_size, BzImagePlacement& p) {
    uint64_t load = h.pref_address != 0 ? h.pref_address : kHighRamStart;
    if (load >= k4GiB) return LoadStatus::no_room_for_kernel;
    // boot.rst init_size: runtime_start = relocatable ? align_up(load, kernel_alignment) : pref_address.
    if (h.relocatable) load = align_up(load, h.kernel_alignment < kPageSize ? kPageSize : h.kernel_alignment);
    if (load < kHighRamStart) return LoadStatus::overlaps_reserved;
    const uint64_t need = h.init_size > h.payload_size ? h.init_size : h.payload_size;
    p.kernel = load;
    p.kernel_reserved = align_up(need, kPageSize);
    if (check_load_range(load, p.kernel_reserved, mem_size, k4GiB) != LoadStatus::ok)
        return LoadStatus::no_room_for_kernel;
    return LoadStatus::ok;
}

// Highest page-aligned start for `size` bytes ending at or below `top` and
// at or above 1 MiB; 0 if none.
uint64_t highest_fit(uint64_t size, uint64_t top) {
    if (size > top || top - size < kHighRamStart) return 0;
    const uint64_t start = align_down(top - size, kPageSize);
    return start >= kHighRamStart ? start : 0;
}

LoadStatus place_initrd(const BzImageHeader& h, uint64_t mem_size, uint64_t size, BzImagePlacement& p) {
    uint64_t top = mem_size < k4GiB ? mem_size : k4GiB;
    // initrd_addr_max is the highest byte the initrd may occupy.
    if (uint64_t{h.initrd_addr_max} + 1 < top) top = uint64_t{h.initrd_addr_max} + 1;
    uint64_t start = highest_fit(size, top);
    if (start == 0 || overlaps(start, size, p.kernel, p.kernel_reserved))
        start = highest_fit(size, top < p.kernel ? top : p.kernel);
    if (start == 0) return LoadStatus::no_room_for_initrd;
    p.initrd = start;
    p.initrd_size = size;
    return LoadStatus::ok;
}

void write_zero_page(RamWriter& w, const Image& kernel, const BzImageHeader& h, const BzImagePlacement& p,
                     const E820Map& map, uint64_t rsdp_gpa) {
    const uint64_t z = kBzZeroPageGpa;
    w.fill(z, 0, zp::kSize);
    w.bytes(z + hdr::kStart, kernel.data + hdr::kStart, h.header_end - hdr::kStart);
    w.u16(z + hdr::kVidMode, hdr::kVidModeNormal);
    w.u8(z + hdr::kTypeOfLoader, hdr::kLoaderUndefined);
    const uint8_t loadflags = static_cast<uint8_t>(h.loadflags & ~(hdr::kCanUseHeap | hdr::kKeepSegments));
    w.u8(z + hdr::kLoadflags, loadflags);
    w.u16(z + hdr::kHeapEndPtr, 0);
    w.u32(z + hdr::kCode32Start, static_cast<uint32_t>(p.kernel));
    w.u32(z + hdr::kRamdiskImage, static_cast<uint32_t>(p.initrd));
    w.u32(z + hdr::kRamdiskSize, static_cast<uint32_t>(p.initrd_size));
    w.u32(z + zp::kExtRamdiskImage, static_cast<uint32_t>(p.initrd >> 32));
    w.u32(z + zp::kExtRamdiskSize, static_cast<uint32_t>(p.initrd_size >> 32));
    w.u32(z + hdr::kCmdLinePtr, static_cast<uint32_t>(kBzCmdlineGpa));
    w.u32(z + zp::kExtCmdLinePtr, static_cast<uint32_t>(kBzCmdlineGpa >> 32));
    w.u64(z + hdr::kSetupData, 0);
    w.u64(z + zp::kAcpiRsdpAddr, rsdp_gpa);
    w.u8(z + zp::kE820Entries, static_cast<uint8_t>(map.count));
    for (size_t i = 0; i < map.count; ++i) {
        const uint64_t e = z + zp::kE820Table + i * zp::kE820EntrySize;
        w.u64(e, map.entries[i].addr);
        w.u64(e + 8, map.entries[i].size);
        w.u32(e + 16, static_cast<uint32_t>(map.entries[i].type));
    }
}

}  // namespace

LoadStatus load_bzimage(GuestRam& ram, const Image& kernel, const Image* initrd, const char* cmdline,
                        uint64_t rsdp_gpa, BootState& state, BzImagePlacement* where) {
    E820Map map;
    LoadStatus st = build_e820(ram.size(), map);
    if (st != LoadStatus::ok) return st;
    BzImageHeader h;
    st = parse_bzimage_header(kernel, h);
    if (st != LoadStatus::ok) return st;
    const size_t max_len = h.cmdline_size < kBzCmdlineMax ? h.cmdline_size : kBzCmdlineMax;
    const size_t cmdline_len = bounded_strlen(cmdline, max_len);
    if (cmdline_len > max_len) return LoadStatus::cmdline_too_long;

    BzImagePlacement p{};
    st = place_kernel(h, ram.size(), p);
    if (st != LoadStatus::ok) return st;
    const bool has_initrd = initrd != nullptr && initrd->data != nullptr && initrd->size != 0;
    if (has_initrd) {
        st = place_initrd(h, ram.size(), initrd->size, p);
        if (st != LoadStatus::ok) return st;
    }

    // Everything checked: from here on only GuestRam failures can stop us.
    BootState s = long64_state(p.kernel + hdr::kEntry64Offset, kBzPageTablesGpa, kGdtGpa);
    s.rsi = kBzZeroPageGpa;
    if (install_boot_gdt(ram, s) != LoadStatus::ok || build_identity_map(ram, kBzPageTablesGpa) != LoadStatus::ok)
        return LoadStatus::ram_write_failed;
    RamWriter w(ram);
    write_zero_page(w, kernel, h, p, map, rsdp_gpa);
    w.str(kBzCmdlineGpa, cmdline == nullptr ? "" : cmdline, cmdline_len);
    w.bytes(p.kernel, kernel.data + h.setup_size, h.payload_size);
    if (has_initrd) w.bytes(p.initrd, initrd->data, initrd->size);
    if (!w.ok()) return LoadStatus::ram_write_failed;
    state = s;
    if (where != nullptr) *where = p;
    return LoadStatus::ok;
}

}  // namespace bh::x86::loader
