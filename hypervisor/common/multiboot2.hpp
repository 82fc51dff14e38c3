// Multiboot2 boot information parser: validates the loader's tag list and extracts what the hypervisor needs.
#pragma once

#include <cstddef>
#include <cstdint>

namespace bh::mb2 {

// Value the loader leaves in EAX.  // Multiboot2 3.3
inline constexpr uint32_t kLoaderMagic = 0x36d76289u;

// Tag type identifiers of the boot information.  // Multiboot2 3.6
enum class TagType : uint32_t {
    end = 0,
    cmdline = 1,          // Multiboot2 3.6.5
    loader_name = 2,      // Multiboot2 3.6.9
    module = 3,           // Multiboot2 3.6.6
    basic_meminfo = 4,    // Multiboot2 3.6.3
    memory_map = 6,       // Multiboot2 3.6.8
    acpi_old_rsdp = 14,   // Multiboot2 3.6.16
    acpi_new_rsdp = 15,   // Multiboot2 3.6.17
};

// Memory map entry types.  // Multiboot2 3.6.8
enum class MemType : uint32_t {
    available = 1,
    reserved = 2,
    acpi_reclaimable = 3,
    nvs = 4,
    bad = 5,
};

enum class Status : uint8_t {
    ok,
    bad_magic,        // EAX did not hold kLoaderMagic
    bad_alignment,    // info not 8-byte aligned
    truncated,        // null info, total_size < 16 or > max_len, or a tag running past total_size
    bad_tag,          // malformed tag contents (size, string, entry_size, module range, duplicate)
    too_many,         // more memory ranges or modules than the fixed tables hold
    missing_end_tag,  // the tag list ended without the type-0 end tag
};

struct MemRange {
    uint64_t base;
    uint64_t length;
    uint32_t type;  // MemType value as given by the loader (unknown values kept)
};

struct Module {
    uint64_t start;       // physical, inclusive
    uint64_t end;         // physical, exclusive (start <= end verified)
    const char* cmdline;  // points into the info buffer, NUL-terminated (verified)
};

inline constexpr size_t kMaxMemRanges = 64;
inline constexpr size_t kMaxModules = 16;

struct BootInfo {
    const char* cmdline;      // nullptr if absent
    const char* loader_name;  // nullptr if absent
    bool has_basic_meminfo;
    uint32_t mem_lower_kib;  // basic meminfo tag, 0 if absent
    uint32_t mem_upper_kib;
    MemRange mem[kMaxMemRanges];  // raw loader order
    size_t mem_count;
    Module modules[kMaxModules];
    size_t module_count;
    const uint8_t* rsdp;  // copy inside the info buffer, not yet checksummed; nullptr if absent
    size_t rsdp_len;      // bytes available at rsdp (tag size minus header)
    bool rsdp_is_v2;      // from tag 15 (preferred over tag 14 whatever their order)
    // Address of `info` as passed to parse (the boot path runs identity
    // mapped, so this is its physical address; a caller parsing through
    // another mapping overwrites it) and total_size, so the frame allocator
    // can keep the structure alive while the pointers above are in use.
    uint64_t info_phys_start;
    uint64_t info_size;
};

// Parses the structure at `info`, never reading past min(total_size, max_len)
// bytes. On any status other than ok, `out` is left zeroed.
// Duplicate singleton tags (cmdline, loader name, basic meminfo, memory map,
// each RSDP tag) are rejected as bad_tag. Unknown tag types are skipped.
Status parse(uint32_t magic, const void* info, size_t max_len, BootInfo& out);

// Clean list of available RAM: every byte covered by at least one
// available-type range and by no other-type range (reserved wins), sorted by
// base, adjacent/overlapping pieces merged, zero-length ranges dropped; all
// output entries have type 1. Byte granularity (no page rounding).
// Writes at most `cap` entries and returns how many the full list has: a
// return value > cap means the output was cut short.
size_t normalize_available(const BootInfo& info, MemRange* out, size_t cap);

const char* to_string(Status s);

}  // namespace bh::mb2
