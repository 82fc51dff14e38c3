// vUART interrupt tests: IIR priority and codes, RX trigger levels and the
// timeout indication, THRE semantics, OUT2 gating, loopback, MSR deltas,
// overrun; the IRQ line is checked call by call.
#include <gtest/gtest.h>

#include <cstring>

#include "common/dm/tests/dm_fakes.hpp"
#include "common/dm/vuart.hpp"

namespace {

using bh::dm::IrqGate;
using bh::dm::Vuart;
using namespace bh::dm::uart;
using dmtest::RecordingLine;
using dmtest::RecordingSink;
using Calls = std::vector<bool>;

struct VuartIrq : ::testing::Test {
    Vuart u;
    RecordingLine line;
    RecordingSink sink;
    void SetUp() override {
        u.set_irq_line(&line);
        u.set_sink(&sink);
    }
    size_t push(const std::string& s) { return u.push_rx(reinterpret_cast<const uint8_t*>(s.data()), s.size()); }
    size_t push_lossy(const std::string& s) {
        return u.push_rx_lossy(reinterpret_cast<const uint8_t*>(s.data()), s.size());
    }
    std::string drain() {
        std::string got;
        while (u.read_reg(kLsr) & lsr::kDataReady) got += static_cast<char>(u.read_reg(kRbr));
        return got;
    }
};

TEST_F(VuartIrq, RxTriggerLevelsAndTimeout) {
    struct Case {
        uint8_t fcr;
        size_t level;
    };
    for (const Case c : {Case{0x01, 1}, Case{0x41, 4}, Case{0x81, 8}, Case{0xC1, 14}}) {
        SCOPED_TRACE(c.level);
        u.reset();
        u.write_reg(kFcr, c.fcr);
        u.write_reg(kIer, ier::kRxData);
        EXPECT_EQ(u.read_reg(kIir), 0xC1);
        if (c.level > 1) {
            ASSERT_EQ(push(std::string(c.level - 1, 'x')), c.level - 1);
            EXPECT_EQ(u.read_reg(kIir), 0xCC);  // data below the trigger: timeout indication
        }
        ASSERT_EQ(push("y"), 1u);
        EXPECT_EQ(u.read_reg(kIir), 0xC4);  // trigger level reached
        u.read_reg(kRbr);
        EXPECT_EQ(u.read_reg(kIir), c.level > 1 ? 0xCC : 0xC1);  // dropped below the trigger
        drain();
        EXPECT_EQ(u.read_reg(kIir), 0xC1);
    }
}

TEST_F(VuartIrq, NoTimeoutIndicationInNonFifoMode) {
    u.write_reg(kIer, ier::kRxData);
    push("a");
    EXPECT_EQ(u.read_reg(kIir), 0x04);
    u.read_reg(kRbr);
    EXPECT_EQ(u.read_reg(kIir), 0x01);
}

TEST_F(VuartIrq, RxInterruptNeedsErbfi) {
    u.write_reg(kFcr, 0x01);
    push("abc");
    EXPECT_EQ(u.read_reg(kIir), 0xC1);
    EXPECT_EQ(u.read_reg(kLsr), 0x61);  // polled drivers still see DR
}

TEST_F(VuartIrq, PriorityOrder) {
    u.write_reg(kFcr, 0x01);  // FIFO on, trigger 1
    u.write_reg(kMcr, mcr::kOut2);
    u.write_reg(kIer, 0x0F);  // ETBEI 0 -> 1: THRE pending
    EXPECT_EQ(u.read_reg(kIir), 0xC2);
    u.write_reg(kIer, 0x0D);
    u.write_reg(kIer, 0x0F);  // re-armed
    u.set_modem_inputs(msr::kCts | msr::kDsr);  // DCD drops: modem status pending
    push_lossy(std::string(17, 'r'));           // RX data and an overrun
    EXPECT_EQ(u.read_reg(kIir), 0xC6);          // 1: line status
    EXPECT_EQ(u.read_reg(kIir), 0xC6);          // reading IIR does not clear it
    EXPECT_EQ(u.read_reg(kLsr), 0x63);
    EXPECT_EQ(u.read_reg(kIir), 0xC4);  // 2: RX data; THRE not cleared by this read
    EXPECT_EQ(drain(), std::string(16, 'r'));
    EXPECT_EQ(u.read_reg(kIir), 0xC2);  // 3: THRE, cleared by this read
    EXPECT_EQ(u.read_reg(kIir), 0xC0);  // 4: modem status
    EXPECT_EQ(u.read_reg(kMsr), 0x38);  // CTS, DSR, DDCD
    EXPECT_EQ(u.read_reg(kIir), 0xC1);
    EXPECT_FALSE(u.irq_level());
}

TEST_F(VuartIrq, TimeoutIndicationRanksWithRxData) {
    u.write_reg(kFcr, 0x81);  // trigger 8
    u.write_reg(kIer, ier::kRxData | ier::kThrEmpty);
    push("ab");
    EXPECT_EQ(u.read_reg(kIir), 0xCC);  // above THRE
    EXPECT_EQ(u.read_reg(kIir), 0xCC);
    drain();
    EXPECT_EQ(u.read_reg(kIir), 0xC2);
}

// Linux's 8250 startup checks that THRE is raised when ETBEI is enabled,
// cleared by the IIR read, and raised again when ETBEI is toggled.
TEST_F(VuartIrq, ThreInterruptSequenceAsLinuxProbesIt) {
    u.write_reg(kIer, ier::kThrEmpty);
    const uint8_t iir1 = u.read_reg(kIir);
    EXPECT_EQ(iir1, 0x02);
    EXPECT_EQ(u.read_reg(kIir), 0x01);  // the read cleared it
    u.write_reg(kIer, 0);
    u.write_reg(kIer, ier::kThrEmpty);
    const uint8_t iir2 = u.read_reg(kIir);
    EXPECT_EQ(iir2, 0x02);  // re-asserted: no UART_BUG_THRE
    EXPECT_EQ(u.read_reg(kIir), 0x01);
    u.write_reg(kThr, 'x');  // THR empties again at once: re-armed
    EXPECT_EQ(u.read_reg(kIir), 0x02);
    EXPECT_EQ(u.read_reg(kIir), 0x01);
    EXPECT_EQ(sink.bytes, "x");
}

TEST_F(VuartIrq, ThreIsNotReArmedByRewritingIer) {
    u.write_reg(kIer, ier::kThrEmpty);
    EXPECT_EQ(u.read_reg(kIir), 0x02);
    u.write_reg(kIer, ier::kThrEmpty | ier::kRxData);  // ETBEI stays 1: no edge
    EXPECT_EQ(u.read_reg(kIir), 0x01);
}

TEST_F(VuartIrq, ThreLatchedWhileDisabledShowsWhenEnabled) {
    u.write_reg(kThr, 'a');  // THRE event with ETBEI = 0
    EXPECT_EQ(u.read_reg(kIir), 0x01);
    u.write_reg(kIer, ier::kThrEmpty);
    EXPECT_EQ(u.read_reg(kIir), 0x02);
}

TEST_F(VuartIrq, Out2GatesTheLine) {
    u.write_reg(kIer, ier::kThrEmpty);
    EXPECT_TRUE(line.calls.empty());  // pending, but OUT2 = 0
    EXPECT_FALSE(u.irq_level());
    u.write_reg(kMcr, mcr::kDtr | mcr::kRts);
    EXPECT_TRUE(line.calls.empty());
    u.write_reg(kMcr, mcr::kDtr | mcr::kRts | mcr::kOut2);
    EXPECT_EQ(line.calls, (Calls{true}));
    u.write_reg(kMcr, mcr::kDtr | mcr::kRts);
    EXPECT_EQ(line.calls, (Calls{true, false}));
    u.write_reg(kMcr, mcr::kOut2);
    EXPECT_EQ(line.calls, (Calls{true, false, true}));
    u.read_reg(kIir);  // clears THRE
    EXPECT_EQ(line.calls, (Calls{true, false, true, false}));
    u.write_reg(kThr, 'a');  // re-armed: rises
    EXPECT_EQ(line.calls, (Calls{true, false, true, false, true}));
    u.write_reg(kThr, 'b');  // cleared by the write, re-armed when THR empties: a pulse
    EXPECT_EQ(line.calls, (Calls{true, false, true, false, true, false, true}));
    u.write_reg(kIer, 0);
    EXPECT_EQ(line.calls, (Calls{true, false, true, false, true, false, true, false}));
}

TEST_F(VuartIrq, DirectGateIgnoresOut2) {
    Vuart d(IrqGate::direct);
    RecordingLine l;
    d.set_irq_line(&l);
    d.write_reg(kIer, ier::kThrEmpty);
    EXPECT_EQ(l.calls, (Calls{true}));
    d.write_reg(kMcr, mcr::kLoop);  // no OUT2 pin in the path: loopback changes nothing
    EXPECT_EQ(l.calls, (Calls{true}));
    d.read_reg(kIir);
    EXPECT_EQ(l.calls, (Calls{true, false}));
}

TEST_F(VuartIrq, LineFollowsEachSource) {
    u.write_reg(kMcr, mcr::kOut2);
    u.write_reg(kFcr, 0x01);

    u.write_reg(kIer, ier::kRxData);  // RX data
    push("a");
    EXPECT_EQ(line.calls, (Calls{true}));
    u.read_reg(kRbr);
    EXPECT_EQ(line.calls, (Calls{true, false}));

    u.write_reg(kIer, ier::kLineStatus);  // line status
    push_lossy(std::string(17, 'o'));
    EXPECT_EQ(line.calls, (Calls{true, false, true}));
    EXPECT_EQ(u.read_reg(kIir), 0xC6);
    u.read_reg(kLsr);
    EXPECT_EQ(line.calls, (Calls{true, false, true, false}));
    u.write_reg(kFcr, 0x03);

    u.write_reg(kIer, ier::kModemStatus);  // modem status
    u.set_modem_inputs(msr::kCts | msr::kDsr | msr::kDcd | msr::kRi);
    EXPECT_EQ(line.calls, (Calls{true, false, true, false}));  // RI rising edge: no delta
    u.set_modem_inputs(msr::kCts | msr::kDsr | msr::kDcd);
    EXPECT_EQ(line.calls, (Calls{true, false, true, false, true}));  // trailing edge of RI
    EXPECT_EQ(u.read_reg(kMsr), 0xB4);
    EXPECT_EQ(line.calls, (Calls{true, false, true, false, true, false}));

    u.write_reg(kIer, ier::kThrEmpty);  // THRE
    EXPECT_EQ(line.calls, (Calls{true, false, true, false, true, false, true}));
    u.read_reg(kIir);
    EXPECT_EQ(line.calls, (Calls{true, false, true, false, true, false, true, false}));

    // Enabling a source that is already pending raises the line; disabling lowers it.
    push("b");
    u.write_reg(kIer, ier::kRxData);
    u.write_reg(kIer, 0);
    EXPECT_EQ(line.calls, (Calls{true, false, true, false, true, false, true, false, true, false}));
}

TEST_F(VuartIrq, OverrunInFifoModeDropsTheNewByte) {
    u.write_reg(kFcr, 0x01);
    std::string in = "0123456789abcdefXY";
    EXPECT_EQ(push_lossy(in), 16u);
    EXPECT_EQ(u.stats().overruns, 2u);
    EXPECT_EQ(u.read_reg(kLsr), 0x63);  // DR | OE | THRE | TEMT
    EXPECT_EQ(u.read_reg(kLsr), 0x61);  // OE cleared by the read
    EXPECT_EQ(drain(), "0123456789abcdef");
}

TEST_F(VuartIrq, OverrunInNonFifoModeOverwritesTheHoldingRegister) {
    EXPECT_EQ(push_lossy("abc"), 1u);
    EXPECT_EQ(u.stats().overruns, 2u);
    EXPECT_EQ(u.read_reg(kLsr), 0x63);
    EXPECT_EQ(u.read_reg(kRbr), 'c');
    EXPECT_EQ(u.read_reg(kLsr), 0x60);
}

TEST_F(VuartIrq, PushRxNeverOverruns) {
    u.write_reg(kFcr, 0x01);
    EXPECT_EQ(push(std::string(20, 'p')), 16u);
    EXPECT_EQ(push("q"), 0u);
    EXPECT_EQ(u.read_reg(kLsr), 0x61);
    EXPECT_EQ(u.stats().overruns, 0u);
    EXPECT_EQ(u.push_rx(nullptr, 5), 0u);
}

TEST_F(VuartIrq, LoopbackSendsTxToRx) {
    u.write_reg(kFcr, 0x01);
    u.write_reg(kMcr, mcr::kLoop | mcr::kOut2);
    u.write_reg(kIer, ier::kRxData);
    u.write_reg(kThr, 'L');
    EXPECT_TRUE(sink.bytes.empty());  // SOUT held marking
    EXPECT_EQ(u.read_reg(kLsr), 0x61);
    EXPECT_EQ(u.read_reg(kIir), 0xC4);  // interrupts work inside the part...
    EXPECT_TRUE(line.calls.empty());    // ...but OUT2 is forced inactive: the line stays low
    EXPECT_EQ(u.rx_space(), 0u);        // SIN disconnected
    EXPECT_EQ(push("ext"), 0u);
    EXPECT_EQ(push_lossy("ext"), 0u);
    EXPECT_EQ(u.stats().rx_disconnected, 3u);
    u.write_reg(kMcr, mcr::kOut2);  // leave loopback with data still pending
    EXPECT_EQ(line.calls, (Calls{true}));
    EXPECT_EQ(u.read_reg(kRbr), 'L');
    EXPECT_EQ(line.calls, (Calls{true, false}));
    EXPECT_EQ(u.stats().loopback_bytes, 1u);
    EXPECT_EQ(u.stats().tx_bytes, 0u);
}

TEST_F(VuartIrq, LoopbackOverrunsLikeTheWire) {
    u.write_reg(kFcr, 0x01);
    u.write_reg(kMcr, mcr::kLoop);
    for (int i = 0; i < 20; ++i) u.write_reg(kThr, static_cast<uint8_t>('a' + i));
    EXPECT_EQ(u.stats().overruns, 4u);
    EXPECT_EQ(u.read_reg(kLsr), 0x63);
    EXPECT_EQ(drain(), "abcdefghijklmnop");
}

TEST_F(VuartIrq, LoopbackMapsModemControlToModemStatus) {
    EXPECT_EQ(u.read_reg(kMsr), 0xB0);
    u.write_reg(kMcr, mcr::kLoop);  // inputs now come from MCR (all 0): CTS, DSR, DCD drop
    EXPECT_EQ(u.read_reg(kMsr), 0x0B);
    EXPECT_EQ(u.read_reg(kMsr), 0x00);
    u.write_reg(kMcr, mcr::kLoop | mcr::kDtr);
    EXPECT_EQ(u.read_reg(kMsr), 0x22);  // DSR, DDSR
    u.write_reg(kMcr, mcr::kLoop | mcr::kRts);
    EXPECT_EQ(u.read_reg(kMsr), 0x13);  // CTS, DCTS, DDSR
    u.write_reg(kMcr, mcr::kLoop | mcr::kOut1);
    EXPECT_EQ(u.read_reg(kMsr), 0x41);  // RI (leading edge: no TERI), DCTS
    u.write_reg(kMcr, mcr::kLoop);
    EXPECT_EQ(u.read_reg(kMsr), 0x04);  // TERI
    u.write_reg(kMcr, mcr::kLoop | mcr::kOut2);
    EXPECT_EQ(u.read_reg(kMsr), 0x88);  // DCD, DDCD
    u.write_reg(kMcr, mcr::kLoop | mcr::kRts | mcr::kOut2);  // Linux's UART presence test
    EXPECT_EQ(u.read_reg(kMsr) & 0xF0, 0x90);
    u.set_modem_inputs(0);  // external inputs are disconnected in loopback
    EXPECT_EQ(u.read_reg(kMsr), 0x90);
    u.write_reg(kMcr, 0);  // back to the external inputs (now all low)
    EXPECT_EQ(u.read_reg(kMsr), 0x09);
}

TEST_F(VuartIrq, ModemStatusInterruptInLoopback) {
    u.write_reg(kMcr, mcr::kLoop);
    u.write_reg(kIer, ier::kModemStatus);
    u.read_reg(kMsr);
    EXPECT_EQ(u.read_reg(kIir), 0x01);
    u.write_reg(kMcr, mcr::kLoop | mcr::kDtr);
    EXPECT_EQ(u.read_reg(kIir), 0x00);
    u.read_reg(kMsr);
    EXPECT_EQ(u.read_reg(kIir), 0x01);
    EXPECT_TRUE(line.calls.empty());
}

}  // namespace
