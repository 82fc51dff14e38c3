// Unit tests for the port-I/O dispatch table.
#include "common/dm/pio_bus.hpp"

#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace {

using bh::dm::PioBus;
using bh::dm::PioDevice;
using bh::dm::PioForwarder;
using bh::dm::PioResult;
using bh::dm::PioStatus;

struct Access {
    bool write;
    uint16_t offset;
    uint8_t size;
    uint32_t value;
    bool operator==(const Access&) const = default;
};

// Records accesses; reads return 0xA0B0C0D0 + offset; refuses sizes not in `ok_sizes`.
class FakeDevice final : public PioDevice {
public:
    explicit FakeDevice(unsigned ok_sizes = 1u | 2u | 4u) : ok_sizes_(ok_sizes) {}
    bool read(uint16_t offset, uint8_t size, uint32_t& value) override {
        log.push_back({false, offset, size, 0});
        if ((ok_sizes_ & size) == 0) return false;
        value = 0xA0B0C0D0u + offset;
        return true;
    }
    bool write(uint16_t offset, uint8_t size, uint32_t value) override {
        log.push_back({true, offset, size, value});
        return (ok_sizes_ & size) != 0;
    }
    std::vector<Access> log;

private:
    unsigned ok_sizes_;
};

class FakeForwarder final : public PioForwarder {
public:
    PioResult result = PioResult::deferred;
    std::vector<Access> log;  // offset field holds the absolute port
    PioResult forward_read(uint16_t port, uint8_t size, uint32_t& value) override {
        log.push_back({false, port, size, 0});
        value = 0x12345678;
        return result;
    }
    PioResult forward_write(uint16_t port, uint8_t size, uint32_t value) override {
        log.push_back({true, port, size, value});
        return result;
    }
};

TEST(PioBus, RegistrationErrors) {
    PioBus bus;
    FakeDevice a, b;
    EXPECT_EQ(bus.add(0x3f8, 8, a), PioStatus::ok);
    EXPECT_EQ(bus.add(0x3f8, 8, b), PioStatus::overlap);
    EXPECT_EQ(bus.add(0x3f0, 9, b), PioStatus::overlap);  // last port 0x3f8
    EXPECT_EQ(bus.add(0x3ff, 1, b), PioStatus::overlap);  // first port inside
    EXPECT_EQ(bus.add(0x3f0, 0x20, b), PioStatus::overlap);  // encloses
    EXPECT_EQ(bus.add(0x3f0, 8, b), PioStatus::ok);       // adjacent below
    EXPECT_EQ(bus.add(0x400, 1, b), PioStatus::ok);       // adjacent above
    EXPECT_EQ(bus.add(0x500, 0, b), PioStatus::empty_range);
    EXPECT_EQ(bus.add(0xfffc, 5, b), PioStatus::out_of_range);
    EXPECT_EQ(bus.add(0xfffc, 4, b), PioStatus::ok);  // up to port 0xffff
    EXPECT_EQ(bus.add(0, 0x10001, b), PioStatus::out_of_range);
    EXPECT_EQ(bus.range_count(), 4u);
    EXPECT_EQ(bus.remove(0x1234), PioStatus::not_found);
    EXPECT_EQ(bus.remove(0x3f8), PioStatus::ok);
    EXPECT_EQ(bus.add(0x3f8, 8, b), PioStatus::ok);
    EXPECT_STREQ(bh::dm::to_string(PioStatus::overlap), "overlaps a registered range");
}

TEST(PioBus, WholePortSpaceIsOneRange) {
    PioBus bus;
    FakeDevice a, b;
    EXPECT_EQ(bus.add(0, 0x10000, a), PioStatus::ok);
    EXPECT_EQ(bus.add(0xffff, 1, b), PioStatus::overlap);
    uint32_t v = 0;
    EXPECT_EQ(bus.dispatch_read(0xfffc, 4, v), PioResult::handled);
    EXPECT_EQ(a.log.back(), (Access{false, 0xfffc, 4, 0}));
}

