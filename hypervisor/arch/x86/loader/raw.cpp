// Raw binary loading at a fixed guest-physical address.
#include "arch/x86/loader/raw.hpp"

#include "arch/x86/loader/e820.hpp"

namespace bh::x86::loader {

LoadStatus load_raw(GuestRam& ram, const Image& image, uint64_t load_addr, BootState& state) {
    if (!valid_ram_size(ram.size())) return LoadStatus::bad_ram_size;
    if (image.data == nullptr || image.size == 0) return LoadStatus::empty_image;
    if (load_addr == 0) load_addr = kRawDefaultLoadAddr;
    const LoadStatus st = check_load_range(load_addr, image.size, ram.size(), k4GiB);
    if (st != LoadStatus::ok) return st;

    const BootState s = protected32_state(static_cast<uint32_t>(load_addr), kGdtGpa);
    if (install_boot_gdt(ram, s) != LoadStatus::ok || !ram.write(load_addr, image.data, image.size))
        return LoadStatus::ram_write_failed;
    state = s;
    return LoadStatus::ok;
}

}  // namespace bh::x86::loader
