// Build-time limits shared by common and arch code, from the Kconfig options
// (generated/kconfig.hpp, made by misc/config_tools/kconfig_tool.py).
#pragma once
#include <cstddef>
#include <cstdint>

#include "generated/kconfig.hpp"

namespace bh::config {
constexpr uint32_t kMaxPcpu = kconfig::kMaxPcpu;
constexpr size_t kStackSize = kconfig::kStackSize;
constexpr size_t kIstStackSize = 8192;
// Shell commands that break things on purpose (fault, panic) for the tests.
constexpr bool kDebugCommands = !kconfig::kRelease;
}  // namespace bh::config
