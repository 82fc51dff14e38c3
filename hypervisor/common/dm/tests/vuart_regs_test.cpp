// vUART register-level tests against the PC16550D datasheet: reset state,
// divisor latch, read-only and reserved bits, FIFO control.
#include <gtest/gtest.h>

#include <cstring>

#include "common/dm/tests/dm_fakes.hpp"
#include "common/dm/vuart.hpp"

namespace {

using bh::dm::Vuart;
using namespace bh::dm::uart;
using dmtest::RecordingLine;
using dmtest::RecordingSink;

struct VuartRegs : ::testing::Test {
    Vuart u;
    RecordingLine line;
    RecordingSink sink;
    void SetUp() override {
        u.set_irq_line(&line);
        u.set_sink(&sink);
    }
    size_t push(const char* s) { return u.push_rx(reinterpret_cast<const uint8_t*>(s), strlen(s)); }
};

TEST_F(VuartRegs, ResetValues) {
    EXPECT_EQ(u.read_reg(kIer), 0x00);
    EXPECT_EQ(u.read_reg(kIir), 0x01);
    EXPECT_EQ(u.read_reg(kLcr), 0x00);
    EXPECT_EQ(u.read_reg(kMcr), 0x00);
    EXPECT_EQ(u.read_reg(kLsr), 0x60);  // THRE | TEMT
    EXPECT_EQ(u.read_reg(kMsr), 0xB0);  // default inputs CTS, DSR, DCD; no deltas
    EXPECT_EQ(u.read_reg(kScr), 0x00);
    EXPECT_EQ(u.divisor(), Vuart::kResetDivisor);
    EXPECT_FALSE(u.fifo_enabled());
    EXPECT_FALSE(u.irq_level());
    EXPECT_TRUE(line.calls.empty());
}

TEST_F(VuartRegs, ResetRestoresTheResetState) {
    u.write_reg(kLcr, 0x83);
    u.write_reg(kDll, 0x30);
    u.write_reg(kLcr, 0x03);
    u.write_reg(kFcr, 0xC7);
    u.write_reg(kMcr, 0x0B);
    u.write_reg(kIer, 0x0F);
    u.write_reg(kScr, 0x5A);
    push("abc");
    EXPECT_TRUE(u.irq_level());
    u.reset();
    EXPECT_EQ(u.read_reg(kIer), 0x00);
    EXPECT_EQ(u.read_reg(kIir), 0x01);
    EXPECT_EQ(u.read_reg(kLcr), 0x00);
    EXPECT_EQ(u.read_reg(kMcr), 0x00);
    EXPECT_EQ(u.read_reg(kLsr), 0x60);
    EXPECT_EQ(u.read_reg(kMsr), 0xB0);
    EXPECT_EQ(u.read_reg(kScr), 0x00);
    EXPECT_EQ(u.divisor(), Vuart::kResetDivisor);
    EXPECT_EQ(u.rx_count(), 0u);
    EXPECT_FALSE(u.irq_level());
    EXPECT_EQ(line.calls, (std::vector<bool>{true, false}));
}

TEST_F(VuartRegs, DlabSwitchesOffsetsZeroAndOneToTheDivisorLatch) {
    u.write_reg(kIer, 0x05);
    u.write_reg(kLcr, 0x80);
    EXPECT_EQ(u.read_reg(kDll), 0x01);
    EXPECT_EQ(u.read_reg(kDlm), 0x00);
    u.write_reg(kDll, 0x0C);
    u.write_reg(kDlm, 0x12);
    EXPECT_EQ(u.read_reg(kDll), 0x0C);
    EXPECT_EQ(u.read_reg(kDlm), 0x12);
    EXPECT_EQ(u.divisor(), 0x120C);
    EXPECT_TRUE(sink.bytes.empty());  // a DLL write is not a THR write
    EXPECT_EQ(u.read_reg(kLcr), 0x80);
    u.write_reg(kLcr, 0x03);
    EXPECT_EQ(u.read_reg(kIer), 0x05);  // IER untouched by the DLM write
    u.write_reg(kThr, 'A');
    EXPECT_EQ(sink.bytes, "A");
    u.write_reg(kLcr, 0x83);
    EXPECT_EQ(u.read_reg(kDll), 0x0C);  // divisor untouched by the THR write
    // With DLAB set, RBR is hidden: a pending byte stays in the FIFO.
    push("z");
    EXPECT_EQ(u.read_reg(kRbr), 0x0C);
    EXPECT_EQ(u.rx_count(), 1u);
    u.write_reg(kLcr, 0x03);
    EXPECT_EQ(u.read_reg(kRbr), 'z');
}

TEST_F(VuartRegs, ReservedBitsReadZero) {
    u.write_reg(kIer, 0xFF);
    EXPECT_EQ(u.read_reg(kIer), 0x0F);
    u.write_reg(kIer, 0x40);  // Linux probes bit 6 (XScale UUE)
    EXPECT_EQ(u.read_reg(kIer), 0x00);
    u.write_reg(kMcr, 0xE3);
    EXPECT_EQ(u.read_reg(kMcr), 0x03);
    // IIR bits 5:4 are always 0, with or without FIFOs (Linux's 16750 and SuperIO probes).
    EXPECT_EQ(u.read_reg(kIir) & 0x30, 0);
    u.write_reg(kFcr, 0x21);
    EXPECT_EQ(u.read_reg(kIir), 0xC1);
}

TEST_F(VuartRegs, LcrAndScratchHoldAnyValue) {
    for (unsigned v = 0; v < 256; ++v) {
        u.write_reg(kScr, static_cast<uint8_t>(v));
        EXPECT_EQ(u.read_reg(kScr), v);
        u.write_reg(kLcr, static_cast<uint8_t>(v));
        EXPECT_EQ(u.read_reg(kLcr), v);
    }
    EXPECT_TRUE(line.calls.empty());
}

TEST_F(VuartRegs, StatusRegistersIgnoreWrites) {
    u.write_reg(kLsr, 0x00);
    u.write_reg(kMsr, 0x0F);
    EXPECT_EQ(u.read_reg(kLsr), 0x60);
    EXPECT_EQ(u.read_reg(kMsr), 0xB0);
    EXPECT_EQ(u.stats().ignored_writes, 2u);
}

TEST_F(VuartRegs, OnlyByteAccessesAreAccepted) {
    uint32_t v = 0x1234;
    EXPECT_FALSE(u.read(kLsr, 2, v));
    EXPECT_EQ(v, 0x1234u);
    EXPECT_FALSE(u.write(kThr, 4, 'x'));
    EXPECT_FALSE(u.read(8, 1, v));
    EXPECT_TRUE(sink.bytes.empty());
    EXPECT_EQ(u.stats().refused, 3u);
    EXPECT_TRUE(u.read(kLsr, 1, v));
    EXPECT_EQ(v, 0x60u);
    EXPECT_TRUE(u.write(kThr, 1, 'x'));
    EXPECT_EQ(sink.bytes, "x");
}

TEST_F(VuartRegs, ThrBytesGoToTheSinkAndTxIsAlwaysEmpty) {
    for (char c : std::string("hello")) {
        EXPECT_EQ(u.read_reg(kLsr) & 0x60, 0x60);
        u.write_reg(kThr, static_cast<uint8_t>(c));
        EXPECT_EQ(u.read_reg(kLsr), 0x60);
    }
    EXPECT_EQ(sink.bytes, "hello");
    EXPECT_EQ(u.stats().tx_bytes, 5u);
    u.set_sink(nullptr);
    u.write_reg(kThr, '!');
    EXPECT_EQ(u.stats().tx_no_sink, 1u);
}

TEST_F(VuartRegs, NonFifoModeHoldsOneByte) {
    EXPECT_EQ(u.rx_space(), 1u);
    EXPECT_EQ(push("ab"), 1u);  // the caller keeps 'b'
    EXPECT_EQ(u.read_reg(kLsr), 0x61);
    EXPECT_EQ(u.rx_space(), 0u);
    EXPECT_EQ(u.read_reg(kRbr), 'a');
    EXPECT_EQ(u.read_reg(kLsr), 0x60);
    EXPECT_EQ(u.read_reg(kRbr), 'a');  // empty: RBR keeps the last byte
    EXPECT_EQ(u.stats().overruns, 0u);
}

TEST_F(VuartRegs, FifoEnableShowsInIirAndTakesSixteenBytes) {
    u.write_reg(kFcr, 0x01);
    EXPECT_TRUE(u.fifo_enabled());
    EXPECT_EQ(u.read_reg(kIir), 0xC1);
    EXPECT_EQ(u.rx_space(), 16u);
    EXPECT_EQ(push("0123456789abcdefXYZ"), 16u);
    EXPECT_EQ(u.rx_space(), 0u);
    std::string got;
    while (u.read_reg(kLsr) & lsr::kDataReady) got += static_cast<char>(u.read_reg(kRbr));
    EXPECT_EQ(got, "0123456789abcdef");
    u.write_reg(kFcr, 0x00);
    EXPECT_FALSE(u.fifo_enabled());
    EXPECT_EQ(u.read_reg(kIir), 0x01);
}

TEST_F(VuartRegs, FcrBitsNeedTheEnableBit) {
    // FCR0 must be 1 for the other bits to be programmed.
    u.write_reg(kFcr, 0x01);
    u.write_reg(kIer, ier::kRxData);
    u.write_reg(kFcr, 0xC1);  // trigger 14
    u.write_reg(kFcr, 0x00);  // back to 16450 mode
    u.write_reg(kFcr, 0x80);  // no enable: stays in 16450 mode, nothing programmed
    EXPECT_FALSE(u.fifo_enabled());
    EXPECT_EQ(push("a"), 1u);
    EXPECT_EQ(u.read_reg(kIir), 0x04);  // 16450 mode: data available at one byte
    u.write_reg(kFcr, 0x02);            // "clear RX" without enable: ignored
    EXPECT_EQ(u.rx_count(), 1u);
}

TEST_F(VuartRegs, ClearingTheRxFifo) {
    u.write_reg(kFcr, 0x01);
    push("hello");
    u.write_reg(kFcr, 0x03);  // enable + clear RX
    EXPECT_EQ(u.read_reg(kLsr), 0x60);
    EXPECT_EQ(u.stats().rx_flushed, 5u);
    push("xy");
    u.write_reg(kFcr, 0x05);  // enable + clear TX: RX untouched
    EXPECT_EQ(u.rx_count(), 2u);
    EXPECT_EQ(u.read_reg(kLsr), 0x61);
}

TEST_F(VuartRegs, FifoClearKeepsOverrunUntilLsrIsRead) {
    u.write_reg(kFcr, 0x01);
    std::vector<uint8_t> many(17, 'q');
    EXPECT_EQ(u.push_rx_lossy(many.data(), many.size()), 16u);
    u.write_reg(kFcr, 0x03);
    EXPECT_EQ(u.read_reg(kLsr), 0x62);  // OE survives the clear; the shift register is not cleared
    EXPECT_EQ(u.read_reg(kLsr), 0x60);
}

TEST_F(VuartRegs, ChangingFifoModeClearsTheReceiver) {
    push("a");
    u.write_reg(kFcr, 0x01);  // 16450 -> FIFO
    EXPECT_EQ(u.rx_count(), 0u);
    push("bcd");
    u.write_reg(kFcr, 0x01);  // no mode change: kept
    EXPECT_EQ(u.rx_count(), 3u);
    u.write_reg(kFcr, 0x00);  // FIFO -> 16450
    EXPECT_EQ(u.rx_count(), 0u);
    EXPECT_EQ(u.stats().rx_flushed, 4u);
}

}  // namespace
