// Virtual PC16550D UART (vUART): registers, RX FIFO and interrupt logic of
// one guest serial port, registered on the VM's PioBus for its 8 ports.
#pragma once
#include <cstddef>
#include <cstdint>

#include "common/dm/byte_ring.hpp"
#include "common/dm/pio_bus.hpp"
#include "common/dm/uart_regs.hpp"

namespace bh::dm {

class Vuart;

// Where transmitted bytes go: the VM console, a vUART link, ...
class UartSink {
public:
    virtual void put(uint8_t byte) = 0;

protected:
    ~UartSink() = default;
};

// The interrupt output, a level: called with the new level on every change
// (and only then). The vPIC/vIOAPIC pin behind it decides edge or level.
class IrqLine {
public:
    virtual void set_level(bool high) = 0;

protected:
    ~IrqLine() = default;
};

// The producer of received bytes (console input, a link peer). Told when the
// RX side gained room (the guest read RBR, cleared the FIFO, left loopback,
// ...) so it can push what it kept back; it may call push_rx() from inside.
class RxSource {
public:
    virtual void rx_space_available(Vuart& uart) = 0;

protected:
    ~RxSource() = default;
};

// How INTR reaches the interrupt line.
enum class IrqGate : uint8_t {
    out2,    // PC wiring: the line follows INTR only while the OUT2 pin is active
             // (MCR.OUT2 = 1 and not in loopback, which forces the pin inactive)
    direct,  // INTR drives the line as is
};

struct VuartStats {
    uint64_t tx_bytes;        // THR writes handed to the sink
    uint64_t tx_no_sink;      // THR writes with no sink attached (discarded)
    uint64_t loopback_bytes;  // THR writes looped back to RX
    uint64_t rx_bytes;        // bytes that entered the RX FIFO
    uint64_t overruns;        // bytes lost to a full receiver (LSR.OE)
    uint64_t rx_disconnected; // push_rx_lossy() bytes dropped in loopback (SIN disconnected)
    uint64_t rx_flushed;      // bytes the guest discarded (FCR clear / FIFO mode change)
    uint64_t refused;         // accesses wider than one byte
    uint64_t ignored_writes;  // writes to the read-only LSR/MSR
};

// Model notes (where the emulation departs from timing-accurate hardware):
//  * TX: a THR write hands the byte to the sink at once, so THR and the
//    transmitter shift register are always empty: LSR.THRE and LSR.TEMT read
//    1, and a THR write clears the THRE interrupt and re-arms it in the same
//    access (the line pulses low-high when it is otherwise high).
//  * THRE interrupt: pending after THR becomes empty or after IER.ETBEI goes
//    0 -> 1 (THR being empty); cleared by an IIR read that reports it or by a
//    THR write. Rewriting IER with ETBEI already set does not re-arm it.
//  * Character timeout (IIR 0xC): there is no time, and the host side delivers
//    all it has synchronously (push_rx(), and again from rx_space_available()),
//    so data below the trigger level means no more is coming "now": the
//    timeout indication is reported whenever FIFOs are on and the RX FIFO
//    holds 1..trigger-1 bytes, until they are read (or reach the trigger
//    level, which reports 0x4 instead).
//  * Receive errors: only overrun exists (no parity/framing/break on a
//    virtual wire), so LSR bits 2..4 and 7 read 0.
//  * Modem inputs (CTS, DSR, RI, DCD) are host-set values, by default
//    CTS+DSR+DCD asserted. Delta bits follow the effective inputs, so they
//    also record changes caused by entering/leaving loopback.
//  * Accesses must be one byte wide; wider ones are refused (all ones /
//    dropped) rather than split into byte cycles.
//  * The divisor latch is not reset by the datasheet; it starts at 1
//    (115200 baud) and only matters to guests that read it back.
//
// Not synchronised: the owner serialises every call on a vUART (guest
// accesses and host-side calls) with one lock. Outgoing calls (sink, IRQ
// line, RX source) happen synchronously inside those calls; vUARTs joined by
// a VuartLink call each other, so both must be covered by the same lock.
class Vuart final : public PioDevice {
public:
    static constexpr uint16_t kPortCount = uart::kRegCount;
    static constexpr size_t kFifoSize = uart::kFifoSize;
    static constexpr uint16_t kResetDivisor = 1;
    static constexpr uint8_t kDefaultModemInputs = uart::msr::kCts | uart::msr::kDsr | uart::msr::kDcd;

    // Starts in the reset state; constexpr so that static vUARTs need no constructor call.
    explicit constexpr Vuart(IrqGate gate = IrqGate::out2) : gate_(gate) {}
    Vuart(const Vuart&) = delete;
    Vuart& operator=(const Vuart&) = delete;

