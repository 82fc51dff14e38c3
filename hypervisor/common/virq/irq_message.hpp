// The interrupt message a virtual interrupt source (vIOAPIC pin, later MSI)
// hands to the local-APIC layer, and the sink interface that receives it.
#pragma once
#include <cstdint>

namespace bh::virq {

// Delivery modes of an I/O APIC redirection entry (82093AA 3.2.4, bits 10:8),
// the same encoding as the local APIC ICR and MSI data. // SDM Vol.3 11.6.1
enum class DeliveryMode : uint8_t {
    fixed = 0,
    lowest_priority = 1,
    smi = 2,
    // 3 reserved
    nmi = 4,
    init = 5,
    // 6 reserved
    extint = 7,
};

// One interrupt message as it would travel from an I/O APIC to the local
// APICs. The receiver does the routing (physical/logical destination,
// lowest-priority arbitration, TMR for level-triggered vectors).
struct IrqMessage {
    uint8_t vector;              // ignored by the receiver for SMI/NMI/INIT/ExtINT
    DeliveryMode delivery_mode;
    bool dest_mode_logical;      // false: physical (dest is an APIC ID)
    uint8_t dest;                // RTE bits 63:56
    bool level_triggered;        // only for fixed / lowest priority; the receiver sets TMR
    uint16_t pin;                // source pin on the emitting controller
};

// Receives messages from a virtual I/O APIC. Called with the caller's
// per-VM interrupt lock held (the same lock the emitting controller needs);
// implementations must not call back into the emitting controller.
class InterruptSink {
public:
    // Deliver `msg`. Returns true when at least one local APIC accepted it.
    // For a level-triggered message the I/O APIC sets Remote IRR only on
    // acceptance (82093AA: "set to 1 when local APIC(s) accept the level
    // interrupt"), so a message that reaches nobody does not leave the pin
    // stuck waiting for an EOI that will never come.
    virtual bool deliver(const IrqMessage& msg) = 0;

    // The guest changed redirection entry `pin` (vector, trigger mode,
    // delivery mode, destination or mask). The local-APIC layer uses this to
    // recompute the EOI-exit bitmaps (which vectors must trap on EOI) before
    // any vCPU next enters the guest.
    virtual void routing_changed(uint16_t pin) = 0;

protected:
    ~InterruptSink() = default;
};

}  // namespace bh::virq
