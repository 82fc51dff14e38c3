// Unit tests for the shell's line editor, tokenizer, number parser and dispatcher.
#include "common/shell_line.hpp"

#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace {

using namespace bh::shell;

// Feeds a string and returns the events.
std::vector<Event> feed_all(LineEditor& ed, const std::string& s) {
    std::vector<Event> out;
    for (char c : s) out.push_back(ed.feed(c));
    return out;
}

// Applies the echo rules to reconstruct what the terminal would show.
std::string screen(const std::vector<Event>& evs) {
    std::string out;
    for (const Event& e : evs) {
        switch (e.action) {
            case EditAction::none: break;
            case EditAction::echo: out += e.ch; break;
            case EditAction::erase_char: out += "\b \b"; break;
            case EditAction::erase_line:
                for (size_t i = 0; i < e.count; ++i) out += "\b \b";
                break;
            case EditAction::line_done: out += "\r\n"; break;
            case EditAction::bell: out += '\a'; break;
        }
    }
    return out;
}

TEST(LineEditor, TypingAndBackspace) {
    LineEditor ed;
    auto evs = feed_all(ed, "ab\x08" "c");
    ASSERT_EQ(evs.size(), 4u);
    EXPECT_EQ(evs[0].action, EditAction::echo);
    EXPECT_EQ(evs[0].ch, 'a');
    EXPECT_EQ(evs[2].action, EditAction::erase_char);
    EXPECT_EQ(std::string(ed.line()), "ac");
    EXPECT_EQ(ed.length(), 2u);
    EXPECT_EQ(ed.feed('\r').action, EditAction::line_done);
    EXPECT_EQ(std::string(ed.line()), "ac");
    EXPECT_EQ(screen(evs), "ab\b \bc");
}

TEST(LineEditor, DeleteActsLikeBackspaceAndStopsAtEmpty) {
    LineEditor ed;
    auto evs = feed_all(ed, "x\x7f\x7f\x08y");
    EXPECT_EQ(evs[1].action, EditAction::erase_char);
    EXPECT_EQ(evs[2].action, EditAction::none);
    EXPECT_EQ(evs[3].action, EditAction::none);
    EXPECT_EQ(std::string(ed.line()), "y");
}

TEST(LineEditor, CtrlUErasesTheLine) {
    LineEditor ed;
    feed_all(ed, "abc");
    const Event e = ed.feed(0x15);
    EXPECT_EQ(e.action, EditAction::erase_line);
    EXPECT_EQ(e.count, 3u);
    EXPECT_EQ(ed.length(), 0u);
    EXPECT_EQ(ed.feed(0x15).action, EditAction::none);
    feed_all(ed, "go\n");
    EXPECT_EQ(std::string(ed.line()), "go");
}

TEST(LineEditor, LineEndings) {
    LineEditor ed;
    auto evs = feed_all(ed, "a\r\nb\nc\r\rd\n\n");
    int done = 0;
    for (const Event& e : evs) done += e.action == EditAction::line_done ? 1 : 0;
    // a (CR LF is one), b, c, empty (second CR), d, empty (second LF).
    EXPECT_EQ(done, 6);
    EXPECT_EQ(evs[2].action, EditAction::none);  // LF after CR swallowed

    LineEditor ed2;
    feed_all(ed2, "one\r");
    EXPECT_EQ(std::string(ed2.line()), "one");
    EXPECT_EQ(ed2.feed('\n').action, EditAction::none);
    const Event e = ed2.feed('t');
    EXPECT_EQ(e.action, EditAction::echo);
    EXPECT_EQ(std::string(ed2.line()), "t");  // a new line started
    // An LF that does not follow a CR still ends a line, even after a CR line.
    feed_all(ed2, "\r");
    EXPECT_EQ(ed2.feed('x').action, EditAction::echo);
    EXPECT_EQ(ed2.feed('\n').action, EditAction::line_done);
    EXPECT_EQ(std::string(ed2.line()), "x");
}

TEST(LineEditor, IgnoresOtherControlAndHighBytes) {
    LineEditor ed;
    for (char c : {'\x01', '\x1b', '\t', '\x00', static_cast<char>(0x80), static_cast<char>(0xff)}) {
        EXPECT_EQ(ed.feed(c).action, EditAction::none);
    }
    EXPECT_EQ(ed.length(), 0u);
    EXPECT_EQ(ed.feed('~').action, EditAction::echo);
    EXPECT_EQ(ed.feed(' ').action, EditAction::echo);
}

