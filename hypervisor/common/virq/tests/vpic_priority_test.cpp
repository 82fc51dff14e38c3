// Unit tests for vPIC priority handling: fully nested order, the slave at
// IR2, EOI kinds, rotation, set priority, special mask, special fully
// nested mode, poll and automatic EOI.
#include "vpic_fixture.hpp"

namespace {

using namespace vpic_test;

// ---- priorities and EOI kinds (Linux layout, base 0x20) ----

class VpicPrio : public VpicTest {
protected:
    void SetUp() override {
        VpicTest::SetUp();
        linux_init(0x20);
        out(0x21, 0x00);
        out(0xA1, 0x00);
    }
};

TEST_F(VpicPrio, FullyNestedOrder) {
    pulse(5);
    pulse(3);
    pulse(1);
    EXPECT_EQ(pic.acknowledge(), 0x21);
    EXPECT_FALSE(pic.intr_output());  // 3 and 5 wait behind IR1
    pulse(0);
    EXPECT_TRUE(pic.intr_output());  // higher than IR1: nests
    EXPECT_EQ(pic.acknowledge(), 0x20);
    EXPECT_EQ(read_isr(0x20), 0x03);
    out(0x20, 0x20);  // non-specific EOI: the highest in service (IR0)
    EXPECT_EQ(read_isr(0x20), 0x02);
    EXPECT_FALSE(pic.intr_output());
    out(0x20, 0x20);
    EXPECT_EQ(pic.acknowledge(), 0x23);
    out(0x20, 0x20);
    EXPECT_EQ(pic.acknowledge(), 0x25);
    out(0x20, 0x20);
    EXPECT_FALSE(pic.intr_output());
    EXPECT_EQ(read_isr(0x20), 0x00);
}

TEST_F(VpicPrio, SlaveSitsAtIr2Priority) {
    pulse(3);
    pulse(14);
    pulse(1);
    EXPECT_EQ(pic.acknowledge(), 0x21);
    linux_eoi(1);
    EXPECT_EQ(pic.acknowledge(), 0x2E);  // IRQ14 via IR2 beats IRQ3
    EXPECT_EQ(pic.master().isr(), 0x04);
    EXPECT_EQ(pic.slave().isr(), 0x40);
    EXPECT_FALSE(pic.intr_output());
    linux_eoi(14);
    EXPECT_EQ(pic.acknowledge(), 0x23);
    linux_eoi(3);
    EXPECT_FALSE(pic.intr_output());
}

TEST_F(VpicPrio, SlaveRequestsQueueBehindTheSlaveInService) {
    pulse(12);
    EXPECT_EQ(pic.acknowledge(), 0x2C);
    pulse(13);  // lower than 12 on the slave
    pulse(9);   // higher than 12 on the slave, but master IS2 blocks it
    EXPECT_FALSE(pic.intr_output());
    out(0xA0, 0x20);  // slave non-specific EOI (IR4 = IRQ12)
    EXPECT_FALSE(pic.intr_output());  // master IR2 still in service
    out(0x20, 0x20);
    EXPECT_EQ(pic.acknowledge(), 0x29);
    linux_eoi(9);
    EXPECT_EQ(pic.acknowledge(), 0x2D);
    linux_eoi(13);
    EXPECT_FALSE(pic.intr_output());
    EXPECT_EQ(pic.counters().spurious_master + pic.counters().spurious_slave, 0u);
}

TEST_F(VpicPrio, SpecificEoiClearsTheNamedLevel) {
    pulse(4);
    EXPECT_EQ(pic.acknowledge(), 0x24);
    pulse(2 + 1);
    EXPECT_EQ(pic.acknowledge(), 0x23);
    out(0x20, 0x64);  // specific EOI for IR4 (the lower one)
    EXPECT_EQ(read_isr(0x20), 0x08);
    out(0x20, 0x67);  // specific EOI of a level not in service: harmless
    EXPECT_EQ(read_isr(0x20), 0x08);
    out(0x20, 0x40);  // OCW2 no-op
    EXPECT_EQ(read_isr(0x20), 0x08);
    out(0x20, 0x20);
    EXPECT_EQ(read_isr(0x20), 0x00);
    out(0x20, 0x20);  // non-specific EOI with nothing in service
    EXPECT_EQ(read_isr(0x20), 0x00);
}

TEST_F(VpicPrio, RotateOnNonSpecificEoi) {
    pulse(0);
    EXPECT_EQ(pic.acknowledge(), 0x20);
    out(0x20, 0xA0);  // rotate on non-specific EOI: IR0 becomes lowest
    EXPECT_EQ(pic.master().lowest_priority(), 0);
    pulse(0);
    pulse(1);
    pulse(7);
    EXPECT_EQ(pic.acknowledge(), 0x21);  // IR1 is now highest
    out(0x20, 0xA0);                      // IR1 lowest: order 2..7, 0, 1
    EXPECT_EQ(pic.acknowledge(), 0x27);
    out(0x20, 0xA0);  // IR7 lowest: order 0..7
    EXPECT_EQ(pic.acknowledge(), 0x20);
    out(0x20, 0xA0);
    EXPECT_FALSE(pic.intr_output());
    out(0x20, 0xA0);  // nothing in service: no rotation either
    EXPECT_EQ(pic.master().lowest_priority(), 0);
}

TEST_F(VpicPrio, RotateOnSpecificEoiAndSetPriority) {
    out(0x20, 0xC4);  // set priority: IR4 lowest, IR5 highest
    pulse(3);
    pulse(6);
    pulse(5);
    EXPECT_EQ(pic.acknowledge(), 0x25);
    out(0x20, 0xE5);  // rotate on specific EOI 5: IR5 lowest, IR6 highest
    EXPECT_EQ(pic.master().lowest_priority(), 5);
    EXPECT_EQ(pic.master().isr(), 0);
    EXPECT_EQ(pic.acknowledge(), 0x26);
    out(0x20, 0x66);
    EXPECT_EQ(pic.acknowledge(), 0x23);
    out(0x20, 0x63);
    // Cascade under rotation: IR2 with lowest = 1 is the highest.
    out(0x20, 0xC1);
    pulse(0);
    pulse(8);
    EXPECT_EQ(pic.acknowledge(), 0x28);
}

TEST_F(VpicPrio, RotationStopsAtInServiceLevels) {
    out(0x20, 0xC3);  // order 4,5,6,7,0,1,2,3
    pulse(6);
    EXPECT_EQ(pic.acknowledge(), 0x26);
    pulse(1);  // lower than 6 in this order
    EXPECT_FALSE(pic.intr_output());
    pulse(5);  // higher
    EXPECT_TRUE(pic.intr_output());
    EXPECT_EQ(pic.acknowledge(), 0x25);
    out(0x20, 0x20);  // non-specific: clears 5 (highest in service in this order)
    EXPECT_EQ(pic.master().isr(), 0x40);
}

TEST_F(VpicPrio, SpecialMaskMode) {
    pulse(3);
    EXPECT_EQ(pic.acknowledge(), 0x23);
    pulse(5);
    EXPECT_FALSE(pic.intr_output());
    // The IRQ3 handler masks its own level and enters special mask mode:
    // lower levels are enabled.
    mask(3);
    out(0x20, 0x68);  // OCW3: ESMM + SMM
    EXPECT_TRUE(pic.master().special_mask());
    EXPECT_TRUE(pic.intr_output());
    EXPECT_EQ(pic.acknowledge(), 0x25);
    EXPECT_EQ(pic.master().isr(), 0x28);
    pulse(7);  // IR5 in service and unmasked still blocks IR7
    EXPECT_FALSE(pic.intr_output());
    out(0x20, 0x20);  // non-specific EOI skips masked IR3, clears IR5
    EXPECT_EQ(pic.master().isr(), 0x08);
    EXPECT_EQ(pic.acknowledge(), 0x27);
    out(0x20, 0x67);
    out(0x20, 0x48);  // OCW3: ESMM, reset special mask
    EXPECT_FALSE(pic.master().special_mask());
    out(0x20, 0x28);  // OCW3 with SMM but no ESMM: no action
    EXPECT_FALSE(pic.master().special_mask());
    out(0x20, 0x20);  // masked IR3 is cleared normally now
    EXPECT_EQ(pic.master().isr(), 0x00);
    unmask(3);
}

TEST_F(VpicPrio, SpecialFullyNestedMode) {
    // Master ICW4 with SFNM: a higher slave input interrupts a lower one.
    out(0x20, 0x11);
    out(0x21, 0x20);
    out(0x21, 0x04);
    out(0x21, 0x11);
    out(0x21, 0x00);
    EXPECT_TRUE(pic.master().special_fully_nested());
    pulse(12);
    EXPECT_EQ(pic.acknowledge(), 0x2C);
    pulse(9);
    EXPECT_TRUE(pic.intr_output());
    EXPECT_EQ(pic.acknowledge(), 0x29);
    EXPECT_EQ(pic.slave().isr(), 0x12);
    pulse(14);  // lower than the slave's in-service levels: nothing
    EXPECT_FALSE(pic.intr_output());
    pulse(3);  // lower than IR2 on the master: nothing
    EXPECT_FALSE(pic.intr_output());
    // The SFNM EOI protocol: EOI the slave, check its ISR, EOI the master
    // only when the slave is idle.
    out(0xA0, 0x20);
    EXPECT_NE(read_isr(0xA0), 0);
    out(0xA0, 0x20);
    EXPECT_EQ(read_isr(0xA0), 0);
    out(0x20, 0x20);
    EXPECT_EQ(pic.acknowledge(), 0x2E);
    linux_eoi(14);
    EXPECT_EQ(pic.acknowledge(), 0x23);
}

TEST_F(VpicPrio, WithoutSfnmTheSlaveIsLockedOut) {
    pulse(12);
    EXPECT_EQ(pic.acknowledge(), 0x2C);
    pulse(9);
    EXPECT_FALSE(pic.intr_output());
}

// ---- poll ----

TEST_F(VpicPrio, PollCommand) {
    out(0x20, 0x0C);  // poll, nothing pending
    EXPECT_EQ(in(0x20), 0x00);
    pulse(6);
    pulse(4);
    out(0x20, 0x0C);
    EXPECT_EQ(in(0x20), 0x84);  // acknowledges IR4
    EXPECT_EQ(pic.master().isr(), 0x10);
    EXPECT_EQ(pic.master().irr(), 0x40);
    out(0x20, 0x0C);
    EXPECT_EQ(in(0x20), 0x00);  // IR6 is lower than IR4 in service
    out(0x20, 0x20);
    out(0x20, 0x0C);
    EXPECT_EQ(in(0x21), 0x86);  // the poll applies to the next read at either address
    EXPECT_EQ(in(0x21), 0x00);  // then the IMR again
    out(0x20, 0x20);
    // Cascade: polling the master yields IR2, then the slave is polled.
    pulse(11);
    out(0x20, 0x0C);
    EXPECT_EQ(in(0x20), 0x82);
    out(0xA0, 0x0C);
    EXPECT_EQ(in(0xA0), 0x83);
    EXPECT_EQ(pic.slave().isr(), 0x08);
    out(0xA0, 0x20);
    out(0x20, 0x20);
    EXPECT_FALSE(pic.intr_output());
    EXPECT_EQ(pic.counters().acks, 0u);  // no INTA cycles were used
}

TEST_F(VpicPrio, PollDoesNotChangeReadRegisterSelect) {
    out(0x20, 0x0B);  // ISR
    pulse(1);
    out(0x20, 0x0C);
    EXPECT_EQ(in(0x20), 0x81);
    EXPECT_EQ(in(0x20), 0x02);  // ISR still selected
}

// ---- AEOI ----

TEST_F(VpicTest, AutoEoi) {
    linux_init(0x30, true);
    out(0x21, 0x00);
    out(0xA1, 0x00);
    EXPECT_TRUE(pic.master().aeoi());
    pulse(3);
    EXPECT_EQ(pic.acknowledge(), 0x33);
    EXPECT_EQ(pic.master().isr(), 0);
    pulse(5);  // lower, but nothing is in service
    EXPECT_EQ(pic.acknowledge(), 0x35);
    // Slave without AEOI: master ISR stays clear, slave ISR is set.
    pulse(9);
    EXPECT_EQ(pic.acknowledge(), 0x39);
    EXPECT_EQ(pic.master().isr(), 0);
    EXPECT_EQ(pic.slave().isr(), 0x02);
    out(0xA0, 0x20);
    EXPECT_FALSE(pic.intr_output());
}

TEST_F(VpicTest, RotateInAutoEoiMode) {
    linux_init(0x30, true);
    out(0x21, 0x00);
    out(0x20, 0x80);  // rotate in AEOI mode: set
    pulse(0);
    pulse(1);
    EXPECT_EQ(pic.acknowledge(), 0x30);
    EXPECT_EQ(pic.master().lowest_priority(), 0);
    pulse(0);
    EXPECT_EQ(pic.acknowledge(), 0x31);  // round robin
    EXPECT_EQ(pic.acknowledge(), 0x30);
    out(0x20, 0x00);  // rotate in AEOI mode: clear
    pulse(4);
    EXPECT_EQ(pic.acknowledge(), 0x34);
    EXPECT_EQ(pic.master().lowest_priority(), 0);  // unchanged
}

TEST_F(VpicTest, SlaveAutoEoiWithTwoPendingLosesNothing) {
    // Both chips in AEOI: the slave's INT stays high across the INTA (its
    // second request is pending at once); the master must see it again.
    out(0x20, 0x11);
    out(0x21, 0x30);
    out(0x21, 0x04);
    out(0x21, 0x03);
    out(0x21, 0x00);
    out(0xA0, 0x11);
    out(0xA1, 0x38);
    out(0xA1, 0x02);
    out(0xA1, 0x03);
    out(0xA1, 0x00);
    pulse(9);
    pulse(10);
    EXPECT_EQ(pic.acknowledge(), 0x39);
    EXPECT_TRUE(pic.intr_output());
    EXPECT_EQ(pic.acknowledge(), 0x3A);
    EXPECT_FALSE(pic.intr_output());
    EXPECT_EQ(pic.counters().spurious_slave, 0u);
}

}  // namespace
