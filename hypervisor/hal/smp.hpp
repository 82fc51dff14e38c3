// Running a function on another pCPU through an IPI.
#pragma once
#include <cstdint>

namespace bh::hal {

using SmpFn = void (*)(void* arg);
enum class CallStatus : uint8_t { ok, timeout, offline, bad_cpu };

// Runs fn(arg) on pCPU `cpu` in interrupt context and waits until it has
// returned, at most timeout_ms. On timeout the call is withdrawn if it has
// not started. Must be called with interrupts enabled.
CallStatus smp_call(uint32_t cpu, SmpFn fn, void* arg, uint64_t timeout_ms);
const char* to_string(CallStatus s);

}  // namespace bh::hal
