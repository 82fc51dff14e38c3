// Places a pre-launched VM's virtual ACPI tables (built at build time by
// misc/config_tools) into its RAM, and checks them with the same parser the
// hypervisor trusts for the firmware's own tables.
#pragma once
#include <cstddef>
#include <cstdint>

#include "common/vm_config.hpp"
#include "generated/vm_acpi.hpp"

namespace bh {

enum class GuestAcpiStatus : uint8_t { ok, no_tables, outside_ram, bad_rsdp, bad_tables, bad_madt, cpu_mismatch };
const char* to_string(GuestAcpiStatus s);

struct GuestAcpiReport {
    GuestAcpiStatus status;
    uint64_t gpa;        // where the RSDP went
    size_t size;         // bytes copied
    size_t madt_cpus;    // enabled processors the guest will find in its MADT
};

// guest_ram: where the VM's RAM [0, vm.mem_size) is mapped in the hypervisor.
GuestAcpiReport install_guest_acpi(const cfg::VmConfig& vm, uint8_t* guest_ram, const cfg::VmAcpiBlob* blobs,
                                   size_t blob_count);

}  // namespace bh
