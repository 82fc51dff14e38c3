// Port-I/O dispatch: a per-VM table of port ranges and the device models
// that claim them, consulted on every I/O-instruction VM exit.
#pragma once
#include <atomic>
#include <cstddef>
#include <cstdint>

namespace bh::dm {

// A device model reachable through port I/O. `offset` is relative to the base
// of the range the device was registered with; `size` is 1, 2 or 4 and the
// access lies entirely inside that range. Writes carry the value already
// masked to `size` bytes; reads set `value` (the bus masks it to `size`).
// Returning false means "the port is mine but this access (size/offset) is
// invalid": the guest then reads all ones and the write is dropped.
class PioDevice {
public:
    virtual bool read(uint16_t offset, uint8_t size, uint32_t& value) = 0;
    virtual bool write(uint16_t offset, uint8_t size, uint32_t value) = 0;

protected:
    ~PioDevice() = default;
};

// Outcome of one guest port access. Only `deferred` leaves the guest waiting;
// for every other outcome the access is complete and, for reads, `value`
// holds what the guest sees.
enum class PioResult : uint8_t {
    handled,    // a device (or the forwarder) completed the access
    refused,    // the claiming device rejected the size/offset: reads all ones, writes dropped
    unclaimed,  // no device covers the whole access: reads all ones, writes dropped
    malformed,  // size not 1, 2 or 4: never reaches a device; reads all ones
    deferred,   // the forwarder queued it (I/O request to the Service VM); completion comes later
};

const char* to_string(PioResult r);

// Receives the accesses no device claims. This is the hook for ACRN's I/O
// request model: an implementation that posts the access to the Service VM's
// device model returns `deferred` (the vCPU resumes when the request
// completes); one that answers itself returns `handled`; any other result
// falls back to `unclaimed` (all ones / drop). Devices are unaware of it.
class PioForwarder {
public:
    virtual PioResult forward_read(uint16_t port, uint8_t size, uint32_t& value) = 0;
    virtual PioResult forward_write(uint16_t port, uint8_t size, uint32_t value) = 0;

protected:
    ~PioForwarder() = default;
};

// Registration errors.
enum class PioStatus : uint8_t {
    ok,
    empty_range,   // count == 0
    out_of_range,  // base + count goes past port 0xffff
    overlap,       // shares a port with a registered range
    full,          // kCapacity ranges already registered
    not_found,     // remove(): no range starts at that base
};

const char* to_string(PioStatus s);

struct PioStats {
    uint64_t unclaimed_reads;
    uint64_t unclaimed_writes;
    uint64_t refused_reads;
    uint64_t refused_writes;
    uint64_t malformed;
    uint64_t forwarded;  // accesses the forwarder handled or deferred
};

// The table. Ranges are registered at VM creation, before any vCPU runs:
// add()/remove() must not race with dispatch (dispatch itself may run on
// several vCPUs at once; devices do their own locking).
//
// An access must fall entirely inside one range; one that straddles two
// ranges (or a range and unregistered ports) is `unclaimed`, as no device
// model here accepts a partial access. It then goes to the forwarder like
// any other unclaimed access.
class PioBus final {
public:
    static constexpr size_t kCapacity = 32;

    PioBus() = default;
    PioBus(const PioBus&) = delete;
    PioBus& operator=(const PioBus&) = delete;

    // Claims ports [base, base + count) for dev.
    PioStatus add(uint16_t base, uint32_t count, PioDevice& dev);
    // Drops the range that starts at base.
    PioStatus remove(uint16_t base);
    size_t range_count() const { return count_; }

    // nullptr: unclaimed accesses read all ones / are dropped.
    void set_forwarder(PioForwarder* fwd) { forwarder_ = fwd; }

    // `value` is always written for reads: the device's value masked to
    // size, or all ones of the access size unless the result is handled.
    PioResult dispatch_read(uint16_t port, uint8_t size, uint32_t& value);
    PioResult dispatch_write(uint16_t port, uint8_t size, uint32_t value);

    PioStats stats() const;

    // 0xff, 0xffff or 0xffffffff; 0xffffffff for a malformed size.
    static constexpr uint32_t all_ones(uint8_t size) {
        return size == 1 ? 0xffu : size == 2 ? 0xffffu : 0xffffffffu;
    }
    static constexpr bool valid_size(uint8_t size) { return size == 1 || size == 2 || size == 4; }

private:
    struct Range {
        uint32_t first;
        uint32_t end;  // one past the last port
        PioDevice* dev;
    };

    const Range* find(uint16_t port, uint8_t size) const;

    Range ranges_[kCapacity] = {};
    size_t count_ = 0;
    PioForwarder* forwarder_ = nullptr;

    std::atomic<uint64_t> unclaimed_reads_{0};
    std::atomic<uint64_t> unclaimed_writes_{0};
    std::atomic<uint64_t> refused_reads_{0};
    std::atomic<uint64_t> refused_writes_{0};
    std::atomic<uint64_t> malformed_{0};
    std::atomic<uint64_t> forwarded_{0};
};

}  // namespace bh::dm
