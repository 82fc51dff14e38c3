// Builder for x86-64 4-level paging structures (see page_table.hpp).
#include "arch/x86/page_table.hpp"

namespace bh::x86 {

namespace {

using Fmt = Paging4Format;

constexpr uint64_t kPageMask = PageTable::kPage4k - 1;

// A linear address is canonical when bits 63:47 are all equal (SDM Vol.3 3.3.7.1).
bool canonical(uint64_t va) {
    const uint64_t top = va >> 47;
    return top == 0 || top == 0x1ffff;
}

// Publishes an entry with one 64-bit store, ordered after the writes that
// filled any table it points to.
void store(uint64_t* slot, uint64_t value) { __atomic_store_n(slot, value, __ATOMIC_RELEASE); }

}  // namespace

PageTable::Status PageTable::init(AllocPage alloc, ToVirt to_virt, void* ctx, bool allow_1g_pages) {
    alloc_ = nullptr;
    root_ = 0;
    free_list_ = kNoPage;
    if (alloc == nullptr || to_virt == nullptr) return Status::bad_range;
    alloc_ = alloc;
    to_virt_ = to_virt;
    ctx_ = ctx;
    allow_1g_ = allow_1g_pages;
    uint64_t phys = 0;
    if (!new_table(phys)) {
        alloc_ = nullptr;
        return Status::no_memory;
    }
    root_ = phys;
    return Status::ok;
}

uint64_t* PageTable::table_at(uint64_t phys) const { return static_cast<uint64_t*>(to_virt_(phys, ctx_)); }

bool PageTable::new_table(uint64_t& phys) {
    if (free_list_ != kNoPage) {
        phys = free_list_;
        uint64_t* t = table_at(phys);
        free_list_ = t[0];
        __builtin_memset(t, 0, kPage4k);
        return true;
    }
    uint64_t p = 0;
    if (!alloc_(p, ctx_) || (p & kPageMask) != 0 || p >= Fmt::kMaxPhys) return false;
    phys = p;
    return true;
}

// Puts the table at `phys` (holding entries of `level`) and every table
// below it on the free list. Depth is at most three.
void PageTable::release_table(uint64_t phys, unsigned level) {
    uint64_t* t = table_at(phys);
    if (level > 1) {
        for (unsigned i = 0; i < Fmt::kEntries; ++i) {
            if (Fmt::present(t[i]) && !Fmt::is_leaf(t[i], level)) release_table(Fmt::table_pa(t[i]), level - 1);
        }
    }
    t[0] = free_list_;
    free_list_ = phys;
}

// Replaces the large leaf in *slot (at `level`) by a table of 512 entries
// one level down that map the same frames with the same attributes.
bool PageTable::split(uint64_t* slot, unsigned level) {
    const uint64_t e = *slot;
    uint64_t phys = 0;
    if (!new_table(phys)) return false;
    uint64_t* t = table_at(phys);
    for (unsigned i = 0; i < Fmt::kEntries; ++i) t[i] = Fmt::split_leaf(e, level, i);
    store(slot, Fmt::table(phys, Fmt::entry_user(e)));
    return true;
}

// Returns the slot at `target` level for va, creating or splitting the
// tables above it; nullptr when out of memory.
uint64_t* PageTable::walk_create(uint64_t va, unsigned target, bool user) {
    uint64_t* table = table_at(root_);
    for (unsigned level = Fmt::kLevels; level > target; --level) {
        uint64_t* slot = &table[Fmt::index(va, level)];
        if (!Fmt::present(*slot)) {
            uint64_t phys = 0;
            if (!new_table(phys)) return nullptr;
            store(slot, Fmt::table(phys, user));
        } else if (Fmt::is_leaf(*slot, level)) {
            if (!split(slot, level)) return nullptr;
        }
        if (user && !Fmt::table_user(*slot)) store(slot, Fmt::add_table_user(*slot));
        table = table_at(Fmt::table_pa(*slot));
    }
    return &table[Fmt::index(va, target)];
}

PageTable::Status PageTable::check_range(uint64_t va, uint64_t size) const {
    if (alloc_ == nullptr || size == 0) return Status::bad_range;
    if (size - 1 > UINT64_MAX - va) return Status::bad_range;
    const uint64_t last = va + (size - 1);
    if (!canonical(va) || !canonical(last) || (va >> 47) != (last >> 47)) return Status::bad_range;
    return Status::ok;
}

PageTable::Status PageTable::map(uint64_t va, uint64_t pa, uint64_t size, MapAttrs attrs) {
    if (((va | pa | size) & kPageMask) != 0) return Status::misaligned;
    const Status st = check_range(va, size);
    if (st != Status::ok) return st;
    if (pa >= Fmt::kMaxPhys || size > Fmt::kMaxPhys - pa) return Status::bad_range;

    uint64_t remaining = size;
    while (remaining != 0) {
        unsigned level = 1;
        for (unsigned l = allow_1g_ ? 3u : 2u; l > 1; --l) {
            const uint64_t s = Fmt::span(l);
            if (((va | pa) & (s - 1)) == 0 && remaining >= s) {
                level = l;
                break;
            }
        }
        uint64_t* slot = walk_create(va, level, attrs.user);
        if (slot == nullptr) return Status::no_memory;
        const uint64_t old = *slot;
        store(slot, Fmt::leaf(pa, level, attrs));
        // A finer-grained mapping replaced by a large page: recycle its tables.
        if (Fmt::present(old) && !Fmt::is_leaf(old, level)) release_table(Fmt::table_pa(old), level - 1);
        const uint64_t step = Fmt::span(level);
        va += step;  // may wrap to 0 after the last page of the address space
        pa += step;
        remaining -= step;
    }
    return Status::ok;
}

PageTable::Status PageTable::unmap(uint64_t va, uint64_t size) {
    if (((va | size) & kPageMask) != 0) return Status::misaligned;
    const Status st = check_range(va, size);
    if (st != Status::ok) return st;

    uint64_t remaining = size;
    while (remaining != 0) {
        uint64_t* table = table_at(root_);
        for (unsigned level = Fmt::kLevels;; --level) {
            uint64_t* slot = &table[Fmt::index(va, level)];
            const uint64_t s = Fmt::span(level);
            const uint64_t offset = va & (s - 1);
            const uint64_t left_in_entry = s - offset;
            if (!Fmt::present(*slot)) {
                const uint64_t step = left_in_entry < remaining ? left_in_entry : remaining;
                va += step;
                remaining -= step;
                break;
            }
            if (offset == 0 && remaining >= s) {  // the whole entry goes
                const uint64_t old = *slot;
                store(slot, 0);
                if (!Fmt::is_leaf(old, level)) release_table(Fmt::table_pa(old), level - 1);
                va += s;
                remaining -= s;
                break;
            }
            // Partly covered (level > 1, since the range is 4 KiB aligned).
            if (Fmt::is_leaf(*slot, level) && !split(slot, level)) return Status::no_memory;
            table = table_at(Fmt::table_pa(*slot));
        }
    }
    return Status::ok;
}

PageTable::Lookup PageTable::lookup(uint64_t va) const {
    Lookup none{false, 0, 0, MapAttrs{false, false, false, MemType::wb, false}};
    if (alloc_ == nullptr || !canonical(va)) return none;
    bool writable = true;
    bool user = true;
    bool exec = true;
    const uint64_t* table = table_at(root_);
    for (unsigned level = Fmt::kLevels; level >= 1; --level) {
        const uint64_t e = table[Fmt::index(va, level)];
        if (!Fmt::present(e)) return none;
        writable = writable && Fmt::entry_writable(e);
        user = user && Fmt::entry_user(e);
        exec = exec && Fmt::entry_exec(e);
        if (Fmt::is_leaf(e, level)) {
            const uint64_t s = Fmt::span(level);
            MapAttrs a = Fmt::leaf_attrs(e, level);
            a.writable = writable;
            a.user = user;
            a.executable = exec;
            return Lookup{true, Fmt::leaf_pa(e, level) + (va & (s - 1)), s, a};
        }
        table = table_at(Fmt::table_pa(e));
    }
    return none;
}

}  // namespace bh::x86
