// Fixed-capacity byte FIFO (no heap): the vUART RX FIFO and the holding
// buffers of vUART links and VM consoles.
#pragma once
#include <cstddef>
#include <cstdint>

namespace bh::dm {

template <size_t N>
class ByteRing final {
    static_assert(N > 0, "a ring holds at least one byte");

public:
    static constexpr size_t kCapacity = N;

    size_t size() const { return count_; }
    size_t space() const { return N - count_; }
    bool empty() const { return count_ == 0; }
    bool full() const { return count_ == N; }

    // Appends b; false (and nothing stored) when full.
    bool push(uint8_t b) {
        if (full()) return false;
        buf_[(head_ + count_) % N] = b;
        ++count_;
        return true;
    }

    // Removes the oldest byte into `out`; false (out untouched) when empty.
    bool pop(uint8_t& out) {
        if (empty()) return false;
        out = buf_[head_];
        head_ = (head_ + 1) % N;
        --count_;
        return true;
    }

    void clear() {
        head_ = 0;
        count_ = 0;
    }

private:
    uint8_t buf_[N] = {};
    size_t head_ = 0;
    size_t count_ = 0;
};

}  // namespace bh::dm
