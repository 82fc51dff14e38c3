// The shell's command table.
#pragma once
#include <cstddef>

#include "common/shell_line.hpp"

namespace bh::shell {
// Debug-only commands are left out when config::kDebugCommands is false.
const Command* commands();
size_t command_count();
}  // namespace bh::shell
