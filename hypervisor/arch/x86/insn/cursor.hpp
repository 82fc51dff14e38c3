// Bounded reader over instruction bytes: never reads past `avail` or byte 15.
#pragma once
#include <cstddef>
#include <cstdint>

#include "arch/x86/insn/insn.hpp"

namespace bh::x86::insn {

inline constexpr size_t kMaxInsnLength = 15;  // SDM Vol.2 2.3.11

class Cursor final {
public:
    Cursor(const uint8_t* bytes, size_t avail)
        : bytes_(bytes), limit_(avail < kMaxInsnLength ? avail : kMaxInsnLength) {}

    // Reads n (1..8) bytes little-endian into v. On failure records why:
    // too_long if the instruction would pass 15 bytes, else truncated.
    bool take(unsigned n, uint64_t& v) {
        if (pos_ + n > kMaxInsnLength) return fail(DecodeStatus::too_long);
        if (pos_ + n > limit_) return fail(DecodeStatus::truncated);
        v = 0;
        for (unsigned i = 0; i < n; ++i) v |= uint64_t{bytes_[pos_ + i]} << (8 * i);
        pos_ += n;
        return true;
    }
    bool byte(uint8_t& b) {
        uint64_t v = 0;
        if (!take(1, v)) return false;
        b = static_cast<uint8_t>(v);
        return true;
    }
    // Reads n bytes and sign-extends them to 64 bits.
    bool take_signed(unsigned n, uint64_t& v) {
        if (!take(n, v)) return false;
        const unsigned shift = 64 - 8 * n;
        v = static_cast<uint64_t>(static_cast<int64_t>(v << shift) >> shift);
        return true;
    }

    size_t pos() const { return pos_; }
    DecodeStatus error() const { return error_; }

private:
    bool fail(DecodeStatus s) {
        error_ = s;
        return false;
    }

    const uint8_t* bytes_;
    size_t limit_;
    size_t pos_ = 0;
    DecodeStatus error_ = DecodeStatus::ok;
};

}  // namespace bh::x86::insn
