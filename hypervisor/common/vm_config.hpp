// Types of the static VM table. misc/config_tools/gen_config.py fills them
// from the board and scenario XML into generated/scenario.hpp; nothing is
// parsed at run time.
#pragma once
#include <cstddef>
#include <cstdint>

#include "generated/kconfig.hpp"

namespace bh::cfg {

enum class LoadOrder : uint8_t { pre_launched, service_vm, post_launched };
enum class VmType : uint8_t { standard, rtvm };
enum class ImageType : uint8_t { none, bzimage, multiboot, raw };

struct Vuart {
    uint16_t port;
    uint8_t irq;
};

struct VuartLink {
    uint8_t id;
    uint16_t port;
    uint8_t irq;
    uint16_t peer_vm;
    uint8_t peer_link;
};

struct PciBdf {
    uint8_t bus, dev, fn;
};

struct KernelConfig {
    ImageType type;           // none for post-launched VMs (the device model loads them)
    const char* module_tag;   // Multiboot2 module string that carries the image
    uint64_t load_addr;       // guest-physical; 0 = the image type's default
    const char* bootargs;
    const char* ramdisk_tag;  // nullptr if none
    const char* const* extra_module_tags;
    size_t extra_module_count;
};

struct VmConfig {
    uint16_t id;
    const char* name;
    LoadOrder load_order;
    VmType type;
    uint64_t cpu_affinity;  // bit n = pCPU n
    uint64_t mem_size;
    uint64_t mem_gpa;       // pre-launched only
    uint64_t mem_hpa;       // pre-launched only (the Service VM is placed at boot)
    bool lapic_passthrough;
    bool has_console;
    Vuart console;
    const VuartLink* links;
    size_t link_count;
    KernelConfig kernel;
    const PciBdf* passthrough;
    size_t passthrough_count;
};

struct ModuleConfig {
    const char* tag;
    const char* file;
};

struct HvConfig {
    uint8_t log_level;  // 1 error .. 4 debug
    uint16_t console_port;
    kconfig::Scheduler scheduler;
    uint32_t pt_irq_entries;
    uint32_t emulated_mmio_regions;
};

constexpr uint32_t vcpu_count(const VmConfig& vm) { return static_cast<uint32_t>(__builtin_popcountll(vm.cpu_affinity)); }

const char* to_string(LoadOrder o);
const char* to_string(VmType t);
const char* to_string(ImageType t);

// Invariants the generator's static_asserts check again at compile time
// (the Python validator is the first line; these keep the tables honest).
constexpr bool ranges_disjoint(const VmConfig* vms, size_t n) {
    for (size_t i = 0; i < n; ++i) {
        if (vms[i].load_order != LoadOrder::pre_launched) continue;
        for (size_t j = i + 1; j < n; ++j) {
            if (vms[j].load_order != LoadOrder::pre_launched) continue;
            const bool apart = vms[i].mem_hpa + vms[i].mem_size <= vms[j].mem_hpa ||
                               vms[j].mem_hpa + vms[j].mem_size <= vms[i].mem_hpa;
            if (!apart) return false;
        }
    }
    return true;
}

constexpr bool dedicated_pcpus_exclusive(const VmConfig* vms, size_t n) {
    for (size_t i = 0; i < n; ++i) {
        const bool dedicated = vms[i].load_order == LoadOrder::pre_launched || vms[i].type == VmType::rtvm;
        if (!dedicated) continue;
        for (size_t j = 0; j < n; ++j)
            if (j != i && (vms[i].cpu_affinity & vms[j].cpu_affinity) != 0) return false;
    }
    return true;
}

}  // namespace bh::cfg
