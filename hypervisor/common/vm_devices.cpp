// Per-VM device sets. All of a VM's devices sit behind one lock: the vUART
// model has none of its own (common/dm/vuart.hpp).
#include "common/vm_devices.hpp"

#include <new>

#include "common/console.hpp"
#include "common/dm/vm_console.hpp"
#include "common/dm/vuart.hpp"
#include "common/log.hpp"
#include "generated/scenario.hpp"
#include "lib/spinlock.hpp"

namespace bh {
namespace {

// Guest console lines go to the physical console as whole writes.
class ConsoleWriter final : public dm::ConsoleOut {
public:
    void write(const char* s, size_t n) override { console::write(s, n); }
};

struct VmDevices {
    explicit VmDevices(const char* name) : console(name, writer) {}
    TicketLock lock;
    dm::PioBus bus;
    dm::Vuart uart;
    ConsoleWriter writer;
    dm::VmConsole console;
};

constexpr size_t kSlots = cfg::kVmCount > 0 ? cfg::kVmCount : 1;
alignas(VmDevices) unsigned char g_storage[kSlots][sizeof(VmDevices)];
VmDevices* g_devices[kSlots];

VmDevices* devices(uint16_t vm_id) { return vm_id < cfg::kVmCount ? g_devices[vm_id] : nullptr; }

}  // namespace

bool init_vm_devices() {
    for (const cfg::VmConfig& vm : cfg::kVms) {
        if (vm.load_order != cfg::LoadOrder::pre_launched) continue;
        auto* d = new (g_storage[vm.id]) VmDevices(vm.name);
        g_devices[vm.id] = d;
        if (!vm.has_console) continue;
        d->console.connect(d->uart);
        const dm::PioStatus st = dm::attach(d->bus, vm.console.port, d->uart);
        if (st != dm::PioStatus::ok) {
            LOG_ERR("VM %s: console vUART at port 0x%x could not be attached", vm.name, vm.console.port);
            return false;
        }
    }
    return true;
}

dm::PioResult vm_pio_read(uint16_t vm_id, uint16_t port, uint8_t size, uint32_t& value) {
    VmDevices* d = devices(vm_id);
    if (d == nullptr) {
        value = 0xffffffffu;
        return dm::PioResult::unclaimed;
    }
    IrqLockGuard guard(d->lock);
    return d->bus.dispatch_read(port, size, value);
}

dm::PioResult vm_pio_write(uint16_t vm_id, uint16_t port, uint8_t size, uint32_t value) {
    VmDevices* d = devices(vm_id);
    if (d == nullptr) return dm::PioResult::unclaimed;
    IrqLockGuard guard(d->lock);
    return d->bus.dispatch_write(port, size, value);
}

void vm_console_flush(uint16_t vm_id) {
    VmDevices* d = devices(vm_id);
    if (d == nullptr) return;
    IrqLockGuard guard(d->lock);
    d->console.flush();
}

}  // namespace bh
