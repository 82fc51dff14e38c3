// The emulated devices of each pre-launched VM, behind its port-I/O bus:
// today the console vUART (its output on the hypervisor console, prefixed
// with the VM's name). Arch exit handlers call pio_read/pio_write.
#pragma once
#include <cstdint>

#include "common/dm/pio_bus.hpp"

namespace bh {

// Builds the device set of every pre-launched VM (boot, before any vCPU runs).
bool init_vm_devices();
// Port I/O from a guest. A read always fills `value` (all ones if unclaimed).
dm::PioResult vm_pio_read(uint16_t vm_id, uint16_t port, uint8_t size, uint32_t& value);
dm::PioResult vm_pio_write(uint16_t vm_id, uint16_t port, uint8_t size, uint32_t value);
// Flushes a partial console line of the VM (e.g. when it stops).
void vm_console_flush(uint16_t vm_id);

}  // namespace bh
