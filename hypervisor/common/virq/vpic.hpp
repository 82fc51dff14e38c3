// Virtual PIC: the PC/AT master + slave 8259A pair (slave INT on master IR2),
// their I/O ports and ELCRs, and the INTR line to the boot vCPU.
#pragma once
#include <cstdint>

#include "common/virq/i8259.hpp"

namespace bh::virq {

// Told when the vPIC's INTR output changes. INTR is the virtual wire to the
// boot vCPU's LINT0 (ExtINT); on a rising edge the injection engine raises
// its ExtINT request. Called under the caller's per-VM interrupt lock; must
// not call back into the vPIC.
class IntrObserver {
public:
    virtual void intr_changed(bool asserted) = 0;

protected:
    ~IntrObserver() = default;
};

// Cascade (PC/AT wiring): the slave's INT drives master IR2. That input is
// edge-triggered like any master input (the ELCR bit of IRQ2 is read-only
// 0). An INTA cycle that reaches the slave drops the slave's INT for its
// duration, so a slave request still pending after the cycle (e.g. with
// AEOI) is a new edge on IR2 and is not lost.
//
// INTA (acknowledge()):
//  - nothing pending on the master: master IR7 vector (ICW2 | 7), no ISR
//    bit set - the spurious IRQ7 a real PC produces;
//  - master resolves IR2 and a slave is attached there (master ICW3 bit 2,
//    slave ID 2): the slave supplies the vector; if the slave has nothing
//    pending (its request went away) it answers with its IR7 vector without
//    setting its ISR while the master's IS2 is set - the spurious IRQ15;
//  - master ICW3 names a slave on an input where none is wired, or the
//    slave's ID does not match: nobody drives the bus, the vector is 0xFF
//    (counted);
//  - IR2 without ICW3 bit 2 (or single mode): the master's own vector.
//
// ISA IRQ2 does not exist on a PC/AT (the bus line is wired to IRQ9), so
// set_irq_level(2, ...) returns bad_irq.
//
// I/O: ports 0x20/0x21, 0xA0/0xA1 and the ELCRs 0x4D0/0x4D1. 2- and 4-byte
// accesses are split into byte accesses at consecutive ports, as the ISA
// bridge does; bytes at ports that are not ours read 0xFF and ignore writes.
//
// Locking: none inside; the caller holds the VM's interrupt lock for every
// call (the observer runs under it).
class Vpic final {
public:
    enum class Status : uint8_t { ok, bad_irq, bad_port, bad_size };

    static constexpr uint16_t kMasterCmd = 0x20;
    static constexpr uint16_t kMasterData = 0x21;
    static constexpr uint16_t kSlaveCmd = 0xA0;
    static constexpr uint16_t kSlaveData = 0xA1;
    static constexpr uint16_t kElcrMaster = 0x4D0;
    static constexpr uint16_t kElcrSlave = 0x4D1;
    static constexpr uint8_t kCascadeIr = 2;
    static constexpr uint32_t kIrqs = 16;

    struct Counters {
        uint64_t acks;             // acknowledge() calls
        uint64_t spurious_master;  // answered with the master IR7 vector, nothing pending
        uint64_t spurious_slave;   // answered with the slave IR7 vector, nothing pending there
        uint64_t bad_cascade;      // answered 0xFF: no slave at the address the master named
    };

    Vpic() = default;
    Vpic(const Vpic&) = delete;
    Vpic& operator=(const Vpic&) = delete;

    // May be null. Not called for the current state; read intr_output().
    void set_observer(IntrObserver* observer) { observer_ = observer; }

    // Power-on state of both chips and ELCRs (fully masked, see I8259);
    // input levels are kept. Reports an INTR change.
    void reset();

    static bool handles(uint16_t port);
    // A read sets `value` (zero-extended; 0xFF bytes where nothing answers,
    // all ones on an error) and may change state: a poll read acknowledges.
    Status pio_read(uint16_t port, uint32_t size, uint32_t& value);
    Status pio_write(uint16_t port, uint32_t size, uint32_t value);

    // ISA IRQ lines 0..15 except 2. Edge or level per ELCR / ICW1 LTIM.
    Status set_irq_level(uint32_t irq, bool high);
    Status pulse_irq(uint32_t irq);  // high then low: an edge source

    bool intr_output() const { return intr_; }
    // The INTA cycle: acknowledges the highest-priority request and returns
    // its vector (see the class comment for the spurious cases).
    uint8_t acknowledge();

    bool irq_is_level(uint32_t irq) const;
    const I8259& master() const { return master_; }
    const I8259& slave() const { return slave_; }
    const Counters& counters() const { return counters_; }

private:
    bool read8(uint16_t port, uint8_t& value);
    bool write8(uint16_t port, uint8_t value);
    void update();

    I8259 master_{true};
    I8259 slave_{false};
    IntrObserver* observer_ = nullptr;
    bool intr_ = false;
    Counters counters_{};
};

const char* to_string(Vpic::Status s);

}  // namespace bh::virq
