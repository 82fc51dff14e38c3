// Multiboot kernel loading: kernel segments, modules, the information structure (Multiboot 3.3)
// and the machine state of Multiboot 3.2.
#include "arch/x86/loader/multiboot1.hpp"

#include "arch/x86/loader/e820.hpp"
#include "arch/x86/loader/elf.hpp"

namespace bh::x86::loader {
namespace {

constexpr size_t kMaxString = kLoaderAreaEnd - kMbiStringsGpa - 1;  // one string alone in the area
constexpr uint64_t kUnalignedModuleAlign = 8;

// Strings packed one after another in [kMbiStringsGpa, kLoaderAreaEnd).
class StringArea final {
public:
    // Reserves room for `s` (nullptr = ""); false if it does not fit.
    bool add(const char* s, uint64_t& gpa, size_t& len) {
        len = bounded_strlen(s, kMaxString);
        if (len + 1 > kLoaderAreaEnd - next_) return false;
        gpa = next_;
        next_ += len + 1;
        return true;
    }

private:
    uint64_t next_ = kMbiStringsGpa;
};

struct ModuleSlot {
    uint64_t start, size, string;
    size_t string_len;
};

struct Plan {
    LoadPlan kernel;
    uint64_t cmdline;
    size_t cmdline_len;
    ModuleSlot mods[kMaxModules];
    Multiboot1Placement where;
};

LoadStatus plan_modules(const Image* modules, size_t n, uint32_t flags, uint64_t mem_size, StringArea& strings,
                        Plan& p) {
    const uint64_t align = (flags & mb1::kPageAlignModules) != 0 ? kPageSize : kUnalignedModuleAlign;
    const uint64_t top = mem_size < k4GiB ? mem_size : k4GiB;
    uint64_t next = p.kernel.end > kHighRamStart ? p.kernel.end : kHighRamStart;
    p.where.modules_start = align_up(next, align);
    for (size_t i = 0; i < n; ++i) {
        ModuleSlot& m = p.mods[i];
        if (!strings.add(modules[i].cmdline, m.string, m.string_len)) return LoadStatus::cmdline_too_long;
        m.size = modules[i].data == nullptr ? 0 : modules[i].size;
        m.start = align_up(next, align);
        if (m.start > top || m.size > top - m.start) return LoadStatus::no_room_for_modules;
        next = m.start + m.size;
    }
    p.where.modules_end = n == 0 ? p.where.modules_start : next;
    return LoadStatus::ok;
}

void write_info(RamWriter& w, const Plan& p, const char* cmdline, const Image* modules, size_t n,
                const E820Map& map, uint64_t mem_size) {
    constexpr uint64_t i = kMbiGpa;
    w.fill(kMbiGpa, 0, kMbiStringsGpa - kMbiGpa);
    w.u32(i + mb1::kFlags, mb1::kInfoMemory | mb1::kInfoCmdline | mb1::kInfoMods | mb1::kInfoMmap | mb1::kInfoLoaderName);
    // Lower memory counts from 0, upper from 1 MiB up to the first hole (none below mem_size here).
    const uint64_t upper_kib = (mem_size - kHighRamStart) / 1024;
    w.u32(i + mb1::kMemLower, static_cast<uint32_t>(kLowRamEnd / 1024));
    w.u32(i + mb1::kMemUpper, upper_kib > UINT32_MAX ? UINT32_MAX : static_cast<uint32_t>(upper_kib));
    w.u32(i + mb1::kCmdline, static_cast<uint32_t>(p.cmdline));
    w.str(p.cmdline, cmdline == nullptr ? "" : cmdline, p.cmdline_len);
    w.u32(i + mb1::kModsCount, static_cast<uint32_t>(n));
    w.u32(i + mb1::kModsAddr, static_cast<uint32_t>(kMbiModsGpa));
    for (size_t k = 0; k < n; ++k) {
        const ModuleSlot& m = p.mods[k];
        const uint64_t e = kMbiModsGpa + k * mb1::kModEntrySize;
        w.u32(e + 0, static_cast<uint32_t>(m.start));
        w.u32(e + 4, static_cast<uint32_t>(m.start + m.size));
        w.u32(e + 8, static_cast<uint32_t>(m.string));
        w.str(m.string, modules[k].cmdline == nullptr ? "" : modules[k].cmdline, m.string_len);
        if (m.size != 0) w.bytes(m.start, modules[k].data, m.size);
    }
    // mmap_addr points at the first entry's size field; size excludes itself.
    w.u32(i + mb1::kMmapLength, static_cast<uint32_t>(map.count * mb1::kMmapEntrySize));
    w.u32(i + mb1::kMmapAddr, static_cast<uint32_t>(kMbiMmapGpa));
    for (size_t k = 0; k < map.count; ++k) {
        const uint64_t e = kMbiMmapGpa + k * mb1::kMmapEntrySize;
        w.u32(e + 0, mb1::kMmapSizeField);
        w.u64(e + 4, map.entries[k].addr);
        w.u64(e + 12, map.entries[k].size);
        w.u32(e + 20, static_cast<uint32_t>(map.entries[k].type));
    }
    w.u32(i + mb1::kBootLoaderName, static_cast<uint32_t>(kMbiLoaderNameGpa));
    w.str(kMbiLoaderNameGpa, kBootLoaderName, sizeof kBootLoaderName - 1);
}

}  // namespace

LoadStatus load_multiboot1(GuestRam& ram, const Image& kernel, const char* cmdline, const Image* modules, size_t n,
                           BootState& state, Multiboot1Placement* where) {
    static_assert(kMbiMmapGpa + kMaxE820Entries * mb1::kMmapEntrySize <= kMbiModsGpa);
    static_assert(kMbiModsGpa + kMaxModules * mb1::kModEntrySize <= kMbiLoaderNameGpa);
    static_assert(kMbiGpa + mb1::kInfoSize <= kMbiMmapGpa);
    E820Map map;
    LoadStatus st = build_e820(ram.size(), map);
    if (st != LoadStatus::ok) return st;
    if (modules == nullptr) n = 0;
    if (n > kMaxModules) return LoadStatus::too_many_modules;
    Multiboot1Header h;
    st = find_multiboot1_header(kernel, h);
    if (st != LoadStatus::ok) return st;

    Plan p{};
    p.where.aout_kludge = (h.flags & mb1::kAddressFields) != 0;
    st = p.where.aout_kludge ? plan_aout_kludge(kernel, h, ram.size(), p.kernel) : plan_elf(kernel, ram.size(), p.kernel);
    if (st != LoadStatus::ok) return st;
    p.where.kernel_start = p.kernel.seg[0].paddr;
    for (size_t k = 1; k < p.kernel.count; ++k)
        if (p.kernel.seg[k].paddr < p.where.kernel_start) p.where.kernel_start = p.kernel.seg[k].paddr;
    p.where.kernel_end = p.kernel.end;
    StringArea strings;
    if (!strings.add(cmdline, p.cmdline, p.cmdline_len)) return LoadStatus::cmdline_too_long;
    st = plan_modules(modules, n, h.flags, ram.size(), strings, p);
    if (st != LoadStatus::ok) return st;

    // Everything checked: from here on only GuestRam failures can stop us.
    BootState s = protected32_state(static_cast<uint32_t>(p.kernel.entry), kGdtGpa);
    s.rax = mb1::kBootMagic;
    s.rbx = kMbiGpa;
    if (install_boot_gdt(ram, s) != LoadStatus::ok || plan_load(ram, kernel, p.kernel) != LoadStatus::ok)
        return LoadStatus::ram_write_failed;
    RamWriter w(ram);
    write_info(w, p, cmdline, modules, n, map, ram.size());
    if (!w.ok()) return LoadStatus::ram_write_failed;
    state = s;
    if (where != nullptr) *where = p.where;
    return LoadStatus::ok;
}

}  // namespace bh::x86::loader