TEST(PioBus, CapacityIsEnforced) {
    PioBus bus;
    FakeDevice d;
    for (size_t i = 0; i < PioBus::kCapacity; ++i)
        ASSERT_EQ(bus.add(static_cast<uint16_t>(0x100 + 4 * i), 4, d), PioStatus::ok) << i;
    EXPECT_EQ(bus.add(0x1000, 1, d), PioStatus::full);
    EXPECT_EQ(bus.add(0x100, 1, d), PioStatus::overlap);  // overlap is reported before full
    EXPECT_EQ(bus.remove(0x104), PioStatus::ok);
    EXPECT_EQ(bus.add(0x1000, 1, d), PioStatus::ok);
    // Every range still dispatches after the removal reordered the table.
    uint32_t v = 0;
    EXPECT_EQ(bus.dispatch_read(0x104, 1, v), PioResult::unclaimed);
    EXPECT_EQ(bus.dispatch_read(0x100 + 4 * 31 + 3, 1, v), PioResult::handled);
    EXPECT_EQ(bus.dispatch_read(0x1000, 1, v), PioResult::handled);
}

TEST(PioBus, DispatchesWithOffsetsAndSizes) {
    PioBus bus;
    FakeDevice uart, pic;
    ASSERT_EQ(bus.add(0x3f8, 8, uart), PioStatus::ok);
    ASSERT_EQ(bus.add(0x20, 2, pic), PioStatus::ok);

    uint32_t v = 0;
    EXPECT_EQ(bus.dispatch_read(0x3fd, 1, v), PioResult::handled);
    EXPECT_EQ(v, 0xD5u);  // (0xA0B0C0D0 + 5) masked to one byte
    EXPECT_EQ(bus.dispatch_read(0x3fa, 2, v), PioResult::handled);
    EXPECT_EQ(v, 0xC0D2u);
    EXPECT_EQ(bus.dispatch_read(0x3fc, 4, v), PioResult::handled);
    EXPECT_EQ(v, 0xA0B0C0D4u);
    EXPECT_EQ(bus.dispatch_write(0x3f8, 1, 0x1234u), PioResult::handled);  // value masked to the size
    EXPECT_EQ(bus.dispatch_write(0x21, 1, 0xff), PioResult::handled);

    const std::vector<Access> want_uart = {
        {false, 5, 1, 0}, {false, 2, 2, 0}, {false, 4, 4, 0}, {true, 0, 1, 0x34}};
    EXPECT_EQ(uart.log, want_uart);
    const std::vector<Access> want_pic = {{true, 1, 1, 0xff}};
    EXPECT_EQ(pic.log, want_pic);
    EXPECT_EQ(bus.stats().unclaimed_reads, 0u);
}

TEST(PioBus, UnclaimedAccesses) {
    PioBus bus;
    FakeDevice d;
    ASSERT_EQ(bus.add(0x60, 1, d), PioStatus::ok);
    uint32_t v = 0;
    EXPECT_EQ(bus.dispatch_read(0x61, 1, v), PioResult::unclaimed);
    EXPECT_EQ(v, 0xffu);
    EXPECT_EQ(bus.dispatch_read(0x70, 2, v), PioResult::unclaimed);
    EXPECT_EQ(v, 0xffffu);
    EXPECT_EQ(bus.dispatch_read(0x80, 4, v), PioResult::unclaimed);
    EXPECT_EQ(v, 0xffffffffu);
    EXPECT_EQ(bus.dispatch_write(0x80, 1, 0), PioResult::unclaimed);
    EXPECT_TRUE(d.log.empty());
    EXPECT_EQ(bus.stats().unclaimed_reads, 3u);
    EXPECT_EQ(bus.stats().unclaimed_writes, 1u);
}

TEST(PioBus, StraddlingAccessesAreUnclaimed) {
    PioBus bus;
    FakeDevice a, b;
    ASSERT_EQ(bus.add(0x100, 4, a), PioStatus::ok);
    ASSERT_EQ(bus.add(0x104, 4, b), PioStatus::ok);
    uint32_t v = 0;
    EXPECT_EQ(bus.dispatch_read(0x102, 4, v), PioResult::unclaimed);  // half a, half b
    EXPECT_EQ(v, 0xffffffffu);
    EXPECT_EQ(bus.dispatch_write(0x103, 2, 0xbeef), PioResult::unclaimed);
    EXPECT_EQ(bus.dispatch_read(0x107, 2, v), PioResult::unclaimed);  // b and nothing
    EXPECT_EQ(bus.dispatch_read(0x0ff, 2, v), PioResult::unclaimed);  // nothing and a
    EXPECT_TRUE(a.log.empty());
    EXPECT_TRUE(b.log.empty());
    // Exactly at the edges is fine.
    EXPECT_EQ(bus.dispatch_read(0x100, 4, v), PioResult::handled);
    EXPECT_EQ(bus.dispatch_read(0x106, 2, v), PioResult::handled);
}

