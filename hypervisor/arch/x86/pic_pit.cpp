// 8259A masking (8259A datasheet, ICW/OCW) and 8254 channel-2 timing
// (8254 datasheet; gate via port 0x61 as on every PC).
#include "arch/x86/pic_pit.hpp"

#include "arch/x86/cpu.hpp"

namespace bh::x86 {
namespace {
enum class Port : uint16_t {
    pic1_cmd = 0x20, pic1_data = 0x21, pic2_cmd = 0xa0, pic2_data = 0xa1,
    pit_ch2 = 0x42, pit_cmd = 0x43, sys_ctrl = 0x61,
};
void out(Port p, uint8_t v) { outb(static_cast<uint16_t>(p), v); }
uint8_t in(Port p) { return inb(static_cast<uint16_t>(p)); }

constexpr uint32_t kPitHz = 1193182;
}  // namespace

void pic_mask_all() {
    out(Port::pic1_cmd, 0x11);   // ICW1: edge, cascade, ICW4 needed
    out(Port::pic2_cmd, 0x11);
    out(Port::pic1_data, 0x20);  // ICW2: vectors 0x20-0x27
    out(Port::pic2_data, 0x28);  //       and 0x28-0x2f
    out(Port::pic1_data, 0x04);  // ICW3: slave on IR2
    out(Port::pic2_data, 0x02);
    out(Port::pic1_data, 0x01);  // ICW4: 8086 mode
    out(Port::pic2_data, 0x01);
    out(Port::pic1_data, 0xff);  // OCW1: mask everything
    out(Port::pic2_data, 0xff);
}

uint64_t pit_measure_tsc(uint32_t ms) {
    const uint32_t count = kPitHz * ms / 1000;  // callers keep ms <= 50 (count < 65536)
    // Gate channel 2 on, speaker off; mode 0 (interrupt on terminal count), binary.
    out(Port::sys_ctrl, static_cast<uint8_t>((in(Port::sys_ctrl) & 0xfc) | 0x01));
    out(Port::pit_cmd, 0xb0);
    out(Port::pit_ch2, static_cast<uint8_t>(count & 0xff));
    out(Port::pit_ch2, static_cast<uint8_t>(count >> 8));
    const uint64_t start = rdtsc();
    // OUT2 (port 0x61 bit 5) goes high at terminal count.
    while ((in(Port::sys_ctrl) & 0x20) == 0) pause();
    const uint64_t end = rdtsc();
    out(Port::sys_ctrl, static_cast<uint8_t>(in(Port::sys_ctrl) & 0xfc));
    return end - start;
}

}  // namespace bh::x86
