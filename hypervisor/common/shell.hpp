// The interactive hypervisor shell on the console.
#pragma once
namespace bh::shell {
// Prints the prompt and arms a periodic timer on the calling pCPU (the
// shell's pCPU) that marks the console for polling.
void start();
// Handles the console input that arrived since the last call. Call it with
// interrupts enabled from the shell pCPU's idle loop or between guest runs.
void service();
}