TEST(LineEditor, OverflowRingsTheBellAndKeepsTheBuffer) {
    LineEditor ed;
    for (size_t i = 0; i < LineEditor::kMaxLen; ++i) ASSERT_EQ(ed.feed('a').action, EditAction::echo);
    const Event e = ed.feed('b');
    EXPECT_EQ(e.action, EditAction::bell);
    EXPECT_EQ(ed.length(), LineEditor::kMaxLen);
    EXPECT_EQ(std::string(ed.line()), std::string(LineEditor::kMaxLen, 'a'));
    EXPECT_EQ(ed.feed(0x08).action, EditAction::erase_char);
    EXPECT_EQ(ed.feed('z').action, EditAction::echo);
    EXPECT_EQ(ed.feed('z').action, EditAction::bell);
    EXPECT_EQ(ed.feed('\r').action, EditAction::line_done);
    EXPECT_EQ(std::string(ed.line()), std::string(LineEditor::kMaxLen - 1, 'a') + "z");
}

TEST(LineEditor, ResetDropsTheLine) {
    LineEditor ed;
    feed_all(ed, "abc");
    ed.reset();
    EXPECT_EQ(ed.length(), 0u);
    EXPECT_EQ(std::string(ed.line()), "");
}

std::vector<std::string> tok(std::string s, size_t max = 8, size_t* count = nullptr) {
    std::vector<char> buf(s.begin(), s.end());
    buf.push_back('\0');
    std::vector<const char*> argv(max + 1, nullptr);
    const size_t n = tokenize(buf.data(), argv.data(), max);
    if (count != nullptr) *count = n;
    std::vector<std::string> out;
    if (n > max) return out;
    for (size_t i = 0; i < n; ++i) out.emplace_back(argv[i]);
    return out;
}

TEST(Tokenize, SplitsOnBlanks) {
    EXPECT_EQ(tok("  mem   read\t0x1000 "), (std::vector<std::string>{"mem", "read", "0x1000"}));
    EXPECT_EQ(tok("one"), (std::vector<std::string>{"one"}));
    size_t n = 99;
    EXPECT_TRUE(tok("", 8, &n).empty());
    EXPECT_EQ(n, 0u);
    EXPECT_TRUE(tok(" \t ", 8, &n).empty());
    EXPECT_EQ(n, 0u);
}

TEST(Tokenize, QuotesGroupWords) {
    EXPECT_EQ(tok("echo \"hello  world\" x"), (std::vector<std::string>{"echo", "hello  world", "x"}));
    EXPECT_EQ(tok("a\"b c\"d e"), (std::vector<std::string>{"ab cd", "e"}));
    EXPECT_EQ(tok("\"\" x"), (std::vector<std::string>{"", "x"}));
    EXPECT_EQ(tok("\"\t\""), (std::vector<std::string>{"\t"}));
    size_t n = 0;
    tok("echo \"open", 8, &n);
    EXPECT_EQ(n, kUnbalancedQuote);
}

TEST(Tokenize, TooManyArgsIsAnError) {
    size_t n = 0;
    EXPECT_EQ(tok("a b c", 3, &n).size(), 3u);
    EXPECT_EQ(n, 3u);
    tok("a b c d", 3, &n);
    EXPECT_EQ(n, kTooManyArgs);
    tok("a", 0, &n);
    EXPECT_EQ(n, kTooManyArgs);
    tok("a b c   ", 3, &n);  // trailing blanks are not an argument
    EXPECT_EQ(n, 3u);
}

TEST(ParseU64, AcceptsDecimalAndHex) {
    uint64_t v = 1;
    EXPECT_TRUE(parse_u64("0", v));
    EXPECT_EQ(v, 0u);
    EXPECT_TRUE(parse_u64("007", v));
    EXPECT_EQ(v, 7u);
    EXPECT_TRUE(parse_u64("4096", v));
    EXPECT_EQ(v, 4096u);
    EXPECT_TRUE(parse_u64("0x1000", v));
    EXPECT_EQ(v, 0x1000u);
    EXPECT_TRUE(parse_u64("0XaBc", v));
    EXPECT_EQ(v, 0xabcu);
    EXPECT_TRUE(parse_u64("0x0", v));
    EXPECT_EQ(v, 0u);
    EXPECT_TRUE(parse_u64("18446744073709551615", v));
    EXPECT_EQ(v, UINT64_MAX);
    EXPECT_TRUE(parse_u64("0xffffffffffffffff", v));
    EXPECT_EQ(v, UINT64_MAX);
    EXPECT_TRUE(parse_u64("0x0000000000000000001", v));
    EXPECT_EQ(v, 1u);
}

