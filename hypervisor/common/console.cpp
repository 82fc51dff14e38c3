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

void put_locked(char c, void*) { raw_write(&c, 1); }

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
    // One lock hold for the whole message, so lines from other pCPUs never
    // land inside it.
    va_list ap;
    va_start(ap, fmt);
    if (g_emergency.load(std::memory_order_relaxed)) {
        vformat(put_locked, nullptr, fmt, ap);
    } else {
        IrqLockGuard guard(g_lock);
        vformat(put_locked, nullptr, fmt, ap);
    }
    va_end(ap);
}

int getc() { return g_device == nullptr ? -1 : g_device->getc(); }

void enter_emergency() { g_emergency.store(true); }

}  // namespace bh::console
