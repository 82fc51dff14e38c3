// Writes the loaders' identity map of the low 4 GiB (2 MiB pages) into guest RAM.
#include "arch/x86/loader/boot_paging.hpp"

#include "arch/x86/page_table.hpp"

namespace bh::x86::loader {

LoadStatus build_identity_map(GuestRam& ram, uint64_t base) {
    using F = Paging4Format;
    constexpr uint64_t kTable = F::kPresent | F::kWritable;
    constexpr uint64_t kLeaf2m = F::kPresent | F::kWritable | F::kPageSize;
    constexpr uint64_t kPdCount = kIdentityMapEnd / F::span(3);
    const uint64_t pml4 = base;
    const uint64_t pdpt = base + 0x1000;
    const uint64_t pd0 = base + 0x2000;

    RamWriter w(ram);
    w.fill(base, 0, kBootPageTableBytes);
    w.u64(pml4, pdpt | kTable);
    for (uint64_t i = 0; i < kPdCount; ++i) {
        const uint64_t pd = pd0 + i * 0x1000;
        w.u64(pdpt + i * 8, pd | kTable);
        for (uint64_t j = 0; j < F::kEntries; ++j) w.u64(pd + j * 8, (i * F::span(3) + j * F::span(2)) | kLeaf2m);
    }
    return w.ok() ? LoadStatus::ok : LoadStatus::ram_write_failed;
}

}  // namespace bh::x86::loader
