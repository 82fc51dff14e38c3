// A VMX virtual CPU: its VMCS, saved registers and run loop.
#pragma once
#include <atomic>
#include <cstdint>

#include "arch/x86/vmx/caps.hpp"
#include "arch/x86/vmx/ept.hpp"
#include "arch/x86/loader/boot_state.hpp"
#include "arch/x86/vmsr/msr_policy.hpp"
#include "arch/x86/vmx/guest_state.hpp"
#include "hal/virt.hpp"

namespace bh::x86::vmx {

// Per-VM VMX resources shared by its vCPUs.
struct VmxVm {
    uint16_t id;
    const char* name;
    Ept ept;
    uint64_t io_bitmap_a, io_bitmap_b;  // SDM Vol.3 25.6.4: 1 = exit
    uint64_t msr_bitmap;                // SDM Vol.3 25.6.9
    bool is_service_vm;
};

enum class VcpuExit : uint8_t { resume, halted, vm_stopped };

class Vcpu final {
public:
    bool init(VmxVm& vm, uint16_t index, uint16_t vpid, const Controls& ctls);
    // Loads the VMCS with the entry state (on the pCPU that will run it).
    bool load(const loader::BootState& st);
    // Enters the guest once and handles the exit. Interrupts off on entry.
    VcpuExit run_once();

    GuestRegs& regs() { return regs_; }
    vmsr::VirtualMsrs& msrs() { return msrs_; }
    VmxVm& vm() { return *vm_; }
    uint16_t index() const { return index_; }
    uint64_t exit_count(uint32_t reason) const { return reason < 64 ? exits_[reason] : 0; }
    void dump_state(const char* why);
    void set_state(hal::VcpuState s) { state_.store(s, std::memory_order_relaxed); }
    hal::VcpuState state() const { return state_.load(std::memory_order_relaxed); }
    bool initialised() const { return vm_ != nullptr; }

private:
    VmxVm* vm_ = nullptr;
    uint16_t index_ = 0;
    uint16_t vpid_ = 0;
    uint64_t vmcs_ = 0;
    bool launched_ = false;
    Controls ctls_{};
    GuestRegs regs_{};
    vmsr::VirtualMsrs msrs_{};
    uint64_t exits_[64] = {};
    std::atomic<hal::VcpuState> state_{hal::VcpuState::not_started};
};

}  // namespace bh::x86::vmx
