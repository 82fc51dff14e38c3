// Bounds-checked access to a VM's guest-physical RAM [0, size()) for the image loaders.
#pragma once
#include <cstddef>
#include <cstdint>

namespace bh::x86::loader {

// The loaders reach guest memory only through this interface. Every call is
// checked against [0, size()): a range that does not fit (or whose end wraps)
// is refused with false and nothing is touched, so neither a loader bug nor a
// hostile image can write outside the VM's RAM.
class GuestRam {
public:
    virtual uint64_t size() const = 0;
    virtual bool write(uint64_t gpa, const void* src, size_t len) = 0;
    virtual bool fill(uint64_t gpa, uint8_t byte, uint64_t len) = 0;
    virtual bool read(uint64_t gpa, void* dst, size_t len) const = 0;

    // True if [gpa, gpa + len) lies inside [0, limit) without wrapping.
    static constexpr bool fits(uint64_t gpa, uint64_t len, uint64_t limit) {
        return gpa <= limit && len <= limit - gpa;
    }

protected:
    ~GuestRam() = default;
};

// RAM that is one contiguous host mapping: the hypervisor's view of a
// pre-launched VM's memory, or a test buffer.
class FlatGuestRam final : public GuestRam {
public:
    FlatGuestRam(uint8_t* base, uint64_t size) : base_(base), size_(size) {}

    uint64_t size() const override { return size_; }
    bool write(uint64_t gpa, const void* src, size_t len) override {
        if (!fits(gpa, len, size_)) return false;
        if (len != 0) __builtin_memcpy(base_ + gpa, src, len);
        return true;
    }
    bool fill(uint64_t gpa, uint8_t byte, uint64_t len) override {
        if (!fits(gpa, len, size_)) return false;
        if (len != 0) __builtin_memset(base_ + gpa, byte, static_cast<size_t>(len));
        return true;
    }
    bool read(uint64_t gpa, void* dst, size_t len) const override {
        if (!fits(gpa, len, size_)) return false;
        if (len != 0) __builtin_memcpy(dst, base_ + gpa, len);
        return true;
    }

private:
    uint8_t* base_;
    uint64_t size_;
};

// Little-endian stores into guest RAM with a sticky failure flag, so a
// loader can write a structure field by field and check once at the end.
class RamWriter final {
public:
    explicit RamWriter(GuestRam& ram) : ram_(ram) {}

    void bytes(uint64_t gpa, const void* src, size_t len) { ok_ = ram_.write(gpa, src, len) && ok_; }
    void fill(uint64_t gpa, uint8_t byte, uint64_t len) { ok_ = ram_.fill(gpa, byte, len) && ok_; }
    void u8(uint64_t gpa, uint8_t v) { bytes(gpa, &v, 1); }
    void u16(uint64_t gpa, uint16_t v) { le(gpa, v, 2); }
    void u32(uint64_t gpa, uint32_t v) { le(gpa, v, 4); }
    void u64(uint64_t gpa, uint64_t v) { le(gpa, v, 8); }
    // Copies the NUL-terminated string of length `len` (without the NUL) and its NUL.
    void str(uint64_t gpa, const char* s, size_t len) {
        bytes(gpa, s, len);
        u8(gpa + len, 0);
    }
    bool ok() const { return ok_; }

private:
    void le(uint64_t gpa, uint64_t v, size_t n) {
        uint8_t b[8];
        for (size_t i = 0; i < n; ++i) b[i] = static_cast<uint8_t>(v >> (8 * i));
        bytes(gpa, b, n);
    }

    GuestRam& ram_;
    bool ok_ = true;
};

}  // namespace bh::x86::loader
