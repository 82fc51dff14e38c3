// Test doubles for the device-model tests: recording IRQ line and sinks, and
// a guest-side view of a vUART (byte port I/O through a PioBus).
#pragma once
#include <cstdint>
#include <string>
#include <vector>

#include "common/dm/pio_bus.hpp"
#include "common/dm/vm_console.hpp"
#include "common/dm/vuart.hpp"

namespace dmtest {

// Every set_level() call, in order.
class RecordingLine final : public bh::dm::IrqLine {
public:
    void set_level(bool high) override { calls.push_back(high); }
    std::vector<bool> calls;
};

class RecordingSink final : public bh::dm::UartSink {
public:
    void put(uint8_t byte) override { bytes.push_back(static_cast<char>(byte)); }
    std::string bytes;
};

// Every ConsoleOut::write() as one string.
class RecordingOut final : public bh::dm::ConsoleOut {
public:
    void write(const char* s, size_t n) override { writes.emplace_back(s, n); }
    std::string all() const {
        std::string s;
        for (const auto& w : writes) s += w;
        return s;
    }
    std::vector<std::string> writes;
};

// What a guest sees: inb/outb on a bus with the vUART at `base`.
class Guest {
public:
    Guest(bh::dm::PioBus& bus, uint16_t base) : bus_(bus), base_(base) {}
    uint8_t in(uint8_t reg) {
        uint32_t v = 0;
        last = bus_.dispatch_read(static_cast<uint16_t>(base_ + reg), 1, v);
        return static_cast<uint8_t>(v);
    }
    void out(uint8_t reg, uint8_t v) { last = bus_.dispatch_write(static_cast<uint16_t>(base_ + reg), 1, v); }
    bh::dm::PioResult last = bh::dm::PioResult::handled;

private:
    bh::dm::PioBus& bus_;
    uint16_t base_;
};

inline std::vector<uint8_t> bytes_of(const std::string& s) { return std::vector<uint8_t>(s.begin(), s.end()); }

}  // namespace dmtest
