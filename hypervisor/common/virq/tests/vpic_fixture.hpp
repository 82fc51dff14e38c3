// Shared fixture for the vPIC tests: port helpers, an INTR recorder and the
// initialisation byte sequences real guests write.
#pragma once
#include <gtest/gtest.h>

#include <vector>

#include "common/virq/vpic.hpp"

namespace vpic_test {

using bh::virq::Vpic;
using Status = Vpic::Status;

struct IntrRecorder final : bh::virq::IntrObserver {
    std::vector<bool> changes;
    void intr_changed(bool asserted) override { changes.push_back(asserted); }
};

class VpicTest : public ::testing::Test {
protected:
    void SetUp() override { pic.set_observer(&intr); }

    void out(uint16_t port, uint8_t v) { ASSERT_EQ(pic.pio_write(port, 1, v), Status::ok); }
    uint8_t in(uint16_t port) {
        uint32_t v = 0;
        EXPECT_EQ(pic.pio_read(port, 1, v), Status::ok);
        return static_cast<uint8_t>(v);
    }
    uint8_t read_isr(uint16_t cmd) {
        out(cmd, 0x0B);
        return in(cmd);
    }
    uint8_t read_irr(uint16_t cmd) {
        out(cmd, 0x0A);
        return in(cmd);
    }

    // Linux arch/x86/kernel/i8259.c init_8259A(): masks, then ICW1 0x11,
    // ICW2, ICW3 0x04/0x02, ICW4 0x01 (0x03 with auto-EOI), master first.
    void linux_init(uint8_t base, bool auto_eoi = false) {
        out(0x21, 0xFF);
        out(0xA1, 0xFF);
        out(0x20, 0x11);
        out(0x21, base);
        out(0x21, 0x04);
        out(0x21, auto_eoi ? 0x03 : 0x01);
        out(0xA0, 0x11);
        out(0xA1, static_cast<uint8_t>(base + 8));
        out(0xA1, 0x02);
        out(0xA1, 0x01);  // the slave never gets AEOI in Linux
        out(0x21, 0xFF);  // restore the cached masks (all masked at boot)
        out(0xA1, 0xFF);
    }

    // SeaBIOS pic_setup(): both ICW1s, then ICW2s 0x08/0x70, ICW3s, ICW4s,
    // interleaved; then everything masked except the cascade.
    void seabios_init() {
        out(0x20, 0x11);
        out(0xA0, 0x11);
        out(0x21, 0x08);
        out(0xA1, 0x70);
        out(0x21, 0x04);
        out(0xA1, 0x02);
        out(0x21, 0x01);
        out(0xA1, 0x01);
        out(0x21, 0xFB);
        out(0xA1, 0xFF);
    }

    // Unmask one IRQ the way both guests do: read-modify-write of the IMR.
    void unmask(unsigned irq) {
        const uint16_t port = irq < 8 ? 0x21 : 0xA1;
        out(port, static_cast<uint8_t>(in(port) & ~(1u << (irq & 7))));
    }
    void mask(unsigned irq) {
        const uint16_t port = irq < 8 ? 0x21 : 0xA1;
        out(port, static_cast<uint8_t>(in(port) | (1u << (irq & 7))));
    }
    void raise(unsigned irq) { ASSERT_EQ(pic.set_irq_level(irq, true), Status::ok); }
    void lower(unsigned irq) { ASSERT_EQ(pic.set_irq_level(irq, false), Status::ok); }
    void pulse(unsigned irq) { ASSERT_EQ(pic.pulse_irq(irq), Status::ok); }

    // Linux mask_and_ack_8259A + re-enable: specific EOIs (slave, then
    // master IR2).
    void linux_eoi(unsigned irq) {
        if (irq >= 8) {
            out(0xA0, static_cast<uint8_t>(0x60 + (irq & 7)));
            out(0x20, 0x62);
        } else {
            out(0x20, static_cast<uint8_t>(0x60 + irq));
        }
    }
    // SeaBIOS: non-specific EOIs.
    void seabios_eoi(unsigned irq) {
        if (irq >= 8) out(0xA0, 0x20);
        out(0x20, 0x20);
    }

    Vpic pic;
    IntrRecorder intr;
};

}  // namespace vpic_test
