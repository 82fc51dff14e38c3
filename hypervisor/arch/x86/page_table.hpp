// Builder for x86-64 4-level paging structures (SDM Vol.3 4.5).
#pragma once
#include <cstddef>
#include <cstdint>

namespace bh::x86 {

// Memory type of a mapping. Encoded through the PAT index bits (PAT, PCD,
// PWT) of the leaf entry (SDM Vol.3 11.12.3):
//   wb -> index 0 (no bits)        WB under the power-up PAT and kPatMsrValue
//   uc -> index 3 (PCD|PWT)        UC under the power-up PAT and kPatMsrValue
//   wc -> index 7 (PAT|PCD|PWT)    WC once kPatMsrValue is loaded; UC before,
//                                  so it degrades safely if PAT is untouched.
enum class MemType : uint8_t { wb, uc, wc };

// IA32_PAT contents that make the encodings above hold: the power-up default
// (SDM Vol.3 11.12.4) with entry 7 changed from UC to WC. Byte i is PAT entry
// i; type encodings per SDM Vol.3 Table 11-10 (UC=0, WC=1, WT=4, WB=6, UC-=7).
constexpr uint64_t kPatMsrValue = 0x0107040600070406;

struct MapAttrs {
    bool writable;
    bool executable;  // false sets XD (bit 63); needs IA32_EFER.NXE = 1
    bool user;
    MemType type;
    bool global;  // honoured only with CR4.PGE = 1
};

// Every bit of the 4-level paging entry format lives here, so that a second
// format (EPT, SDM Vol.3 29.3.2) can later be added as another policy with
// the same static interface. Levels: 4 = PML4, 3 = PDPT, 2 = PD, 1 = PT.
// SDM Vol.3 4.5, Tables 4-15 to 4-20.
struct Paging4Format final {
    static constexpr uint64_t kPresent = uint64_t{1} << 0;
    static constexpr uint64_t kWritable = uint64_t{1} << 1;
    static constexpr uint64_t kUser = uint64_t{1} << 2;
    static constexpr uint64_t kPwt = uint64_t{1} << 3;
    static constexpr uint64_t kPcd = uint64_t{1} << 4;
    static constexpr uint64_t kPageSize = uint64_t{1} << 7;   // PDPTE/PDE: leaf
    static constexpr uint64_t kPat4k = uint64_t{1} << 7;      // PTE
    static constexpr uint64_t kGlobal = uint64_t{1} << 8;
    static constexpr uint64_t kPatLarge = uint64_t{1} << 12;  // 1 GiB / 2 MiB leaf
    static constexpr uint64_t kExecDisable = uint64_t{1} << 63;
    // Physical address fields, up to MAXPHYADDR = 52 (SDM Vol.3 4.1.4).
    static constexpr uint64_t kAddr4k = 0x000ffffffffff000;
    static constexpr uint64_t kAddr2m = 0x000fffffffe00000;
    static constexpr uint64_t kAddr1g = 0x000fffffc0000000;
    static constexpr uint64_t kMaxPhys = uint64_t{1} << 52;

    static constexpr unsigned kLevels = 4;
    static constexpr unsigned kEntries = 512;

    // Bytes mapped by one entry at `level` (level 4 -> 512 GiB).
    static constexpr uint64_t span(unsigned level) { return uint64_t{1} << (12 + 9 * (level - 1)); }
    static constexpr unsigned index(uint64_t va, unsigned level) {
        return static_cast<unsigned>((va >> (12 + 9 * (level - 1))) & (kEntries - 1));
    }
    // Levels that may hold a leaf: 1, 2, and 3 (1 GiB pages, if supported).
    static constexpr bool leaf_allowed(unsigned level) { return level <= 3; }

    static constexpr bool present(uint64_t e) { return (e & kPresent) != 0; }
    static constexpr bool is_leaf(uint64_t e, unsigned level) {
        return level == 1 || (level <= 3 && (e & kPageSize) != 0);
    }
    static constexpr uint64_t leaf_addr_mask(unsigned level) {
        return level == 1 ? kAddr4k : level == 2 ? kAddr2m : kAddr1g;
    }
    static constexpr uint64_t table_pa(uint64_t e) { return e & kAddr4k; }
    static constexpr uint64_t leaf_pa(uint64_t e, unsigned level) { return e & leaf_addr_mask(level); }

    // Non-leaf entry: present and writable; user only when a leaf below needs it.
    static constexpr uint64_t table(uint64_t pa, bool user) {
        return (pa & kAddr4k) | kPresent | kWritable | (user ? kUser : 0);
    }
    static constexpr bool table_user(uint64_t e) { return (e & kUser) != 0; }
    static constexpr uint64_t add_table_user(uint64_t e) { return e | kUser; }

    static constexpr uint64_t leaf(uint64_t pa, unsigned level, MapAttrs a) {
        const uint64_t pat = level == 1 ? kPat4k : kPatLarge;
        uint64_t e = (pa & leaf_addr_mask(level)) | kPresent;
        if (level > 1) e |= kPageSize;
        if (a.writable) e |= kWritable;
        if (a.user) e |= kUser;
        if (!a.executable) e |= kExecDisable;
        if (a.global) e |= kGlobal;
        if (a.type == MemType::uc) e |= kPcd | kPwt;
        if (a.type == MemType::wc) e |= pat | kPcd | kPwt;
        return e;
    }

