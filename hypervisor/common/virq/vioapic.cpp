// Virtual I/O APIC: register access, line handling and Remote IRR / EOI.
#include "common/virq/vioapic.hpp"

namespace bh::virq {

using namespace ioapic;

namespace {

DeliveryMode mode_of(uint64_t rte) {
    return static_cast<DeliveryMode>((rte & kRteDeliveryMode) >> kRteDeliveryShift);
}

bool reserved_mode(uint64_t rte) {
    const uint64_t m = (rte & kRteDeliveryMode) >> kRteDeliveryShift;
    return m == 3 || m == 6;
}

// Level semantics apply to fixed and lowest-priority entries only: SMI,
// NMI, INIT and ExtINT are treated as edge. // 82093AA 3.2.4, bits 10:8
bool is_level(uint64_t rte) {
    const DeliveryMode m = mode_of(rte);
    return (rte & kRteLevel) != 0 && (m == DeliveryMode::fixed || m == DeliveryMode::lowest_priority);
}

bool is_masked(uint64_t rte) { return (rte & kRteMasked) != 0; }

uint8_t vector_of(uint64_t rte) { return static_cast<uint8_t>(rte & kRteVector); }

uint64_t all_ones(uint32_t size) { return size >= 8 ? ~uint64_t{0} : (uint64_t{1} << (size * 8)) - 1; }

}  // namespace

Vioapic::Status Vioapic::init(const Config& cfg, InterruptSink& sink) {
    if (cfg.pins == 0 || cfg.pins > kMaxPins || cfg.id > kIdMask) return Status::bad_config;
    sink_ = &sink;
    base_ = cfg.base;
    pins_ = cfg.pins;
    initial_id_ = cfg.id;
    id_ = arb_id_ = cfg.id;
    regsel_ = 0;
    counters_ = {};
    for (Pin& p : pin_) p = Pin{};
    return Status::ok;
}

void Vioapic::reset() {
    if (!ready()) return;
    id_ = arb_id_ = initial_id_;
    regsel_ = 0;
    for (uint16_t i = 0; i < pins_; ++i) {
        const uint64_t old = pin_[i].rte;
        pin_[i].rte = kRteReset;
        pin_[i].irr_vector = 0;
        if (old != kRteReset) sink_->routing_changed(i);
    }
}

Vioapic::Status Vioapic::bad_access() {
    ++counters_.bad_accesses;
    return Status::bad_access;
}

Vioapic::Status Vioapic::mmio_read(uint64_t gpa, uint32_t size, uint64_t& value) {
    value = all_ones(size);
    if (!ready()) return Status::not_ready;
    const uint64_t off = gpa - base_;
    if (off >= kMmioSize || size != 4 || (off & 3) != 0) return bad_access();
    switch (off) {
    case kIoRegSel:
        value = regsel_;
        return Status::ok;
    case kIoWin: {
        value = read_register(regsel_);
        return implemented(regsel_) ? Status::ok : bad_access();
    }
    case kEoi:
        value = 0;  // write-only
        return Status::ok;
    default:
        return bad_access();
    }
}

Vioapic::Status Vioapic::mmio_write(uint64_t gpa, uint32_t size, uint64_t value) {
    if (!ready()) return Status::not_ready;
    const uint64_t off = gpa - base_;
    if (off >= kMmioSize || size != 4 || (off & 3) != 0) return bad_access();
    const auto v = static_cast<uint32_t>(value);
    switch (off) {
    case kIoRegSel:
        regsel_ = static_cast<uint8_t>(v);  // bits 31:8 reserved
        return Status::ok;
    case kIoWin: {
        if (!implemented(regsel_)) return bad_access();
        write_register(regsel_, v);
        return Status::ok;
    }
    case kEoi:
        eoi(static_cast<uint8_t>(v));
        return Status::ok;
    default:
        return bad_access();
    }
}

bool Vioapic::implemented(uint8_t index) const {
    return index <= kRegArb || (index >= kRegRte0 && uint32_t{index} - kRegRte0 < 2u * pins_);
}

uint32_t Vioapic::read_register(uint8_t index) {
    switch (index) {
    case kRegId: return uint32_t{id_} << kIdShift;
    case kRegVersion: return kVersion | (uint32_t{static_cast<uint16_t>(pins_ - 1)} << 16);
    case kRegArb: return uint32_t{arb_id_} << kIdShift;
    default: break;
    }
    if (!implemented(index)) return 0;
    const uint64_t rte = pin_[(index - kRegRte0) / 2].rte;
    return (index & 1) != 0 ? static_cast<uint32_t>(rte >> 32) : static_cast<uint32_t>(rte);
}

void Vioapic::write_register(uint8_t index, uint32_t value) {
    if (index == kRegId) {
        id_ = static_cast<uint8_t>((value >> kIdShift) & kIdMask);
        arb_id_ = id_;  // the arbitration ID is loaded whenever the ID is written
        return;
    }
    if (index < kRegRte0) return;  // version and arbitration ID are read-only
    const auto pin = static_cast<uint16_t>((index - kRegRte0) / 2);
    const uint64_t old = pin_[pin].rte;
    const uint64_t half = (index & 1) != 0 ? uint64_t{value} << 32 : uint64_t{value};
    const uint64_t half_mask = (index & 1) != 0 ? 0xFFFF'FFFF'0000'0000 : 0x0000'0000'FFFF'FFFF;
    const uint64_t writable = kRteWritable & half_mask;
    write_rte(pin, (old & ~writable) | (half & writable));
}

void Vioapic::write_rte(uint16_t pin, uint64_t value) {
    Pin& p = pin_[pin];
    const uint64_t old = p.rte;
    p.rte = value;
    // Remote IRR only has a meaning for level entries: leaving level mode
    // clears it (see the class comment).
    if (!is_level(p.rte)) p.rte &= ~kRteRemoteIrr;
    if (((old ^ p.rte) & kRteWritable) != 0) sink_->routing_changed(pin);
    evaluate_level(pin);
}

Vioapic::Status Vioapic::assert_line(uint16_t pin) {
    if (!ready()) return Status::not_ready;
    if (pin >= pins_) return Status::bad_pin;
    set_line(pin, true);
    return Status::ok;
}

Vioapic::Status Vioapic::deassert_line(uint16_t pin) {
    if (!ready()) return Status::not_ready;
    if (pin >= pins_) return Status::bad_pin;
    set_line(pin, false);
    return Status::ok;
}

Vioapic::Status Vioapic::pulse_line(uint16_t pin) {
    if (!ready()) return Status::not_ready;
    if (pin >= pins_) return Status::bad_pin;
    set_line(pin, true);
    set_line(pin, false);
    return Status::ok;
}

Vioapic::Status Vioapic::set_pin_level(uint16_t pin, bool high) {
    if (!ready()) return Status::not_ready;
    if (pin >= pins_) return Status::bad_pin;
    const bool active_low = (pin_[pin].rte & kRtePolarityLow) != 0;
    set_line(pin, high != active_low);
    return Status::ok;
}

void Vioapic::set_line(uint16_t pin, bool active) {
    Pin& p = pin_[pin];
    const bool rising = active && !p.asserted;
    p.asserted = active;
    if (is_level(p.rte)) {
        evaluate_level(pin);
    } else if (rising && !is_masked(p.rte)) {
        send(pin);
    }
}

void Vioapic::evaluate_level(uint16_t pin) {
    const Pin& p = pin_[pin];
    if (is_level(p.rte) && p.asserted && !is_masked(p.rte) && (p.rte & kRteRemoteIrr) == 0) send(pin);
}

void Vioapic::send(uint16_t pin) {
    Pin& p = pin_[pin];
    if (reserved_mode(p.rte)) {
        ++counters_.reserved_mode;
        return;
    }
    const bool level = is_level(p.rte);
    const IrqMessage msg{
        vector_of(p.rte),
        mode_of(p.rte),
        (p.rte & kRteDestLogical) != 0,
        static_cast<uint8_t>(p.rte >> kRteDestShift),
        level,
        pin,
    };
    ++counters_.messages;
    if (!sink_->deliver(msg)) {
        ++counters_.not_accepted;
        return;
    }
    if (level) {
        p.rte |= kRteRemoteIrr;
        p.irr_vector = msg.vector;
    }
}

uint32_t Vioapic::eoi(uint8_t vector) {
    if (!ready()) return 0;
    uint32_t cleared = 0;
    for (uint16_t i = 0; i < pins_; ++i) {
        Pin& p = pin_[i];
        if ((p.rte & kRteRemoteIrr) == 0) continue;
        if (vector != vector_of(p.rte) && vector != p.irr_vector) continue;
        p.rte &= ~kRteRemoteIrr;
        ++cleared;
        evaluate_level(i);  // line still active: deliver again
    }
    return cleared;
}

bool Vioapic::vector_is_level(uint8_t vector) const {
    for (uint16_t i = 0; i < pins_; ++i) {
        const Pin& p = pin_[i];
        if (is_level(p.rte) && vector_of(p.rte) == vector) return true;
        if ((p.rte & kRteRemoteIrr) != 0 && p.irr_vector == vector) return true;
    }
    return false;
}

void Vioapic::level_vectors(uint64_t (&bitmap)[4]) const {
    for (uint64_t& w : bitmap) w = 0;
    for (uint16_t i = 0; i < pins_; ++i) {
        const Pin& p = pin_[i];
        if (is_level(p.rte)) {
            const uint8_t v = vector_of(p.rte);
            bitmap[v / 64] |= uint64_t{1} << (v % 64);
        }
        if ((p.rte & kRteRemoteIrr) != 0) bitmap[p.irr_vector / 64] |= uint64_t{1} << (p.irr_vector % 64);
    }
}

const char* to_string(Vioapic::Status s) {
    switch (s) {
    case Vioapic::Status::ok: return "ok";
    case Vioapic::Status::bad_pin: return "bad pin";
    case Vioapic::Status::bad_access: return "bad access";
    case Vioapic::Status::bad_config: return "bad config";
    case Vioapic::Status::not_ready: return "not ready";
    }
    return "?";
}

}  // namespace bh::virq
