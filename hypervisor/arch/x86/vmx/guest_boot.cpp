// Starting a pre-launched VM's boot vCPU: its kernel module by tag, the
// loader for its image type, and its ACPI tables at the standard place.
#include "arch/x86/vmx/guest_boot.hpp"

#include "arch/x86/loader/bzimage.hpp"
#include "arch/x86/loader/multiboot1.hpp"
#include "arch/x86/loader/raw.hpp"
#include "arch/x86/platform.hpp"
#include "common/guest_acpi.hpp"
#include "common/log.hpp"
#include "generated/scenario.hpp"
#include "hal/memory.hpp"

extern "C" int strcmp(const char* a, const char* b);

namespace bh::x86::vmx {
namespace {

constexpr uint64_t kRsdpGpa = 0xf2400;  // where guest_acpi puts the RSDP
constexpr size_t kMaxExtraModules = 8;

// The Multiboot2 module whose string is `tag`.
bool find_module(const char* tag, loader::Image& out) {
    const mb2::BootInfo& bi = boot_info();
    for (size_t i = 0; i < bi.module_count; ++i) {
        const mb2::Module& m = bi.modules[i];
        if (m.cmdline != nullptr && strcmp(m.cmdline, tag) == 0) {
            out = loader::Image{static_cast<const uint8_t*>(hal::phys_to_virt(m.start)),
                                static_cast<size_t>(m.end - m.start), tag};
            return true;
        }
    }
    return false;
}

}  // namespace

bool prepare_guest(uint16_t vm_id, uint16_t vcpu, loader::BootState& st) {
    const cfg::VmConfig& vm = cfg::kVms[vm_id];
    if (vcpu != 0) {
        LOG_ERR("VM %s vCPU%u: secondary vCPUs start through INIT/SIPI, which is not emulated yet", vm.name, vcpu);
        return false;
    }
    loader::Image kernel{};
    if (!find_module(vm.kernel.module_tag, kernel)) {
        LOG_ERR("VM %s: kernel module '%s' was not loaded by the boot loader; VM not started", vm.name,
                vm.kernel.module_tag);
        return false;
    }
    auto* ram_base = static_cast<uint8_t*>(hal::phys_to_virt(vm.mem_hpa));
    loader::FlatGuestRam ram(ram_base, vm.mem_size);

    const GuestAcpiReport acpi = install_guest_acpi(vm, ram_base, cfg::kVmAcpi, cfg::kVmAcpiCount);
    if (acpi.status != GuestAcpiStatus::ok) {
        LOG_ERR("VM %s: ACPI tables: %s; VM not started", vm.name, to_string(acpi.status));
        return false;
    }
    LOG_INFO("VM %s: ACPI tables at GPA 0x%llx (%zu bytes), MADT lists %zu vCPUs", vm.name,
             static_cast<unsigned long long>(acpi.gpa), acpi.size, acpi.madt_cpus);

    loader::LoadStatus ls = loader::LoadStatus::bad_magic;
    switch (vm.kernel.type) {
        case cfg::ImageType::multiboot: {
            loader::Image mods[kMaxExtraModules];
            size_t n = 0;
            for (size_t i = 0; i < vm.kernel.extra_module_count && n < kMaxExtraModules; ++i) {
                if (!find_module(vm.kernel.extra_module_tags[i], mods[n])) {
                    LOG_ERR("VM %s: module '%s' was not loaded by the boot loader; VM not started", vm.name,
                            vm.kernel.extra_module_tags[i]);
                    return false;
                }
                ++n;
            }
            ls = loader::load_multiboot1(ram, kernel, vm.kernel.bootargs, mods, n, st);
            break;
        }
        case cfg::ImageType::bzimage: {
            loader::Image initrd{};
            const bool has_initrd = vm.kernel.ramdisk_tag != nullptr;
            if (has_initrd && !find_module(vm.kernel.ramdisk_tag, initrd)) {
                LOG_ERR("VM %s: ramdisk module '%s' was not loaded by the boot loader; VM not started", vm.name,
                        vm.kernel.ramdisk_tag);
                return false;
            }
            ls = loader::load_bzimage(ram, kernel, has_initrd ? &initrd : nullptr, vm.kernel.bootargs, kRsdpGpa, st);
            break;
        }
        case cfg::ImageType::raw:
            ls = loader::load_raw(ram, kernel, vm.kernel.load_addr, st);
            break;
        case cfg::ImageType::none:
            break;
    }
    if (ls != loader::LoadStatus::ok) {
        LOG_ERR("VM %s: loading %s image '%s': %s; VM not started", vm.name, cfg::to_string(vm.kernel.type),
                vm.kernel.module_tag, loader::to_string(ls));
        return false;
    }
    return true;
}

}  // namespace bh::x86::vmx
