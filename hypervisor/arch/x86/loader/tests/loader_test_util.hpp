// Shared helpers of the loader tests: guest RAM with guard zones, little-endian
// accessors, a page-table walker, and an image byte buffer builder.
#pragma once
#include "arch/x86/loader/boot_state.hpp"
#include <gtest/gtest.h>

#include <cstdint>
#include <cstring>
#include <optional>
#include <string>
#include <vector>

#include "arch/x86/loader/guest_ram.hpp"

namespace bh::x86::loader::test {

inline constexpr uint64_t kMiB = 1ull << 20;
inline constexpr uint64_t kGiB = 1ull << 30;

// Guest RAM in the middle of a host buffer with guard zones on both sides;
// guards_intact() proves nothing was written outside [0, size).
class GuardedRam {
public:
    static constexpr size_t kGuard = 64 * 1024;
    static constexpr uint8_t kGuardByte = 0xa5;

    explicit GuardedRam(uint64_t size, uint8_t fill = 0)
        : buf_(kGuard + size + kGuard, kGuardByte), ram_(buf_.data() + kGuard, size) {
        std::memset(buf_.data() + kGuard, fill, size);
    }
    GuardedRam(const GuardedRam&) = delete;
    GuardedRam& operator=(const GuardedRam&) = delete;

    FlatGuestRam& ram() { return ram_; }
    uint8_t* data() { return buf_.data() + kGuard; }
    const uint8_t* data() const { return buf_.data() + kGuard; }
    uint64_t size() const { return buf_.size() - 2 * kGuard; }

    bool guards_intact() const {
        const std::vector<uint8_t> guard(kGuard, kGuardByte);
        return std::memcmp(buf_.data(), guard.data(), kGuard) == 0 &&
               std::memcmp(buf_.data() + buf_.size() - kGuard, guard.data(), kGuard) == 0;
    }
    // True if every RAM byte still equals `fill`.
    bool untouched(uint8_t fill = 0) const { return all(0, size(), fill); }

    uint8_t u8(uint64_t gpa) const { return data()[gpa]; }
    uint16_t u16(uint64_t gpa) const { return static_cast<uint16_t>(get(gpa, 2)); }
    uint32_t u32(uint64_t gpa) const { return static_cast<uint32_t>(get(gpa, 4)); }
    uint64_t u64(uint64_t gpa) const { return get(gpa, 8); }
    std::string str(uint64_t gpa) const { return std::string(reinterpret_cast<const char*>(data() + gpa)); }
    bool equals(uint64_t gpa, const uint8_t* p, size_t n) const { return std::memcmp(data() + gpa, p, n) == 0; }
    bool zero(uint64_t gpa, uint64_t n) const { return all(gpa, n, 0); }
    // True if every byte of [gpa, gpa + n) equals `v` (memcmp in chunks: fast without optimisation).
    bool all(uint64_t gpa, uint64_t n, uint8_t v) const {
        uint8_t chunk[4096];
        std::memset(chunk, v, sizeof chunk);
        while (n != 0) {
            const size_t k = n < sizeof chunk ? static_cast<size_t>(n) : sizeof chunk;
            if (std::memcmp(data() + gpa, chunk, k) != 0) return false;
            gpa += k;
            n -= k;
        }
        return true;
    }

    // 4-level walk from cr3 (SDM Vol.3 4.5); nullopt if not present or a
    // table lies outside RAM. Independent of the loader's own constants.
    std::optional<uint64_t> translate(uint64_t cr3, uint64_t va) const {
        uint64_t table = cr3 & 0x000ffffffffff000ull;
        for (int level = 4; level >= 1; --level) {
            const unsigned shift = 12 + 9 * static_cast<unsigned>(level - 1);
            const uint64_t slot = table + ((va >> shift) & 511) * 8;
            if (slot + 8 > size()) return std::nullopt;
            const uint64_t e = u64(slot);
            if ((e & 1) == 0) return std::nullopt;
            const bool leaf = level == 1 || ((level == 2 || level == 3) && (e & 0x80) != 0);
            if (leaf) {
                const uint64_t page = 1ull << shift;
                return (e & 0x000ffffffffff000ull & ~(page - 1)) + (va & (page - 1));
            }
            table = e & 0x000ffffffffff000ull;
        }
        return std::nullopt;
    }
    // Every 4 KiB page of [start, start + len) maps to itself, writable.
    ::testing::AssertionResult identity_mapped(uint64_t cr3, uint64_t start, uint64_t len) const {
        for (uint64_t va = start & ~0xfffull; va < start + len; va += 0x1000) {
            const auto pa = translate(cr3, va);
            if (!pa || *pa != va)
                return ::testing::AssertionFailure() << "0x" << std::hex << va << " not identity mapped";
        }
        return ::testing::AssertionSuccess();
    }

private:
    uint64_t get(uint64_t gpa, int n) const {
        uint64_t v = 0;
        for (int i = n - 1; i >= 0; --i) v = (v << 8) | data()[gpa + static_cast<uint64_t>(i)];
        return v;
    }

    std::vector<uint8_t> buf_;
    FlatGuestRam ram_;
};

// Little-endian stores into a growable byte image.
class Bytes {
public:
    std::vector<uint8_t> v;

    void resize_at_least(size_t n) {
        if (v.size() < n) v.resize(n, 0);
    }
    void put(size_t off, uint64_t x, int n) {
        resize_at_least(off + static_cast<size_t>(n));
        for (int i = 0; i < n; ++i) v[off + static_cast<size_t>(i)] = static_cast<uint8_t>(x >> (8 * i));
    }
    void u8(size_t off, uint8_t x) { put(off, x, 1); }
    void u16(size_t off, uint16_t x) { put(off, x, 2); }
    void u32(size_t off, uint32_t x) { put(off, x, 4); }
    void u64(size_t off, uint64_t x) { put(off, x, 8); }
    void bytes(size_t off, const std::vector<uint8_t>& b) {
        resize_at_least(off + b.size());
        std::copy(b.begin(), b.end(), v.begin() + static_cast<std::ptrdiff_t>(off));
    }
};

// Recognisable content: byte i of a blob seeded `seed`.
inline std::vector<uint8_t> pattern(size_t n, uint8_t seed) {
    std::vector<uint8_t> b(n);
    for (size_t i = 0; i < n; ++i) b[i] = static_cast<uint8_t>(seed + i * 7 + (i >> 8));
    return b;
}

// The flat 32-bit protected-mode entry state the Multiboot and raw loaders
// must produce, written out from the specs (not from protected32_state()).
inline BootState expected_flat32_state(uint32_t entry) {
    BootState e{};
    e.mode = CpuMode::protected32;
    e.rip = entry;
    e.rflags = 0x2;
    e.cr0 = 0x31;
    e.cs = Segment{0x10, 0, 0xffffffff, 0xc09b};
    e.ds = e.es = e.ss = e.fs = e.gs = Segment{0x18, 0, 0xffffffff, 0xc093};
    e.tr = Segment{0, 0, 0xffff, 0x8b};
    e.ldtr = Segment{0, 0, 0, 0x10000};
    e.gdtr = DescriptorTable{0x1000, 31};
    return e;
}

}  // namespace bh::x86::loader::test
