// Arch-neutral description of each pCPU, for the shell and the log.
#pragma once
#include <cstdint>

namespace bh::hal {

enum class CpuState : uint8_t { absent, starting, online, stopped, failed };

struct CpuInfo {
    uint32_t hw_id;      // APIC ID on x86
    CpuState state;
    uint64_t tsc_khz;
};

CpuInfo cpu_info(uint32_t index);
const char* to_string(CpuState s);

}  // namespace bh::hal
