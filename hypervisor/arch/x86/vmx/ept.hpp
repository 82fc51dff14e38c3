// Extended page tables of one VM (SDM Vol.3 29.3): guest-physical ->
// host-physical, built from the static memory configuration.
#pragma once
#include <cstdint>

namespace bh::x86::vmx {

// EPT leaf permissions and memory types (SDM Vol.3 29.3.2, 29.3.7).
enum class EptPerm : uint8_t { none = 0, r = 1, rw = 3, rx = 5, rwx = 7 };
enum class EptMemType : uint8_t { uc = 0, wb = 6 };

class Ept final {
public:
    Ept() = default;
    Ept(const Ept&) = delete;
    Ept& operator=(const Ept&) = delete;

    bool init();
    // Maps [gpa, gpa+size) to [hpa, ...) with the largest pages that fit
    // (2 MiB, else 4 KiB). Ranges must be 4 KiB aligned.
    bool map(uint64_t gpa, uint64_t hpa, uint64_t size, EptPerm perm, EptMemType type);
    // EPTP: WB paging structures, 4-level walk (SDM Vol.3 25.6.11).
    uint64_t eptp() const { return root_ | (3u << 3) | 6u; }
    // Host-physical address for `gpa`, or ~0 if unmapped.
    uint64_t translate(uint64_t gpa) const;

private:
    uint64_t* table(uint64_t pa) const { return reinterpret_cast<uint64_t*>(pa); }
    uint64_t* entry_for(uint64_t gpa, unsigned level);  // creates tables down to `level`
    uint64_t root_ = 0;
};

}  // namespace bh::x86::vmx
