// Unaligned little-endian loads from byte buffers (firmware tables, boot info).
#pragma once
#include <cstdint>
#include <type_traits>

namespace bh {

template <typename T>
    requires std::is_integral_v<T>
inline T load_le(const uint8_t* p) {
    T v;
    __builtin_memcpy(&v, p, sizeof v);  // x86 is little-endian; no alignment needed
    return v;
}

inline uint16_t load16(const uint8_t* p) { return load_le<uint16_t>(p); }
inline uint32_t load32(const uint8_t* p) { return load_le<uint32_t>(p); }
inline uint64_t load64(const uint8_t* p) { return load_le<uint64_t>(p); }

}  // namespace bh
