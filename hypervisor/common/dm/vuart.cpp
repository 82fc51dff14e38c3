// vUART register semantics and interrupt logic (see vuart.hpp for the model).
#include "common/dm/vuart.hpp"

namespace bh::dm {

using namespace uart;

namespace {

// In loopback the four modem control outputs drive the four modem status
// inputs: RTS->CTS, DTR->DSR, OUT1->RI, OUT2->DCD.  // PC16550D MODEM Control Register, bit 4
constexpr uint8_t loopback_lines(uint8_t mcr_value) {
    uint8_t lines = 0;
    if (mcr_value & mcr::kRts) lines |= msr::kCts;
    if (mcr_value & mcr::kDtr) lines |= msr::kDsr;
    if (mcr_value & mcr::kOut1) lines |= msr::kRi;
    if (mcr_value & mcr::kOut2) lines |= msr::kDcd;
    return lines;
}

// Whether INTR reaches the interrupt line under a gating policy. Loopback
// forces the OUT2 pin to its inactive state.  // PC16550D MODEM Control Register, bits 3-4
constexpr bool gate_open(IrqGate gate, uint8_t mcr_value) {
    switch (gate) {
        case IrqGate::out2: return (mcr_value & mcr::kOut2) != 0 && (mcr_value & mcr::kLoop) == 0;
        case IrqGate::direct: return true;
    }
    return false;
}

}  // namespace

void Vuart::reset() {
    // PC16550D reset table: IER, FCR, LCR, MCR = 0; IIR = 0x01; LSR = 0x60;
    // MSR deltas 0 and lines = inputs. SCR and the divisor are not reset by
    // the part; they get the same values as at construction.
    rx_.clear();
    last_rx_ = 0;
    ier_ = 0;
    lcr_ = 0;
    mcr_ = 0;
    lsr_errors_ = 0;
    msr_ = static_cast<uint8_t>(modem_inputs_ & msr::kLines);
    scr_ = 0;
    dll_ = static_cast<uint8_t>(kResetDivisor & 0xff);
    dlm_ = static_cast<uint8_t>(kResetDivisor >> 8);
    rx_trigger_ = kTriggerLevels[0];
    fifo_enabled_ = false;
    thre_pending_ = false;
    update_irq();
}

bool Vuart::read(uint16_t offset, uint8_t size, uint32_t& value) {
    if (size != 1 || offset >= kPortCount) {
        ++stats_.refused;
        return false;
    }
    value = read_reg(static_cast<uint8_t>(offset));
    return true;
}

bool Vuart::write(uint16_t offset, uint8_t size, uint32_t value) {
    if (size != 1 || offset >= kPortCount) {
        ++stats_.refused;
        return false;
    }
    write_reg(static_cast<uint8_t>(offset), static_cast<uint8_t>(value));
    return true;
}

uint8_t Vuart::read_reg(uint8_t offset) {
    switch (offset % kRegCount) {
        case kRbr: return dlab() ? dll_ : read_rbr();
        case kIer: return dlab() ? dlm_ : ier_;
        case kIir: return read_iir();
        case kLcr: return lcr_;
        case kMcr: return mcr_;
        case kLsr: return read_lsr();
        case kMsr: return read_msr();
        default: return scr_;
    }
}

void Vuart::write_reg(uint8_t offset, uint8_t value) {
    switch (offset % kRegCount) {
        case kThr:
            if (dlab()) {
                dll_ = value;
            } else {
                write_thr(value);
            }
            return;
        case kIer:
            if (dlab()) {
                dlm_ = value;
            } else {
                write_ier(value);
            }
            return;
        case kFcr: write_fcr(value); return;
        case kLcr: lcr_ = value; return;  // DLAB only remaps offsets 0/1; no interrupt effect
        case kMcr: write_mcr(value); return;
        case kLsr:
        case kMsr: ++stats_.ignored_writes; return;  // read-only status registers
        default: scr_ = value; return;
    }
}

// ---- reads with side effects ----

uint8_t Vuart::read_rbr() {
    uint8_t b = 0;
    if (!rx_.pop(b)) return last_rx_;
    last_rx_ = b;
    update_irq();  // RX data / timeout go away with the data
    notify_rx_space();
    return b;
}

uint8_t Vuart::read_iir() {
    const uint8_t id = interrupt_id();
    // Reading IIR clears the THRE interrupt only when it is the source it reports.
    if (id == iir::kThrEmpty) {
        thre_pending_ = false;
        update_irq();
    }
    return static_cast<uint8_t>(id | (fifo_enabled_ ? iir::kFifoEnabled : 0));
}

uint8_t Vuart::read_lsr() {
    const uint8_t v = lsr_value();
    if (lsr_errors_ != 0) {  // OE (and PE/FE/BI) are cleared by the read
        lsr_errors_ = 0;
        update_irq();
    }
    return v;
}

uint8_t Vuart::read_msr() {
    const uint8_t v = msr_;
    if ((msr_ & msr::kDeltas) != 0) {  // deltas are cleared by the read
        msr_ = static_cast<uint8_t>(msr_ & msr::kLines);
        update_irq();
    }
    return v;
}

// ---- writes ----

void Vuart::write_thr(uint8_t v) {
    thre_pending_ = false;
    update_irq();
    if (loopback()) {
        ++stats_.loopback_bytes;
        receive_from_wire(v);  // SOUT is held marking; the byte goes to our own receiver
    } else if (sink_ != nullptr) {
        ++stats_.tx_bytes;
        sink_->put(v);
    } else {
        ++stats_.tx_no_sink;
    }
    thre_pending_ = true;  // the byte left at once: THR is empty again
    update_irq();
}

void Vuart::write_ier(uint8_t v) {
    const bool had_etbei = (ier_ & ier::kThrEmpty) != 0;
    ier_ = static_cast<uint8_t>(v & ier::kMask);
    // Enabling ETBEI with THR empty raises the THRE interrupt (THR is always empty here).
    if (!had_etbei && (ier_ & ier::kThrEmpty) != 0) thre_pending_ = true;
    update_irq();
}

void Vuart::write_fcr(uint8_t v) {
    if ((v & fcr::kEnable) == 0) {
        // 16450 mode; the other bits are not programmed. Changing mode clears the FIFOs.
        if (fifo_enabled_) {
            fifo_enabled_ = false;
            flush_rx();
        }
    } else {
        if (!fifo_enabled_) {
            fifo_enabled_ = true;
            flush_rx();
        }
        if ((v & fcr::kClearRx) != 0) flush_rx();
        // kClearTx: the TX FIFO never holds anything. DMA mode only changes
        // the RXRDY/TXRDY pins, which do not exist here.
        rx_trigger_ = kTriggerLevels[v >> fcr::kTriggerShift];
    }
    update_irq();
    notify_rx_space();
}

void Vuart::write_mcr(uint8_t v) {
    const bool was_loopback = loopback();
    mcr_ = static_cast<uint8_t>(v & mcr::kMask);
    update_modem_status();
    update_irq();
    if (was_loopback && !loopback()) notify_rx_space();  // SIN is connected again
}

// ---- host side ----

size_t Vuart::rx_space() const { return loopback() ? 0 : rx_capacity() - rx_.size(); }

size_t Vuart::push_rx(const uint8_t* data, size_t n) {
    if (data == nullptr) return 0;
    const size_t space = rx_space();
    const size_t take = n < space ? n : space;
    for (size_t i = 0; i < take; ++i) rx_.push(data[i]);
    if (take == 0) return 0;
    stats_.rx_bytes += take;
    update_irq();
    return take;
}

size_t Vuart::push_rx_lossy(const uint8_t* data, size_t n) {
    if (data == nullptr) return 0;
    if (loopback()) {
        stats_.rx_disconnected += n;
        return 0;
    }
    const uint64_t overruns_before = stats_.overruns;
    for (size_t i = 0; i < n; ++i) receive_from_wire(data[i]);
    return n - static_cast<size_t>(stats_.overruns - overruns_before);
}

void Vuart::set_modem_inputs(uint8_t msr_lines) {
    modem_inputs_ = static_cast<uint8_t>(msr_lines & msr::kLines);
    update_modem_status();
    update_irq();
}

// ---- internals ----

uint8_t Vuart::lsr_value() const {
    uint8_t v = static_cast<uint8_t>(lsr_errors_ | lsr::kThrEmpty | lsr::kTxEmpty);
    if (!rx_.empty()) v = static_cast<uint8_t>(v | lsr::kDataReady);
    return v;
}

// Highest-priority pending source.  // PC16550D Interrupt Identification Register
uint8_t Vuart::interrupt_id() const {
    if ((ier_ & ier::kLineStatus) != 0 && lsr_errors_ != 0) return iir::kLineStatus;
    if ((ier_ & ier::kRxData) != 0 && !rx_.empty()) {
        // Below the trigger level only in FIFO mode (16450 mode triggers at 1).
        return rx_.size() >= trigger_level() ? iir::kRxData : iir::kRxTimeout;
    }
    if ((ier_ & ier::kThrEmpty) != 0 && thre_pending_) return iir::kThrEmpty;
    if ((ier_ & ier::kModemStatus) != 0 && (msr_ & msr::kDeltas) != 0) return iir::kModemStatus;
    return iir::kNoInterrupt;
}

void Vuart::receive_from_wire(uint8_t b) {
    if (rx_.size() < rx_capacity()) {
        rx_.push(b);
        ++stats_.rx_bytes;
    } else {
        // Overrun. FIFO mode: the new character is lost. 16450 mode: it
        // overwrites the holding register.  // PC16550D Line Status Register, bit 1
        lsr_errors_ = static_cast<uint8_t>(lsr_errors_ | lsr::kOverrun);
        ++stats_.overruns;
        if (!fifo_enabled_) {
            rx_.clear();
            rx_.push(b);
            ++stats_.rx_bytes;
        }
    }
    update_irq();
}

void Vuart::flush_rx() {
    stats_.rx_flushed += rx_.size();
    rx_.clear();
}

void Vuart::update_modem_status() {
    const uint8_t lines = loopback() ? loopback_lines(mcr_) : static_cast<uint8_t>(modem_inputs_ & msr::kLines);
    const uint8_t old = static_cast<uint8_t>(msr_ & msr::kLines);
    const uint8_t changed = static_cast<uint8_t>(old ^ lines);
    uint8_t deltas = static_cast<uint8_t>(msr_ & msr::kDeltas);
    if (changed & msr::kCts) deltas |= msr::kDeltaCts;
    if (changed & msr::kDsr) deltas |= msr::kDeltaDsr;
    if (changed & msr::kDcd) deltas |= msr::kDeltaDcd;
    if ((old & msr::kRi) != 0 && (lines & msr::kRi) == 0) deltas |= msr::kTrailingRi;  // RI trailing edge only
    msr_ = static_cast<uint8_t>(lines | deltas);
}

void Vuart::update_irq() {
    const bool level = interrupt_id() != iir::kNoInterrupt && gate_open(gate_, mcr_);
    if (level == line_level_) return;
    line_level_ = level;
    if (irq_ != nullptr) irq_->set_level(level);
}

void Vuart::notify_rx_space() {
    if (rx_source_ != nullptr && rx_space() > 0) rx_source_->rx_space_available(*this);
}

}  // namespace bh::dm
