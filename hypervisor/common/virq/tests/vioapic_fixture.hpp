// Shared fixture for the vIOAPIC tests: a sink that records every message
// and routing notification, and register helpers.
#pragma once
#include <gtest/gtest.h>

#include <vector>

#include "common/virq/vioapic.hpp"

namespace vioapic_test {

using bh::virq::DeliveryMode;
using bh::virq::IrqMessage;
using bh::virq::Vioapic;
using Status = Vioapic::Status;
namespace io = bh::virq::ioapic;

constexpr uint64_t kBase = 0xFEC00000;

struct RecordingSink final : bh::virq::InterruptSink {
    std::vector<IrqMessage> msgs;
    std::vector<uint16_t> changed;
    bool accept = true;

    bool deliver(const IrqMessage& m) override {
        msgs.push_back(m);
        return accept;
    }
    void routing_changed(uint16_t pin) override { changed.push_back(pin); }
    size_t count_vector(uint8_t v) const {
        size_t n = 0;
        for (const auto& m : msgs) n += m.vector == v;
        return n;
    }
};

// Low dword of a redirection entry.
constexpr uint32_t rte_low(uint8_t vector, DeliveryMode dm = DeliveryMode::fixed, bool level = false,
                           bool masked = false, bool active_low = false, bool logical = false) {
    return uint32_t{vector} | (uint32_t{static_cast<uint8_t>(dm)} << 8) | (logical ? 1u << 11 : 0u) |
           (active_low ? 1u << 13 : 0u) | (level ? 1u << 15 : 0u) | (masked ? 1u << 16 : 0u);
}

class VioapicTest : public ::testing::Test {
protected:
    void SetUp() override { ASSERT_EQ(io.init({kBase, 2, Vioapic::kVmPins}, sink), Status::ok); }

    void write32(uint64_t off, uint32_t v) { ASSERT_EQ(io.mmio_write(kBase + off, 4, v), Status::ok); }
    uint32_t read32(uint64_t off) {
        uint64_t v = 0;
        EXPECT_EQ(io.mmio_read(kBase + off, 4, v), Status::ok);
        return static_cast<uint32_t>(v);
    }
    void write_reg(uint8_t index, uint32_t v) {
        write32(io::kIoRegSel, index);
        write32(io::kIoWin, v);
    }
    uint32_t read_reg(uint8_t index) {
        write32(io::kIoRegSel, index);
        return read32(io::kIoWin);
    }
    void program(uint16_t pin, uint32_t low, uint8_t dest = 0) {
        write_reg(static_cast<uint8_t>(0x11 + 2 * pin), uint32_t{dest} << 24);
        write_reg(static_cast<uint8_t>(0x10 + 2 * pin), low);
    }
    uint32_t low_of(uint16_t pin) { return read_reg(static_cast<uint8_t>(0x10 + 2 * pin)); }

    RecordingSink sink;
    Vioapic io;
};

}  // namespace vioapic_test
