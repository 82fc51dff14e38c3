// Unit tests for the vIOAPIC registers: configuration, identification,
// writable/read-only/reserved bits, MMIO validation, pin ranges, reset and
// routing notifications.
#include "vioapic_fixture.hpp"

namespace {

using namespace vioapic_test;

constinit Vioapic g_constant_initialised;  // no constructor runs at boot

// ---- configuration ----

TEST(VioapicConfig, RejectsBadConfigAndIsInertBeforeInit) {
    RecordingSink sink;
    Vioapic io;
    uint64_t v = 0;
    EXPECT_EQ(io.mmio_read(kBase, 4, v), Status::not_ready);
    EXPECT_EQ(v, 0xFFFFFFFFu);
    EXPECT_EQ(io.mmio_write(kBase, 4, 0), Status::not_ready);
    EXPECT_EQ(io.assert_line(0), Status::not_ready);
    EXPECT_EQ(io.pulse_line(0), Status::not_ready);
    EXPECT_EQ(io.eoi(0x30), 0u);
    EXPECT_FALSE(io.covers(kBase));
    EXPECT_EQ(io.init({kBase, 0, 0}, sink), Status::bad_config);
    EXPECT_EQ(io.init({kBase, 0, 121}, sink), Status::bad_config);
    EXPECT_EQ(io.init({kBase, 16, 24}, sink), Status::bad_config);
    EXPECT_FALSE(io.ready());
    EXPECT_EQ(io.init({kBase, 15, 120}, sink), Status::ok);
    EXPECT_TRUE(io.covers(kBase));
    EXPECT_TRUE(io.covers(kBase + 0xFFF));
    EXPECT_FALSE(io.covers(kBase + 0x1000));
    EXPECT_FALSE(io.covers(kBase - 1));
}

TEST(VioapicConfig, VersionReflectsPinCount) {
    for (uint16_t pins : {uint16_t{1}, uint16_t{24}, uint16_t{48}, uint16_t{120}}) {
        RecordingSink sink;
        Vioapic io;
        ASSERT_EQ(io.init({kBase, 1, pins}, sink), Status::ok);
        uint64_t v = 0;
        ASSERT_EQ(io.mmio_write(kBase, 4, io::kRegVersion), Status::ok);
        ASSERT_EQ(io.mmio_read(kBase + 0x10, 4, v), Status::ok);
        EXPECT_EQ(v, 0x20u | (uint32_t{static_cast<uint16_t>(pins - 1)} << 16)) << pins;
        EXPECT_EQ(io.pins(), pins);
    }
}

// ---- registers ----

TEST_F(VioapicTest, IdentificationRegisters) {
    EXPECT_EQ(read_reg(io::kRegId), 2u << 24);
    EXPECT_EQ(read_reg(io::kRegArb), 2u << 24);
    EXPECT_EQ(read_reg(io::kRegVersion), 0x002F0020u);  // 48 pins: max entry 47
    write_reg(io::kRegId, 0xFFFFFFFF);                   // only bits 27:24 stick
    EXPECT_EQ(read_reg(io::kRegId), 0x0F000000u);
    EXPECT_EQ(read_reg(io::kRegArb), 0x0F000000u);  // loaded with the ID
    EXPECT_EQ(io.id(), 15);
    write_reg(io::kRegVersion, 0);  // read-only
    write_reg(io::kRegArb, 0);
    EXPECT_EQ(read_reg(io::kRegVersion), 0x002F0020u);
    EXPECT_EQ(read_reg(io::kRegArb), 0x0F000000u);
    EXPECT_EQ(io.counters().bad_accesses, 0u);
}

TEST_F(VioapicTest, RegSelKeepsEightBits) {
    write32(io::kIoRegSel, 0xABCD0112);
    EXPECT_EQ(read32(io::kIoRegSel), 0x12u);
}

TEST_F(VioapicTest, EntriesResetMasked) {
    for (uint16_t pin = 0; pin < 48; ++pin) {
        EXPECT_EQ(low_of(pin), 0x00010000u) << pin;
        EXPECT_EQ(read_reg(static_cast<uint8_t>(0x11 + 2 * pin)), 0u) << pin;
    }
}

TEST_F(VioapicTest, WritableAndReservedBits) {
    write_reg(0x10, 0xFFFFFFFF);
    // vector, mode 7, logical, polarity, trigger, mask; 12 and 14 RO, 31:17 reserved
    EXPECT_EQ(low_of(0), 0x0001AFFFu);
    write_reg(0x11, 0xFFFFFFFF);
    EXPECT_EQ(read_reg(0x11), 0xFF000000u);  // only the destination (63:56)
    EXPECT_EQ(io.rte(0), 0xFF0000000001AFFFull);
    write_reg(0x10, 0);
    write_reg(0x11, 0);
    EXPECT_EQ(io.rte(0), 0u);
}

TEST_F(VioapicTest, RemoteIrrAndDeliveryStatusAreReadOnly) {
    program(3, rte_low(0x41, DeliveryMode::fixed, true));
    ASSERT_EQ(io.assert_line(3), Status::ok);
    ASSERT_EQ(sink.msgs.size(), 1u);
    EXPECT_EQ(low_of(3), rte_low(0x41, DeliveryMode::fixed, true) | (1u << 14));
    // Writing 0 to bit 14 leaves it set; writing 1 to bit 12 is ignored.
    write_reg(0x16, rte_low(0x41, DeliveryMode::fixed, true) | (1u << 12));
    EXPECT_EQ(low_of(3), rte_low(0x41, DeliveryMode::fixed, true) | (1u << 14));
    // And on an entry whose Remote IRR is clear, writing 1 does not set it.
    program(4, rte_low(0x42, DeliveryMode::fixed, true, true) | (1u << 14) | (1u << 12));
    EXPECT_EQ(low_of(4), rte_low(0x42, DeliveryMode::fixed, true, true));
    EXPECT_EQ(sink.msgs.size(), 1u);
}

TEST_F(VioapicTest, UnimplementedRegisterIndexes) {
    for (uint32_t index : {0x03u, 0x0Fu, 0x70u, 0x71u, 0xFFu}) {
        write32(io::kIoRegSel, index);
        uint64_t v = 1;
        EXPECT_EQ(io.mmio_read(kBase + io::kIoWin, 4, v), Status::bad_access) << index;
        EXPECT_EQ(v, 0u);
        EXPECT_EQ(io.mmio_write(kBase + io::kIoWin, 4, 0x12345678), Status::bad_access) << index;
    }
    EXPECT_EQ(io.counters().bad_accesses, 10u);
    EXPECT_EQ(read_reg(0x6F), 0u);  // last implemented index for 48 pins
}

TEST_F(VioapicTest, InvalidMmioSizesAndOffsets) {
    program(1, rte_low(0x51));
    const uint32_t before = low_of(1);
    write32(io::kIoRegSel, 0x12);
    uint64_t v = 0;
    uint64_t expected_bad = 0;
    struct Case { uint64_t off; uint32_t size; uint64_t ones; };
    const Case cases[] = {
        {0x00, 1, 0xFF}, {0x00, 2, 0xFFFF}, {0x00, 8, ~uint64_t{0}}, {0x10, 1, 0xFF},
        {0x10, 2, 0xFFFF}, {0x10, 8, ~uint64_t{0}}, {0x11, 4, 0xFFFFFFFF}, {0x12, 2, 0xFFFF},
        {0x04, 4, 0xFFFFFFFF}, {0x08, 4, 0xFFFFFFFF}, {0x14, 4, 0xFFFFFFFF}, {0x20, 4, 0xFFFFFFFF},
        {0x30, 4, 0xFFFFFFFF}, {0x44, 4, 0xFFFFFFFF}, {0x3C, 4, 0xFFFFFFFF}, {0xFFC, 4, 0xFFFFFFFF},
        {0x1000, 4, 0xFFFFFFFF}, {0x40, 1, 0xFF},
    };
    for (const Case& c : cases) {
        EXPECT_EQ(io.mmio_read(kBase + c.off, c.size, v), Status::bad_access) << c.off << "/" << c.size;
        EXPECT_EQ(v, c.ones) << c.off << "/" << c.size;
        EXPECT_EQ(io.mmio_write(kBase + c.off, c.size, 0), Status::bad_access) << c.off << "/" << c.size;
        expected_bad += 2;
    }
    EXPECT_EQ(io.mmio_read(kBase - 4, 4, v), Status::bad_access);
    expected_bad += 1;
    EXPECT_EQ(io.counters().bad_accesses, expected_bad);
    EXPECT_EQ(read32(io::kIoRegSel), 0x12u);  // nothing above changed the selector
    EXPECT_EQ(low_of(1), before);
    EXPECT_EQ(read32(io::kEoi), 0u);  // the EOI register is write-only and reads 0
    EXPECT_TRUE(sink.msgs.empty());
}

TEST_F(VioapicTest, RoutingChangeNotifications) {
    sink.changed.clear();
    write_reg(0x10 + 2 * 7, rte_low(0x40, DeliveryMode::fixed, true, true));
    write_reg(0x10 + 2 * 7, rte_low(0x40, DeliveryMode::fixed, true, true));  // same value: silent
    write_reg(0x11 + 2 * 7, 0x03000000);
    write_reg(0x10 + 2 * 7, rte_low(0x40, DeliveryMode::fixed, true, false));
    ASSERT_EQ(sink.changed.size(), 3u);
    for (uint16_t p : sink.changed) EXPECT_EQ(p, 7);
    sink.changed.clear();
    io.reset();
    ASSERT_EQ(sink.changed.size(), 1u);  // only entry 7 differed from the reset value
    EXPECT_EQ(low_of(7), 0x00010000u);
}

TEST_F(VioapicTest, ResetRestoresPowerOnState) {
    write_reg(io::kRegId, 9u << 24);
    program(8, rte_low(0x55, DeliveryMode::fixed, true));
    io.assert_line(8);
    EXPECT_TRUE(io.remote_irr(8));
    io.reset();
    EXPECT_EQ(io.id(), 2);
    EXPECT_EQ(read_reg(io::kRegArb), 2u << 24);
    EXPECT_FALSE(io.remote_irr(8));
    EXPECT_TRUE(io.line_asserted(8));  // the device still drives its line
    program(8, rte_low(0x55, DeliveryMode::fixed, true));
    EXPECT_EQ(sink.msgs.size(), 2u);
}

// ---- pin ranges ----

TEST(VioapicPins, OutOfRangePinsAreRejected) {
    for (uint16_t pins : {uint16_t{24}, uint16_t{48}, uint16_t{120}}) {
        RecordingSink sink;
        Vioapic io;
        ASSERT_EQ(io.init({kBase, 0, pins}, sink), Status::ok);
        const auto last = static_cast<uint16_t>(pins - 1);
        for (uint16_t bad : {pins, static_cast<uint16_t>(pins + 1), uint16_t{0xFFFF}}) {
            EXPECT_EQ(io.assert_line(bad), Status::bad_pin);
            EXPECT_EQ(io.deassert_line(bad), Status::bad_pin);
            EXPECT_EQ(io.pulse_line(bad), Status::bad_pin);
            EXPECT_EQ(io.set_pin_level(bad, true), Status::bad_pin);
            EXPECT_FALSE(io.line_asserted(bad));
            EXPECT_EQ(io.rte(bad), 0u);
        }
        // The last entry is reachable through the registers and works.
        uint64_t v = 0;
        ASSERT_EQ(io.mmio_write(kBase, 4, 0x10u + 2u * last), Status::ok);
        ASSERT_EQ(io.mmio_write(kBase + 0x10, 4, 0x77), Status::ok);
        ASSERT_EQ(io.mmio_read(kBase + 0x10, 4, v), Status::ok);
        EXPECT_EQ(v, 0x77u);
        EXPECT_EQ(io.pulse_line(last), Status::ok);
        ASSERT_EQ(sink.msgs.size(), 1u);
        EXPECT_EQ(sink.msgs[0].pin, last);
        // The entry after it is not.
        if (pins < 120) {
            ASSERT_EQ(io.mmio_write(kBase, 4, 0x10u + 2u * pins), Status::ok);
            EXPECT_EQ(io.mmio_read(kBase + 0x10, 4, v), Status::bad_access);
        }
    }
}

TEST(VioapicStatus, Names) {
    EXPECT_STREQ(bh::virq::to_string(Status::bad_pin), "bad pin");
    EXPECT_STREQ(bh::virq::to_string(Status::ok), "ok");
}

}  // namespace
