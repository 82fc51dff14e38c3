// One 8259A programmable interrupt controller core (8086 mode) with the PIIX
// edge/level control register (ELCR) of its eight inputs.
#pragma once
#include <cstdint>

namespace bh::virq {

// Command bits. // 8259A datasheet, "Initialization Command Words" and
// "Operation Command Words"
namespace pic {
inline constexpr uint8_t kIcw1 = 0x10;      // A0=0, D4=1: ICW1
inline constexpr uint8_t kIcw1Ic4 = 0x01;   // ICW4 follows
inline constexpr uint8_t kIcw1Sngl = 0x02;  // single (no ICW3)
inline constexpr uint8_t kIcw1Ltim = 0x08;  // level-triggered inputs
inline constexpr uint8_t kIcw2VectorMask = 0xF8;  // T7-T3 in 8086 mode
inline constexpr uint8_t kIcw4Upm = 0x01;   // 8086/88 mode
inline constexpr uint8_t kIcw4Aeoi = 0x02;  // automatic EOI
inline constexpr uint8_t kIcw4Sfnm = 0x10;  // special fully nested mode
inline constexpr uint8_t kOcw3 = 0x08;      // A0=0, D4=0, D3=1: OCW3 (else OCW2)
inline constexpr uint8_t kOcw3Ris = 0x01;   // with RR: 1 = read ISR, 0 = read IRR
inline constexpr uint8_t kOcw3Rr = 0x02;    // act on RIS
inline constexpr uint8_t kOcw3Poll = 0x04;  // poll command
inline constexpr uint8_t kOcw3Smm = 0x20;   // with ESMM: 1 = set, 0 = reset special mask
inline constexpr uint8_t kOcw3Esmm = 0x40;  // act on SMM
// OCW2 R/SL/EOI (bits 7:5).
inline constexpr uint8_t kOcw2RotateAeoiClear = 0;
inline constexpr uint8_t kOcw2NonSpecificEoi = 1;
inline constexpr uint8_t kOcw2Nop = 2;
inline constexpr uint8_t kOcw2SpecificEoi = 3;
inline constexpr uint8_t kOcw2RotateAeoiSet = 4;
inline constexpr uint8_t kOcw2RotateNonSpecificEoi = 5;
inline constexpr uint8_t kOcw2SetPriority = 6;
inline constexpr uint8_t kOcw2RotateSpecificEoi = 7;
// PIIX ELCR: IRQ0, 1, 2 (master) and IRQ8, 13 (slave) are edge only and
// their bits read as 0. // PIIX/PIIX4 and ICH datasheets, ELCR1/ELCR2
inline constexpr uint8_t kElcrMasterWritable = 0xF8;
inline constexpr uint8_t kElcrSlaveWritable = 0xDE;
}  // namespace pic

// Behaviour (8259A datasheet) and where we depart from it:
//  - Edge inputs latch a request in IRR on the rising edge; the latch stays
//    until the IR is acknowledged or ICW1 is written, even if the input
//    falls first. (A real 8259A needs the input held until the first INTA
//    and otherwise answers with IR7; virtual devices pulse in zero time, so
//    holding would lose every pulse.) Level inputs: IRR follows the input.
//  - ICW1 resets the chip: IMR, ISR and edge latches cleared, IR7 lowest
//    priority, special mask off, IRR selected for reads, rotate-in-AEOI off,
//    ICW4 functions cleared; edge inputs need a new rising edge. (The
//    datasheet does not list ISR; clearing it keeps an in-service bit left
//    by firmware from blocking every lower level forever.)
//  - Special mask mode: ISR bits of masked levels neither block lower
//    levels nor are cleared by a non-specific EOI.
//  - Special fully nested mode (master only): the in-service cascade input
//    does not block a new request on itself, so a slave can interrupt with a
//    higher-priority input while one of its lower ones is in service.
//  - A poll read is an acknowledge (sets ISR, clears the edge latch, AEOI
//    and rotate-in-AEOI apply) and returns 0x80 | IR, or 0x00 when nothing
//    is pending.
//  - MCS-80/85 mode (ICW4 uPM = 0) and buffered mode are not modelled: the
//    chip always supplies 8086 vectors; master or slave is fixed by wiring.
//  - The power-on state of a real 8259A is undefined until ICW1; here it is
//    fully masked with vector base 0, so an uninitialised chip never
//    raises INT.
class I8259 final {
public:
    // The power-on state of reset(), as a constant initialiser.
    explicit constexpr I8259(bool master) : master_(master), icw3_(master ? kPcSlaveOnIr2 : kPcSlaveId) {}
    I8259(const I8259&) = delete;
    I8259& operator=(const I8259&) = delete;

