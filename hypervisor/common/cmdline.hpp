// The hypervisor's own boot options, from the Multiboot2 command line.
#pragma once

namespace bh {

enum class ApicModeOption : unsigned char { automatic, xapic };

struct BootOptions {
    ApicModeOption apic = ApicModeOption::automatic;
};

// Parses "key=value" words; unknown words are reported through `unknown`
// (called once per word) and otherwise ignored.
BootOptions parse_boot_options(const char* cmdline, void (*unknown)(const char* word, unsigned len));

}  // namespace bh
