// A VM's console: the console vUART's output on the hypervisor console
// (line-buffered, each line prefixed with the VM name) or passed through raw
// to a shell attached with `vm_console <vm>`; typed input into the vUART.
#pragma once
#include <cstddef>
#include <cstdint>

#include "common/dm/byte_ring.hpp"
#include "common/dm/vuart.hpp"

namespace bh::dm {

// Where console text goes (the hypervisor console in the image, a string in tests).
class ConsoleOut {
public:
    virtual void write(const char* s, size_t n) = 0;

protected:
    ~ConsoleOut() = default;
};

enum class ConsoleMode : uint8_t {
    shared,    // "[NAME] text\n" lines on the shared hypervisor console
    attached,  // a shell is attached: bytes pass through at once, unprefixed
    muted,     // another VM's console is attached: output is counted and dropped
};

// What a mode does with guest output. Every mode is one row of this table;
// VmConsole consults the row, never the mode itself.
struct ConsolePolicy {
    bool emit;           // write output at all (false: count and drop)
    bool line_buffered;  // collect lines (false: write every byte at once)
    bool prefix;         // start each line with "[NAME] " (line-buffered only)
};

constexpr ConsolePolicy policy_of(ConsoleMode m) {
    switch (m) {
        case ConsoleMode::shared: return {true, true, true};
        case ConsoleMode::attached: return {true, false, false};
        case ConsoleMode::muted: return {false, false, false};
    }
    return {false, false, false};
}

// Line-buffered output: a line is emitted at '\n', or after kLineMax bytes,
// or on flush() (e.g. from a timer, for prompts that never end a line). An
// early emit ends the physical line; a '\n' arriving right after it is then
// swallowed, so a cut never yields an extra empty line. CR bytes are dropped
// (the hypervisor console ends each line itself). Each line is handed to
// ConsoleOut in one write, so lines of different VMs never interleave.
//
// Input: input() feeds typed bytes to the vUART; what its RX FIFO cannot take
// waits in a small buffer drained as the guest reads. Same locking rule as
// the vUART: calls are serialised by the vUART's lock.
class VmConsole final : public UartSink, public RxSource {
public:
    static constexpr size_t kLineMax = 128;
    static constexpr size_t kNameMax = 32;  // longer names are cut
    static constexpr size_t kInputCapacity = 64;

    struct Stats {
        uint64_t lines;        // lines (or line pieces) emitted
        uint64_t raw_bytes;    // bytes passed through unbuffered
        uint64_t muted_bytes;  // bytes dropped while muted
    };

    VmConsole(const char* vm_name, ConsoleOut& out, ConsoleMode mode = ConsoleMode::shared);
    VmConsole(const VmConsole&) = delete;
    VmConsole& operator=(const VmConsole&) = delete;

    // Becomes the vUART's sink and RX source (and pushes held input).
    void connect(Vuart& uart);
    void disconnect();

    // Flushes a partial line under the old mode first.
    void set_mode(ConsoleMode mode);
    ConsoleMode mode() const { return mode_; }
    void flush();

    // Typed bytes for the guest. Returns how many were taken (into the RX
    // FIFO or the input buffer); the caller keeps the rest.
    size_t input(const uint8_t* data, size_t n);
    size_t input_held() const { return held_.size(); }

    const char* name() const { return name_; }
    const Stats& stats() const { return stats_; }

    void put(uint8_t byte) override;
    void rx_space_available(Vuart& uart) override;

private:
    void emit_line();
    void drain_input();

    ConsoleOut& out_;
    ConsoleMode mode_;
    Vuart* uart_ = nullptr;
    // "[NAME] " then the text, and one spare byte for the '\n'.
    char line_[1 + kNameMax + 2 + kLineMax + 1] = {};
    char name_[kNameMax + 1] = {};
    size_t prefix_len_ = 0;
    size_t text_len_ = 0;
    bool cut_ = false;  // the last line was emitted early; swallow a '\n' that follows at once
    ByteRing<kInputCapacity> held_;
    Stats stats_ = {};
};

}  // namespace bh::dm
