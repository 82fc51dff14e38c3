// Unit tests for the vPIC mechanics: ports, ELCR, initialisation variants,
// cascade wiring, level mode, spurious IRQ7/IRQ15, masking while pending,
// edge detection and the INTR observer.
#include "vpic_fixture.hpp"

namespace {

using namespace vpic_test;

constinit Vpic g_constant_initialised;  // no constructor runs at boot

// ---- ports, sizes, ELCR ----

TEST_F(VpicTest, PortsAndSizes) {
    for (uint16_t p : {0x20, 0x21, 0xA0, 0xA1, 0x4D0, 0x4D1}) EXPECT_TRUE(Vpic::handles(p)) << p;
    for (uint16_t p : {0x1F, 0x22, 0x9F, 0xA2, 0x4CF, 0x4D2, 0x60}) EXPECT_FALSE(Vpic::handles(p)) << p;
    uint32_t v = 0;
    EXPECT_EQ(pic.pio_read(0x22, 1, v), Status::bad_port);
    EXPECT_EQ(v, 0xFFFFFFFFu);
    EXPECT_EQ(pic.pio_write(0x60, 1, 0), Status::bad_port);
    for (uint32_t size : {0u, 3u, 8u}) {
        EXPECT_EQ(pic.pio_read(0x20, size, v), Status::bad_size);
        EXPECT_EQ(pic.pio_write(0x21, size, 0), Status::bad_size);
    }
    seabios_init();
    // A word read of 0x20 is IRR (0x20) then IMR (0x21); a dword read from
    // 0xA0 runs into ports nobody answers.
    EXPECT_EQ(pic.pio_read(0x20, 2, v), Status::ok);
    EXPECT_EQ(v, 0xFB00u);
    EXPECT_EQ(pic.pio_read(0xA0, 4, v), Status::ok);
    EXPECT_EQ(v, 0xFFFFFF00u);
    EXPECT_EQ(pic.pio_write(0x20, 2, 0xEF0A), Status::ok);  // OCW3 read IRR, then IMR 0xEF
    EXPECT_EQ(in(0x21), 0xEF);
}

TEST_F(VpicTest, ElcrReadOnlyBits) {
    out(0x4D0, 0xFF);
    out(0x4D1, 0xFF);
    EXPECT_EQ(in(0x4D0), 0xF8);  // IRQ0, 1, 2 edge only
    EXPECT_EQ(in(0x4D1), 0xDE);  // IRQ8, 13 edge only
    for (unsigned irq : {0u, 1u, 2u, 8u, 13u}) EXPECT_FALSE(pic.irq_is_level(irq)) << irq;
    for (unsigned irq : {3u, 4u, 5u, 6u, 7u, 9u, 10u, 11u, 12u, 14u, 15u}) EXPECT_TRUE(pic.irq_is_level(irq)) << irq;
    ASSERT_EQ(pic.pio_write(0x4D0, 2, 0x0C20), Status::ok);  // both ELCRs at once: IRQ5, IRQ10, IRQ11
    EXPECT_EQ(in(0x4D0), 0x20);
    EXPECT_EQ(in(0x4D1), 0x0C);
    EXPECT_FALSE(pic.irq_is_level(16));
}

TEST_F(VpicTest, BadIrqNumbers) {
    EXPECT_EQ(pic.set_irq_level(2, true), Status::bad_irq);  // the cascade input, no ISA line
    EXPECT_EQ(pic.set_irq_level(16, true), Status::bad_irq);
    EXPECT_EQ(pic.pulse_irq(2), Status::bad_irq);
    EXPECT_EQ(pic.pulse_irq(0xFFFFFFFF), Status::bad_irq);
    EXPECT_STREQ(bh::virq::to_string(Status::bad_irq), "bad irq");
}

TEST_F(VpicTest, PowerOnStateIsMaskedAndQuiet) {
    EXPECT_EQ(in(0x21), 0xFF);
    EXPECT_EQ(in(0xA1), 0xFF);
    pulse(0);
    raise(9);
    EXPECT_FALSE(pic.intr_output());
    EXPECT_TRUE(intr.changes.empty());
    EXPECT_EQ(pic.master().irr(), 0x01);  // latched while masked, not lost
    pic.reset();
    EXPECT_FALSE(pic.intr_output());
    EXPECT_EQ(pic.master().irr(), 0);
}

// ---- initialisation variants ----

TEST_F(VpicTest, Icw1ResetsTheChip) {
    seabios_init();
    unmask(3);
    pulse(3);
    EXPECT_EQ(pic.acknowledge(), 0x0B);
    out(0x20, 0x0B);  // select ISR
    out(0x20, 0xC4);  // set priority: IR4 lowest
    pulse(5);
    out(0x20, 0x11);  // ICW1 again
    EXPECT_TRUE(pic.master().in_init());
    EXPECT_EQ(pic.master().imr(), 0);
    EXPECT_EQ(pic.master().isr(), 0);
    EXPECT_EQ(pic.master().irr(), 0);
    EXPECT_EQ(pic.master().lowest_priority(), 7);
    out(0x21, 0x20);
    out(0x21, 0x04);
    out(0x21, 0x01);
    EXPECT_FALSE(pic.master().in_init());
    EXPECT_EQ(in(0x20), 0x00);  // IRR selected again (ISR was selected before)
    // An edge line held high across ICW1 needs a new rising edge.
    raise(4);
    out(0x20, 0x11);
    out(0x21, 0x20);
    out(0x21, 0x04);
    out(0x21, 0x01);
    EXPECT_FALSE(pic.intr_output());
    lower(4);
    raise(4);
    EXPECT_TRUE(pic.intr_output());
    EXPECT_EQ(pic.acknowledge(), 0x24);
}

TEST_F(VpicTest, Icw1WithoutIcw4) {
    out(0x20, 0x10);  // cascade, no ICW4
    out(0x21, 0x40);
    out(0x21, 0x04);
    EXPECT_FALSE(pic.master().in_init());
    EXPECT_FALSE(pic.master().aeoi());
    out(0x21, 0xFE);  // already OCW1
    EXPECT_EQ(in(0x21), 0xFE);
    pulse(0);
    EXPECT_EQ(pic.acknowledge(), 0x40);
    EXPECT_EQ(pic.master().isr(), 0x01);  // no AEOI
}

TEST_F(VpicTest, SingleModeSkipsIcw3AndHasNoSlave) {
    out(0x20, 0x13);  // single, ICW4
    out(0x21, 0x50);
    out(0x21, 0x01);  // this is ICW4, not ICW3
    EXPECT_FALSE(pic.master().in_init());
    out(0x21, 0x00);
    out(0xA0, 0x11);
    out(0xA1, 0x70);
    out(0xA1, 0x02);
    out(0xA1, 0x01);
    out(0xA1, 0x00);
    pulse(9);  // slave INT still drives IR2, but the master answers itself
    EXPECT_TRUE(pic.intr_output());
    EXPECT_EQ(pic.acknowledge(), 0x52);
    EXPECT_EQ(pic.slave().isr(), 0);
    EXPECT_EQ(pic.counters().bad_cascade, 0u);
}

TEST_F(VpicTest, Icw2LowBitsIgnoredIn8086Mode) {
    out(0x20, 0x11);
    out(0x21, 0x27);
    out(0x21, 0x04);
    out(0x21, 0x01);
    out(0x21, 0xFE);
    pulse(0);
    EXPECT_EQ(pic.acknowledge(), 0x20);
}

TEST_F(VpicTest, CascadeMiswiring) {
    // Master says the slave is on IR3: an IRQ3 INTA gets no answer.
    out(0x20, 0x11);
    out(0x21, 0x20);
    out(0x21, 0x08);
    out(0x21, 0x01);
    out(0x21, 0x00);
    out(0xA0, 0x11);
    out(0xA1, 0x28);
    out(0xA1, 0x02);
    out(0xA1, 0x01);
    out(0xA1, 0x00);
    pulse(3);
    EXPECT_EQ(pic.acknowledge(), 0xFF);
    EXPECT_EQ(pic.counters().bad_cascade, 1u);
    out(0x20, 0x63);
    // IR2 without ICW3 bit 2: the master's own vector.
    pulse(10);
    EXPECT_EQ(pic.acknowledge(), 0x22);
    out(0x20, 0x62);
    // Slave ID 3 does not answer cascade address 2.
    out(0x20, 0x11);
    out(0x21, 0x20);
    out(0x21, 0x04);
    out(0x21, 0x01);
    out(0x21, 0x00);
    out(0xA0, 0x11);
    out(0xA1, 0x28);
    out(0xA1, 0x03);
    out(0xA1, 0x01);
    out(0xA1, 0x00);
    lower(10);
    pulse(11);
    EXPECT_EQ(pic.acknowledge(), 0xFF);
    EXPECT_EQ(pic.counters().bad_cascade, 2u);
}

// ---- level mode ----

TEST_F(VpicTest, LevelModeThroughElcr) {
    seabios_init();
    out(0x4D1, 0x0C);  // IRQ10, IRQ11 level (PCI)
    unmask(10);
    unmask(11);
    raise(11);
    EXPECT_TRUE(pic.intr_output());
    EXPECT_EQ(pic.acknowledge(), 0x73);
    EXPECT_EQ(pic.slave().irr() & 0x08, 0x08);  // level: IRR follows the line
    seabios_eoi(11);
    EXPECT_TRUE(pic.intr_output());  // still high: again
    EXPECT_EQ(pic.acknowledge(), 0x73);
    lower(11);  // the handler serviced the device
    seabios_eoi(11);
    EXPECT_FALSE(pic.intr_output());
    EXPECT_EQ(pic.slave().irr(), 0);
    // Two devices sharing nothing: IRQ10 beats IRQ11.
    raise(11);
    raise(10);
    EXPECT_EQ(pic.acknowledge(), 0x72);
    lower(10);
    seabios_eoi(10);
    EXPECT_EQ(pic.acknowledge(), 0x73);
    lower(11);
    seabios_eoi(11);
    EXPECT_FALSE(pic.intr_output());
}

TEST_F(VpicTest, LtimMakesEveryInputLevel) {
    out(0x20, 0x19);  // ICW1 with LTIM
    out(0x21, 0x08);
    out(0x21, 0x04);
    out(0x21, 0x01);
    out(0x21, 0x00);
    EXPECT_TRUE(pic.irq_is_level(0));
    EXPECT_FALSE(pic.irq_is_level(8));  // the slave was not told
    raise(0);
    EXPECT_EQ(pic.acknowledge(), 0x08);
    out(0x20, 0x20);
    EXPECT_TRUE(pic.intr_output());
    lower(0);
    EXPECT_FALSE(pic.intr_output());
}

TEST_F(VpicTest, SwitchingElcrKeepsPendingRequests) {
    seabios_init();
    unmask(5);
    raise(5);  // edge, latched
    lower(5);
    out(0x4D0, 0x20);  // now level and low: the request follows the line
    EXPECT_FALSE(pic.intr_output());
    raise(5);
    out(0x4D0, 0x00);  // back to edge: the pending request stays latched
    lower(5);
    EXPECT_TRUE(pic.intr_output());
    EXPECT_EQ(pic.acknowledge(), 0x0D);
}

// ---- spurious IRQ7 / IRQ15, masking while pending ----

TEST_F(VpicTest, SpuriousIrq7WhenTheRequestVanishes) {
    seabios_init();
    out(0x4D0, 0x20);
    unmask(5);
    raise(5);
    EXPECT_TRUE(pic.intr_output());
    lower(5);  // withdrawn between INTR and INTA
    EXPECT_FALSE(pic.intr_output());
    EXPECT_EQ(pic.acknowledge(), 0x0F);
    EXPECT_EQ(pic.master().isr(), 0);  // no ISR bit: the guest must not EOI
    EXPECT_EQ(read_isr(0x20), 0);
    EXPECT_EQ(pic.counters().spurious_master, 1u);
}

TEST_F(VpicTest, SpuriousIrq15WhenASlaveRequestVanishes) {
    seabios_init();
    out(0x4D1, 0x04);  // IRQ10 level
    unmask(10);
    raise(10);
    EXPECT_TRUE(pic.intr_output());
    lower(10);  // the master has latched the edge of the slave's INT
    EXPECT_TRUE(pic.intr_output());
    EXPECT_EQ(pic.acknowledge(), 0x77);
    EXPECT_EQ(pic.slave().isr(), 0);     // slave IS7 not set
    EXPECT_EQ(pic.master().isr(), 0x04);  // master IS2 set: the guest EOIs the master only
    EXPECT_EQ(pic.counters().spurious_slave, 1u);
    out(0x20, 0x62);
    EXPECT_FALSE(pic.intr_output());
}

TEST_F(VpicTest, MaskingWhilePendingLosesNothing) {
    seabios_init();
    unmask(4);
    pulse(4);
    EXPECT_TRUE(pic.intr_output());
    mask(4);
    EXPECT_FALSE(pic.intr_output());
    EXPECT_EQ(pic.acknowledge(), 0x0F);  // INTA raced with the mask: spurious
    unmask(4);
    EXPECT_TRUE(pic.intr_output());  // the latched request is still there
    EXPECT_EQ(pic.acknowledge(), 0x0C);
    seabios_eoi(4);
    // Masked before the edge: latched in IRR, delivered on unmask.
    mask(4);
    pulse(4);
    EXPECT_FALSE(pic.intr_output());
    EXPECT_EQ(read_irr(0x20), 0x10);
    unmask(4);
    EXPECT_EQ(pic.acknowledge(), 0x0C);
    seabios_eoi(4);
    // Slave side.
    unmask(9);
    mask(9);
    pulse(9);
    unmask(9);
    EXPECT_EQ(pic.acknowledge(), 0x71);
    seabios_eoi(9);
    EXPECT_FALSE(pic.intr_output());
}

TEST_F(VpicTest, EdgeNeedsANewRisingEdge) {
    seabios_init();
    unmask(3);
    raise(3);
    EXPECT_EQ(pic.acknowledge(), 0x0B);
    seabios_eoi(3);
    EXPECT_FALSE(pic.intr_output());  // held high: no second interrupt
    raise(3);
    EXPECT_FALSE(pic.intr_output());
    lower(3);
    raise(3);
    EXPECT_EQ(pic.acknowledge(), 0x0B);
    // Several pulses before the INTA merge into one request.
    lower(3);
    seabios_eoi(3);
    pulse(3);
    pulse(3);
    EXPECT_EQ(pic.acknowledge(), 0x0B);
    seabios_eoi(3);
    EXPECT_FALSE(pic.intr_output());
}

// ---- INTR observer ----

TEST_F(VpicTest, IntrObserverSeesEveryChangeOnce) {
    seabios_init();
    EXPECT_TRUE(intr.changes.empty());
    unmask(0);
    unmask(1);
    pulse(0);
    pulse(0);
    ASSERT_EQ(intr.changes, (std::vector<bool>{true}));
    EXPECT_EQ(pic.acknowledge(), 0x08);
    ASSERT_EQ(intr.changes, (std::vector<bool>{true, false}));
    pulse(1);  // blocked by IR0 in service
    EXPECT_EQ(intr.changes.size(), 2u);
    seabios_eoi(0);
    ASSERT_EQ(intr.changes, (std::vector<bool>{true, false, true}));
    EXPECT_EQ(pic.acknowledge(), 0x09);
    seabios_eoi(1);
    ASSERT_EQ(intr.changes, (std::vector<bool>{true, false, true, false}));
    EXPECT_EQ(pic.intr_output(), intr.changes.back());
    pic.set_observer(nullptr);
    pulse(0);  // no observer: still works
    EXPECT_TRUE(pic.intr_output());
}

}  // namespace
