// Leveled log lines, prefixed "[pCPU n][seconds.micros] L: ".
#include "common/log.hpp"

#include <atomic>
#include <cstdarg>

#include "common/console.hpp"
#include "generated/kconfig.hpp"
#include "hal/cpu.hpp"
#include "lib/format.hpp"

extern "C" int strcmp(const char* a, const char* b);

namespace bh {
namespace {

std::atomic<LogLevel> g_level{static_cast<LogLevel>(kconfig::kLogLevel)};  // CONFIG_LOG_LEVEL

struct Names {
    LogLevel level;
    const char* name;
    char tag;
};
constexpr Names kNames[] = {
    {LogLevel::error, "error", 'E'},
    {LogLevel::warning, "warning", 'W'},
    {LogLevel::info, "info", 'I'},
    {LogLevel::debug, "debug", 'D'},
};

struct Buf {
    char text[240];
    size_t len;
};
void put(char c, void* ctx) {
    auto* b = static_cast<Buf*>(ctx);
    if (b->len + 1 < sizeof(b->text)) b->text[b->len++] = c;
}

}  // namespace

void set_log_level(LogLevel level) { g_level.store(level); }
LogLevel log_level() { return g_level.load(); }

const char* to_string(LogLevel level) {
    for (const auto& n : kNames)
        if (n.level == level) return n.name;
    return "?";
}

bool parse_log_level(const char* s, LogLevel& out) {
    for (const auto& n : kNames) {
        if (strcmp(s, n.name) == 0) {
            out = n.level;
            return true;
        }
    }
    if (s[0] >= '1' && s[0] <= '4' && s[1] == '\0') {
        out = static_cast<LogLevel>(s[0] - '0');
        return true;
    }
    return false;
}

void log(LogLevel level, const char* fmt, ...) {
    if (static_cast<uint8_t>(level) > static_cast<uint8_t>(g_level.load(std::memory_order_relaxed))) return;
    char tag = '?';
    for (const auto& n : kNames)
        if (n.level == level) tag = n.tag;
    const uint64_t per_ms = hal::ticks_per_ms();
    const uint64_t us = per_ms == 0 ? 0 : hal::now_ticks() * 1000 / per_ms;
    Buf b{{}, 0};
    format(put, &b, "[pCPU%u][%5llu.%06llu] %c: ", hal::this_cpu(), static_cast<unsigned long long>(us / 1000000),
           static_cast<unsigned long long>(us % 1000000), tag);
    va_list ap;
    va_start(ap, fmt);
    vformat(put, &b, fmt, ap);
    va_end(ap);
    b.text[b.len++] = '\n';
    console::write(b.text, b.len);
}

}  // namespace bh
