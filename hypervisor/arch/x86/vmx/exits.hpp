// VM-exit reasons (SDM Vol.3 Appendix C) and the handler table.
#pragma once
#include <cstdint>

namespace bh::x86::vmx {

enum class ExitReason : uint16_t {
    exception_nmi = 0,
    external_interrupt = 1,
    triple_fault = 2,
    init_signal = 3,
    sipi = 4,
    interrupt_window = 7,
    nmi_window = 8,
    cpuid = 10,
    hlt = 12,
    invlpg = 14,
    rdtsc = 16,
    vmcall = 18,
    cr_access = 28,
    io = 30,
    rdmsr = 31,
    wrmsr = 32,
    invalid_guest_state = 33,
    msr_loading = 34,
    mwait = 36,
    monitor = 39,
    pause = 40,
    machine_check = 41,
    ept_violation = 48,
    ept_misconfig = 49,
    wbinvd = 54,
    xsetbv = 55,
};

class Vcpu;
enum class VcpuExit : uint8_t;
using ExitHandler = VcpuExit (*)(Vcpu& vcpu);

// The handler for a basic exit reason (bits 15:0); never null: reasons
// without a handler stop the VM with a register dump.
ExitHandler exit_handler(uint16_t reason);
const char* exit_name(uint16_t reason);

// Stops the VM of `vcpu` with a report (guest-induced fatal states).
VcpuExit stop_vm(Vcpu& vcpu, const char* why);
// Advances the guest RIP past the exiting instruction.
void skip_instruction();

}  // namespace bh::x86::vmx
