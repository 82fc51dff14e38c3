// Virtual I/O APIC: an 82093AA-compatible register model at version 0x20
// (with the EOI register), driven by interrupt lines and emitting messages.
#pragma once
#include <cstddef>
#include <cstdint>

#include "common/virq/irq_message.hpp"

namespace bh::virq {

// Register layout. // 82093AA datasheet 3.0-3.2; EOI register: IOxAPIC version 0x20
namespace ioapic {
inline constexpr uint64_t kIoRegSel = 0x00;  // MMIO: register index (bits 7:0)
inline constexpr uint64_t kIoWin = 0x10;     // MMIO: data window of the selected register
inline constexpr uint64_t kEoi = 0x40;       // MMIO: write a vector to clear matching Remote IRRs
inline constexpr uint64_t kMmioSize = 0x1000;

inline constexpr uint8_t kRegId = 0x00;       // bits 27:24 R/W
inline constexpr uint8_t kRegVersion = 0x01;  // RO: version | max redirection entry << 16
inline constexpr uint8_t kRegArb = 0x02;      // RO: bits 27:24, loaded whenever ID is written
inline constexpr uint8_t kRegRte0 = 0x10;     // entry n: low dword 0x10+2n, high dword 0x11+2n

inline constexpr uint32_t kVersion = 0x20;
inline constexpr uint32_t kIdShift = 24;
inline constexpr uint32_t kIdMask = 0x0F;

// Redirection table entry fields. // 82093AA 3.2.4
inline constexpr uint64_t kRteVector = 0xFF;
inline constexpr uint32_t kRteDeliveryShift = 8;  // 3 bits, DeliveryMode
inline constexpr uint64_t kRteDeliveryMode = uint64_t{7} << kRteDeliveryShift;
inline constexpr uint64_t kRteDestLogical = uint64_t{1} << 11;
inline constexpr uint64_t kRteDeliveryStatus = uint64_t{1} << 12;  // RO
inline constexpr uint64_t kRtePolarityLow = uint64_t{1} << 13;
inline constexpr uint64_t kRteRemoteIrr = uint64_t{1} << 14;  // RO
inline constexpr uint64_t kRteLevel = uint64_t{1} << 15;
inline constexpr uint64_t kRteMasked = uint64_t{1} << 16;
inline constexpr uint32_t kRteDestShift = 56;
inline constexpr uint64_t kRteDest = uint64_t{0xFF} << kRteDestShift;
// Bits the guest can write; 55:17 are reserved and read as 0.
inline constexpr uint64_t kRteWritable = kRteVector | kRteDeliveryMode | kRteDestLogical |
                                         kRtePolarityLow | kRteLevel | kRteMasked | kRteDest;
inline constexpr uint64_t kRteReset = kRteMasked;  // 82093AA: mask set, bits 15:12 clear
}  // namespace ioapic

// One virtual I/O APIC.
//
// Input lines. Each pin keeps the *logical* state of its line (asserted or
// not). assert_line/deassert_line/pulse_line are for virtual devices and
// passthrough, which know whether their interrupt is asserted; polarity
// does not concern them. set_pin_level takes an electrical level and applies
// the entry's polarity (active low inverts) at the time of the call. A later
// polarity change by the guest does not create or lose an edge: it only
// changes how later electrical levels are read (on hardware a polarity that
// contradicts the board wiring would; our virtual ACPI never advertises one).
//
// Triggering (82093AA 3.2.4):
//  - edge: a message on each inactive->active transition of an unmasked pin;
//    transitions on a masked pin are ignored (not held pending), as in the
//    datasheet, so unmasking an edge pin whose line is high sends nothing.
//  - level: a message whenever the line is active, the entry unmasked and
//    Remote IRR clear. Remote IRR is set when a local APIC accepts the
//    message, cleared by an EOI for the vector (eoi() broadcast or the EOI
//    register); if the line is still active then, the message is sent again.
//    Every redirection-entry write re-evaluates a level pin, so unmasking (or
//    switching to level) while the line is active sends the message.
//  - SMI, NMI, INIT and ExtINT entries are edge-triggered whatever the trigger
//    bit says (the datasheet requires edge for them); they never set Remote
//    IRR and their messages carry level_triggered = false.
//  - Reserved delivery modes (3, 6) send nothing; counted.
// Reprogramming an entry while Remote IRR is set:
//  - to edge (or to a non-fixed, non-lowest-priority mode): Remote IRR is
//    cleared. Software for I/O APICs without an EOI register relies on this
//    (Linux, for versions < 0x20, unsticks a level pin by switching its
//    entry to edge and back).
//  - to another vector: Remote IRR stays set. Hardware would only match an
//    EOI against the entry's current vector, which strands the pin when the
//    local APIC EOIs the old one; we also accept the vector that was actually
//    delivered (deviation, in the direction of never losing an interrupt).
// Delivery Status always reads 0: delivery to the sink is synchronous.
//
// MMIO: 32-bit aligned accesses to IOREGSEL (0x00), IOWIN (0x10) and EOI
// (0x40). Any other offset or size reads as all ones and ignores writes;
// such accesses and accesses to unimplemented register indexes (which read
// as 0) return bad_access and are counted. The EOI register reads as 0.
//
// Locking: no internal locking. Every call, including the sink callbacks it
// makes, runs under the owning VM's interrupt lock, which the caller holds.
class Vioapic final {
public:
    enum class Status : uint8_t {
        ok,
        bad_pin,     // pin number >= pins()
        bad_access,  // MMIO outside the registers, wrong size or alignment, unimplemented index
        bad_config,  // init: pins == 0 or > kMaxPins, or id > 15
        not_ready,   // init() has not succeeded
    };

