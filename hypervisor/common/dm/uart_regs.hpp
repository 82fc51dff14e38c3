// PC16550D register map and bit definitions used by the vUART model.
// References name the register descriptions in section 8 ("Registers") of
// the National Semiconductor PC16550D datasheet.
#pragma once
#include <cstdint>

namespace bh::dm::uart {

// Register offsets from the base port.  // PC16550D register summary (DLAB, A2..A0)
inline constexpr uint8_t kRbr = 0;  // read, DLAB=0: receiver buffer
inline constexpr uint8_t kThr = 0;  // write, DLAB=0: transmitter holding
inline constexpr uint8_t kDll = 0;  // DLAB=1: divisor latch LSB
inline constexpr uint8_t kIer = 1;  // DLAB=0: interrupt enable
inline constexpr uint8_t kDlm = 1;  // DLAB=1: divisor latch MSB
inline constexpr uint8_t kIir = 2;  // read: interrupt identification
inline constexpr uint8_t kFcr = 2;  // write: FIFO control
inline constexpr uint8_t kLcr = 3;  // line control
inline constexpr uint8_t kMcr = 4;  // modem control
inline constexpr uint8_t kLsr = 5;  // line status
inline constexpr uint8_t kMsr = 6;  // modem status
inline constexpr uint8_t kScr = 7;  // scratch
inline constexpr uint8_t kRegCount = 8;

namespace ier {  // PC16550D Interrupt Enable Register
inline constexpr uint8_t kRxData = 0x01;      // ERBFI: received data available (and timeout)
inline constexpr uint8_t kThrEmpty = 0x02;    // ETBEI: transmitter holding register empty
inline constexpr uint8_t kLineStatus = 0x04;  // ELSI: receiver line status
inline constexpr uint8_t kModemStatus = 0x08; // EDSSI: modem status
inline constexpr uint8_t kMask = 0x0f;        // bits 7:4 are always 0
}  // namespace ier

namespace iir {  // PC16550D Interrupt Identification Register (priority table)
inline constexpr uint8_t kNoInterrupt = 0x01;  // bit 0 = 1: nothing pending
inline constexpr uint8_t kLineStatus = 0x06;   // priority 1
inline constexpr uint8_t kRxData = 0x04;       // priority 2: trigger level reached
inline constexpr uint8_t kRxTimeout = 0x0c;    // priority 2: character timeout indication
inline constexpr uint8_t kThrEmpty = 0x02;     // priority 3
inline constexpr uint8_t kModemStatus = 0x00;  // priority 4
inline constexpr uint8_t kIdMask = 0x0f;
inline constexpr uint8_t kFifoEnabled = 0xc0;  // bits 7:6 set when FCR0 = 1
}  // namespace iir

namespace fcr {  // PC16550D FIFO Control Register
inline constexpr uint8_t kEnable = 0x01;   // FIFO enable; must be 1 for the other bits to be programmed
inline constexpr uint8_t kClearRx = 0x02;  // self-clearing
inline constexpr uint8_t kClearTx = 0x04;  // self-clearing
inline constexpr uint8_t kDmaMode = 0x08;
inline constexpr uint8_t kTriggerShift = 6;  // bits 7:6: RX trigger 1, 4, 8, 14 bytes
}  // namespace fcr

namespace lcr {  // PC16550D Line Control Register
inline constexpr uint8_t kDlab = 0x80;  // divisor latch access
}  // namespace lcr

namespace mcr {  // PC16550D MODEM Control Register
inline constexpr uint8_t kDtr = 0x01;
inline constexpr uint8_t kRts = 0x02;
inline constexpr uint8_t kOut1 = 0x04;
inline constexpr uint8_t kOut2 = 0x08;  // on PCs, gates the UART's INTR onto the IRQ line
inline constexpr uint8_t kLoop = 0x10;
inline constexpr uint8_t kMask = 0x1f;  // bits 7:5 are always 0
}  // namespace mcr

namespace lsr {  // PC16550D Line Status Register
inline constexpr uint8_t kDataReady = 0x01;
inline constexpr uint8_t kOverrun = 0x02;
inline constexpr uint8_t kParity = 0x04;
inline constexpr uint8_t kFraming = 0x08;
inline constexpr uint8_t kBreak = 0x10;
inline constexpr uint8_t kThrEmpty = 0x20;   // THRE
inline constexpr uint8_t kTxEmpty = 0x40;    // TEMT
inline constexpr uint8_t kFifoError = 0x80;  // PE/FE/BI somewhere in the RX FIFO
inline constexpr uint8_t kErrors = kOverrun | kParity | kFraming | kBreak;  // cleared by reading LSR
}  // namespace lsr

namespace msr {  // PC16550D MODEM Status Register
inline constexpr uint8_t kDeltaCts = 0x01;
inline constexpr uint8_t kDeltaDsr = 0x02;
inline constexpr uint8_t kTrailingRi = 0x04;  // RI went from active to inactive
inline constexpr uint8_t kDeltaDcd = 0x08;
inline constexpr uint8_t kDeltas = 0x0f;  // cleared by reading MSR
inline constexpr uint8_t kCts = 0x10;
inline constexpr uint8_t kDsr = 0x20;
inline constexpr uint8_t kRi = 0x40;
inline constexpr uint8_t kDcd = 0x80;
inline constexpr uint8_t kLines = 0xf0;
}  // namespace msr

// RX FIFO size and the FCR bits 7:6 trigger levels.  // PC16550D FIFO Control Register
inline constexpr uint8_t kFifoSize = 16;
inline constexpr uint8_t kTriggerLevels[4] = {1, 4, 8, 14};

}  // namespace bh::dm::uart
