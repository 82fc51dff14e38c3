// Port-I/O dispatch table (see pio_bus.hpp).
#include "common/dm/pio_bus.hpp"

namespace bh::dm {
namespace {

constexpr uint32_t kPortSpace = 0x10000;  // x86 I/O address space: ports 0..0xffff

void bump(std::atomic<uint64_t>& c) { c.fetch_add(1, std::memory_order_relaxed); }

}  // namespace

const char* to_string(PioResult r) {
    switch (r) {
        case PioResult::handled: return "handled";
        case PioResult::refused: return "refused";
        case PioResult::unclaimed: return "unclaimed";
        case PioResult::malformed: return "malformed";
        case PioResult::deferred: return "deferred";
    }
    return "?";
}

const char* to_string(PioStatus s) {
    switch (s) {
        case PioStatus::ok: return "ok";
        case PioStatus::empty_range: return "empty range";
        case PioStatus::out_of_range: return "range past port 0xffff";
        case PioStatus::overlap: return "overlaps a registered range";
        case PioStatus::full: return "port table full";
        case PioStatus::not_found: return "no such range";
    }
    return "?";
}

PioStatus PioBus::add(uint16_t base, uint32_t count, PioDevice& dev) {
    if (count == 0) return PioStatus::empty_range;
    const uint32_t first = base;
    if (count > kPortSpace - first) return PioStatus::out_of_range;
    const uint32_t end = first + count;
    for (size_t i = 0; i < count_; ++i) {
        const Range& r = ranges_[i];
        if (first < r.end && r.first < end) return PioStatus::overlap;
    }
    if (count_ == kCapacity) return PioStatus::full;
    ranges_[count_++] = Range{first, end, &dev};
    return PioStatus::ok;
}

PioStatus PioBus::remove(uint16_t base) {
    for (size_t i = 0; i < count_; ++i) {
        if (ranges_[i].first != base) continue;
        ranges_[i] = ranges_[count_ - 1];  // order does not matter: ranges are disjoint
        ranges_[--count_] = Range{};
        return PioStatus::ok;
    }
    return PioStatus::not_found;
}

const PioBus::Range* PioBus::find(uint16_t port, uint8_t size) const {
    const uint32_t first = port;
    const uint32_t end = first + size;  // may be past 0xffff: then no range holds it
    for (size_t i = 0; i < count_; ++i) {
        const Range& r = ranges_[i];
        if (r.first <= first && end <= r.end) return &r;
    }
    return nullptr;
}

PioResult PioBus::dispatch_read(uint16_t port, uint8_t size, uint32_t& value) {
    value = all_ones(size);
    if (!valid_size(size)) {
        bump(malformed_);
        return PioResult::malformed;
    }
    const Range* r = find(port, size);
    if (r == nullptr) {
        if (forwarder_ != nullptr) {
            uint32_t v = all_ones(size);
            const PioResult res = forwarder_->forward_read(port, size, v);
            if (res == PioResult::handled) value = v & all_ones(size);
            if (res == PioResult::handled || res == PioResult::deferred) {
                bump(forwarded_);
                return res;
            }
        }
        bump(unclaimed_reads_);
        return PioResult::unclaimed;
    }
    uint32_t v = 0;
    if (!r->dev->read(static_cast<uint16_t>(port - r->first), size, v)) {
        bump(refused_reads_);
        return PioResult::refused;
    }
    value = v & all_ones(size);
    return PioResult::handled;
}

PioResult PioBus::dispatch_write(uint16_t port, uint8_t size, uint32_t value) {
    if (!valid_size(size)) {
        bump(malformed_);
        return PioResult::malformed;
    }
    value &= all_ones(size);
    const Range* r = find(port, size);
    if (r == nullptr) {
        if (forwarder_ != nullptr) {
            const PioResult res = forwarder_->forward_write(port, size, value);
            if (res == PioResult::handled || res == PioResult::deferred) {
                bump(forwarded_);
                return res;
            }
        }
        bump(unclaimed_writes_);
        return PioResult::unclaimed;
    }
    if (!r->dev->write(static_cast<uint16_t>(port - r->first), size, value)) {
        bump(refused_writes_);
        return PioResult::refused;
    }
    return PioResult::handled;
}

PioStats PioBus::stats() const {
    return PioStats{
        unclaimed_reads_.load(std::memory_order_relaxed),  unclaimed_writes_.load(std::memory_order_relaxed),
        refused_reads_.load(std::memory_order_relaxed),    refused_writes_.load(std::memory_order_relaxed),
        malformed_.load(std::memory_order_relaxed),        forwarded_.load(std::memory_order_relaxed),
    };
}

}  // namespace bh::dm
