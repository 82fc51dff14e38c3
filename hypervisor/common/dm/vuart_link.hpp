// vUART links: two vUARTs (usually in different VMs) wired back to back, so
// a byte one guest transmits is received by the other.
#pragma once
#include <cstddef>
#include <cstdint>

#include "common/dm/byte_ring.hpp"
#include "common/dm/vuart.hpp"

namespace bh::dm {

// Each direction is a Pipe: the sender's UartSink and the receiver's
// RxSource. A transmitted byte goes straight into the receiver's RX FIFO;
// when that is full (or the receiver is in loopback) it waits in the pipe's
// holding buffer, which is drained in order as soon as the receiver makes
// room (reads RBR, clears its FIFO, leaves loopback). Senders are not slowed
// down (THRE is always set), so a guest that keeps writing while its peer
// does not read overflows the holding buffer: those bytes are dropped and
// counted, never stored out of bounds.
//
// Locking: a pipe calls into the receiving vUART from within the sender's
// THR write, and into the holding buffer from within the receiver's RBR
// read, so both vUARTs of a link must be serialised by one common lock.
class VuartLink final {
public:
    static constexpr size_t kHoldCapacity = 64;

    struct DirectionStats {
        uint64_t delivered;  // bytes that reached the receiver's RX FIFO
        uint64_t overflow;   // bytes dropped because the holding buffer was full
        size_t held;         // bytes waiting now
    };

    VuartLink() = default;
    VuartLink(const VuartLink&) = delete;
    VuartLink& operator=(const VuartLink&) = delete;

    // Wires a <-> b (sink and RX source of both). False, and nothing changed,
    // if a and b are the same vUART or the link is already connected.
    bool connect(Vuart& a, Vuart& b);
    // Unwires both ends (their sink and RX source become nullptr) and drops
    // held bytes (counted as overflow).
    void disconnect();
    bool connected() const { return a_to_b_.dst != nullptr; }

    DirectionStats a_to_b() const { return a_to_b_.stats(); }
    DirectionStats b_to_a() const { return b_to_a_.stats(); }

private:
    class Pipe final : public UartSink, public RxSource {
    public:
        void put(uint8_t byte) override;
        void rx_space_available(Vuart& uart) override;
        DirectionStats stats() const { return {delivered, overflow, held.size()}; }
        void drain();
        void detach();

        Vuart* dst = nullptr;
        ByteRing<kHoldCapacity> held;
        uint64_t delivered = 0;
        uint64_t overflow = 0;
    };

    Pipe a_to_b_;
    Pipe b_to_a_;
    Vuart* a_ = nullptr;
    Vuart* b_ = nullptr;
};

}  // namespace bh::dm
