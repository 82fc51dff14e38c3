// Unit tests for the hypervisor boot options.
#include "common/cmdline.hpp"

#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace {

std::vector<std::string> g_unknown;
void record(const char* w, unsigned len) { g_unknown.emplace_back(w, len); }

TEST(Cmdline, DefaultsWithoutCommandLine) {
    EXPECT_EQ(bh::parse_boot_options(nullptr, record).apic, bh::ApicModeOption::automatic);
    EXPECT_EQ(bh::parse_boot_options("", record).apic, bh::ApicModeOption::automatic);
}

TEST(Cmdline, ApicOptionAndImagePath) {
    g_unknown.clear();
    EXPECT_EQ(bh::parse_boot_options("/boot/bulkhead.elf apic=xapic", record).apic, bh::ApicModeOption::xapic);
    EXPECT_TRUE(g_unknown.empty());
    EXPECT_EQ(bh::parse_boot_options("apic=xapic  apic=auto", record).apic, bh::ApicModeOption::automatic);
}

TEST(Cmdline, UnknownWordsAreReportedNotApplied) {
    g_unknown.clear();
    const auto o = bh::parse_boot_options("/boot/bulkhead.elf apic=xapicx bogus\tapic=", record);
    EXPECT_EQ(o.apic, bh::ApicModeOption::automatic);
    ASSERT_EQ(g_unknown.size(), 3u);
    EXPECT_EQ(g_unknown[0], "apic=xapicx");
    EXPECT_EQ(g_unknown[1], "bogus");
    EXPECT_EQ(g_unknown[2], "apic=");
}

}  // namespace
