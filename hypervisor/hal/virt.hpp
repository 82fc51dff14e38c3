// The arch-neutral view of running guests that common code uses.
#pragma once
#include <cstdint>

namespace bh::hal {

// Whether a pre-launched VM's vCPU is pinned to the calling pCPU.
bool vcpu_pinned_here();
// Runs that vCPU until its VM stops. `between_runs` is called after every
// VM exit with interrupts enabled (the shell pCPU services its console).
void run_pinned_vcpu(void (*between_runs)());

}  // namespace bh::hal
