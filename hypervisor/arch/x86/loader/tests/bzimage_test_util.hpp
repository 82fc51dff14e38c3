// Builder of synthetic bzImages and a load helper for the bzImage loader tests (fields per
// boot.rst's setup header table).
#pragma once
#include <cstdint>
#include <vector>

#include "arch/x86/loader/bzimage.hpp"
#include "arch/x86/loader/tests/loader_test_util.hpp"

namespace bh::x86::loader::test {

struct BzSpec {
    uint8_t setup_sects = 4;
    uint16_t boot_flag = 0xaa55;
    uint32_t magic = 0x53726448;  // "HdrS"
    uint8_t jump_offset = 0x6a;   // header ends at 0x26c (protocol 2.15)
    uint16_t version = 0x020f;
    uint8_t loadflags = 0x01 | 0x40 | 0x80;  // LOADED_HIGH plus bits the loader must clear
    uint16_t xloadflags = 0x0003;            // XLF_KERNEL_64 | XLF_CAN_BE_LOADED_ABOVE_4G
    uint32_t initrd_addr_max = 0x7fffffff;
    uint32_t kernel_alignment = 0x200000;
    uint8_t relocatable = 1;
    uint32_t cmdline_size = 2047;
    uint64_t pref_address = 0x400000;
    uint32_t init_size = 0x300000;
    size_t payload = 0x20000;  // a multiple of 16, so syssize is exact
    uint32_t syssize_override = 0;
};

inline std::vector<uint8_t> make_bzimage(const BzSpec& s) {
    const size_t setup = (static_cast<size_t>(s.setup_sects == 0 ? 4 : s.setup_sects) + 1) * 512;
    Bytes b;
    b.v = pattern(setup, 0x31);  // the setup code; header fields overwrite parts of it
    for (size_t i = 0x1f1; i < 0x290; ++i) b.v[i] = static_cast<uint8_t>(i);  // recognisable header bytes
    b.u8(0x1f1, s.setup_sects);
    b.u32(0x1f4, s.syssize_override != 0 ? s.syssize_override : static_cast<uint32_t>((s.payload + 15) / 16));
    b.u16(0x1fa, 0xfffd);  // vid_mode "ask": the loader writes "normal"
    b.u16(0x1fe, s.boot_flag);
    b.u8(0x200, 0xeb);
    b.u8(0x201, s.jump_offset);
    b.u32(0x202, s.magic);
    b.u16(0x206, s.version);
    b.u8(0x210, 0);  // type_of_loader
    b.u8(0x211, s.loadflags);
    b.u32(0x214, 0x100000);  // code32_start default
    b.u32(0x218, 0);
    b.u32(0x21c, 0);
    b.u16(0x224, 0xde00);  // heap_end_ptr: the loader clears it with CAN_USE_HEAP
    b.u32(0x228, 0);
    b.u32(0x22c, s.initrd_addr_max);
    b.u32(0x230, s.kernel_alignment);
    b.u8(0x234, s.relocatable);
    b.u8(0x235, 21);
    b.u16(0x236, s.xloadflags);
    b.u32(0x238, s.cmdline_size);
    b.u32(0x23c, 0);
    b.u64(0x240, 0);
    b.u64(0x250, 0xdeadbeef000);  // setup_data: the loader clears it
    b.u64(0x258, s.pref_address);
    b.u32(0x260, s.init_size);
    const auto payload = pattern(s.payload, 0x77);
    b.bytes(setup, payload);
    return b.v;
}

// Guest RAM of the tests and the loader's fixed addresses (bzimage.hpp), spelled out.
inline constexpr uint64_t kRam = 32 * kMiB;
inline constexpr uint64_t kZeroPage = 0x8000;
inline constexpr uint64_t kCmdline = 0x9000;
inline constexpr uint64_t kRsdp = 0xf2400;

inline BootState sentinel_state() {
    BootState s{};
    s.rip = 0x5a5a5a5a;
    return s;
}

struct Loaded {
    LoadStatus st;
    BootState state;
    BzImagePlacement where;
};

// Loads into `g` with a sentinel state, so a failed load can be seen not to write it.
inline Loaded load(GuardedRam& g, const std::vector<uint8_t>& img, const std::vector<uint8_t>* initrd,
                   const char* cmdline) {
    Loaded r{LoadStatus::ok, sentinel_state(), {}};
    const Image k{img.data(), img.size(), nullptr};
    const Image rd{initrd == nullptr ? nullptr : initrd->data(), initrd == nullptr ? 0 : initrd->size(), nullptr};
    r.st = load_bzimage(g.ram(), k, initrd == nullptr ? nullptr : &rd, cmdline, kRsdp, r.state, &r.where);
    return r;
}

}  // namespace bh::x86::loader::test
