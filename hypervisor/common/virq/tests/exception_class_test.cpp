// Exception classes and merging checked pair by pair against tables written
// here from the SDM text (Vol.3 6.15, Tables 6-4 and 6-5, "Interrupt 8").
#include "common/virq/exception_class.hpp"

#include <gtest/gtest.h>

#include <cstring>

namespace {

using bh::virq::ExceptionClass;
using bh::virq::Outcome;

// Table 6-4, one letter per vector 0..31:
// B benign (1 2 3 4 5 6 7 9 16 17 18 19, and everything the table does not
// name: 15, 22..31), C contributory (0 10 11 12 13, and 21 #CP), P page-fault
// class (14, 20 #VE), D the double fault itself (8).
//                                 0         1         2         3
//                                 01234567890123456789012345678901
constexpr const char kClasses[] = "CBBBBBBBDBCCCCPBBBBBPCBBBBBBBBBB";

// Error codes (SDM "Exception Error Code" sections): 8 (zero), 10, 11, 12,
// 13, 14, 17 (zero), 21.
//                                   01234567890123456789012345678901
constexpr const char kErrorCodes[] = "00000000101111100100010000000000";

// Table 6-5 with the #DF row from "Interrupt 8" ("if another contributory
// or page fault exception occurs while attempting to call the double-fault
// handler, the processor enters shutdown mode"); a benign exception during
// #DF delivery is handled serially. A second #DF counts as contributory.
// Rows: first B, C, P, D; columns: second B, C, P, D.
// S = handle serially, F = generate #DF, T = shutdown (triple fault).
constexpr const char kTable65[4][5] = {
    "SSSS",  // benign first: always serially
    "SFSF",  // contributory first: contributory -> #DF, page fault -> serially
    "SFFF",  // page fault first: contributory or page fault -> #DF
    "STTT",  // #DF first: contributory or page fault -> shutdown
};

int row_of(char c) { return static_cast<int>(std::strchr("BCPD", c) - "BCPD"); }

Outcome expected(uint8_t first, uint8_t second) {
    const char cell = kTable65[row_of(kClasses[first])][row_of(kClasses[second])];
    if (cell == 'F') return Outcome::double_fault;
    if (cell == 'T') return Outcome::triple_fault;
    return Outcome::deliver_second;
}

ExceptionClass class_of(char c) {
    switch (c) {
    case 'C': return ExceptionClass::contributory;
    case 'P': return ExceptionClass::page_fault;
    case 'D': return ExceptionClass::double_fault;
    default: return ExceptionClass::benign;
    }
}

TEST(ExceptionClass, TablesAreWellFormed) {
    ASSERT_EQ(std::strlen(kClasses), 32u);
    ASSERT_EQ(std::strlen(kErrorCodes), 32u);
}

TEST(ExceptionClass, ClassifyEveryExceptionVector) {
    for (unsigned v = 0; v < 32; ++v) {
        EXPECT_EQ(bh::virq::classify(static_cast<uint8_t>(v)), class_of(kClasses[v])) << "vector " << v;
    }
}

TEST(ExceptionClass, InterruptVectorsAreBenign) {
    for (unsigned v = 32; v < 256; ++v) {
        EXPECT_EQ(bh::virq::classify(static_cast<uint8_t>(v)), ExceptionClass::benign) << v;
        EXPECT_FALSE(bh::virq::has_error_code(static_cast<uint8_t>(v))) << v;
    }
}

TEST(ExceptionClass, ErrorCodePerVector) {
    for (unsigned v = 0; v < 32; ++v) {
        EXPECT_EQ(bh::virq::has_error_code(static_cast<uint8_t>(v)), kErrorCodes[v] == '1') << "vector " << v;
    }
}

TEST(ExceptionClass, EveryPairOf32By32) {
    unsigned counts[3] = {};
    for (unsigned a = 0; a < 32; ++a) {
        for (unsigned b = 0; b < 32; ++b) {
            const auto got = bh::virq::merge(static_cast<uint8_t>(a), static_cast<uint8_t>(b));
            const auto want = expected(static_cast<uint8_t>(a), static_cast<uint8_t>(b));
            EXPECT_EQ(got, want) << "first " << a << " second " << b << ": got "
                                 << bh::virq::to_string(got) << ", want " << bh::virq::to_string(want);
            ++counts[static_cast<unsigned>(got)];
        }
    }
    // 6 contributory (C), 2 page-fault class (P), 1 #DF (D), 23 benign.
    // #DF: C x (C + D) = 6*7, P x (C + P + D) = 2*9. Triple: D x (C + P + D) = 9.
    EXPECT_EQ(counts[static_cast<unsigned>(Outcome::double_fault)], 6u * 7u + 2u * 9u);
    EXPECT_EQ(counts[static_cast<unsigned>(Outcome::triple_fault)], 9u);
    EXPECT_EQ(counts[static_cast<unsigned>(Outcome::deliver_second)], 1024u - 60u - 9u);
}

TEST(ExceptionClass, NamedCasesFromTheManual) {
    using namespace bh::virq;
    EXPECT_EQ(merge(exc::gp, exc::gp), Outcome::double_fault);
    EXPECT_EQ(merge(exc::de, exc::np), Outcome::double_fault);
    EXPECT_EQ(merge(exc::ts, exc::ss), Outcome::double_fault);
    EXPECT_EQ(merge(exc::gp, exc::pf), Outcome::deliver_second);  // contributory then #PF: serially
    EXPECT_EQ(merge(exc::pf, exc::pf), Outcome::double_fault);
    EXPECT_EQ(merge(exc::pf, exc::gp), Outcome::double_fault);
    EXPECT_EQ(merge(exc::pf, exc::ud), Outcome::deliver_second);
    EXPECT_EQ(merge(exc::df, exc::gp), Outcome::triple_fault);
    EXPECT_EQ(merge(exc::df, exc::pf), Outcome::triple_fault);
    EXPECT_EQ(merge(exc::df, exc::np), Outcome::triple_fault);
    EXPECT_EQ(merge(exc::df, exc::df), Outcome::triple_fault);
    EXPECT_EQ(merge(exc::df, exc::db), Outcome::deliver_second);
    EXPECT_EQ(merge(exc::df, exc::nmi), Outcome::deliver_second);
    EXPECT_EQ(merge(exc::mc, exc::gp), Outcome::deliver_second);  // #MC is benign
    EXPECT_EQ(merge(exc::gp, exc::mc), Outcome::deliver_second);
    EXPECT_EQ(merge(exc::db, exc::gp), Outcome::deliver_second);
    EXPECT_EQ(merge(exc::bp, exc::pf), Outcome::deliver_second);
    EXPECT_EQ(merge(exc::cp, exc::gp), Outcome::double_fault);  // #CP contributory
    EXPECT_EQ(merge(exc::ve, exc::gp), Outcome::double_fault);  // #VE in the page-fault class
    EXPECT_EQ(merge(exc::gp, exc::df), Outcome::double_fault);  // injected #DF counts as contributory
    EXPECT_EQ(merge(exc::ud, exc::df), Outcome::deliver_second);
}

TEST(ExceptionClass, InterruptsInFlightAreBenignFirstEvents) {
    using namespace bh::virq;
    // An external interrupt on vector 13 (real-mode PIC base 8, IRQ5) being
    // delivered when a #GP hits: the caller passes benign, not classify(13).
    EXPECT_EQ(merge(ExceptionClass::benign, classify(exc::gp)), Outcome::deliver_second);
    EXPECT_EQ(merge(static_cast<uint8_t>(0x20), exc::gp), Outcome::deliver_second);
    EXPECT_EQ(merge(static_cast<uint8_t>(0xEC), exc::pf), Outcome::deliver_second);
}

TEST(ExceptionClass, ClassMatrixMatchesTable65) {
    const char letters[] = "BCPD";
    for (int r = 0; r < 4; ++r) {
        for (int c = 0; c < 4; ++c) {
            const auto got = bh::virq::merge(class_of(letters[r]), class_of(letters[c]));
            const char cell = kTable65[r][c];
            const auto want = cell == 'F' ? Outcome::double_fault
                                          : cell == 'T' ? Outcome::triple_fault : Outcome::deliver_second;
            EXPECT_EQ(got, want) << letters[r] << "," << letters[c];
        }
    }
}

TEST(ExceptionClass, Names) {
    EXPECT_STREQ(bh::virq::to_string(ExceptionClass::page_fault), "page fault");
    EXPECT_STREQ(bh::virq::to_string(Outcome::triple_fault), "triple fault");
}

}  // namespace