    void reset();  // power-on state; input levels are kept

    // Port access: a0 is the port's address bit 0 (0x20/0xA0 -> false).
    // A read may change state (poll).
    void write(bool a0, uint8_t value);
    uint8_t read(bool a0);

    void write_elcr(uint8_t value);
    uint8_t elcr() const { return elcr_; }

    // Input IR `ir` (0..7) is now at `high`.
    void set_input(uint8_t ir, bool high);

    // INT output: a request that is unmasked and beats the levels in service.
    bool int_output() const { return pending_ir() >= 0; }
    // INTA: acknowledges the highest-priority request and returns its IR,
    // or -1 when there is none (the caller then supplies the IR7 vector,
    // without setting ISR).
    int acknowledge();
    uint8_t vector(uint8_t ir) const { return static_cast<uint8_t>((icw2_ & pic::kIcw2VectorMask) | (ir & 7)); }

    bool is_level(uint8_t ir) const { return ltim_ || ((elcr_ >> (ir & 7)) & 1) != 0; }
    // Master: a slave is attached to `ir` (ICW3 bit, cascade mode).
    bool slave_on(uint8_t ir) const { return master_ && !single_ && ((icw3_ >> (ir & 7)) & 1) != 0; }
    // Slave: the cascade address it answers to (ICW3 bits 2:0).
    uint8_t slave_id() const { return static_cast<uint8_t>(icw3_ & 7); }

    uint8_t irr() const { return irr_; }
    uint8_t isr() const { return isr_; }
    uint8_t imr() const { return imr_; }
    uint8_t input() const { return input_; }
    uint8_t lowest_priority() const { return lowest_; }
    bool in_init() const { return init_ != Init::ready; }
    bool aeoi() const { return aeoi_; }
    bool special_mask() const { return special_mask_; }
    bool special_fully_nested() const { return sfnm_; }

private:
    enum class Init : uint8_t { ready, icw2, icw3, icw4 };

    void icw1(uint8_t v);
    void icw(uint8_t v);
    void ocw2(uint8_t v);
    void ocw3(uint8_t v);
    void non_specific_eoi(bool rotate);
    int pending_ir() const;
    int highest(uint8_t bits) const;
    uint8_t level_mask() const { return ltim_ ? 0xFF : elcr_; }
    void sync_level_irr() { irr_ = static_cast<uint8_t>((irr_ & ~level_mask()) | (input_ & level_mask())); }

    static constexpr uint8_t kPcSlaveOnIr2 = 0x04;  // PC/AT wiring: master ICW3
    static constexpr uint8_t kPcSlaveId = 0x02;     // and the slave's ID

    const bool master_;
    Init init_ = Init::ready;
    uint8_t irr_ = 0;
    uint8_t isr_ = 0;
    uint8_t imr_ = 0xFF;
    uint8_t input_ = 0;   // current input levels
    uint8_t elcr_ = 0;
    uint8_t icw2_ = 0;
    uint8_t icw3_ = 0;
    uint8_t lowest_ = 7;  // IR with the lowest priority (rotation)
    bool ltim_ = false;
    bool single_ = false;
    bool need_icw4_ = false;
    bool aeoi_ = false;
    bool sfnm_ = false;
    bool rotate_aeoi_ = false;
    bool special_mask_ = false;
    bool read_isr_ = false;
    bool poll_ = false;
};

}  // namespace bh::virq