    // Attributes of a leaf; user/writable/executable as the leaf alone grants.
    static constexpr MapAttrs leaf_attrs(uint64_t e, unsigned level) {
        const uint64_t pat = level == 1 ? kPat4k : kPatLarge;
        const unsigned idx = ((e & pat) != 0 ? 4u : 0u) | ((e & kPcd) != 0 ? 2u : 0u) |
                             ((e & kPwt) != 0 ? 1u : 0u);
        // Decoded against kPatMsrValue: 2, 3, 6 are UC-/UC, 7 is WC; WT reads as wb.
        const MemType type = idx == 7 ? MemType::wc
                             : (idx == 2 || idx == 3 || idx == 6) ? MemType::uc
                                                                    : MemType::wb;
        return MapAttrs{(e & kWritable) != 0, (e & kExecDisable) == 0, (e & kUser) != 0, type,
                        (e & kGlobal) != 0};
    }
    static constexpr bool entry_writable(uint64_t e) { return (e & kWritable) != 0; }
    static constexpr bool entry_user(uint64_t e) { return (e & kUser) != 0; }
    static constexpr bool entry_exec(uint64_t e) { return (e & kExecDisable) == 0; }

    // Entry `i` of the table that replaces large leaf `e` at `level`: the same
    // flags (A, D, G, XD, PAT, ...) on a slice of its frame, with PAT moved
    // from bit 12 to bit 7 when the slices are 4 KiB pages.
    static constexpr uint64_t split_leaf(uint64_t e, unsigned level, unsigned i) {
        const unsigned child = level - 1;
        uint64_t flags = e & ~leaf_addr_mask(level);
        if (child == 1) {
            const bool pat = (flags & kPatLarge) != 0;
            flags &= ~(kPatLarge | kPageSize);
            if (pat) flags |= kPat4k;
        }
        return flags | (leaf_pa(e, level) + uint64_t{i} * span(child));
    }
};

// Builds and edits one set of 4-level page tables.
//
// Table pages come from the AllocPage callback. Tables that a map()/unmap()
// unlinks (a table replaced by a large page, or a whole table-covered range
// unmapped) go to an internal free list and are reused by later table
// allocations, so remapping never leaks pages. Tables that merely become
// empty are left in place. Because of that reuse, when editing live tables
// the caller must flush the TLBs (INVLPG/CR3 reload, with a shootdown on
// other pCPUs) before its next map()/unmap() call on the same PageTable.
//
// If a call fails with no_memory the range may be partially (re)mapped.
// Not thread-safe: callers serialise with their own lock.
class PageTable final {
public:
    using Format = Paging4Format;
    using AllocPage = bool (*)(uint64_t& phys_out, void* ctx);  // a zeroed 4 KiB page
    using ToVirt = void* (*)(uint64_t phys, void* ctx);

    enum class Status : uint8_t { ok, no_memory, misaligned, bad_range };

    struct Lookup {
        bool present;
        uint64_t pa;         // translation of the looked-up address itself
        uint64_t page_size;  // 4 KiB, 2 MiB or 1 GiB
        MapAttrs attrs;      // effective: combined over every level of the walk
    };

    static constexpr uint64_t kPage4k = uint64_t{1} << 12;
    static constexpr uint64_t kPage2m = uint64_t{1} << 21;
    static constexpr uint64_t kPage1g = uint64_t{1} << 30;

    PageTable() = default;
    PageTable(const PageTable&) = delete;
    PageTable& operator=(const PageTable&) = delete;

    // Allocates the PML4. allow_1g_pages only if CPUID.80000001H:EDX[26].
    // Errors: bad_range (null callbacks), no_memory.
    Status init(AllocPage alloc, ToVirt to_virt, void* ctx, bool allow_1g_pages);

    // Physical address of the PML4 (the CR3 value); 0 before init.
    uint64_t root() const { return root_; }

    // Maps [va, va + size) to [pa, pa + size) with the largest pages that fit
    // (1 GiB if allowed, 2 MiB, 4 KiB). Existing mappings in the range are
    // replaced; a large page only partly covered is split first and the rest
    // of it keeps its translation and attributes. Errors: misaligned (va, pa
    // or size not 4 KiB aligned), bad_range (size 0, not initialized, range
    // not inside one canonical 48-bit half, pa beyond 2^52), no_memory.
    Status map(uint64_t va, uint64_t pa, uint64_t size, MapAttrs attrs);

    // Unmaps [va, va + size); unmapped parts are skipped. Same errors as map()
    // (no_memory when splitting a partly covered large page fails).
    Status unmap(uint64_t va, uint64_t size);

    // Walks the tables for va; present = false if unmapped or non-canonical.
    Lookup lookup(uint64_t va) const;

private:
    uint64_t* table_at(uint64_t phys) const;
    bool new_table(uint64_t& phys);
    void release_table(uint64_t phys, unsigned level);
    bool split(uint64_t* slot, unsigned level);
    uint64_t* walk_create(uint64_t va, unsigned target, bool user);
    Status check_range(uint64_t va, uint64_t size) const;

    AllocPage alloc_ = nullptr;
    ToVirt to_virt_ = nullptr;
    void* ctx_ = nullptr;
    uint64_t root_ = 0;
    static constexpr uint64_t kNoPage = UINT64_MAX;

    uint64_t free_list_ = kNoPage;  // recycled tables, linked through their first entry
    bool allow_1g_ = false;
};

}  // namespace bh::x86
