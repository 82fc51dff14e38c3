// Loader inputs: an image held in hypervisor memory (a Multiboot2 module) and its string.
#pragma once
#include <cstddef>
#include <cstdint>

namespace bh::x86::loader {

struct Image {
    const uint8_t* data;  // may be nullptr only when size is 0
    size_t size;
    const char* cmdline;  // the module's string (Multiboot modules); nullptr = ""
};

// Length of `s` if it is at most `max` characters, else max + 1; never reads
// more than max + 1 bytes. nullptr counts as the empty string.
constexpr size_t bounded_strlen(const char* s, size_t max) {
    if (s == nullptr) return 0;
    size_t n = 0;
    while (n <= max && s[n] != '\0') ++n;
    return n;
}

constexpr uint64_t align_up(uint64_t v, uint64_t a) { return (v + a - 1) & ~(a - 1); }
constexpr uint64_t align_down(uint64_t v, uint64_t a) { return v & ~(a - 1); }
constexpr bool is_pow2(uint64_t v) { return v != 0 && (v & (v - 1)) == 0; }

}  // namespace bh::x86::loader
