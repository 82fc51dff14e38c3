// Test double for GuestContext: a register file and a sparse memory map of RAM and MMIO ranges.
#pragma once
#include <cstdint>
#include <cstdio>
#include <cstring>
#include <string>
#include <vector>

#include "arch/x86/insn/decode.hpp"
#include "arch/x86/insn/emulate.hpp"
#include "arch/x86/insn/guest_context.hpp"

namespace bh_test {

using namespace bh::x86::insn;

struct Access {
    uint64_t linear;
    size_t size;
    bool write;
    uint64_t value;
    bool mmio;
    bool in_atomic;
};

class FakeGuest final : public GuestContext {
public:
    struct Region {
        uint64_t base;
        std::vector<uint8_t> bytes;
        bool mmio;
    };

    uint64_t regs[16] = {};
    uint64_t rip_ = 0x1000;
    uint64_t rflags_ = 0x2;
    uint64_t seg_base[6] = {};
    std::vector<Region> regions;
    std::vector<Access> log;  // every access, in order
    int fail_at = -1;         // index of the access that fails (-1: none)
    AccessStatus fail_with = AccessStatus::fault;
    int atomic_depth = 0;
    int atomic_scopes = 0;
    bool atomic_misuse = false;  // nested begin or end without begin

    FakeGuest() {
        for (unsigned i = 0; i < 16; ++i) regs[i] = 0xcccccccccccccc00ull + i;
    }

    void add_region(uint64_t base, size_t size, bool mmio) { regions.push_back({base, std::vector<uint8_t>(size), mmio}); }

    Region* find(uint64_t lin, size_t size) {
        for (auto& r : regions) {
            if (lin >= r.base && lin - r.base <= r.bytes.size() && r.bytes.size() - (lin - r.base) >= size) return &r;
        }
        return nullptr;
    }
    uint64_t peek(uint64_t lin, size_t size) {
        Region* r = find(lin, size);
        if (r == nullptr) return 0xbad0bad0bad0bad0ull;
        uint64_t v = 0;
        std::memcpy(&v, r->bytes.data() + (lin - r->base), size);
        return v;
    }
    void poke(uint64_t lin, size_t size, uint64_t v) {
        Region* r = find(lin, size);
        if (r != nullptr) std::memcpy(r->bytes.data() + (lin - r->base), &v, size);
    }

    uint64_t gpr(unsigned n) override { return regs[n]; }
    void set_gpr(unsigned n, uint64_t v) override { regs[n] = v; }
    uint64_t rip() override { return rip_; }
    void set_rip(uint64_t v) override { rip_ = v; }
    uint64_t rflags() override { return rflags_; }
    void set_rflags(uint64_t v) override { rflags_ = v; }
    uint64_t segment_base(Seg s) override { return seg_base[static_cast<unsigned>(s)]; }
    AccessStatus access(uint64_t lin, size_t size, bool write, uint64_t& value) override {
        const int index = static_cast<int>(log.size());
        Region* r = find(lin, size);
        log.push_back({lin, size, write, write ? value : 0, r != nullptr && r->mmio, atomic_depth > 0});
        if (index == fail_at) return fail_with;
        if (r == nullptr) return AccessStatus::fault;
        if (size != 1 && size != 2 && size != 4 && size != 8) return AccessStatus::mmio_error;
        if (write) {
            std::memcpy(r->bytes.data() + (lin - r->base), &value, size);
        } else {
            value = 0;
            std::memcpy(&value, r->bytes.data() + (lin - r->base), size);
            log.back().value = value;
        }
        return AccessStatus::ok;
    }
    void atomic_begin() override {
        if (atomic_depth != 0) atomic_misuse = true;
        ++atomic_depth;
        ++atomic_scopes;
    }
    void atomic_end() override {
        if (atomic_depth != 1) atomic_misuse = true;
        --atomic_depth;
    }

    // "r4@0x100 w4@0x100": accesses relative to `base` (absolute "@=0x..." below it).
    std::string trace(uint64_t base) const {
        std::string s;
        char buf[64];
        for (const auto& a : log) {
            const bool below = a.linear < base;  // printed as an absolute address: @=0x...
            std::snprintf(buf, sizeof buf, "%s%c%zu@%s%#llx", s.empty() ? "" : " ", a.write ? 'w' : 'r', a.size,
                          below ? "=" : "", static_cast<unsigned long long>(below ? a.linear : a.linear - base));
            s += buf;
        }
        return s;
    }
};

struct Result {
    DecodeStatus decoded;
    EmulateStatus emulated;
    Insn insn;
};

// Decodes `code` (an exact-size copy, so ASan sees any over-read) and, if
// that succeeds, emulates it.
inline Result run(FakeGuest& g, const std::vector<uint8_t>& code, CpuMode mode = CpuMode::bits64,
                  uint32_t budget = kRepBudget) {
    Result r{};
    std::vector<uint8_t> copy(code);
    r.decoded = decode(copy.data(), copy.size(), mode, r.insn);
    r.emulated = r.decoded == DecodeStatus::ok ? emulate(r.insn, g, budget) : EmulateStatus::unsupported;
    return r;
}

}  // namespace bh_test
