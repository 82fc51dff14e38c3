// Creating and running the pre-launched VMs' vCPUs.
#include "arch/x86/vmx/vms.hpp"

#include "arch/x86/memory.hpp"
#include "arch/x86/vmx/caps.hpp"
#include "arch/x86/vmx/enable.hpp"
#include "arch/x86/vmsr/msr_policy.hpp"
#include "arch/x86/vmx/vcpu.hpp"
#include "common/config.hpp"
#include "common/log.hpp"
#include "common/vm_devices.hpp"
#include "generated/scenario.hpp"
#include "hal/cpu.hpp"

extern "C" void* memset(void* d, int c, size_t n);

namespace bh::x86::vmx {
namespace {

Controls g_ctls{};
VmxVm g_vms[cfg::kVmCount > 0 ? cfg::kVmCount : 1];
Vcpu g_vcpus[config::kMaxPcpu];
int16_t g_vcpu_vm[config::kMaxPcpu];     // VM id pinned to each pCPU, -1 if none
uint16_t g_vcpu_index[config::kMaxPcpu];

bool all_ones_pages(uint64_t pages, uint64_t& pa) {
    if (!mem::alloc_frames(pages, pa)) return false;
    memset(reinterpret_cast<void*>(pa), 0xff, pages * 4096);
    return true;
}

}  // namespace

const char* to_string(VmsStatus s) {
    switch (s) {
        case VmsStatus::ok: return "ok";
        case VmsStatus::controls_missing: return "required VMX controls are missing";
        case VmsStatus::no_memory: return "out of memory for VM structures";
    }
    return "?";
}

VmsStatus init_vms() {
    uint32_t field = 0, bits = 0;
    if (compute_controls(g_ctls, field, bits) != CapsStatus::ok) {
        LOG_ERR("VMX: control field %u lacks required bits 0x%x", field, bits);
        return VmsStatus::controls_missing;
    }
    for (auto& v : g_vcpu_vm) v = -1;
    uint16_t vpid = 1;
    for (const cfg::VmConfig& c : cfg::kVms) {
        if (c.load_order != cfg::LoadOrder::pre_launched) continue;
        VmxVm& vm = g_vms[c.id];
        vm.id = c.id;
        vm.name = c.name;
        vm.is_service_vm = false;
        // Every port exits (to the VM's device bus); MSRs exit unless the
        // MSR policy passes them through (SDM Vol.3 25.6.4, 25.6.9).
        if (!vm.ept.init() || !all_ones_pages(1, vm.io_bitmap_a) || !all_ones_pages(1, vm.io_bitmap_b) ||
            !mem::alloc_frames(1, vm.msr_bitmap))
            return VmsStatus::no_memory;
        vmsr::fill_bitmap(reinterpret_cast<uint8_t*>(vm.msr_bitmap));
        // Guest RAM [0, size) -> its host range, write-back; nothing else mapped.
        if (!vm.ept.map(c.mem_gpa, c.mem_hpa, c.mem_size, EptPerm::rwx, EptMemType::wb)) return VmsStatus::no_memory;
        uint16_t index = 0;
        for (uint32_t p = 0; p < config::kMaxPcpu; ++p) {
            if ((c.cpu_affinity & (1ull << p)) == 0) continue;
            g_vcpu_vm[p] = static_cast<int16_t>(c.id);
            g_vcpu_index[p] = index;
            if (!g_vcpus[p].init(vm, index, vpid++, g_ctls)) return VmsStatus::no_memory;
            ++index;
        }
        LOG_INFO("VM %s: %u vCPU(s), %llu MiB at hpa 0x%llx, EPTP 0x%llx", c.name, index,
                 static_cast<unsigned long long>(c.mem_size >> 20), static_cast<unsigned long long>(c.mem_hpa),
                 static_cast<unsigned long long>(vm.ept.eptp()));
    }
    if (!init_vm_devices()) return VmsStatus::no_memory;
    return VmsStatus::ok;
}

bool enable_this_cpu_logged(uint32_t pcpu) {
    const EnableStatus st = enable_this_cpu();
    if (st != EnableStatus::ok) {
        LOG_ERR("pCPU%u: %s", pcpu, to_string(st));
        return false;
    }
    return true;
}

Vcpu* vcpu_on(uint32_t pcpu) { return has_vcpu(pcpu) ? &g_vcpus[pcpu] : nullptr; }

bool has_vcpu(uint32_t pcpu) { return pcpu < config::kMaxPcpu && g_vcpu_vm[pcpu] >= 0; }

void run_vcpu(uint32_t pcpu, PrepareFn prepare, void (*between_runs)()) {
    if (!has_vcpu(pcpu)) return;
    Vcpu& v = g_vcpus[pcpu];
    loader::BootState st{};
    if (!prepare(v.vm().id, g_vcpu_index[pcpu], st)) return;
    hal::irq_save();
    if (!v.load(st)) {
        LOG_ERR("VM %s vCPU%u: loading the VMCS failed", v.vm().name, v.index());
        hal::irq_enable();
        return;
    }
    LOG_INFO("VM %s vCPU%u: starting on pCPU%u at RIP 0x%llx", v.vm().name, v.index(), pcpu,
             static_cast<unsigned long long>(st.rip));
    v.set_state(hal::VcpuState::running);
    for (;;) {
        // The request pass of the interrupt core goes here, interrupts off.
        const VcpuExit e = v.run_once();
        hal::irq_enable();  // a host interrupt that caused the exit is taken now
        if (between_runs != nullptr) between_runs();
        if (e == VcpuExit::vm_stopped) break;
        if (e == VcpuExit::halted) {
            // HLT ends only with an event for this vCPU (an interrupt, NMI,
            // INIT...). No virtual event source exists until the interrupt
            // core lands, so the vCPU stays halted: this pCPU keeps serving
            // host interrupts (and, on pCPU0, the shell) and never re-enters
            // the guest. The interrupt core replaces this with its wake check.
            v.set_state(hal::VcpuState::halted);
            for (;;) {
                hal::wait_for_interrupt();
                if (between_runs != nullptr) between_runs();
            }
        }
        hal::irq_save();
    }
    v.set_state(hal::VcpuState::stopped);
    vm_console_flush(v.vm().id);
    LOG_INFO("VM %s: stopped", v.vm().name);
}

}  // namespace bh::x86::vmx
