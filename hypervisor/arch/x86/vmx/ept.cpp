// EPT construction. Paging-structure entries are RWX with the address of
// the next table; leaves carry the permission and memory type. Guest RAM
// is write-back, everything else stays unmapped so that an access exits.
#include "arch/x86/vmx/ept.hpp"

#include "arch/x86/memory.hpp"

namespace bh::x86::vmx {
namespace {
constexpr uint64_t kRwx = 7, kLarge = 1ull << 7, kAddr = 0x000ffffffffff000ull;
constexpr uint64_t k4k = 1ull << 12, k2m = 1ull << 21;
constexpr unsigned index(uint64_t gpa, unsigned level) { return static_cast<unsigned>((gpa >> (12 + 9 * (level - 1))) & 511); }
}  // namespace

bool Ept::init() { return mem::alloc_frames(1, root_); }

uint64_t* Ept::entry_for(uint64_t gpa, unsigned level) {
    uint64_t* t = table(root_);
    for (unsigned l = 4; l > level; --l) {
        uint64_t& e = t[index(gpa, l)];
        if ((e & kRwx) == 0) {
            uint64_t pa = 0;
            if (!mem::alloc_frames(1, pa)) return nullptr;
            e = pa | kRwx;
        } else if ((e & kLarge) != 0) {
            return nullptr;  // remapping inside a large page is not needed for static VMs
        }
        t = table(e & kAddr);
    }
    return &t[index(gpa, level)];
}

bool Ept::map(uint64_t gpa, uint64_t hpa, uint64_t size, EptPerm perm, EptMemType type) {
    if (((gpa | hpa | size) & (k4k - 1)) != 0) return false;
    const uint64_t attrs = static_cast<uint64_t>(perm) | (static_cast<uint64_t>(type) << 3);
    while (size != 0) {
        const bool large = ((gpa | hpa) & (k2m - 1)) == 0 && size >= k2m;
        uint64_t* e = entry_for(gpa, large ? 2 : 1);
        if (e == nullptr) return false;
        *e = hpa | attrs | (large ? kLarge : 0);
        const uint64_t step = large ? k2m : k4k;
        gpa += step;
        hpa += step;
        size -= step;
    }
    return true;
}

uint64_t Ept::translate(uint64_t gpa) const {
    const uint64_t* t = table(root_);
    for (unsigned l = 4; l >= 1; --l) {
        const uint64_t e = t[index(gpa, l)];
        if ((e & kRwx) == 0) return ~0ull;
        if (l == 1 || (e & kLarge) != 0) {
            const uint64_t span = 1ull << (12 + 9 * (l - 1));
            return (e & kAddr & ~(span - 1)) | (gpa & (span - 1));
        }
        t = table(e & kAddr);
    }
    return ~0ull;
}

}  // namespace bh::x86::vmx
