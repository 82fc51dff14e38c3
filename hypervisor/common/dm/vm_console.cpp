// VM console output policy and input buffering (see vm_console.hpp).
#include "common/dm/vm_console.hpp"

namespace bh::dm {

VmConsole::VmConsole(const char* vm_name, ConsoleOut& out, ConsoleMode mode) : out_(out), mode_(mode) {
    const char* name = vm_name != nullptr ? vm_name : "?";
    size_t n = 0;
    while (n < kNameMax && name[n] != '\0') {
        name_[n] = name[n];
        ++n;
    }
    name_[n] = '\0';
    line_[0] = '[';
    for (size_t i = 0; i < n; ++i) line_[1 + i] = name_[i];
    line_[1 + n] = ']';
    line_[2 + n] = ' ';
    prefix_len_ = n + 3;
}

void VmConsole::connect(Vuart& uart) {
    uart_ = &uart;
    uart.set_sink(this);
    uart.set_rx_source(this);
    drain_input();
}

void VmConsole::disconnect() {
    if (uart_ == nullptr) return;
    if (uart_->sink() == this) uart_->set_sink(nullptr);
    if (uart_->rx_source() == this) uart_->set_rx_source(nullptr);
    uart_ = nullptr;
}

void VmConsole::set_mode(ConsoleMode mode) {
    if (mode == mode_) return;
    flush();
    mode_ = mode;
}

void VmConsole::flush() {
    if (text_len_ == 0) return;
    emit_line();
    cut_ = true;
}

void VmConsole::put(uint8_t byte) {
    const ConsolePolicy p = policy_of(mode_);
    if (!p.emit) {
        ++stats_.muted_bytes;
        return;
    }
    const char c = static_cast<char>(byte);
    if (!p.line_buffered) {
        ++stats_.raw_bytes;
        out_.write(&c, 1);
        return;
    }
    if (c == '\r') return;
    if (c == '\n') {
        const bool swallow = cut_ && text_len_ == 0;
        cut_ = false;
        if (!swallow) emit_line();
        return;
    }
    cut_ = false;
    line_[prefix_len_ + text_len_++] = c;
    if (text_len_ == kLineMax) {
        emit_line();
        cut_ = true;
    }
}

void VmConsole::emit_line() {
    const ConsolePolicy p = policy_of(mode_);
    const size_t end = prefix_len_ + text_len_;
    text_len_ = 0;
    if (!p.emit) return;
    line_[end] = '\n';
    const size_t start = p.prefix ? 0 : prefix_len_;
    out_.write(line_ + start, end + 1 - start);
    ++stats_.lines;
}

size_t VmConsole::input(const uint8_t* data, size_t n) {
    if (data == nullptr) return 0;
    size_t taken = 0;
    // Straight to the FIFO only when nothing older is waiting.
    if (uart_ != nullptr && held_.empty()) taken = uart_->push_rx(data, n);
    while (taken < n && held_.push(data[taken])) ++taken;
    drain_input();
    return taken;
}

void VmConsole::rx_space_available(Vuart&) { drain_input(); }

void VmConsole::drain_input() {
    if (uart_ == nullptr) return;
    uint8_t byte = 0;
    while (!held_.empty() && uart_->rx_space() > 0) {
        held_.pop(byte);
        uart_->push_rx(&byte, 1);  // cannot fail: rx_space() > 0
    }
}

}  // namespace bh::dm
