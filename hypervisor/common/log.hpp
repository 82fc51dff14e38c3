// Leveled logging: every line carries the pCPU id and a timestamp.
#pragma once
#include <cstdint>

namespace bh {

enum class LogLevel : uint8_t { error = 1, warning = 2, info = 3, debug = 4 };

void set_log_level(LogLevel level);
LogLevel log_level();
bool parse_log_level(const char* s, LogLevel& out);
const char* to_string(LogLevel level);

void log(LogLevel level, const char* fmt, ...) __attribute__((format(printf, 2, 3)));

}  // namespace bh

#define LOG_ERR(...) ::bh::log(::bh::LogLevel::error, __VA_ARGS__)
#define LOG_WARN(...) ::bh::log(::bh::LogLevel::warning, __VA_ARGS__)
#define LOG_INFO(...) ::bh::log(::bh::LogLevel::info, __VA_ARGS__)
#define LOG_DEBUG(...) ::bh::log(::bh::LogLevel::debug, __VA_ARGS__)
