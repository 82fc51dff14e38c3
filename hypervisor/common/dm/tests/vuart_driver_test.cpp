// Driver-level vUART tests through the port-I/O bus: the register sequences
// of Linux's 8250 autoconfig/startup/termios/interrupt handler, and of a
// polled test-kernel driver.
#include <gtest/gtest.h>

#include "common/dm/pio_bus.hpp"
#include "common/dm/tests/dm_fakes.hpp"
#include "common/dm/vuart.hpp"

namespace {

using bh::dm::PioBus;
using bh::dm::PioResult;
using bh::dm::PioStatus;
using bh::dm::Vuart;
using namespace bh::dm::uart;
using dmtest::Guest;
using dmtest::RecordingLine;
using dmtest::RecordingSink;
using Calls = std::vector<bool>;

constexpr uint16_t kCom1 = 0x3f8;

enum class Kind { absent, i8250, i16550, i16550a, unknown, efr_part, xr_part, ns_superio, i16750, xscale };

// The probe Linux's 8250 driver runs on a legacy port (our reading of its
// register sequence): IER read-back, loopback presence test, FIFO type from
// IIR 7:6, then the checks that tell a plain 16550A from its relatives.
Kind linux_autoconfig(Guest& g) {
    const uint8_t saved_ier = g.in(kIer);
    g.out(kIer, 0);
    const uint8_t ier_zero = g.in(kIer) & 0x0f;
    g.out(kIer, 0x0f);
    const uint8_t ier_ones = g.in(kIer) & 0x0f;
    g.out(kIer, saved_ier);
    if (ier_zero != 0 || ier_ones != 0x0f) return Kind::absent;

    const uint8_t save_mcr = g.in(kMcr);
    const uint8_t save_lcr = g.in(kLcr);
    g.out(kMcr, mcr::kLoop | mcr::kOut2 | mcr::kRts);
    const uint8_t lines = g.in(kMsr) & 0xf0;
    g.out(kMcr, save_mcr);
    if (lines != 0x90) return Kind::absent;

    g.out(kLcr, 0xbf);  // "configuration mode B": offset 2 is EFR on parts that have one
    g.out(2, 0);
    g.out(kLcr, 0);
    g.out(kFcr, fcr::kEnable);
    switch (g.in(kIir) >> 6) {
        case 0: return Kind::i8250;
        case 1: return Kind::unknown;
        case 2: return Kind::i16550;
        default: break;
    }

    g.out(kLcr, 0xbf);
    if (g.in(2) == 0) return Kind::efr_part;
    g.out(kLcr, 0x80);
    if (g.in(2) == 0) return Kind::xr_part;

    g.out(kLcr, 0);
    const uint8_t mcr_now = g.in(kMcr);
    g.out(kLcr, 0xe0);
    uint8_t excr = g.in(2);
    if (((excr ^ mcr_now) & mcr::kLoop) == 0) {
        g.out(kLcr, 0);
        g.out(kMcr, mcr_now ^ mcr::kLoop);
        g.out(kLcr, 0xe0);
        excr = g.in(2);
        g.out(kLcr, 0);
        g.out(kMcr, mcr_now);
        if (((excr ^ mcr_now) & mcr::kLoop) != 0) return Kind::ns_superio;
    }

    g.out(kLcr, 0);
    g.out(kFcr, fcr::kEnable | 0x20);  // 64-byte FIFO bit of the 16750
    const uint8_t s1 = g.in(kIir) >> 5;
    g.out(kFcr, fcr::kEnable);
    g.out(kLcr, 0x80);
    g.out(kFcr, fcr::kEnable | 0x20);
    const uint8_t s2 = g.in(kIir) >> 5;
    g.out(kFcr, fcr::kEnable);
    g.out(kLcr, 0);
    if (s1 == 6 && s2 == 7) return Kind::i16750;

    const uint8_t ier_now = g.in(kIer);
    g.out(kIer, ier_now ^ 0x40);  // XScale "UART unit enable"
    if ((g.in(kIer) & 0x40) == 0) {
        g.out(kIer, ier_now | 0x40);
        if ((g.in(kIer) & 0x40) != 0) return Kind::xscale;
    }
    g.out(kIer, ier_now);

    g.out(kLcr, save_lcr);
    g.out(kMcr, save_mcr);
    g.out(kFcr, fcr::kEnable);  // clear FIFOs, leave them off
    g.out(kFcr, fcr::kEnable | fcr::kClearRx | fcr::kClearTx);
    g.out(kFcr, 0);
    g.in(kRbr);
    g.out(kIer, 0);
    return Kind::i16550a;
}

// FIFO depth by loopback: send 256 bytes to ourselves, count what arrives.
size_t loopback_fifo_depth(Guest& g) {
    g.out(kFcr, fcr::kEnable | fcr::kClearRx | fcr::kClearTx);
    g.out(kMcr, mcr::kLoop);
    g.out(kLcr, lcr::kDlab);
    g.out(kDll, 1);
    g.out(kDlm, 0);
    g.out(kLcr, 0x03);
    for (int i = 0; i < 256; ++i) g.out(kThr, static_cast<uint8_t>(i));
    size_t n = 0;
    while ((g.in(kLsr) & lsr::kDataReady) != 0 && n < 1024) {
        g.in(kRbr);
        ++n;
    }
    g.out(kMcr, 0);
    g.out(kFcr, 0);
    return n;
}

struct VuartDriver : ::testing::Test {
    PioBus bus;
    Vuart u;
    RecordingLine line;
    RecordingSink sink;
    Guest g{bus, kCom1};
    void SetUp() override {
        ASSERT_EQ(bh::dm::attach(bus, kCom1, u), PioStatus::ok);
        u.set_irq_line(&line);
        u.set_sink(&sink);
    }
    size_t push(const std::string& s) { return u.push_rx(reinterpret_cast<const uint8_t*>(s.data()), s.size()); }