    // Connections (nullptr disconnects). Changing the IRQ line does not call
    // the new one; the caller reads irq_level() if it needs the current level.
    void set_sink(UartSink* sink) { sink_ = sink; }
    void set_irq_line(IrqLine* line) { irq_ = line; }
    void set_rx_source(RxSource* src) { rx_source_ = src; }
    UartSink* sink() const { return sink_; }
    RxSource* rx_source() const { return rx_source_; }

    // Master reset: registers to the datasheet's reset state (connections,
    // modem inputs and statistics are kept). Lowers the line if it was high.
    void reset();

    // PioDevice: one-byte accesses at offsets 0..7.
    bool read(uint16_t offset, uint8_t size, uint32_t& value) override;
    bool write(uint16_t offset, uint8_t size, uint32_t value) override;

    // The same, by register (offset taken modulo 8).
    uint8_t read_reg(uint8_t offset);
    void write_reg(uint8_t offset, uint8_t value);

    // ---- host side ----
    // Queues received bytes as far as the receiver has room (16 bytes in FIFO
    // mode, 1 in 16450 mode, none in loopback where SIN is disconnected).
    // Returns how many were taken; the caller keeps the rest.
    size_t push_rx(const uint8_t* data, size_t n);
    size_t rx_space() const;
    // Delivers bytes the way a wire would: bytes the receiver has no room for
    // overrun (LSR.OE, counted; in 16450 mode the holding register is
    // overwritten). Dropped entirely in loopback. Returns the bytes stored.
    size_t push_rx_lossy(const uint8_t* data, size_t n);
    // Sets the external CTS/DSR/RI/DCD inputs (MSR bits 7:4 positions).
    void set_modem_inputs(uint8_t msr_lines);

    // ---- state, for the shell and tests ----
    bool irq_level() const { return line_level_; }
    uint16_t divisor() const { return static_cast<uint16_t>(dll_ | (dlm_ << 8)); }
    uint8_t lcr() const { return lcr_; }
    uint8_t mcr() const { return mcr_; }
    bool fifo_enabled() const { return fifo_enabled_; }
    size_t rx_count() const { return rx_.size(); }
    const VuartStats& stats() const { return stats_; }

private:
    bool dlab() const { return (lcr_ & uart::lcr::kDlab) != 0; }
    bool loopback() const { return (mcr_ & uart::mcr::kLoop) != 0; }
    size_t rx_capacity() const { return fifo_enabled_ ? kFifoSize : 1; }
    size_t trigger_level() const { return fifo_enabled_ ? rx_trigger_ : 1; }

    uint8_t interrupt_id() const;  // IIR bits 3:0
    uint8_t lsr_value() const;
    uint8_t read_rbr();
    uint8_t read_iir();
    uint8_t read_lsr();
    uint8_t read_msr();
    void write_thr(uint8_t v);
    void write_ier(uint8_t v);
    void write_fcr(uint8_t v);
    void write_mcr(uint8_t v);

    void receive_from_wire(uint8_t b);  // loopback TX and push_rx_lossy
    void flush_rx();
    void update_modem_status();
    void update_irq();
    void notify_rx_space();

    IrqGate gate_;
    UartSink* sink_ = nullptr;
    IrqLine* irq_ = nullptr;
    RxSource* rx_source_ = nullptr;

    ByteRing<kFifoSize> rx_;
    uint8_t last_rx_ = 0;  // RBR keeps the last byte when the FIFO is empty
    uint8_t ier_ = 0;
    uint8_t lcr_ = 0;
    uint8_t mcr_ = 0;
    uint8_t lsr_errors_ = 0;  // sticky LSR bits 4:1 (only OE is ever set)
    uint8_t msr_ = kDefaultModemInputs;  // lines 7:4 (effective inputs) and deltas 3:0
    uint8_t scr_ = 0;
    uint8_t dll_ = kResetDivisor & 0xff;
    uint8_t dlm_ = kResetDivisor >> 8;
    uint8_t rx_trigger_ = 1;
    uint8_t modem_inputs_ = kDefaultModemInputs;
    bool fifo_enabled_ = false;
    bool thre_pending_ = false;
    bool line_level_ = false;
    VuartStats stats_ = {};
};

// Registers `uart` on `bus` for ports [base, base + 8).
inline PioStatus attach(PioBus& bus, uint16_t base, Vuart& uart) {
    return bus.add(base, Vuart::kPortCount, uart);
}

}  // namespace bh::dm
