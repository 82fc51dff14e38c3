// Serial shell logic: line editing, tokenizing, number parsing, command dispatch.
#include "common/shell_line.hpp"

namespace bh::shell {

namespace {

bool is_blank(char c) { return c == ' ' || c == '\t'; }

bool equal(const char* a, const char* b) {
    while (*a != '\0' && *a == *b) {
        ++a;
        ++b;
    }
    return *a == *b;
}

// Value of a hex digit, or 16 for anything else.
unsigned digit_value(char c) {
    if (c >= '0' && c <= '9') return static_cast<unsigned>(c - '0');
    if (c >= 'a' && c <= 'f') return static_cast<unsigned>(c - 'a' + 10);
    if (c >= 'A' && c <= 'F') return static_cast<unsigned>(c - 'A' + 10);
    return 16;
}

}  // namespace

void LineEditor::reset() {
    len_ = 0;
    buf_[0] = '\0';
    done_ = false;
    after_cr_ = false;
}

Event LineEditor::feed(char c) {
    if (done_) {  // the previous line has been handed out; start a new one
        len_ = 0;
        buf_[0] = '\0';
        done_ = false;
    }
    const bool after_cr = after_cr_;
    after_cr_ = false;
    const auto byte = static_cast<unsigned char>(c);

    if (c == '\r' || c == '\n') {
        if (c == '\n' && after_cr) return Event{EditAction::none, '\0', 0};
        after_cr_ = c == '\r';
        done_ = true;
        return Event{EditAction::line_done, '\0', 0};
    }
    if (c == kBackspace || c == kDelete) {
        if (len_ == 0) return Event{EditAction::none, '\0', 0};
        buf_[--len_] = '\0';
        return Event{EditAction::erase_char, '\0', 1};
    }
    if (c == kCtrlU) {
        const size_t erased = len_;
        len_ = 0;
        buf_[0] = '\0';
        return Event{erased == 0 ? EditAction::none : EditAction::erase_line, '\0', erased};
    }
    if (byte < 0x20 || byte > 0x7e) return Event{EditAction::none, '\0', 0};
    if (len_ == kMaxLen) return Event{EditAction::bell, '\a', 0};
    buf_[len_++] = c;
    buf_[len_] = '\0';
    return Event{EditAction::echo, c, 0};
}

size_t tokenize(char* line, const char* argv[], size_t max_args) {
    size_t argc = 0;
    if (line == nullptr) return 0;
    char* r = line;  // read position
    for (;;) {
        while (is_blank(*r)) ++r;
        if (*r == '\0') return argc;
        if (argc == max_args) return kTooManyArgs;
        // Copy the word down to w, dropping quotes; w never passes r.
        char* w = r;
        argv[argc++] = w;
        bool quoted = false;
        while (*r != '\0' && (quoted || !is_blank(*r))) {
            if (*r == '"') {
                quoted = !quoted;
            } else {
                *w++ = *r;
            }
            ++r;
        }
        if (quoted) return kUnbalancedQuote;
        const bool at_end = *r == '\0';
        *w = '\0';
        if (at_end) return argc;
        ++r;
    }
}

bool parse_u64(const char* s, uint64_t& out) {
    if (s == nullptr || *s == '\0') return false;
    unsigned base = 10;
    if (s[0] == '0' && (s[1] == 'x' || s[1] == 'X')) {
        base = 16;
        s += 2;
        if (*s == '\0') return false;
    }
    uint64_t v = 0;
    for (; *s != '\0'; ++s) {
        const unsigned d = digit_value(*s);
        if (d >= base) return false;
        if (v > (UINT64_MAX - d) / base) return false;
        v = v * base + d;
    }
    out = v;
    return true;
}

const Command* find_command(const Command* table, size_t n, const char* name) {
    if (table == nullptr || name == nullptr) return nullptr;
    for (size_t i = 0; i < n; ++i) {
        if (table[i].name != nullptr && equal(table[i].name, name)) return &table[i];
    }
    return nullptr;
}

DispatchResult dispatch(char* line, const Command* table, size_t n, void* ctx, int& rc) {
    const char* argv[kMaxArgs] = {};
    const size_t argc = tokenize(line, argv, kMaxArgs);
    if (argc == kTooManyArgs) return DispatchResult::too_many_args;
    if (argc == kUnbalancedQuote) return DispatchResult::bad_quote;
    if (argc == 0) return DispatchResult::empty_line;
    const Command* cmd = find_command(table, n, argv[0]);
    if (cmd == nullptr || cmd->fn == nullptr) return DispatchResult::unknown_command;
    rc = cmd->fn(static_cast<int>(argc), argv, ctx);
    return DispatchResult::ok;
}

}  // namespace bh::shell
