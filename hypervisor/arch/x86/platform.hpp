// What the firmware tells us about the machine: pCPUs, IOAPICs, reset register.
#pragma once
#include <cstdint>

#include "common/acpi.hpp"
#include "common/config.hpp"
#include "common/multiboot2.hpp"

namespace bh::x86 {

struct Platform {
    uint32_t apic_ids[config::kMaxPcpu];
    uint32_t cpu_count;        // usable pCPUs, capped at kMaxPcpu
    uint32_t cpus_ignored;     // usable pCPUs beyond kMaxPcpu
    acpi::MadtInfo madt;
    acpi::FadtInfo fadt;
    bool has_fadt;
    const char* rsdp_source;   // "multiboot2" or "bios scan"
};

// Finds the RSDP (Multiboot2 tag, else EBDA and BIOS area scan), and parses
// the MADT and FADT. Returns a status naming what went wrong.
acpi::Status discover_platform(const mb2::BootInfo& boot, Platform& out);
const Platform& platform();
// The validated Multiboot2 information (boot modules, command line).
const mb2::BootInfo& boot_info();

}  // namespace bh::x86
