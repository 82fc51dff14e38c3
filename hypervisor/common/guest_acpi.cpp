// Copy-in and verification of a VM's ACPI tables (see doc/virtual-acpi.md).
#include "common/guest_acpi.hpp"

#include "common/acpi.hpp"

extern "C" void* memcpy(void* dst, const void* src, size_t n);

namespace bh {
namespace {

// Guest-physical reads, bounded by the VM's RAM.
class GuestReader final : public acpi::PhysReader {
public:
    GuestReader(const uint8_t* ram, uint64_t size) : ram_(ram), size_(size) {}
    const void* map(uint64_t gpa, size_t len) const override {
        if (gpa > size_ || len > size_ - gpa) return nullptr;
        return ram_ + gpa;
    }

private:
    const uint8_t* ram_;
    uint64_t size_;
};

}  // namespace

const char* to_string(GuestAcpiStatus s) {
    switch (s) {
        case GuestAcpiStatus::ok: return "ok";
        case GuestAcpiStatus::no_tables: return "no ACPI tables were built for this VM";
        case GuestAcpiStatus::outside_ram: return "the tables do not fit in the VM's RAM";
        case GuestAcpiStatus::bad_rsdp: return "the RSDP does not validate";
        case GuestAcpiStatus::bad_tables: return "the root table does not validate";
        case GuestAcpiStatus::bad_madt: return "the MADT is missing or does not validate";
        case GuestAcpiStatus::cpu_mismatch: return "the MADT does not list one processor per vCPU";
    }
    return "?";
}

GuestAcpiReport install_guest_acpi(const cfg::VmConfig& vm, uint8_t* guest_ram, const cfg::VmAcpiBlob* blobs,
                                   size_t blob_count) {
    GuestAcpiReport r{GuestAcpiStatus::no_tables, 0, 0, 0};
    const cfg::VmAcpiBlob* blob = nullptr;
    for (size_t i = 0; i < blob_count; ++i)
        if (blobs[i].vm_id == vm.id) blob = &blobs[i];
    if (blob == nullptr) return r;
    r.gpa = blob->gpa;
    r.size = blob->size;
    if (blob->gpa > vm.mem_size || blob->size > vm.mem_size - blob->gpa) {
        r.status = GuestAcpiStatus::outside_ram;
        return r;
    }
    memcpy(guest_ram + blob->gpa, blob->data, blob->size);

    // Read it back the way a guest would: RSDP -> XSDT -> MADT.
    const GuestReader reader(guest_ram, vm.mem_size);
    acpi::Rsdp rsdp{};
    if (acpi::parse_rsdp(guest_ram + blob->gpa, acpi::kRsdpV2Size, rsdp) != acpi::Status::ok ||
        rsdp.xsdt_address == 0) {
        r.status = GuestAcpiStatus::bad_rsdp;
        return r;
    }
    acpi::Tables tables;
    if (tables.init(reader, rsdp) != acpi::Status::ok || !tables.uses_xsdt() || tables.bad_count() != 0) {
        r.status = GuestAcpiStatus::bad_tables;
        return r;
    }
    acpi::TableView madt_view{};
    static acpi::MadtInfo madt;  // large; boot-time, one VM at a time
    if (tables.find_table("APIC", 0, madt_view) != acpi::Status::ok ||
        acpi::parse_madt(madt_view, madt) != acpi::Status::ok) {
        r.status = GuestAcpiStatus::bad_madt;
        return r;
    }
    for (size_t i = 0; i < madt.cpu_count; ++i)
        if (madt.cpus[i].enabled) ++r.madt_cpus;
    r.status = r.madt_cpus == cfg::vcpu_count(vm) ? GuestAcpiStatus::ok : GuestAcpiStatus::cpu_mismatch;
    return r;
}

}  // namespace bh
