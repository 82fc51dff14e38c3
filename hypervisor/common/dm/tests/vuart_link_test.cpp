// vUART link tests: two vUARTs exchanging bytes both ways, backpressure
// through the holding buffer, overflow accounting, loopback on the receiver.
#include "common/dm/vuart_link.hpp"

#include <gtest/gtest.h>

#include "common/dm/tests/dm_fakes.hpp"

namespace {

using bh::dm::Vuart;
using bh::dm::VuartLink;
using namespace bh::dm::uart;
using dmtest::RecordingLine;
using Calls = std::vector<bool>;

void send(Vuart& u, const std::string& s) {
    for (char c : s) u.write_reg(kThr, static_cast<uint8_t>(c));
}

std::string receive(Vuart& u, size_t max = SIZE_MAX) {
    std::string got;
    while (got.size() < max && (u.read_reg(kLsr) & lsr::kDataReady) != 0) got += static_cast<char>(u.read_reg(kRbr));
    return got;
}

struct VuartLinkTest : ::testing::Test {
    Vuart a, b;
    VuartLink link;
    void SetUp() override {
        ASSERT_TRUE(link.connect(a, b));
        a.write_reg(kFcr, fcr::kEnable);
        b.write_reg(kFcr, fcr::kEnable);
    }
};

TEST_F(VuartLinkTest, BytesCrossInBothDirections) {
    send(a, "ping");
    send(b, "pong!");
    EXPECT_EQ(receive(b), "ping");
    EXPECT_EQ(receive(a), "pong!");
    EXPECT_EQ(link.a_to_b().delivered, 4u);
    EXPECT_EQ(link.b_to_a().delivered, 5u);
    EXPECT_EQ(link.a_to_b().held, 0u);
}

TEST_F(VuartLinkTest, ConnectRejectsSelfAndSecondConnection) {
    VuartLink other;
    Vuart c;
    EXPECT_FALSE(other.connect(c, c));
    EXPECT_FALSE(other.connected());
    EXPECT_FALSE(link.connect(a, c));
    EXPECT_TRUE(link.connected());
}

TEST_F(VuartLinkTest, BackpressureWithoutLoss) {
    // a sends 40 bytes while b reads nothing: 16 in b's FIFO, 24 held.
    std::string msg;
    for (int i = 0; i < 40; ++i) msg += static_cast<char>('A' + i % 26);
    send(a, msg);
    EXPECT_EQ(b.rx_count(), 16u);
    EXPECT_EQ(link.a_to_b().held, 24u);
    EXPECT_EQ(a.read_reg(kLsr), 0x60);  // the sender never waits
    // Each RBR read refills b's FIFO from the holding buffer, in order.
    EXPECT_EQ(receive(b, 1), msg.substr(0, 1));
    EXPECT_EQ(b.rx_count(), 16u);
    EXPECT_EQ(link.a_to_b().held, 23u);
    EXPECT_EQ(receive(b), msg.substr(1));
    EXPECT_EQ(link.a_to_b().delivered, 40u);
    EXPECT_EQ(link.a_to_b().overflow, 0u);
    EXPECT_EQ(b.stats().overruns, 0u);
}

TEST_F(VuartLinkTest, FullDuplexUnderBackpressure) {
    std::string ab, ba, got_b, got_a;
    for (int i = 0; i < 70; ++i) ab += static_cast<char>('a' + i % 26);
    for (int i = 0; i < 75; ++i) ba += static_cast<char>('0' + i % 10);
    // Interleave: both write in chunks, both read a little now and then.
    for (size_t i = 0; i < 80; ++i) {
        if (i < ab.size()) send(a, ab.substr(i, 1));
        if (i < ba.size()) send(b, ba.substr(i, 1));
        if (i % 5 == 4) {
            got_b += receive(b, 2);
            got_a += receive(a, 3);
        }
    }
    got_b += receive(b);
    got_a += receive(a);
    EXPECT_EQ(got_b, ab);
    EXPECT_EQ(got_a, ba);
    EXPECT_EQ(link.a_to_b().overflow, 0u);
    EXPECT_EQ(link.b_to_a().overflow, 0u);
}

TEST_F(VuartLinkTest, HoldingBufferOverflowIsCounted) {
    const size_t cap = 16 + VuartLink::kHoldCapacity;
    std::string msg;
    for (size_t i = 0; i < cap + 5; ++i) msg += static_cast<char>('!' + i % 90);
    send(a, msg);
    EXPECT_EQ(link.a_to_b().overflow, 5u);
    EXPECT_EQ(link.a_to_b().held, VuartLink::kHoldCapacity);
    EXPECT_EQ(receive(b), msg.substr(0, cap));  // the oldest bytes survive, in order
    send(a, "after");
    EXPECT_EQ(receive(b), "after");
}

TEST_F(VuartLinkTest, NonFifoReceiverTakesOneByteAtATime) {
    b.write_reg(kFcr, 0);  // 16450 mode: one-byte holding register
    send(a, "slow");
    EXPECT_EQ(b.rx_count(), 1u);
    EXPECT_EQ(link.a_to_b().held, 3u);
    EXPECT_EQ(receive(b), "slow");
    EXPECT_EQ(b.stats().overruns, 0u);
}

TEST_F(VuartLinkTest, ReceiverInLoopbackHoldsUntilItLeaves) {
    b.write_reg(kMcr, mcr::kLoop);
    send(a, "wait");
    EXPECT_EQ(b.rx_count(), 0u);
    EXPECT_EQ(link.a_to_b().held, 4u);
    send(b, "self");  // loopback: stays inside b, never reaches a
    EXPECT_EQ(receive(b), "self");
    EXPECT_EQ(a.rx_count(), 0u);
    b.write_reg(kMcr, 0);
    EXPECT_EQ(receive(b), "wait");
}

TEST_F(VuartLinkTest, FifoClearOnTheReceiverDrainsTheHeldBytes) {
    send(a, std::string(20, 'x'));
    EXPECT_EQ(link.a_to_b().held, 4u);
    b.write_reg(kFcr, fcr::kEnable | fcr::kClearRx);  // the guest discards 16 bytes...
    EXPECT_EQ(receive(b), "xxxx");                     // ...the held ones follow
    EXPECT_EQ(b.stats().rx_flushed, 16u);
}

TEST_F(VuartLinkTest, PeerInterruptFires) {
    RecordingLine line;
    b.set_irq_line(&line);
    b.write_reg(kMcr, mcr::kOut2);
    b.write_reg(kIer, ier::kRxData);
    send(a, "i");
    EXPECT_EQ(line.calls, (Calls{true}));
    EXPECT_EQ(b.read_reg(kIir), 0xC4);  // trigger level 1 reached
}

TEST_F(VuartLinkTest, DisconnectUnwiresBothEnds) {
    send(a, std::string(18, 'd'));
    link.disconnect();
    EXPECT_FALSE(link.connected());
    EXPECT_EQ(a.sink(), nullptr);
    EXPECT_EQ(b.rx_source(), nullptr);
    EXPECT_EQ(link.a_to_b().overflow, 2u);  // the held bytes are dropped, counted
    send(a, "gone");
    EXPECT_EQ(a.stats().tx_no_sink, 4u);
    EXPECT_EQ(receive(b), std::string(16, 'd'));
    EXPECT_TRUE(link.connect(a, b));
}

}  // namespace
