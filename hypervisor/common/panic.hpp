// Fatal hypervisor errors: print, stop every pCPU.
#pragma once

namespace bh {
[[noreturn]] void panic(const char* fmt, ...) __attribute__((format(printf, 1, 2)));
}
