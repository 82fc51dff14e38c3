// 8250/16550 UART on an I/O port: the hypervisor console on x86.
#pragma once
#include <cstdint>

#include "common/console.hpp"

namespace bh::x86::uart {
// Programs 115200 8N1 with FIFOs. Returns false when no UART answers at `port`.
bool init(uint16_t port);
const console::Device* device();
}  // namespace bh::x86::uart
