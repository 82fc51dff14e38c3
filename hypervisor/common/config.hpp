// Build-time limits shared by common and arch code. The configuration issue
// replaces these with values generated from Kconfig.
#pragma once
#include <cstddef>
#include <cstdint>

namespace bh::config {
constexpr uint32_t kMaxPcpu = 16;
constexpr size_t kStackSize = 16384;
constexpr size_t kIstStackSize = 8192;
// Shell commands that break things on purpose (fault, panic) for the tests.
constexpr bool kDebugCommands = true;
}  // namespace bh::config
