// ACPI discovery on the identity map (ACPI 6.5 5.2.5.1 for the RSDP search).
#include "arch/x86/platform.hpp"

namespace bh::x86 {
namespace {

Platform g_platform;

struct IdentityReader final : acpi::PhysReader {
    const void* map(uint64_t phys, size_t) const override { return reinterpret_cast<const void*>(phys); }
};
const IdentityReader g_reader;

constexpr uint64_t kEbdaSegmentPtr = 0x40e;  // BIOS data area word: EBDA segment
constexpr uint64_t kBiosAreaStart = 0xe0000, kBiosAreaEnd = 0x100000;

bool find_rsdp(const mb2::BootInfo& boot, acpi::Rsdp& rsdp, const char*& source) {
    if (boot.rsdp != nullptr && acpi::parse_rsdp(boot.rsdp, boot.rsdp_len, rsdp) == acpi::Status::ok) {
        source = "multiboot2";
        return true;
    }
    source = "bios scan";
    uint16_t ebda_seg = 0;  // low physical address: read with asm so the compiler sees no object
    asm volatile("movw (%1), %0" : "=r"(ebda_seg) : "r"(kEbdaSegmentPtr));
    const uint64_t ebda = uint64_t{ebda_seg} << 4;
    if (ebda >= 0x80000 && ebda < 0xa0000 &&
        acpi::find_rsdp_in(reinterpret_cast<const uint8_t*>(ebda), 1024, &rsdp) != nullptr)
        return true;
    return acpi::find_rsdp_in(reinterpret_cast<const uint8_t*>(kBiosAreaStart), kBiosAreaEnd - kBiosAreaStart,
                              &rsdp) != nullptr;
}

}  // namespace

acpi::Status discover_platform(const mb2::BootInfo& boot, Platform& out) {
    out = Platform{};
    acpi::Rsdp rsdp{};
    if (!find_rsdp(boot, rsdp, out.rsdp_source)) return acpi::Status::not_found;
    acpi::Tables tables;
    acpi::Status st = tables.init(g_reader, rsdp);
    if (st != acpi::Status::ok) return st;
    acpi::TableView madt{};
    st = tables.find_table("APIC", 0, madt);
    if (st != acpi::Status::ok) return st;
    st = acpi::parse_madt(madt, out.madt);
    if (st != acpi::Status::ok) return st;
    acpi::TableView fadt{};
    out.has_fadt = tables.find_table("FACP", 0, fadt) == acpi::Status::ok &&
                   acpi::parse_fadt(fadt, out.fadt) == acpi::Status::ok;
    for (size_t i = 0; i < out.madt.cpu_count; ++i) {
        const acpi::MadtCpu& c = out.madt.cpus[i];
        if (!c.enabled) continue;  // online-capable but disabled: no hot-add support
        if (out.cpu_count == config::kMaxPcpu) {
            ++out.cpus_ignored;
            continue;
        }
        out.apic_ids[out.cpu_count++] = c.apic_id;
    }
    g_platform = out;
    return acpi::Status::ok;
}

const Platform& platform() { return g_platform; }

}  // namespace bh::x86
