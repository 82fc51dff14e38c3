// Unit tests for vIOAPIC delivery: every delivery mode and message field,
// edge vs level, masking, polarity, Remote IRR and re-trigger after either
// EOI path, reprogramming in flight, acceptance, EOI-exit queries, and exact
// delivery counts.
#include <random>

#include "vioapic_fixture.hpp"

namespace {

using namespace vioapic_test;

// ---- messages ----

TEST_F(VioapicTest, EveryDeliveryModeAndField) {
    const DeliveryMode modes[] = {DeliveryMode::fixed, DeliveryMode::lowest_priority, DeliveryMode::smi,
                                  DeliveryMode::nmi,   DeliveryMode::init,            DeliveryMode::extint};
    uint16_t pin = 0;
    for (DeliveryMode dm : modes) {
        for (bool logical : {false, true}) {
            for (bool level : {false, true}) {
                const auto vector = static_cast<uint8_t>(0x20 + pin);
                const auto dest = static_cast<uint8_t>(0xF0 - pin);
                program(pin, rte_low(vector, dm, level, false, false, logical), dest);
                sink.msgs.clear();
                ASSERT_EQ(io.assert_line(pin), Status::ok);
                ASSERT_EQ(sink.msgs.size(), 1u) << pin;
                const IrqMessage& m = sink.msgs[0];
                const bool eff_level = level && (dm == DeliveryMode::fixed || dm == DeliveryMode::lowest_priority);
                EXPECT_EQ(m.vector, vector);
                EXPECT_EQ(m.delivery_mode, dm);
                EXPECT_EQ(m.dest_mode_logical, logical);
                EXPECT_EQ(m.dest, dest);
                EXPECT_EQ(m.level_triggered, eff_level);
                EXPECT_EQ(m.pin, pin);
                EXPECT_EQ(io.remote_irr(pin), eff_level) << pin;
                ++pin;
            }
        }
    }
    EXPECT_EQ(pin, 24);
}

TEST_F(VioapicTest, ReservedDeliveryModesSendNothing) {
    program(0, rte_low(0x30, static_cast<DeliveryMode>(3)));
    program(1, rte_low(0x31, static_cast<DeliveryMode>(6), true));
    io.pulse_line(0);
    io.assert_line(1);
    EXPECT_TRUE(sink.msgs.empty());
    EXPECT_EQ(io.counters().reserved_mode, 2u);
    EXPECT_FALSE(io.remote_irr(1));
}

TEST_F(VioapicTest, NmiProgrammedLevelIsTreatedAsEdge) {
    program(5, rte_low(0, DeliveryMode::nmi, true));
    io.assert_line(5);
    io.assert_line(5);  // no transition
    io.deassert_line(5);
    io.assert_line(5);
    ASSERT_EQ(sink.msgs.size(), 2u);
    EXPECT_FALSE(sink.msgs[0].level_triggered);
    EXPECT_FALSE(io.remote_irr(5));
    EXPECT_FALSE(io.vector_is_level(0));
}

// ---- edge ----

TEST_F(VioapicTest, EdgeDeliversOncePerTransition) {
    program(4, rte_low(0x44));
    io.assert_line(4);
    io.assert_line(4);
    EXPECT_EQ(sink.msgs.size(), 1u);
    io.deassert_line(4);
    EXPECT_EQ(sink.msgs.size(), 1u);
    for (int i = 0; i < 10; ++i) io.pulse_line(4);
    EXPECT_EQ(sink.msgs.size(), 11u);
    EXPECT_FALSE(io.remote_irr(4));
    EXPECT_EQ(io.eoi(0x44), 0u);  // edge entries never hold Remote IRR
}

TEST_F(VioapicTest, EdgeOnMaskedPinIsIgnored) {
    program(4, rte_low(0x44, DeliveryMode::fixed, false, true));
    io.pulse_line(4);
    io.assert_line(4);
    program(4, rte_low(0x44));  // unmask with the line high: no edge, nothing sent
    EXPECT_TRUE(sink.msgs.empty());
    io.deassert_line(4);
    io.assert_line(4);
    EXPECT_EQ(sink.msgs.size(), 1u);
}

// ---- level ----

TEST_F(VioapicTest, LevelRemoteIrrAndRetriggerThroughBroadcastEoi) {
    program(9, rte_low(0x61, DeliveryMode::fixed, true), 1);
    io.assert_line(9);
    ASSERT_EQ(sink.msgs.size(), 1u);
    EXPECT_TRUE(sink.msgs[0].level_triggered);
    EXPECT_TRUE(io.remote_irr(9));
    io.assert_line(9);  // still asserted: nothing more until EOI
    EXPECT_EQ(sink.msgs.size(), 1u);
    EXPECT_EQ(io.eoi(0x62), 0u);  // other vector
    EXPECT_TRUE(io.remote_irr(9));
    EXPECT_EQ(io.eoi(0x61), 1u);  // line still asserted: delivered again
    EXPECT_EQ(sink.msgs.size(), 2u);
    EXPECT_TRUE(io.remote_irr(9));
    io.deassert_line(9);
    EXPECT_EQ(io.eoi(0x61), 1u);
    EXPECT_EQ(sink.msgs.size(), 2u);
    EXPECT_FALSE(io.remote_irr(9));
    EXPECT_EQ(io.eoi(0x61), 0u);
}

TEST_F(VioapicTest, LevelRetriggerThroughEoiRegister) {
    program(10, rte_low(0x62, DeliveryMode::lowest_priority, true, false, false, true), 0x0F);
    io.assert_line(10);
    write32(io::kEoi, 0xFFFFFF00 | 0x62);  // only bits 7:0 matter
    EXPECT_EQ(sink.msgs.size(), 2u);
    io.deassert_line(10);
    write32(io::kEoi, 0x62);
    EXPECT_FALSE(io.remote_irr(10));
    EXPECT_EQ(sink.msgs.size(), 2u);
    EXPECT_EQ(sink.msgs[1].delivery_mode, DeliveryMode::lowest_priority);
    EXPECT_TRUE(sink.msgs[1].dest_mode_logical);
    EXPECT_EQ(sink.msgs[1].dest, 0x0F);
}

TEST_F(VioapicTest, UnmaskWhileAssertedDelivers) {
    program(11, rte_low(0x63, DeliveryMode::fixed, true, true));
    io.assert_line(11);
    io.deassert_line(11);
    io.assert_line(11);
    EXPECT_TRUE(sink.msgs.empty());
    program(11, rte_low(0x63, DeliveryMode::fixed, true));  // unmask
    EXPECT_EQ(sink.msgs.size(), 1u);
    program(11, rte_low(0x63, DeliveryMode::fixed, true, true));  // mask, unmask: Remote IRR holds it
    program(11, rte_low(0x63, DeliveryMode::fixed, true));
    EXPECT_EQ(sink.msgs.size(), 1u);
    program(11, rte_low(0x63, DeliveryMode::fixed, true, true));  // EOI while masked: nothing
    EXPECT_EQ(io.eoi(0x63), 1u);
    EXPECT_EQ(sink.msgs.size(), 1u);
    program(11, rte_low(0x63, DeliveryMode::fixed, true));  // unmask, still asserted
    EXPECT_EQ(sink.msgs.size(), 2u);
}

TEST_F(VioapicTest, MaskedLevelDeassertedBeforeUnmaskSendsNothing) {
    program(12, rte_low(0x64, DeliveryMode::fixed, true, true));
    io.assert_line(12);
    io.deassert_line(12);
    program(12, rte_low(0x64, DeliveryMode::fixed, true));
    EXPECT_TRUE(sink.msgs.empty());
}

TEST_F(VioapicTest, PulseOnLevelLine) {
    program(13, rte_low(0x65, DeliveryMode::fixed, true));
    io.pulse_line(13);
    EXPECT_EQ(sink.msgs.size(), 1u);
    EXPECT_TRUE(io.remote_irr(13));
    EXPECT_FALSE(io.line_asserted(13));
    // A second pulse before the EOI is absorbed: level interrupts are a
    // state, the device keeps its line asserted until serviced.
    io.pulse_line(13);
    EXPECT_EQ(sink.msgs.size(), 1u);
    EXPECT_EQ(io.eoi(0x65), 1u);
    EXPECT_EQ(sink.msgs.size(), 1u);  // line is low: no re-trigger
    io.pulse_line(13);
    EXPECT_EQ(sink.msgs.size(), 2u);
}

TEST_F(VioapicTest, SharedLevelVector) {
    program(16, rte_low(0x70, DeliveryMode::fixed, true));
    program(17, rte_low(0x70, DeliveryMode::fixed, true));
    io.assert_line(16);
    io.assert_line(17);
    EXPECT_EQ(sink.msgs.size(), 2u);
    io.deassert_line(16);
    EXPECT_EQ(io.eoi(0x70), 2u);  // both cleared, only 17 still asserted
    ASSERT_EQ(sink.msgs.size(), 3u);
    EXPECT_EQ(sink.msgs[2].pin, 17);
    EXPECT_FALSE(io.remote_irr(16));
    EXPECT_TRUE(io.remote_irr(17));
}

// ---- polarity ----

TEST_F(VioapicTest, PolarityOnElectricalLevels) {
    program(20, rte_low(0x80, DeliveryMode::fixed, false, false, true));  // edge, active low
    program(21, rte_low(0x81));                                              // edge, active high
    io.set_pin_level(20, true);  // inactive
    io.set_pin_level(21, false);
    EXPECT_TRUE(sink.msgs.empty());
    io.set_pin_level(20, false);  // high->low: active
    io.set_pin_level(21, true);
    ASSERT_EQ(sink.msgs.size(), 2u);
    EXPECT_EQ(sink.msgs[0].vector, 0x80);
    EXPECT_EQ(sink.msgs[1].vector, 0x81);
    EXPECT_TRUE(io.line_asserted(20));

    program(22, rte_low(0x82, DeliveryMode::fixed, true, false, true));  // level, active low
    io.set_pin_level(22, false);
    EXPECT_EQ(sink.count_vector(0x82), 1u);
    io.eoi(0x82);
    EXPECT_EQ(sink.count_vector(0x82), 2u);  // still low = still active
    io.set_pin_level(22, true);
    io.eoi(0x82);
    EXPECT_EQ(sink.count_vector(0x82), 2u);
}

TEST_F(VioapicTest, PolarityChangeNeitherCreatesNorLosesInterrupts) {
    // The device asserted its line before the guest programmed the entry
    // (masked, default polarity); the guest then sets level/active-low as
    // the MADT says and unmasks: the interrupt must arrive.
    io.assert_line(23);
    program(23, rte_low(0x83, DeliveryMode::fixed, true, true, true));
    EXPECT_TRUE(sink.msgs.empty());
    program(23, rte_low(0x83, DeliveryMode::fixed, true, false, true));
    EXPECT_EQ(sink.msgs.size(), 1u);
    // Flipping polarity on an edge entry does not fake an edge.
    program(24, rte_low(0x84));
    io.assert_line(24);
    program(24, rte_low(0x84, DeliveryMode::fixed, false, false, true));
    program(24, rte_low(0x84));
    EXPECT_EQ(sink.count_vector(0x84), 1u);
}

// ---- reprogramming with Remote IRR set ----

TEST_F(VioapicTest, SwitchingToEdgeClearsRemoteIrr) {
    program(25, rte_low(0x90, DeliveryMode::fixed, true));
    io.assert_line(25);
    EXPECT_TRUE(io.remote_irr(25));
    // Linux's unstick sequence for I/O APICs without an EOI register:
    // mask + edge, then back to level.
    program(25, rte_low(0x90, DeliveryMode::fixed, false, true));
    EXPECT_FALSE(io.remote_irr(25));
    program(25, rte_low(0x90, DeliveryMode::fixed, true, true));
    program(25, rte_low(0x90, DeliveryMode::fixed, true));  // still asserted: delivered
    EXPECT_EQ(sink.msgs.size(), 2u);
    EXPECT_TRUE(io.remote_irr(25));
    // Switching the delivery mode to NMI also leaves level semantics.
    program(25, rte_low(0x90, DeliveryMode::nmi, true, true));
    EXPECT_FALSE(io.remote_irr(25));
}

TEST_F(VioapicTest, VectorChangeWithRemoteIrrSetAcceptsOldAndNewEoi) {
    program(26, rte_low(0x91, DeliveryMode::fixed, true));
    io.assert_line(26);
    program(26, rte_low(0x92, DeliveryMode::fixed, true));  // migrated while in service
    EXPECT_TRUE(io.remote_irr(26));
    EXPECT_TRUE(io.vector_is_level(0x91));  // the EOI for the old vector must still trap
    EXPECT_TRUE(io.vector_is_level(0x92));
    EXPECT_EQ(io.eoi(0x91), 1u);  // the local APIC EOIs the vector it received
    ASSERT_EQ(sink.msgs.size(), 2u);
    EXPECT_EQ(sink.msgs[1].vector, 0x92);  // re-triggered on the new vector
    EXPECT_FALSE(io.vector_is_level(0x91));
    program(26, rte_low(0x93, DeliveryMode::fixed, true));
    EXPECT_EQ(io.eoi(0x93), 1u);  // an EOI naming the current vector works too
    EXPECT_EQ(sink.msgs.size(), 3u);
}

// ---- acceptance ----

TEST_F(VioapicTest, UnacceptedLevelMessageDoesNotStrandThePin) {
    sink.accept = false;
    program(27, rte_low(0xA0, DeliveryMode::fixed, true), 0x7);
    io.assert_line(27);
    EXPECT_EQ(sink.msgs.size(), 1u);
    EXPECT_FALSE(io.remote_irr(27));
    EXPECT_EQ(io.counters().not_accepted, 1u);
    sink.accept = true;
    program(27, rte_low(0xA0, DeliveryMode::fixed, true), 0x1);  // guest fixes the destination
    EXPECT_EQ(sink.msgs.size(), 2u);
    EXPECT_TRUE(io.remote_irr(27));
    EXPECT_EQ(sink.msgs[1].dest, 0x1);
}

// ---- queries and notifications ----

TEST_F(VioapicTest, LevelVectorQueries) {
    program(0, rte_low(0x30));                                      // edge
    program(1, rte_low(0x31, DeliveryMode::fixed, true, true));     // level, masked
    program(2, rte_low(0x32, DeliveryMode::lowest_priority, true));  // level
    program(3, rte_low(0x33, DeliveryMode::extint, true));          // ExtINT: edge
    EXPECT_FALSE(io.vector_is_level(0x30));
    EXPECT_TRUE(io.vector_is_level(0x31));
    EXPECT_TRUE(io.vector_is_level(0x32));
    EXPECT_FALSE(io.vector_is_level(0x33));
    uint64_t bm[4] = {~0ull, ~0ull, ~0ull, ~0ull};
    io.level_vectors(bm);
    EXPECT_EQ(bm[0], (1ull << 0x31) | (1ull << 0x32));
    EXPECT_EQ(bm[1], 0u);
    EXPECT_EQ(bm[2], 0u);
    EXPECT_EQ(bm[3], 0u);
    program(4, rte_low(0xFE, DeliveryMode::fixed, true));
    io.level_vectors(bm);
    EXPECT_EQ(bm[3], 1ull << 62);
    for (unsigned v = 0; v < 256; ++v) {
        const bool in_bitmap = (bm[v / 64] >> (v % 64)) & 1;
        EXPECT_EQ(io.vector_is_level(static_cast<uint8_t>(v)), in_bitmap) << v;
    }
}

// ---- "delivered once per assertion with a proper EOI" ----

TEST_F(VioapicTest, ExactlyOncePerAssertionAcrossAllPins) {
    for (uint16_t pin = 0; pin < 48; ++pin) {
        program(pin, rte_low(static_cast<uint8_t>(0x20 + pin), DeliveryMode::fixed, pin % 2 == 0),
                static_cast<uint8_t>(pin));
    }
    constexpr int kRounds = 50;
    for (int r = 0; r < kRounds; ++r) {
        for (uint16_t pin = 0; pin < 48; ++pin) {
            io.assert_line(pin);
            io.deassert_line(pin);  // device serviced before the EOI
            io.eoi(static_cast<uint8_t>(0x20 + pin));
        }
    }
    for (uint16_t pin = 0; pin < 48; ++pin) {
        EXPECT_EQ(sink.count_vector(static_cast<uint8_t>(0x20 + pin)), static_cast<size_t>(kRounds)) << pin;
        EXPECT_FALSE(io.remote_irr(pin));
    }
}

// Random operations; after each one, no level interrupt may be stuck: an
// active, unmasked, accepted level pin always has a message outstanding.
TEST_F(VioapicTest, RandomOperationsNeverStrandALevelPin) {
    std::mt19937 rng(12345);
    constexpr uint16_t kPins = 8;
    for (uint16_t pin = 0; pin < kPins; ++pin) program(pin, rte_low(static_cast<uint8_t>(0x40 + pin)));
    uint64_t outstanding[kPins] = {};  // per pin: delivered level messages not yet EOIed
    for (int step = 0; step < 20000; ++step) {
        const auto pin = static_cast<uint16_t>(rng() % kPins);
        const size_t before = sink.msgs.size();
        switch (rng() % 7) {
        case 0: io.assert_line(pin); break;
        case 1: io.deassert_line(pin); break;
        case 2: io.pulse_line(pin); break;
        case 3: {
            const bool level = rng() % 2;
            const bool masked = rng() % 4 == 0;
            const bool low = rng() % 2;
            const auto vec = static_cast<uint8_t>(0x40 + (rng() % 12));
            program(pin, rte_low(vec, DeliveryMode::fixed, level, masked, low));
            break;
        }
        case 4:
        case 5: io.eoi(static_cast<uint8_t>(0x40 + (rng() % 12))); break;
        case 6: io.set_pin_level(pin, rng() % 2); break;
        }
        for (size_t i = before; i < sink.msgs.size(); ++i) {
            if (sink.msgs[i].level_triggered) ++outstanding[sink.msgs[i].pin];
        }
        for (uint16_t p = 0; p < kPins; ++p) {
            const uint64_t rte = io.rte(p);
            const bool level = (rte & io::kRteLevel) != 0;
            const bool masked = (rte & io::kRteMasked) != 0;
            if (level && !masked && io.line_asserted(p)) {
                ASSERT_TRUE(io.remote_irr(p)) << "step " << step << " pin " << p;
            }
            if (io.remote_irr(p)) {
                ASSERT_GT(outstanding[p], 0u) << "step " << step << " pin " << p;
            }
        }
    }
    EXPECT_GT(sink.msgs.size(), 1000u);
}

}  // namespace
