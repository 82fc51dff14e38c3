// Executes a decoded instruction against a vCPU's registers and guest memory.
#pragma once
#include <cstdint>

#include "arch/x86/insn/guest_context.hpp"
#include "arch/x86/insn/insn.hpp"

namespace bh::x86::insn {

enum class EmulateStatus : uint8_t {
    ok,           // done: registers, flags, memory and RIP updated; or, for REP,
                  // one bounded chunk done with rCX != 0 and RIP unchanged (see below)
    fault,        // an access faulted (the context holds the exception to inject);
                  // nothing committed, except completed iterations of a REP
    mmio_error,   // an access failed in the context: stop the VM
    unsupported,  // an Insn decode() would not produce
};

// REP MOVS / REP STOS iterations done per call. When rCX is not exhausted
// after them, emulate() returns ok with RIP still on the instruction and
// rSI/rDI/rCX updated (SDM Vol.2 REP: the state of an interrupted REP);
// resuming the guest re-executes it (and exits again on the MMIO access),
// so interrupts are taken between chunks. Calling emulate() again with the
// same Insn continues the loop just as well.
inline constexpr uint32_t kRepBudget = 64;

EmulateStatus emulate(const Insn& in, GuestContext& ctx, uint32_t rep_budget = kRepBudget);

const char* to_string(EmulateStatus s);

}  // namespace bh::x86::insn