TEST(ParseU64, RejectsBadInput) {
    const char* bad[] = {"",   "18446744073709551616", "99999999999999999999", "0x10000000000000000",
                         "0x", "-1",  "+1",  " 1", "1 ", "12a", "0x1g", "x10", "0b101", "1.0", "0xx1"};
    for (const char* s : bad) {
        uint64_t v = 42;
        EXPECT_FALSE(parse_u64(s, v)) << '"' << s << '"';
        EXPECT_EQ(v, 42u) << s;
    }
    uint64_t v = 42;
    EXPECT_FALSE(parse_u64(nullptr, v));
}

struct Calls {
    int count = 0;
    std::vector<std::string> args;
};

int record(int argc, const char* const argv[], void* ctx) {
    auto* c = static_cast<Calls*>(ctx);
    ++c->count;
    c->args.assign(argv, argv + argc);
    return 40 + argc;
}

int other(int, const char* const[], void*) { return -1; }

const Command kTable[] = {
    {"help", "list commands", other},
    {"mem", "dump memory", record},
    {"broken", "no handler", nullptr},
};

TEST(Commands, FindIsExact) {
    EXPECT_EQ(find_command(kTable, 3, "mem"), &kTable[1]);
    EXPECT_EQ(find_command(kTable, 3, "help"), &kTable[0]);
    EXPECT_EQ(find_command(kTable, 3, "he"), nullptr);
    EXPECT_EQ(find_command(kTable, 3, "help2"), nullptr);
    EXPECT_EQ(find_command(kTable, 3, "MEM"), nullptr);
    EXPECT_EQ(find_command(kTable, 3, ""), nullptr);
    EXPECT_EQ(find_command(kTable, 1, "mem"), nullptr);  // only n entries are searched
    EXPECT_EQ(find_command(nullptr, 0, "mem"), nullptr);
}

TEST(Commands, DispatchResults) {
    Calls calls;
    int rc = 0;
    char ok_line[] = "  mem \"a b\" 0x10 ";
    EXPECT_EQ(dispatch(ok_line, kTable, 3, &calls, rc), DispatchResult::ok);
    EXPECT_EQ(rc, 43);
    EXPECT_EQ(calls.args, (std::vector<std::string>{"mem", "a b", "0x10"}));

    rc = 7;
    char empty[] = "   ";
    EXPECT_EQ(dispatch(empty, kTable, 3, &calls, rc), DispatchResult::empty_line);
    char unknown[] = "memx 1";
    EXPECT_EQ(dispatch(unknown, kTable, 3, &calls, rc), DispatchResult::unknown_command);
    char broken[] = "broken";
    EXPECT_EQ(dispatch(broken, kTable, 3, &calls, rc), DispatchResult::unknown_command);
    char quote[] = "mem \"x";
    EXPECT_EQ(dispatch(quote, kTable, 3, &calls, rc), DispatchResult::bad_quote);
    EXPECT_EQ(rc, 7);
    EXPECT_EQ(calls.count, 1);

    std::string many = "mem";
    for (size_t i = 1; i < kMaxArgs; ++i) many += " x";
    std::vector<char> buf(many.begin(), many.end());
    buf.push_back('\0');
    EXPECT_EQ(dispatch(buf.data(), kTable, 3, &calls, rc), DispatchResult::ok);  // exactly kMaxArgs
    EXPECT_EQ(rc, 40 + static_cast<int>(kMaxArgs));
    many += " y";
    buf.assign(many.begin(), many.end());
    buf.push_back('\0');
    EXPECT_EQ(dispatch(buf.data(), kTable, 3, &calls, rc), DispatchResult::too_many_args);
    EXPECT_EQ(calls.count, 2);
}

TEST(Commands, EditorToDispatch) {
    LineEditor ed;
    Calls calls;
    int rc = 0;
    DispatchResult r = DispatchResult::empty_line;
    for (char c : std::string("mex\x08m 5\r\n")) {
        if (ed.feed(c).action == EditAction::line_done) r = dispatch(ed.line(), kTable, 3, &calls, rc);
    }
    EXPECT_EQ(r, DispatchResult::ok);
    EXPECT_EQ(calls.args, (std::vector<std::string>{"mem", "5"}));
}

}  // namespace