TEST(PioBus, AccessWrappingPastTheLastPortIsUnclaimed) {
    PioBus bus;
    FakeDevice hi, lo;
    ASSERT_EQ(bus.add(0xfffe, 2, hi), PioStatus::ok);
    ASSERT_EQ(bus.add(0, 2, lo), PioStatus::ok);
    uint32_t v = 0;
    EXPECT_EQ(bus.dispatch_read(0xffff, 2, v), PioResult::unclaimed);
    EXPECT_EQ(bus.dispatch_read(0xfffe, 4, v), PioResult::unclaimed);
    EXPECT_TRUE(hi.log.empty());
    EXPECT_TRUE(lo.log.empty());
}

TEST(PioBus, MalformedSizesNeverReachDevices) {
    PioBus bus;
    FakeDevice d;
    FakeForwarder fwd;
    bus.set_forwarder(&fwd);
    ASSERT_EQ(bus.add(0x3f8, 8, d), PioStatus::ok);
    for (uint8_t size : {0, 3, 5, 8, 255}) {
        uint32_t v = 0;
        EXPECT_EQ(bus.dispatch_read(0x3f8, size, v), PioResult::malformed) << int(size);
        EXPECT_EQ(v, 0xffffffffu);
        EXPECT_EQ(bus.dispatch_write(0x3f8, size, 1), PioResult::malformed);
        EXPECT_EQ(bus.dispatch_read(0x1000, size, v), PioResult::malformed);
    }
    EXPECT_TRUE(d.log.empty());
    EXPECT_TRUE(fwd.log.empty());
    EXPECT_EQ(bus.stats().malformed, 15u);
}

TEST(PioBus, RefusedAccessesReadAllOnesAndAreCounted) {
    PioBus bus;
    FakeDevice byte_only(1u);
    ASSERT_EQ(bus.add(0x3f8, 8, byte_only), PioStatus::ok);
    uint32_t v = 0;
    EXPECT_EQ(bus.dispatch_read(0x3f8, 2, v), PioResult::refused);
    EXPECT_EQ(v, 0xffffu);
    EXPECT_EQ(bus.dispatch_write(0x3f8, 4, 0), PioResult::refused);
    EXPECT_EQ(bus.dispatch_read(0x3f9, 1, v), PioResult::handled);
    EXPECT_EQ(v, 0xD1u);
    EXPECT_EQ(bus.stats().refused_reads, 1u);
    EXPECT_EQ(bus.stats().refused_writes, 1u);
    EXPECT_EQ(byte_only.log.size(), 3u);  // the device saw the refused ones
}

TEST(PioBus, ForwarderTakesOnlyUnclaimedAccesses) {
    PioBus bus;
    FakeDevice d(1u);
    FakeForwarder fwd;
    ASSERT_EQ(bus.add(0x3f8, 8, d), PioStatus::ok);
    bus.set_forwarder(&fwd);

    uint32_t v = 0;
    EXPECT_EQ(bus.dispatch_read(0xcf8, 4, v), PioResult::deferred);
    EXPECT_EQ(bus.dispatch_write(0xcfc, 2, 0x10001), PioResult::deferred);
    EXPECT_EQ(bus.dispatch_read(0x3f8, 2, v), PioResult::refused);  // claimed: never forwarded
    EXPECT_EQ(bus.dispatch_read(0x3f8, 1, v), PioResult::handled);
    const std::vector<Access> want = {{false, 0xcf8, 4, 0}, {true, 0xcfc, 2, 0x0001}};
    EXPECT_EQ(fwd.log, want);

    fwd.result = PioResult::handled;  // a forwarder that answers at once
    EXPECT_EQ(bus.dispatch_read(0x71, 1, v), PioResult::handled);
    EXPECT_EQ(v, 0x78u);
    fwd.result = PioResult::unclaimed;  // declines: all ones
    EXPECT_EQ(bus.dispatch_read(0x71, 2, v), PioResult::unclaimed);
    EXPECT_EQ(v, 0xffffu);
    EXPECT_EQ(bus.stats().forwarded, 3u);
    EXPECT_EQ(bus.stats().unclaimed_reads, 1u);

    bus.set_forwarder(nullptr);
    EXPECT_EQ(bus.dispatch_write(0xcfc, 2, 0), PioResult::unclaimed);
}

TEST(PioBus, ResultNames) {
    EXPECT_STREQ(bh::dm::to_string(PioResult::unclaimed), "unclaimed");
    EXPECT_STREQ(bh::dm::to_string(PioResult::deferred), "deferred");
}

}  // namespace