    // Highest pin count: the 8-bit register index reaches entry 119
    // (0x10 + 2 * 119 + 1 = 0xFF).
    static constexpr uint16_t kMaxPins = 120;
    static constexpr uint16_t kVmPins = 48;  // pre- and post-launched VMs

    struct Config {
        uint64_t base;  // guest-physical MMIO base (4 KiB window)
        uint8_t id;     // initial I/O APIC ID (as in the VM's MADT), 0..15
        uint16_t pins;  // 1..kMaxPins; kVmPins, or the native count for the Service VM
    };

    struct Counters {
        uint64_t messages;        // messages handed to the sink
        uint64_t not_accepted;    // ... of which no local APIC accepted
        uint64_t reserved_mode;   // edges/levels dropped for a reserved delivery mode
        uint64_t bad_accesses;    // MMIO / register-index accesses that returned bad_access
    };

    Vioapic() = default;
    Vioapic(const Vioapic&) = delete;
    Vioapic& operator=(const Vioapic&) = delete;

    // Sets up the device in its power-on state (every entry masked, every
    // line deasserted). No sink callback is made.
    Status init(const Config& cfg, InterruptSink& sink);

    // Power-on state again (VM reset): entries masked with Remote IRR clear,
    // ID back to the configured one. Line states are kept: the sources still
    // drive them. routing_changed() is reported for every entry that changed.
    void reset();

    // MMIO. `gpa` is the guest-physical address, `size` the access width in
    // bytes. A read always sets `value`: all ones for a bad offset or size,
    // 0 for an unimplemented register index.
    bool covers(uint64_t gpa) const { return ready() && gpa - base_ < ioapic::kMmioSize; }
    Status mmio_read(uint64_t gpa, uint32_t size, uint64_t& value);
    Status mmio_write(uint64_t gpa, uint32_t size, uint64_t value);

    // Interrupt lines.
    Status assert_line(uint16_t pin);
    Status deassert_line(uint16_t pin);
    Status pulse_line(uint16_t pin);                // assert then deassert
    Status set_pin_level(uint16_t pin, bool high);  // electrical level; polarity applied

    // Local APIC EOI broadcast for `vector` (the same as a write of `vector`
    // to the EOI register). Returns how many entries had Remote IRR cleared.
    uint32_t eoi(uint8_t vector);

    // For the EOI-exit bitmap: true when an EOI for `vector` may matter to
    // this I/O APIC, i.e. some entry is level-triggered with that vector
    // (masked or not), or holds Remote IRR for a message delivered with it.
    bool vector_is_level(uint8_t vector) const;
    // The same for all 256 vectors at once: bit v of bitmap[v / 64].
    void level_vectors(uint64_t (&bitmap)[4]) const;

    // State, for the shell, the local-APIC layer and tests.
    bool ready() const { return sink_ != nullptr; }
    uint16_t pins() const { return pins_; }
    uint64_t base() const { return base_; }
    uint8_t id() const { return id_; }
    uint64_t rte(uint16_t pin) const { return pin < pins_ ? pin_[pin].rte : 0; }
    bool line_asserted(uint16_t pin) const { return pin < pins_ && pin_[pin].asserted; }
    bool remote_irr(uint16_t pin) const { return (rte(pin) & ioapic::kRteRemoteIrr) != 0; }
    const Counters& counters() const { return counters_; }

private:
    struct Pin {
        uint64_t rte = ioapic::kRteReset;
        bool asserted = false;   // logical line state
        uint8_t irr_vector = 0;  // vector of the message that set Remote IRR
    };

    bool implemented(uint8_t index) const;
    uint32_t read_register(uint8_t index);
    void write_register(uint8_t index, uint32_t value);
    void write_rte(uint16_t pin, uint64_t value);
    void set_line(uint16_t pin, bool active);
    void evaluate_level(uint16_t pin);
    void send(uint16_t pin);
    Status bad_access();

    InterruptSink* sink_ = nullptr;
    uint64_t base_ = 0;
    uint16_t pins_ = 0;
    uint8_t initial_id_ = 0;
    uint8_t id_ = 0;
    uint8_t arb_id_ = 0;
    uint8_t regsel_ = 0;
    Counters counters_{};
    Pin pin_[kMaxPins];
};

const char* to_string(Vioapic::Status s);

}  // namespace bh::virq
