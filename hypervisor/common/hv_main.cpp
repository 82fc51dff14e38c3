// Common start-up after the arch bring-up: report the pCPUs, run the shell.
#include "common/hv_main.hpp"

#include "common/guest_acpi.hpp"
#include "common/log.hpp"
#include "common/shell.hpp"
#include "hal/cpu.hpp"
#include "hal/cpu_info.hpp"
#include "hal/memory.hpp"
#include "generated/scenario.hpp"

namespace bh {
namespace {

// Each pre-launched VM finds its ACPI tables at the standard place in its
// RAM. (The VM issue re-installs them on every VM start and reset.)
void install_vm_acpi() {
    for (const cfg::VmConfig& vm : cfg::kVms) {
        if (vm.load_order != cfg::LoadOrder::pre_launched) continue;
        auto* ram = static_cast<uint8_t*>(hal::phys_to_virt(vm.mem_hpa));
        const GuestAcpiReport r = install_guest_acpi(vm, ram, cfg::kVmAcpi, cfg::kVmAcpiCount);
        if (r.status == GuestAcpiStatus::ok)
            LOG_INFO("VM %s: ACPI tables at GPA 0x%llx (%zu bytes), MADT lists %zu vCPUs", vm.name,
                     static_cast<unsigned long long>(r.gpa), r.size, r.madt_cpus);
        else
            LOG_ERR("VM %s: ACPI tables: %s", vm.name, to_string(r.status));
    }
}

}  // namespace

void hv_main() {
    install_vm_acpi();
    uint32_t online = 0;
    for (uint32_t i = 0; i < hal::cpu_count(); ++i)
        if (hal::cpu_info(i).state == hal::CpuState::online) ++online;
    if (online == hal::cpu_count()) LOG_INFO("all %u pCPUs online", online);
    else LOG_ERR("only %u of %u pCPUs online", online, hal::cpu_count());
    shell::run();
}

}  // namespace bh
