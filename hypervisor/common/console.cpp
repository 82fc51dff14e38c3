// Console output serialisation across pCPUs.
#include "common/console.hpp"

#include <atomic>
#include <cstdarg>

#include "lib/format.hpp"
#include "lib/spinlock.hpp"

namespace bh::console {
namespace {

const Device* g_device = nullptr;
TicketLock g_lock;
std::atomic<bool> g_emergency{false};

void raw_write(const char* s, size_t n) {
    if (g_device == nullptr) return;
    for (size_t i = 0; i < n; ++i) {
        if (s[i] == '\n') g_device->putc('\r');
        g_device->putc(s[i]);
    }
}

struct Line {
    char buf[256];
    size_t len;
};

void put_line(char c, void* ctx) {
    auto* l = static_cast<Line*>(ctx);
    if (l->len == sizeof(l->buf)) {
        write(l->buf, l->len);
        l->len = 0;
    }
    l->buf[l->len++] = c;
}

}  // namespace

void set_device(const Device* dev) { g_device = dev; }

void write(const char* s, size_t n) {
    if (g_emergency.load(std::memory_order_relaxed)) {
        raw_write(s, n);
        return;
    }
    IrqLockGuard guard(g_lock);
    raw_write(s, n);
}

void print(const char* fmt, ...) {
    // Format into a local buffer first so a line is written under one lock hold.
    Line line{{}, 0};
    va_list ap;
    va_start(ap, fmt);
    vformat(put_line, &line, fmt, ap);
    va_end(ap);
    write(line.buf, line.len);
}

int getc() { return g_device == nullptr ? -1 : g_device->getc(); }

void enter_emergency() { g_emergency.store(true); }

}  // namespace bh::console
