// The arch-neutral view of the processor that common code is allowed to use.
// arch/<arch>/ implements every function declared here; common code never
// includes arch headers.
#pragma once
#include <cstddef>
#include <cstdint>

namespace bh::hal {

using IrqState = uint64_t;

// Interrupt masking on the current pCPU.
IrqState irq_save();
void irq_restore(IrqState state);
void irq_enable();

// Spin-wait hint and idle.
void cpu_relax();
void wait_for_interrupt();       // enable interrupts and sleep until one arrives
[[noreturn]] void halt_forever();  // interrupts off, never returns (NMIs still handled)

// Identity of the running pCPU (0 = the boot processor), and the count of
// pCPUs the firmware described.
uint32_t this_cpu();
uint32_t cpu_count();

// Monotonic time since boot.
uint64_t now_ticks();
uint64_t ticks_per_ms();

// Stop every other pCPU (panic path): they print nothing and halt. Returns
// how many online pCPUs did not confirm within a bounded wait.
uint32_t stop_other_cpus();
[[noreturn]] void reboot();

}  // namespace bh::hal
