// Entering the guest and dispatching its exits.
#include "arch/x86/vmx/vcpu.hpp"

#include "arch/x86/cpu.hpp"
#include "arch/x86/vmx/exits.hpp"
#include "arch/x86/vmx/vmcs.hpp"
#include "common/console.hpp"
#include "common/log.hpp"

extern "C" uint64_t vmx_enter(bh::x86::vmx::GuestRegs* regs, uint64_t launched);

namespace bh::x86::vmx {

void vmwrite_failed(uint32_t encoding) {
    LOG_ERR("VMWRITE of field 0x%x failed, VM-instruction error %u", encoding, vmread(f::InstrError{}));
}

VcpuExit Vcpu::run_once() {
    const uint64_t failed = vmx_enter(&regs_, launched_ ? 1 : 0);
    if (failed != 0) {
        // VMfailValid: the VM-instruction error field says why (SDM Vol.3 31.4).
        const uint32_t err = vmread(f::InstrError{});
        LOG_ERR("VM %s vCPU%u: VM entry failed, VM-instruction error %u", vm_->name, index_, err);
        return stop_vm(*this, "VM entry failed");
    }
    launched_ = true;
    const uint32_t reason = vmread(f::ExitReason{});
    const uint16_t basic = static_cast<uint16_t>(reason & 0xffff);
    if (basic < 64) ++exits_[basic];
    if ((reason & (1u << 31)) != 0) {  // VM-entry failure (SDM Vol.3 28.8)
        LOG_ERR("VM %s vCPU%u: VM entry failed: %s (exit reason %u, qualification 0x%llx)", vm_->name, index_,
                exit_name(basic), basic, static_cast<unsigned long long>(vmread(f::ExitQualification{})));
        return stop_vm(*this, "invalid guest state at VM entry");
    }
    return exit_handler(basic)(*this);
}

void Vcpu::dump_state(const char* why) {
    console::print(
        "*** VM %s vCPU%u stopped: %s\n"
        "RIP=%016llx RSP=%016llx RFLAGS=%016llx\n"
        "RAX=%016llx RBX=%016llx RCX=%016llx RDX=%016llx\n"
        "RSI=%016llx RDI=%016llx RBP=%016llx CR2=%016llx\n"
        "CR0=%016llx CR3=%016llx CR4=%016llx EFER=%016llx\n"
        "CS=%04x base %llx AR %x  exit reason %u qualification %llx\n",
        vm_->name, index_, why, static_cast<unsigned long long>(vmread(f::GuestRip{})),
        static_cast<unsigned long long>(vmread(f::GuestRsp{})),
        static_cast<unsigned long long>(vmread(f::GuestRflags{})), static_cast<unsigned long long>(regs_.rax),
        static_cast<unsigned long long>(regs_.rbx), static_cast<unsigned long long>(regs_.rcx),
        static_cast<unsigned long long>(regs_.rdx), static_cast<unsigned long long>(regs_.rsi),
        static_cast<unsigned long long>(regs_.rdi), static_cast<unsigned long long>(regs_.rbp),
        static_cast<unsigned long long>(regs_.cr2), static_cast<unsigned long long>(vmread(f::GuestCr0{})),
        static_cast<unsigned long long>(vmread(f::GuestCr3{})), static_cast<unsigned long long>(vmread(f::GuestCr4{})),
        static_cast<unsigned long long>(vmread(f::GuestEfer{})), vmread(f::GuestCsSel{}),
        static_cast<unsigned long long>(vmread(f::GuestCsBase{})), vmread(f::GuestCsAr{}),
        vmread(f::ExitReason{}) & 0xffff, static_cast<unsigned long long>(vmread(f::ExitQualification{})));
}

}  // namespace bh::x86::vmx
