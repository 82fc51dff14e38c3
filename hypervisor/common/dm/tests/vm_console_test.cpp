// VmConsole tests: prefixed lines, splitting, partial flush, attached and
// muted modes, typed input through the vUART.
#include "common/dm/vm_console.hpp"

#include <gtest/gtest.h>

#include "common/dm/tests/dm_fakes.hpp"

namespace {

using bh::dm::ConsoleMode;
using bh::dm::policy_of;
using bh::dm::VmConsole;
using bh::dm::Vuart;
using namespace bh::dm::uart;
using dmtest::RecordingOut;
using Writes = std::vector<std::string>;

struct VmConsoleTest : ::testing::Test {
    RecordingOut out;
    Vuart uart;
    VmConsole con{"LINUX_VM", out};
    void SetUp() override { con.connect(uart); }
    void guest_print(const std::string& s) {
        for (char c : s) uart.write_reg(kThr, static_cast<uint8_t>(c));
    }
    std::string guest_read() {
        std::string got;
        while (uart.read_reg(kLsr) & lsr::kDataReady) got += static_cast<char>(uart.read_reg(kRbr));
        return got;
    }
};

TEST_F(VmConsoleTest, CompleteLinesArePrefixed) {
    guest_print("hello\r\nworld\n");
    EXPECT_EQ(out.writes, (Writes{"[LINUX_VM] hello\n", "[LINUX_VM] world\n"}));  // one write per line
    guest_print("partial");
    EXPECT_EQ(out.writes.size(), 2u);
    EXPECT_EQ(con.stats().lines, 2u);
    EXPECT_STREQ(con.name(), "LINUX_VM");
}

TEST_F(VmConsoleTest, EmptyLinesAreKept) {
    guest_print("\n\r\n");
    EXPECT_EQ(out.writes, (Writes{"[LINUX_VM] \n", "[LINUX_VM] \n"}));
}

TEST_F(VmConsoleTest, FlushEmitsAPartialLineOnce) {
    guest_print("login: ");
    EXPECT_TRUE(out.writes.empty());
    con.flush();
    EXPECT_EQ(out.writes, (Writes{"[LINUX_VM] login: \n"}));
    con.flush();  // nothing more
    guest_print("\n");  // ends the line the flush already ended: swallowed
    EXPECT_EQ(out.writes.size(), 1u);
    guest_print("root\n\n");
    EXPECT_EQ(out.writes, (Writes{"[LINUX_VM] login: \n", "[LINUX_VM] root\n", "[LINUX_VM] \n"}));
}

TEST_F(VmConsoleTest, LongLinesAreSplit) {
    const std::string a(VmConsole::kLineMax, 'a');
    guest_print(a + "bc\n");
    EXPECT_EQ(out.writes, (Writes{"[LINUX_VM] " + a + "\n", "[LINUX_VM] bc\n"}));
}

TEST_F(VmConsoleTest, LineOfExactlyTheMaximumYieldsNoEmptyLine) {
    const std::string a(VmConsole::kLineMax, 'z');
    guest_print(a + "\r\n");
    guest_print("next\n");
    EXPECT_EQ(out.writes, (Writes{"[LINUX_VM] " + a + "\n", "[LINUX_VM] next\n"}));
}

TEST_F(VmConsoleTest, AttachedModePassesBytesThrough) {
    guest_print("boot");
    con.set_mode(ConsoleMode::attached);  // the partial line goes out prefixed first
    EXPECT_EQ(out.writes, (Writes{"[LINUX_VM] boot\n"}));
    out.writes.clear();
    guest_print("$ \r\n");
    EXPECT_EQ(out.writes, (Writes{"$", " ", "\r", "\n"}));
    EXPECT_EQ(con.stats().raw_bytes, 4u);
    con.set_mode(ConsoleMode::shared);
    guest_print("x\n");
    EXPECT_EQ(out.all(), "$ \r\n[LINUX_VM] x\n");
}

TEST_F(VmConsoleTest, MutedModeCountsAndDrops) {
    guest_print("half");
    con.set_mode(ConsoleMode::muted);
    guest_print("secret\n");
    EXPECT_EQ(out.writes, (Writes{"[LINUX_VM] half\n"}));
    EXPECT_EQ(con.stats().muted_bytes, 7u);
    con.flush();
    EXPECT_EQ(out.writes.size(), 1u);
}

TEST_F(VmConsoleTest, PolicyTableIsTheOnlySwitch) {
    EXPECT_TRUE(policy_of(ConsoleMode::shared).prefix);
    EXPECT_TRUE(policy_of(ConsoleMode::shared).line_buffered);
    EXPECT_FALSE(policy_of(ConsoleMode::attached).prefix);
    EXPECT_FALSE(policy_of(ConsoleMode::attached).line_buffered);
    EXPECT_TRUE(policy_of(ConsoleMode::attached).emit);
    EXPECT_FALSE(policy_of(ConsoleMode::muted).emit);
}

TEST_F(VmConsoleTest, LongNamesAreCut) {
    RecordingOut o;
    const std::string name(40, 'N');
    VmConsole c(name.c_str(), o);
    c.put('x');
    c.put('\n');
    EXPECT_EQ(o.writes, (Writes{"[" + std::string(VmConsole::kNameMax, 'N') + "] x\n"}));
    VmConsole anon(nullptr, o);
    EXPECT_STREQ(anon.name(), "?");
}

TEST_F(VmConsoleTest, InputReachesTheGuestWithoutLoss) {
    uart.write_reg(kFcr, fcr::kEnable);
    const auto text = dmtest::bytes_of(std::string(30, 'k'));
    EXPECT_EQ(con.input(text.data(), text.size()), 30u);
    EXPECT_EQ(uart.rx_count(), 16u);
    EXPECT_EQ(con.input_held(), 14u);
    EXPECT_EQ(guest_read(), std::string(30, 'k'));
    EXPECT_EQ(con.input_held(), 0u);
}

TEST_F(VmConsoleTest, InputBeyondTheBufferIsLeftToTheCaller) {
    uart.write_reg(kFcr, fcr::kEnable);
    std::string typed;
    for (int i = 0; i < 100; ++i) typed += static_cast<char>('a' + i % 26);
    const auto bytes = dmtest::bytes_of(typed);
    const size_t taken = con.input(bytes.data(), bytes.size());
    EXPECT_EQ(taken, 16u + VmConsole::kInputCapacity);
    std::string got = guest_read();
    EXPECT_EQ(con.input(bytes.data() + taken, bytes.size() - taken), bytes.size() - taken);
    got += guest_read();
    EXPECT_EQ(got, typed);
}

TEST_F(VmConsoleTest, InputKeepsOrderBehindHeldBytes) {
    // 16450 mode: one byte at a time; later input must queue behind held input.
    const auto first = dmtest::bytes_of("abc");
    const auto second = dmtest::bytes_of("de");
    EXPECT_EQ(con.input(first.data(), first.size()), 3u);
    EXPECT_EQ(con.input(second.data(), second.size()), 2u);
    EXPECT_EQ(guest_read(), "abcde");
}

TEST_F(VmConsoleTest, InputWaitsForConnection) {
    RecordingOut o;
    Vuart u2;
    VmConsole c("VM2", o);
    const auto bytes = dmtest::bytes_of("hi");
    EXPECT_EQ(c.input(bytes.data(), bytes.size()), 2u);
    c.connect(u2);
    EXPECT_EQ(u2.rx_count(), 1u);  // 16450 mode holds one byte
    EXPECT_EQ(u2.read_reg(kRbr), 'h');
    EXPECT_EQ(u2.read_reg(kRbr), 'i');
    c.disconnect();
    EXPECT_EQ(u2.sink(), nullptr);
}

}  // namespace
