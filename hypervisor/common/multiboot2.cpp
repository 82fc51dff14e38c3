// Multiboot2 boot information parser: bounds-checked tag walk and available-RAM normalisation.
#include "common/multiboot2.hpp"

#include <limits>

#include "lib/bytes.hpp"

namespace bh::mb2 {
namespace {

// Fixed part: u32 total_size, u32 reserved.  // Multiboot2 3.6.2
constexpr size_t kFixedPartSize = 8;
// Every tag starts with u32 type, u32 size; tags start 8-byte aligned.  // Multiboot2 3.6.2
constexpr size_t kTagHeaderSize = 8;
constexpr size_t kTagAlign = 8;
// Smallest valid structure: fixed part plus the end tag.
constexpr size_t kMinTotalSize = kFixedPartSize + kTagHeaderSize;
// End tag: type 0, size 8.  // Multiboot2 3.6.2
constexpr uint32_t kEndTagSize = 8;
// Basic meminfo: header, u32 mem_lower, u32 mem_upper.  // Multiboot2 3.6.3
constexpr size_t kMeminfoSize = 16;
// Module: header, u32 mod_start, u32 mod_end, then the string.  // Multiboot2 3.6.6
constexpr size_t kModuleFixedSize = 16;
// Memory map: header, u32 entry_size, u32 entry_version, then entries of
// u64 base_addr, u64 length, u32 type, u32 reserved.  // Multiboot2 3.6.8
constexpr size_t kMmapFixedSize = 16;
constexpr uint32_t kMmapMinEntrySize = 24;
// RSDP copies: ACPI 1.0 RSDP is 20 bytes, ACPI 2.0+ RSDP is 36 bytes.  // ACPI 6.5 5.2.5.3
constexpr size_t kRsdpV1Size = 20;
constexpr size_t kRsdpV2Size = 36;



// Returns the string at p if a NUL occurs within len bytes, else nullptr.
const char* terminated_string(const uint8_t* p, size_t len) {
    for (size_t i = 0; i < len; ++i) {
        if (p[i] == 0) {
            return reinterpret_cast<const char*>(p);
        }
    }
    return nullptr;
}

// Seen-flags for tags that may appear only once.
struct Seen {
    bool cmdline;
    bool loader_name;
    bool meminfo;
    bool mmap;
    bool old_rsdp;
    bool new_rsdp;
};

// Marks a singleton tag as seen; false if it was already.
bool first_time(bool& flag) {
    if (flag) {
        return false;
    }
    flag = true;
    return true;
}

Status parse_module(const uint8_t* tag, uint32_t size, BootInfo& out) {
    // At least one byte of string (its NUL) must follow the fixed part.
    if (size <= kModuleFixedSize) {
        return Status::bad_tag;
    }
    const uint64_t start = load32(tag + 8);
    const uint64_t end = load32(tag + 12);
    const char* cmdline = terminated_string(tag + kModuleFixedSize, size - kModuleFixedSize);
    if (start > end || cmdline == nullptr) {
        return Status::bad_tag;
    }
    if (out.module_count == kMaxModules) {
        return Status::too_many;
    }
    out.modules[out.module_count++] = Module{start, end, cmdline};
    return Status::ok;
}

Status parse_mmap(const uint8_t* tag, uint32_t size, BootInfo& out) {
    if (size < kMmapFixedSize) {
        return Status::bad_tag;
    }
    const uint32_t entry_size = load32(tag + 8);
    if (entry_size < kMmapMinEntrySize || entry_size % 8 != 0) {
        return Status::bad_tag;
    }
    const size_t body = size - kMmapFixedSize;
    if (body % entry_size != 0) {
        return Status::bad_tag;
    }
    const size_t count = body / entry_size;
    if (count > kMaxMemRanges - out.mem_count) {
        return Status::too_many;
    }
    for (size_t i = 0; i < count; ++i) {
        const uint8_t* e = tag + kMmapFixedSize + i * entry_size;
        const uint64_t base = load64(e);
        const uint64_t length = load64(e + 8);
        if (length != 0 && length - 1 > std::numeric_limits<uint64_t>::max() - base) {
            return Status::bad_tag;  // range would extend past 2^64
        }
        out.mem[out.mem_count++] = MemRange{base, length, load32(e + 16)};
    }
    return Status::ok;
}

Status parse_rsdp_tag(const uint8_t* tag, uint32_t size, bool v2, BootInfo& out) {
    const size_t need = kTagHeaderSize + (v2 ? kRsdpV2Size : kRsdpV1Size);
    if (size < need) {
        return Status::bad_tag;
    }
    if (v2 || out.rsdp == nullptr) {
        out.rsdp = tag + kTagHeaderSize;
        out.rsdp_len = size - kTagHeaderSize;
        out.rsdp_is_v2 = v2;
    }
    return Status::ok;
}

Status parse_tag(const uint8_t* tag, uint32_t type, uint32_t size, Seen& seen, BootInfo& out) {
    const uint8_t* body = tag + kTagHeaderSize;
    const size_t body_len = size - kTagHeaderSize;
    switch (static_cast<TagType>(type)) {
    case TagType::cmdline:
        out.cmdline = terminated_string(body, body_len);
        return (first_time(seen.cmdline) && out.cmdline != nullptr) ? Status::ok : Status::bad_tag;
    case TagType::loader_name:
        out.loader_name = terminated_string(body, body_len);
        return (first_time(seen.loader_name) && out.loader_name != nullptr) ? Status::ok
                                                                            : Status::bad_tag;
    case TagType::module:
        return parse_module(tag, size, out);
    case TagType::basic_meminfo:
        if (!first_time(seen.meminfo) || size < kMeminfoSize) {
            return Status::bad_tag;
        }
        out.has_basic_meminfo = true;
        out.mem_lower_kib = load32(tag + 8);
        out.mem_upper_kib = load32(tag + 12);
        return Status::ok;
    case TagType::memory_map:
        return first_time(seen.mmap) ? parse_mmap(tag, size, out) : Status::bad_tag;
    case TagType::acpi_old_rsdp:
        return first_time(seen.old_rsdp) ? parse_rsdp_tag(tag, size, false, out) : Status::bad_tag;
    case TagType::acpi_new_rsdp:
        return first_time(seen.new_rsdp) ? parse_rsdp_tag(tag, size, true, out) : Status::bad_tag;
    case TagType::end:
        break;  // handled by the caller
    }
    return Status::ok;  // other tag types are not needed: skipped
}

Status parse_tags(const uint8_t* base, size_t total, BootInfo& out) {
    Seen seen{};
    size_t off = kFixedPartSize;
    while (total - off >= kTagHeaderSize) {
        const uint8_t* tag = base + off;
        const uint32_t type = load32(tag);
        const uint32_t size = load32(tag + 4);
        if (size < kTagHeaderSize) {
            return Status::bad_tag;
        }
        if (size > total - off) {
            return Status::truncated;
        }
        if (type == static_cast<uint32_t>(TagType::end)) {
            return size == kEndTagSize ? Status::ok : Status::bad_tag;
        }
        const Status st = parse_tag(tag, type, size, seen, out);
        if (st != Status::ok) {
            return st;
        }
        // Next tag starts at the next 8-byte boundary; stop if that leaves the buffer.
        const size_t advance = (size_t{size} + kTagAlign - 1) & ~(kTagAlign - 1);
        if (advance > total - off) {
            break;
        }
        off += advance;
    }
    return Status::missing_end_tag;
}

}  // namespace

Status parse(uint32_t magic, const void* info, size_t max_len, BootInfo& out) {
    out = BootInfo{};
    if (magic != kLoaderMagic) {
        return Status::bad_magic;
    }
    if (info == nullptr) {
        return Status::truncated;
    }
    const auto addr = reinterpret_cast<uintptr_t>(info);
    if (addr % kTagAlign != 0) {
        return Status::bad_alignment;
    }
    if (max_len < kFixedPartSize) {
        return Status::truncated;
    }
    const auto* base = static_cast<const uint8_t*>(info);
    const size_t total = load32(base);
    if (total < kMinTotalSize || total > max_len) {
        return Status::truncated;
    }
    const Status st = parse_tags(base, total, out);
    if (st != Status::ok) {
        out = BootInfo{};
        return st;
    }
    out.info_phys_start = addr;
    out.info_size = total;
    return Status::ok;
}

namespace {

constexpr uint64_t kMaxAddr = std::numeric_limits<uint64_t>::max();

// Exclusive end, saturating at 2^64 - 1 (a range ending exactly at 2^64
// loses its last byte; a hand-built BootInfo may even wrap).
uint64_t range_end(const MemRange& r) {
    return r.length > kMaxAddr - r.base ? kMaxAddr : r.base + r.length;
}

bool is_available(const MemRange& r) {
    return r.type == static_cast<uint32_t>(MemType::available);
}

// Smallest range boundary strictly greater than `after`; false if none.
bool next_boundary(const BootInfo& info, size_t count, uint64_t after, uint64_t& next) {
    bool found = false;
    for (size_t i = 0; i < count; ++i) {
        const MemRange& r = info.mem[i];
        if (r.length == 0) {
            continue;
        }
        const uint64_t points[2] = {r.base, range_end(r)};
        for (uint64_t p : points) {
            if (p > after && (!found || p < next)) {
                next = p;
                found = true;
            }
        }
    }
    return found;
}

// Whether the elementary interval starting at `at` (which no boundary
// splits) is usable RAM.
bool usable_at(const BootInfo& info, size_t count, uint64_t at) {
    bool available = false;
    for (size_t i = 0; i < count; ++i) {
        const MemRange& r = info.mem[i];
        if (r.length == 0 || at < r.base || at >= range_end(r)) {
            continue;
        }
        if (!is_available(r)) {
            return false;  // reserved wins
        }
        available = true;
    }
    return available;
}

}  // namespace

size_t normalize_available(const BootInfo& info, MemRange* out, size_t cap) {
    const size_t count = info.mem_count < kMaxMemRanges ? info.mem_count : kMaxMemRanges;
    size_t produced = 0;
    uint64_t last_end = 0;  // end of the most recently produced range
    // Sweep the sorted set of all range boundaries: between two consecutive
    // boundaries coverage is constant, so one probe decides each interval.
    uint64_t cur = 0;
    bool have_cur = false;
    for (size_t i = 0; i < count; ++i) {
        const MemRange& r = info.mem[i];
        if (r.length != 0 && (!have_cur || r.base < cur)) {
            cur = r.base;
            have_cur = true;
        }
    }
    uint64_t next = 0;
    while (have_cur && next_boundary(info, count, cur, next)) {
        if (usable_at(info, count, cur)) {
            if (produced != 0 && last_end == cur) {
                if (produced <= cap) {
                    out[produced - 1].length += next - cur;
                }
            } else {
                if (produced < cap) {
                    out[produced] = MemRange{cur, next - cur,
                                             static_cast<uint32_t>(MemType::available)};
                }
                ++produced;
            }
            last_end = next;
        }
        cur = next;
    }
    return produced;
}

const char* to_string(Status s) {
    switch (s) {
    case Status::ok: return "ok";
    case Status::bad_magic: return "bad multiboot2 magic";
    case Status::bad_alignment: return "boot information not 8-byte aligned";
    case Status::truncated: return "boot information truncated";
    case Status::bad_tag: return "malformed boot information tag";
    case Status::too_many: return "too many memory ranges or modules";
    case Status::missing_end_tag: return "boot information has no end tag";
    }
    return "unknown multiboot2 status";
}

}  // namespace bh::mb2
