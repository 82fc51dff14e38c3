// vUART link pipes: direct delivery with a bounded holding buffer (see vuart_link.hpp).
#include "common/dm/vuart_link.hpp"

namespace bh::dm {

bool VuartLink::connect(Vuart& a, Vuart& b) {
    if (&a == &b || connected()) return false;
    a_ = &a;
    b_ = &b;
    a_to_b_.dst = &b;
    b_to_a_.dst = &a;
    a.set_sink(&a_to_b_);
    b.set_rx_source(&a_to_b_);
    b.set_sink(&b_to_a_);
    a.set_rx_source(&b_to_a_);
    return true;
}

void VuartLink::disconnect() {
    if (!connected()) return;
    a_->set_sink(nullptr);
    a_->set_rx_source(nullptr);
    b_->set_sink(nullptr);
    b_->set_rx_source(nullptr);
    a_to_b_.detach();
    b_to_a_.detach();
    a_ = nullptr;
    b_ = nullptr;
}

void VuartLink::Pipe::put(uint8_t byte) {
    if (dst == nullptr) {
        ++overflow;
        return;
    }
    // Older held bytes go first; only an empty buffer lets a byte pass directly.
    if (held.empty() && dst->push_rx(&byte, 1) == 1) {
        ++delivered;
        return;
    }
    if (!held.push(byte)) ++overflow;
    drain();
}

void VuartLink::Pipe::detach() {
    overflow += held.size();
    held.clear();
    dst = nullptr;
}

void VuartLink::Pipe::rx_space_available(Vuart&) { drain(); }

void VuartLink::Pipe::drain() {
    if (dst == nullptr) return;
    uint8_t byte = 0;
    while (!held.empty() && dst->rx_space() > 0) {
        held.pop(byte);
        dst->push_rx(&byte, 1);  // cannot fail: rx_space() > 0
        ++delivered;
    }
}

}  // namespace bh::dm
