// Virtual PIC: port decoding, the cascade through master IR2, INTA and INTR.
#include "common/virq/vpic.hpp"

namespace bh::virq {

void Vpic::reset() {
    master_.reset();
    slave_.reset();
    update();
}

bool Vpic::handles(uint16_t port) {
    return port == kMasterCmd || port == kMasterData || port == kSlaveCmd || port == kSlaveData ||
           port == kElcrMaster || port == kElcrSlave;
}

bool Vpic::read8(uint16_t port, uint8_t& value) {
    switch (port) {
    case kMasterCmd: value = master_.read(false); return true;
    case kMasterData: value = master_.read(true); return true;
    case kSlaveCmd: value = slave_.read(false); return true;
    case kSlaveData: value = slave_.read(true); return true;
    case kElcrMaster: value = master_.elcr(); return true;
    case kElcrSlave: value = slave_.elcr(); return true;
    default: value = 0xFF; return false;
    }
}

bool Vpic::write8(uint16_t port, uint8_t value) {
    switch (port) {
    case kMasterCmd: master_.write(false, value); return true;
    case kMasterData: master_.write(true, value); return true;
    case kSlaveCmd: slave_.write(false, value); return true;
    case kSlaveData: slave_.write(true, value); return true;
    case kElcrMaster: master_.write_elcr(value); return true;
    case kElcrSlave: slave_.write_elcr(value); return true;
    default: return false;
    }
}

Vpic::Status Vpic::pio_read(uint16_t port, uint32_t size, uint32_t& value) {
    value = 0xFFFF'FFFF;
    if (size != 1 && size != 2 && size != 4) return Status::bad_size;
    if (!handles(port)) return Status::bad_port;
    uint32_t v = 0;
    for (uint32_t i = 0; i < size; ++i) {
        uint8_t b = 0xFF;
        read8(static_cast<uint16_t>(port + i), b);
        v |= uint32_t{b} << (8 * i);
        update();  // a poll read acknowledges
    }
    value = v;
    return Status::ok;
}

Vpic::Status Vpic::pio_write(uint16_t port, uint32_t size, uint32_t value) {
    if (size != 1 && size != 2 && size != 4) return Status::bad_size;
    if (!handles(port)) return Status::bad_port;
    for (uint32_t i = 0; i < size; ++i) {
        write8(static_cast<uint16_t>(port + i), static_cast<uint8_t>(value >> (8 * i)));
        update();
    }
    return Status::ok;
}

Vpic::Status Vpic::set_irq_level(uint32_t irq, bool high) {
    if (irq >= kIrqs || irq == kCascadeIr) return Status::bad_irq;
    I8259& chip = irq < 8 ? master_ : slave_;
    chip.set_input(static_cast<uint8_t>(irq & 7), high);
    update();
    return Status::ok;
}

Vpic::Status Vpic::pulse_irq(uint32_t irq) {
    const Status s = set_irq_level(irq, true);
    if (s != Status::ok) return s;
    return set_irq_level(irq, false);
}

bool Vpic::irq_is_level(uint32_t irq) const {
    if (irq >= kIrqs) return false;
    return (irq < 8 ? master_ : slave_).is_level(static_cast<uint8_t>(irq & 7));
}

uint8_t Vpic::acknowledge() {
    ++counters_.acks;
    uint8_t vector = 0;
    const int ir = master_.acknowledge();
    if (ir < 0) {
        ++counters_.spurious_master;
        vector = master_.vector(7);
    } else if (!master_.slave_on(static_cast<uint8_t>(ir))) {
        vector = master_.vector(static_cast<uint8_t>(ir));
    } else if (ir == kCascadeIr && slave_.slave_id() == kCascadeIr) {
        const int sir = slave_.acknowledge();
        if (sir < 0) ++counters_.spurious_slave;
        vector = slave_.vector(sir < 0 ? 7 : static_cast<uint8_t>(sir));
        // The slave's INT drops during the INTA cycle; update() feeds its
        // level after the cycle back in, as a fresh edge if still high.
        master_.set_input(kCascadeIr, false);
    } else {
        ++counters_.bad_cascade;
        vector = 0xFF;  // nobody drives the data bus
    }
    update();
    return vector;
}

void Vpic::update() {
    master_.set_input(kCascadeIr, slave_.int_output());
    const bool intr = master_.int_output();
    if (intr == intr_) return;
    intr_ = intr;
    if (observer_ != nullptr) observer_->intr_changed(intr);
}

const char* to_string(Vpic::Status s) {
    switch (s) {
    case Vpic::Status::ok: return "ok";
    case Vpic::Status::bad_irq: return "bad irq";
    case Vpic::Status::bad_port: return "bad port";
    case Vpic::Status::bad_size: return "bad size";
    }
    return "?";
}

}  // namespace bh::virq