    // Linux's interrupt handler for one port: loop while IIR shows a pending
    // interrupt; receive while LSR.DR, transmit up to 16 bytes on THRE, stop
    // TX (clear ETBEI) when there is nothing left.
    void linux_isr(std::string& tx_pending, std::string& rx, uint8_t& ier) {
        for (int guard = 0; guard < 64; ++guard) {
            const uint8_t iir = g.in(kIir);
            if (iir & iir::kNoInterrupt) return;
            uint8_t lsr = g.in(kLsr);
            while (lsr & lsr::kDataReady) {
                rx += static_cast<char>(g.in(kRbr));
                lsr = g.in(kLsr);
            }
            if ((lsr & lsr::kThrEmpty) && (ier & ier::kThrEmpty)) {
                for (int i = 0; i < 16 && !tx_pending.empty(); ++i) {
                    g.out(kThr, static_cast<uint8_t>(tx_pending[0]));
                    tx_pending.erase(0, 1);
                }
                if (tx_pending.empty()) {
                    ier = static_cast<uint8_t>(ier & ~ier::kThrEmpty);
                    g.out(kIer, ier);
                }
            }
        }
        ADD_FAILURE() << "interrupt handler did not finish";
    }
};

TEST_F(VuartDriver, LinuxAutoconfigFindsA16550A) {
    EXPECT_EQ(linux_autoconfig(g), Kind::i16550a);
    EXPECT_EQ(loopback_fifo_depth(g), 16u);
    EXPECT_TRUE(line.calls.empty());  // OUT2 never active outside loopback
    EXPECT_TRUE(sink.bytes.empty());  // loopback bytes never leave
    EXPECT_EQ(g.in(kLsr), 0x60);
    EXPECT_EQ(g.in(kIir), 0x01);
}

TEST_F(VuartDriver, LinuxStartupTermiosAndInterruptDrivenIo) {
    ASSERT_EQ(linux_autoconfig(g), Kind::i16550a);

    // Startup: clear FIFOs and the interrupt sources.
    g.out(kFcr, fcr::kEnable);
    g.out(kFcr, fcr::kEnable | fcr::kClearRx | fcr::kClearTx);
    g.out(kFcr, 0);
    g.in(kLsr);
    g.in(kRbr);
    g.in(kIir);
    g.in(kMsr);
    EXPECT_NE(g.in(kLsr), 0xff);

    // THRE must be re-asserted when ETBEI is toggled (else UART_BUG_THRE).
    g.out(kIer, ier::kThrEmpty);
    const uint8_t iir1 = g.in(kIir);
    g.out(kIer, 0);
    g.out(kIer, ier::kThrEmpty);
    const uint8_t iir2 = g.in(kIir);
    g.out(kIer, 0);
    EXPECT_EQ(iir1 & iir::kNoInterrupt, 0);
    EXPECT_EQ(iir2 & iir::kNoInterrupt, 0);

    g.out(kLcr, 0x03);
    g.out(kMcr, mcr::kDtr | mcr::kRts | mcr::kOut2);
    // Enabling ETBEI must interrupt at once (else UART_BUG_TXEN).
    g.out(kIer, ier::kThrEmpty);
    const uint8_t lsr = g.in(kLsr);
    const uint8_t iir3 = g.in(kIir);
    g.out(kIer, 0);
    EXPECT_FALSE((lsr & lsr::kTxEmpty) && (iir3 & iir::kNoInterrupt));
    EXPECT_EQ(line.calls, (Calls{true, false}));  // the TXEN test's interrupt
    g.in(kLsr);
    g.in(kRbr);
    g.in(kIir);
    g.in(kMsr);
    uint8_t ier = ier::kLineStatus | ier::kRxData;
    g.out(kIer, ier);

    // set_termios: 115200 8N1, FIFO with an 8-byte trigger.
    g.out(kLcr, lcr::kDlab | 0x03);
    g.out(kDll, 1);
    g.out(kDlm, 0);
    g.out(kLcr, 0x03);
    g.out(kFcr, fcr::kEnable);
    g.out(kFcr, fcr::kEnable | 0x80);
    EXPECT_EQ(u.divisor(), 1);
    EXPECT_EQ(g.in(kIir), 0xC1);
    line.calls.clear();

    // TX: start_tx sets ETBEI; the handler fills THR and stops TX when done.
    std::string tx = "hi\n", rx;
    ier |= ier::kThrEmpty;
    g.out(kIer, ier);
    EXPECT_EQ(line.calls, (Calls{true}));
    linux_isr(tx, rx, ier);
    EXPECT_EQ(sink.bytes, "hi\n");
    EXPECT_TRUE(rx.empty());
    // IIR read clears; each THR write rises again (a pulse after the first); stop_tx lowers.
    EXPECT_EQ(line.calls, (Calls{true, false, true, false, true, false, true, false}));
    EXPECT_FALSE(u.irq_level());

    // A long write takes several THRE interrupts.
    line.calls.clear();
    tx = std::string(40, 'L');
    ier |= ier::kThrEmpty;
    g.out(kIer, ier);
    linux_isr(tx, rx, ier);
    EXPECT_EQ(sink.bytes, "hi\n" + std::string(40, 'L'));
    EXPECT_FALSE(u.irq_level());

    // RX below the trigger level: the timeout indication interrupts.
    line.calls.clear();
    EXPECT_EQ(push("ls\r"), 3u);
    EXPECT_EQ(line.calls, (Calls{true}));
    EXPECT_EQ(g.in(kIir), 0xCC);
    linux_isr(tx, rx, ier);
    EXPECT_EQ(rx, "ls\r");
    EXPECT_EQ(line.calls, (Calls{true, false}));

    // RX at the trigger level.
    EXPECT_EQ(push("0123456789"), 10u);
    EXPECT_EQ(g.in(kIir), 0xC4);
    linux_isr(tx, rx, ier);
    EXPECT_EQ(rx, "ls\r0123456789");
    EXPECT_EQ(line.calls, (Calls{true, false, true, false}));
    EXPECT_EQ(u.stats().overruns, 0u);
}

TEST_F(VuartDriver, PolledTestKernel) {
    // init: 115200 8N1, FIFOs on and cleared, trigger 14, DTR|RTS, no interrupts.
    g.out(kIer, 0);
    g.out(kLcr, lcr::kDlab);
    g.out(kDll, 1);
    g.out(kDlm, 0);
    g.out(kLcr, 0x03);
    g.out(kFcr, 0xC7);
    g.out(kMcr, mcr::kDtr | mcr::kRts);

    auto putc = [&](char c) {
        int spins = 0;
        while ((g.in(kLsr) & lsr::kThrEmpty) == 0) ASSERT_LT(++spins, 1000);
        g.out(kThr, static_cast<uint8_t>(c));
    };
    auto getc = [&]() -> int { return (g.in(kLsr) & lsr::kDataReady) ? g.in(kRbr) : -1; };

    for (char c : std::string("Hello from the test kernel\r\n")) putc(c);
    EXPECT_EQ(sink.bytes, "Hello from the test kernel\r\n");
    EXPECT_EQ(getc(), -1);
    EXPECT_EQ(push("ok\n"), 3u);
    std::string in;
    for (int c; (c = getc()) >= 0;) in += static_cast<char>(c);
    EXPECT_EQ(in, "ok\n");
    EXPECT_TRUE(line.calls.empty());
    EXPECT_EQ(g.in(kIir), 0xC1);
    EXPECT_EQ(u.lcr(), 0x03);
}

TEST_F(VuartDriver, WideAccessesThroughTheBusReadAllOnes) {
    uint32_t v = 0;
    EXPECT_EQ(bus.dispatch_read(kCom1 + kLsr, 2, v), PioResult::refused);
    EXPECT_EQ(v, 0xffffu);
    EXPECT_EQ(bus.dispatch_write(kCom1, 4, 'x'), PioResult::refused);
    EXPECT_TRUE(sink.bytes.empty());
    EXPECT_EQ(bus.dispatch_read(kCom1 + 8, 1, v), PioResult::unclaimed);  // COM1 has 8 ports
    EXPECT_EQ(bus.dispatch_read(kCom1 + 6, 4, v), PioResult::unclaimed);  // straddles the end
    EXPECT_EQ(bus.stats().refused_reads, 1u);
    EXPECT_EQ(u.stats().refused, 2u);
}

}  // namespace
