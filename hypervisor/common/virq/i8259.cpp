// One 8259A core: initialisation sequence, operation commands, priority
// resolution with rotation and special mask, acknowledge and poll.
#include "common/virq/i8259.hpp"

namespace bh::virq {

using namespace pic;

namespace {
constexpr uint8_t bit(int ir) { return static_cast<uint8_t>(1u << (ir & 7)); }
}  // namespace

void I8259::reset() {
    init_ = Init::ready;
    irr_ = isr_ = 0;
    imr_ = 0xFF;
    elcr_ = 0;
    icw2_ = 0;
    icw3_ = master_ ? kPcSlaveOnIr2 : kPcSlaveId;
    lowest_ = 7;
    ltim_ = single_ = need_icw4_ = aeoi_ = sfnm_ = false;
    rotate_aeoi_ = special_mask_ = read_isr_ = poll_ = false;
}

void I8259::write(bool a0, uint8_t v) {
    if (a0) {
        icw(v);
    } else if ((v & kIcw1) != 0) {
        icw1(v);
    } else if ((v & kOcw3) != 0) {
        ocw3(v);
    } else {
        ocw2(v);
    }
}

uint8_t I8259::read(bool a0) {
    if (poll_) {
        poll_ = false;
        const int ir = acknowledge();
        return ir < 0 ? 0 : static_cast<uint8_t>(0x80 | ir);
    }
    if (a0) return imr_;
    return read_isr_ ? isr_ : irr_;
}

void I8259::icw1(uint8_t v) {
    ltim_ = (v & kIcw1Ltim) != 0;
    single_ = (v & kIcw1Sngl) != 0;
    need_icw4_ = (v & kIcw1Ic4) != 0;
    imr_ = isr_ = 0;
    irr_ = 0;
    sync_level_irr();  // level inputs that are high request at once; edges need a new edge
    lowest_ = 7;
    special_mask_ = read_isr_ = poll_ = rotate_aeoi_ = false;
    aeoi_ = sfnm_ = false;  // ICW4 functions are zero unless ICW4 says otherwise
    init_ = Init::icw2;
}

void I8259::icw(uint8_t v) {
    switch (init_) {
    case Init::icw2:
        icw2_ = v;
        init_ = !single_ ? Init::icw3 : need_icw4_ ? Init::icw4 : Init::ready;
        return;
    case Init::icw3:
        icw3_ = v;
        init_ = need_icw4_ ? Init::icw4 : Init::ready;
        return;
    case Init::icw4:
        aeoi_ = (v & kIcw4Aeoi) != 0;
        sfnm_ = master_ && (v & kIcw4Sfnm) != 0;
        init_ = Init::ready;
        return;
    case Init::ready:
        imr_ = v;  // OCW1
        return;
    }
}

void I8259::ocw2(uint8_t v) {
    const auto ir = static_cast<uint8_t>(v & 7);
    switch (v >> 5) {
    case kOcw2NonSpecificEoi: non_specific_eoi(false); return;
    case kOcw2RotateNonSpecificEoi: non_specific_eoi(true); return;
    case kOcw2SpecificEoi: isr_ = static_cast<uint8_t>(isr_ & ~bit(ir)); return;
    case kOcw2RotateSpecificEoi:
        isr_ = static_cast<uint8_t>(isr_ & ~bit(ir));
        lowest_ = ir;
        return;
    case kOcw2SetPriority: lowest_ = ir; return;
    case kOcw2RotateAeoiSet: rotate_aeoi_ = true; return;
    case kOcw2RotateAeoiClear: rotate_aeoi_ = false; return;
    default: return;  // kOcw2Nop
    }
}

void I8259::ocw3(uint8_t v) {
    if ((v & kOcw3Esmm) != 0) special_mask_ = (v & kOcw3Smm) != 0;
    if ((v & kOcw3Rr) != 0) read_isr_ = (v & kOcw3Ris) != 0;
    if ((v & kOcw3Poll) != 0) poll_ = true;
}

void I8259::non_specific_eoi(bool rotate) {
    // The highest-priority level in service; in special mask mode masked
    // levels are skipped. // 8259A datasheet, "Special Mask Mode"
    const int ir = highest(special_mask_ ? static_cast<uint8_t>(isr_ & ~imr_) : isr_);
    if (ir < 0) return;
    isr_ = static_cast<uint8_t>(isr_ & ~bit(ir));
    if (rotate) lowest_ = static_cast<uint8_t>(ir);
}

void I8259::write_elcr(uint8_t value) {
    elcr_ = static_cast<uint8_t>(value & (master_ ? kElcrMasterWritable : kElcrSlaveWritable));
    sync_level_irr();  // edge->level: IRR follows the input; level->edge: a pending request stays latched
}

void I8259::set_input(uint8_t ir, bool high) {
    const uint8_t b = bit(ir);
    const bool rising = high && (input_ & b) == 0;
    input_ = static_cast<uint8_t>(high ? input_ | b : input_ & ~b);
    if (is_level(ir)) {
        irr_ = static_cast<uint8_t>(high ? irr_ | b : irr_ & ~b);
    } else if (rising) {
        irr_ |= b;
    }
}

int I8259::highest(uint8_t bits) const {
    for (int k = 1; k <= 8; ++k) {
        const int ir = (lowest_ + k) & 7;
        if ((bits & bit(ir)) != 0) return ir;
    }
    return -1;
}

int I8259::pending_ir() const {
    const auto requests = static_cast<uint8_t>(irr_ & ~imr_);
    if (requests == 0) return -1;
    const auto in_service = static_cast<uint8_t>(special_mask_ ? isr_ & ~imr_ : isr_);
    for (int k = 1; k <= 8; ++k) {
        const int ir = (lowest_ + k) & 7;
        const uint8_t b = bit(ir);
        if ((in_service & b) != 0) {
            // Fully nested: nothing at or below a level in service, except
            // the cascade input in special fully nested mode.
            return sfnm_ && slave_on(static_cast<uint8_t>(ir)) && (requests & b) != 0 ? ir : -1;
        }
        if ((requests & b) != 0) return ir;
    }
    return -1;
}

int I8259::acknowledge() {
    const int ir = pending_ir();
    if (ir < 0) return -1;
    const uint8_t b = bit(ir);
    if (!is_level(static_cast<uint8_t>(ir))) irr_ = static_cast<uint8_t>(irr_ & ~b);
    if (aeoi_) {
        if (rotate_aeoi_) lowest_ = static_cast<uint8_t>(ir);
    } else {
        isr_ |= b;
    }
    return ir;
}

}  // namespace bh::virq
