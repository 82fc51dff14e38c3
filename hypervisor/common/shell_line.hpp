// Serial shell logic: line editing, tokenizing, number parsing, command dispatch.
#pragma once
#include <cstddef>
#include <cstdint>

namespace bh::shell {

// What the caller must echo after LineEditor::feed().
enum class EditAction : uint8_t {
    none,        // nothing to echo (ignored char, LF after CR, erase on empty line)
    echo,        // echo Event::ch
    erase_char,  // echo "\b \b" once
    erase_line,  // echo "\b \b" Event::count times
    line_done,   // echo "\r\n"; the line is in LineEditor::line()
    bell,        // echo '\a' (line full); the buffer is unchanged
};

struct Event {
    EditAction action;
    char ch;       // for echo
    size_t count;  // for erase_line
};

// Accumulates one line of input from a terminal.
class LineEditor final {
public:
    static constexpr size_t kCapacity = 128;          // buffer bytes, NUL included
    static constexpr size_t kMaxLen = kCapacity - 1;  // visible chars per line

    static constexpr char kBackspace = 0x08;
    static constexpr char kDelete = 0x7f;
    static constexpr char kCtrlU = 0x15;

    // Printable ASCII (0x20..0x7e) is appended; BS and DEL erase one char;
    // Ctrl-U erases the line; CR or LF completes it (an LF right after a CR
    // is swallowed, so CR LF yields one line); other bytes are ignored.
    Event feed(char c);

    // The NUL-terminated line. After line_done it holds the completed line
    // (the caller may modify it, e.g. with tokenize()) until the next feed().
    char* line() { return buf_; }
    size_t length() const { return len_; }
    void reset();

private:
    char buf_[kCapacity] = {};
    size_t len_ = 0;
    bool done_ = false;     // line() holds a completed line
    bool after_cr_ = false;  // the previous byte was CR
};

// tokenize() failures (any other value is the argument count).
constexpr size_t kTooManyArgs = SIZE_MAX;
constexpr size_t kUnbalancedQuote = SIZE_MAX - 1;

// Splits a NUL-terminated line in place on spaces and tabs. Double quotes
// group words (and may join a word: a"b c" -> `ab c`); "" is an empty
// argument. Stores at most max_args pointers into the line in argv. Returns
// the count, kTooManyArgs if more than max_args arguments are present, or
// kUnbalancedQuote; on failure argv and the line hold partial results.
size_t tokenize(char* line, const char* argv[], size_t max_args);

// Parses a whole string as decimal or as 0x/0X hexadecimal. Rejects empty
// input, signs, whitespace, trailing garbage, a bare "0x", and values above
// 2^64 - 1. `out` is written only on success.
bool parse_u64(const char* s, uint64_t& out);

struct Command {
    const char* name;
    const char* help;
    int (*fn)(int argc, const char* const argv[], void* ctx);
};

// The entry whose name equals `name` exactly, or nullptr.
const Command* find_command(const Command* table, size_t n, const char* name);

enum class DispatchResult : uint8_t { ok, empty_line, unknown_command, too_many_args, bad_quote };

constexpr size_t kMaxArgs = 16;

// Tokenizes `line` (in place) and runs the named command with argv[0] =
// the command name; rc receives its return value (only when ok).
DispatchResult dispatch(char* line, const Command* table, size_t n, void* ctx, int& rc);

}  // namespace bh::shell
