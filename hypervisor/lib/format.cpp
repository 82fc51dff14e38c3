// printf-style formatter used by the console, the log and the shell.
#include "lib/format.hpp"

#include <cstdint>

namespace bh {
namespace {

enum class Length : uint8_t { none, hh, h, l, ll, z };

struct Spec {
    bool left = false;
    bool zero = false;
    size_t width = 0;
    size_t precision = SIZE_MAX;
    Length length = Length::none;
};

struct Out {
    PutChar put;
    void* ctx;
    size_t count = 0;
    void emit(char c) {
        put(c, ctx);
        ++count;
    }
    void pad(size_t n, char c) {
        for (size_t i = 0; i < n; ++i) emit(c);
    }
};

void emit_field(Out& out, const Spec& spec, const char* body, size_t len, bool negative) {
    const size_t total = len + (negative ? 1 : 0);
    const size_t fill = spec.width > total ? spec.width - total : 0;
    if (!spec.left && !spec.zero) out.pad(fill, ' ');
    if (negative) out.emit('-');
    if (!spec.left && spec.zero) out.pad(fill, '0');
    for (size_t i = 0; i < len; ++i) out.emit(body[i]);
    if (spec.left) out.pad(fill, ' ');
}

void emit_number(Out& out, const Spec& spec, uint64_t value, unsigned base, bool upper, bool negative) {
    char digits[24];
    size_t n = 0;
    const char* set = upper ? "0123456789ABCDEF" : "0123456789abcdef";
    do {
        digits[sizeof(digits) - 1 - n] = set[value % base];
        value /= base;
        ++n;
    } while (value != 0);
    emit_field(out, spec, &digits[sizeof(digits) - n], n, negative);
}

uint64_t fetch_unsigned(va_list& ap, Length len) {
    switch (len) {
        case Length::hh: return static_cast<unsigned char>(va_arg(ap, unsigned));
        case Length::h: return static_cast<unsigned short>(va_arg(ap, unsigned));
        case Length::l: return va_arg(ap, unsigned long);
        case Length::ll: return va_arg(ap, unsigned long long);
        case Length::z: return va_arg(ap, size_t);
        case Length::none: break;
    }
    return va_arg(ap, unsigned);
}

int64_t fetch_signed(va_list& ap, Length len) {
    switch (len) {
        case Length::hh: return static_cast<signed char>(va_arg(ap, int));
        case Length::h: return static_cast<short>(va_arg(ap, int));
        case Length::l: return va_arg(ap, long);
        case Length::ll: return va_arg(ap, long long);
        case Length::z: return static_cast<int64_t>(va_arg(ap, size_t));
        case Length::none: break;
    }
    return va_arg(ap, int);
}

const char* parse_spec(const char* p, Spec& spec, va_list& ap) {
    for (;; ++p) {
        if (*p == '-') spec.left = true;
        else if (*p == '0') spec.zero = true;
        else break;
    }
    if (*p == '*') {  // width from an int argument; negative means left-justify
        ++p;
        const int w = va_arg(ap, int);
        if (w < 0) spec.left = true;
        spec.width = static_cast<size_t>(w < 0 ? -static_cast<int64_t>(w) : w);
    }
    while (*p >= '0' && *p <= '9') spec.width = spec.width * 10 + static_cast<size_t>(*p++ - '0');
    if (*p == '.') {
        ++p;
        spec.precision = 0;
        if (*p == '*') {  // negative precision means "none" (C11 7.21.6.1)
            ++p;
            const int pr = va_arg(ap, int);
            spec.precision = pr < 0 ? SIZE_MAX : static_cast<size_t>(pr);
        }
        while (*p >= '0' && *p <= '9') spec.precision = spec.precision * 10 + static_cast<size_t>(*p++ - '0');
    }
    if (*p == 'h') {
        ++p;
        spec.length = Length::h;
        if (*p == 'h') { ++p; spec.length = Length::hh; }
    } else if (*p == 'l') {
        ++p;
        spec.length = Length::l;
        if (*p == 'l') { ++p; spec.length = Length::ll; }
    } else if (*p == 'z') {
        ++p;
        spec.length = Length::z;
    }
    return p;
}

void emit_string(Out& out, const Spec& spec, const char* s) {
    if (s == nullptr) s = "(null)";
    size_t len = 0;
    while (len < spec.precision && s[len] != '\0') ++len;
    Spec plain = spec;
    plain.zero = false;
    emit_field(out, plain, s, len, false);
}

}  // namespace

size_t vformat(PutChar put, void* ctx, const char* fmt, va_list ap_in) {
    Out out{put, ctx};
    va_list ap;
    va_copy(ap, ap_in);
    for (const char* p = fmt; *p != '\0'; ++p) {
        if (*p != '%') {
            out.emit(*p);
            continue;
        }
        Spec spec;
        p = parse_spec(p + 1, spec, ap);
        switch (*p) {
            case 'd':
            case 'i': {
                const int64_t v = fetch_signed(ap, spec.length);
                const uint64_t mag = v < 0 ? 0 - static_cast<uint64_t>(v) : static_cast<uint64_t>(v);
                emit_number(out, spec, mag, 10, false, v < 0);
                break;
            }
            case 'u': emit_number(out, spec, fetch_unsigned(ap, spec.length), 10, false, false); break;
            case 'x': emit_number(out, spec, fetch_unsigned(ap, spec.length), 16, false, false); break;
            case 'X': emit_number(out, spec, fetch_unsigned(ap, spec.length), 16, true, false); break;
            case 'o': emit_number(out, spec, fetch_unsigned(ap, spec.length), 8, false, false); break;
            case 'p': {
                out.emit('0');
                out.emit('x');
                Spec ptr;
                ptr.zero = true;
                ptr.width = 16;
                emit_number(out, ptr, reinterpret_cast<uintptr_t>(va_arg(ap, void*)), 16, false, false);
                break;
            }
            case 'c': {
                const char c = static_cast<char>(va_arg(ap, int));
                emit_field(out, spec, &c, 1, false);
                break;
            }
            case 's': emit_string(out, spec, va_arg(ap, const char*)); break;
            case '%': out.emit('%'); break;
            case '\0': --p; break;  // lone '%' at the end: stop cleanly
            default:
                out.emit('%');
                out.emit(*p);
                break;
        }
    }
    va_end(ap);
    return out.count;
}

size_t format(PutChar put, void* ctx, const char* fmt, ...) {
    va_list ap;
    va_start(ap, fmt);
    const size_t n = vformat(put, ctx, fmt, ap);
    va_end(ap);
    return n;
}

namespace {
struct Buffer {
    char* buf;
    size_t cap;
    size_t len;
};
void put_buffer(char c, void* ctx) {
    auto* b = static_cast<Buffer*>(ctx);
    if (b->len + 1 < b->cap) b->buf[b->len] = c;
    ++b->len;
}
}  // namespace

size_t vsnformat(char* buf, size_t n, const char* fmt, va_list ap) {
    Buffer b{buf, n, 0};
    vformat(put_buffer, &b, fmt, ap);
    if (n > 0) buf[b.len < n ? b.len : n - 1] = '\0';
    return b.len;
}

size_t snformat(char* buf, size_t n, const char* fmt, ...) {
    va_list ap;
    va_start(ap, fmt);
    const size_t len = vsnformat(buf, n, fmt, ap);
    va_end(ap);
    return len;
}

}  // namespace bh
