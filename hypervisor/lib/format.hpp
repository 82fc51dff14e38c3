// printf-style formatting into a caller-supplied sink; no heap, no floats.
#pragma once
#include <cstdarg>
#include <cstddef>

namespace bh {

using PutChar = void (*)(char c, void* ctx);

// Supported: %d %i %u %x %X %o %c %s %p %% with flags '-', '0', width,
// precision for %s, and length modifiers hh h l ll z. Returns chars emitted.
size_t vformat(PutChar put, void* ctx, const char* fmt, va_list ap);
size_t format(PutChar put, void* ctx, const char* fmt, ...) __attribute__((format(printf, 3, 4)));

// Bounded formatting into a buffer; always NUL-terminates when n > 0.
// Returns the length the full output would have had.
size_t snformat(char* buf, size_t n, const char* fmt, ...) __attribute__((format(printf, 3, 4)));
size_t vsnformat(char* buf, size_t n, const char* fmt, va_list ap);

}  // namespace bh
