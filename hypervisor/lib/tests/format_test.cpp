// Unit tests for the freestanding printf-style formatter.
#include "lib/format.hpp"

#include <gtest/gtest.h>

#include <cstdint>
#include <string>

namespace {

template <typename... Args>
std::string fmt(const char* f, Args... args) {
    char buf[128];
    bh::snformat(buf, sizeof(buf), f, args...);
    return buf;
}

TEST(Format, Integers) {
    EXPECT_EQ(fmt("%d %i %u", -42, 7, 3000000000u), "-42 7 3000000000");
    EXPECT_EQ(fmt("%x %X %o", 0xbeefu, 0xbeefu, 8u), "beef BEEF 10");
    EXPECT_EQ(fmt("%llx", 0xffffffffffffffffull), "ffffffffffffffff");
    EXPECT_EQ(fmt("%lld", static_cast<long long>(INT64_MIN)), "-9223372036854775808");
    EXPECT_EQ(fmt("%zu", static_cast<size_t>(123)), "123");
    EXPECT_EQ(fmt("%hhx", 0x1ff), "ff");
    EXPECT_EQ(fmt("%d", 0), "0");
}

TEST(Format, WidthAndFlags) {
    EXPECT_EQ(fmt("[%5d]", 42), "[   42]");
    EXPECT_EQ(fmt("[%-5d]", 42), "[42   ]");
    EXPECT_EQ(fmt("[%05d]", -42), "[-0042]");
    EXPECT_EQ(fmt("[%08x]", 0xabcu), "[00000abc]");
    EXPECT_EQ(fmt("[%-6s]", "ab"), "[ab    ]");
    EXPECT_EQ(fmt("[%6s]", "ab"), "[    ab]");
    EXPECT_EQ(fmt("[%.2s]", "abcdef"), "[ab]");
}

TEST(Format, StarWidthAndPrecision) {
    EXPECT_EQ(fmt("[%.*s]", 3, "abcdef"), "[abc]");
    EXPECT_EQ(fmt("[%*d]", 4, 7), "[   7]");
    EXPECT_EQ(fmt("[%*d]", -4, 7), "[7   ]");
    EXPECT_EQ(fmt("[%.*s]", -1, "abc"), "[abc]");
    EXPECT_EQ(fmt("[%.*s|%d]", 2, "xyz", 5), "[xy|5]");
}

TEST(Format, StringsCharsPointers) {
    EXPECT_EQ(fmt("%s-%c-%%", "x", 'y'), "x-y-%");
    EXPECT_EQ(fmt("%s", static_cast<const char*>(nullptr)), "(null)");
    EXPECT_EQ(fmt("%p", reinterpret_cast<void*>(0x1000)), "0x0000000000001000");
}

TEST(Format, TruncatesAndReportsFullLength) {
    char buf[6];
    EXPECT_EQ(bh::snformat(buf, sizeof(buf), "hello world"), 11u);
    EXPECT_STREQ(buf, "hello");
    EXPECT_EQ(bh::snformat(buf, 0, "abc"), 3u);
}

TEST(Format, UnknownConversionIsPrintedNotConsumed) {
    EXPECT_EQ(fmt("%q %d", 5), "%q 5");
    EXPECT_EQ(fmt("trailing %"), "trailing ");
}

}  // namespace
