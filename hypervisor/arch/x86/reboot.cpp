// Machine reset: the ACPI reset register when the FADT offers one, then the
// PCI reset control register 0xCF9, then the keyboard controller, then a
// triple fault.
#include "arch/x86/cpu.hpp"
#include "arch/x86/platform.hpp"
#include "arch/x86/tsc.hpp"
#include "common/console.hpp"
#include "hal/cpu.hpp"

namespace bh::hal {

void reboot() {
    using namespace x86;
    irq_save();
    stop_other_cpus();
    const Platform& p = platform();
    if (p.has_fadt && p.fadt.reset_valid) {
        const acpi::Gas& r = p.fadt.reset_reg;
        if (r.space_id == acpi::kGasSystemIo && r.address <= 0xffff) {
            outb(static_cast<uint16_t>(r.address), p.fadt.reset_value);
        } else if (r.space_id == acpi::kGasSystemMemory) {
            *reinterpret_cast<volatile uint8_t*>(r.address) = p.fadt.reset_value;
        }
        tsc::delay_us(50000);
    }
    outb(0xcf9, 0x02);  // PIIX/ICH reset control: select hard reset, then pulse
    outb(0xcf9, 0x06);
    tsc::delay_us(50000);
    outb(0x64, 0xfe);   // 8042: pulse the reset line
    tsc::delay_us(50000);
    const struct [[gnu::packed]] { uint16_t limit; uint64_t base; } null_idt{0, 0};
    asm volatile("lidt %0; int3" : : "m"(null_idt));
    halt_forever();
}

}  // namespace bh::hal
