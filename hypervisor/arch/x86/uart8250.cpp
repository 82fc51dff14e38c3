// Polled 16550 driver (register layout: PC16550D datasheet, section 8).
#include "arch/x86/uart8250.hpp"

#include "arch/x86/cpu.hpp"

namespace bh::x86::uart {
namespace {

enum class Reg : uint16_t { data = 0, ier = 1, fcr = 2, lcr = 3, mcr = 4, lsr = 5, scratch = 7 };
constexpr uint8_t kLcrDlab = 0x80, kLcr8N1 = 0x03;
constexpr uint8_t kFcrEnableClear = 0xc7;       // enable, clear RX/TX, 14-byte trigger
constexpr uint8_t kMcrDtrRtsOut2 = 0x0b;
constexpr uint8_t kLsrDataReady = 0x01, kLsrThrEmpty = 0x20;
constexpr uint16_t kDivisor115200 = 1;            // 1.8432 MHz / (16 * 115200)

uint16_t g_port = 0x3f8;

uint8_t in(Reg r) { return inb(static_cast<uint16_t>(g_port + static_cast<uint16_t>(r))); }
void out(Reg r, uint8_t v) { outb(static_cast<uint16_t>(g_port + static_cast<uint16_t>(r)), v); }

void putc(char c) {
    for (uint32_t spins = 0; (in(Reg::lsr) & kLsrThrEmpty) == 0 && spins < 1000000; ++spins) pause();
    out(Reg::data, static_cast<uint8_t>(c));
}

int getc() {
    if ((in(Reg::lsr) & kLsrDataReady) == 0) return -1;
    return in(Reg::data);
}

constexpr console::Device kDevice{putc, getc};

}  // namespace

bool init(uint16_t port) {
    g_port = port;
    out(Reg::scratch, 0x5a);
    if (in(Reg::scratch) != 0x5a) return false;
    out(Reg::ier, 0);
    out(Reg::lcr, kLcrDlab);
    out(Reg::data, static_cast<uint8_t>(kDivisor115200 & 0xff));
    out(Reg::ier, static_cast<uint8_t>(kDivisor115200 >> 8));
    out(Reg::lcr, kLcr8N1);
    out(Reg::fcr, kFcrEnableClear);
    out(Reg::mcr, kMcrDtrRtsOut2);
    return true;
}

const console::Device* device() { return &kDevice; }

}  // namespace bh::x86::uart
