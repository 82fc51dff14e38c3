// Boot option parsing: "apic=xapic" forces xAPIC mode even when the CPU has
// x2APIC (for debugging, and so the xAPIC path is tested in emulators).
#include "common/cmdline.hpp"

namespace bh {
namespace {

bool word_is(const char* w, unsigned len, const char* lit) {
    unsigned i = 0;
    for (; i < len && lit[i] != '\0'; ++i)
        if (w[i] != lit[i]) return false;
    return i == len && lit[i] == '\0';
}

}  // namespace

BootOptions parse_boot_options(const char* cmdline, void (*unknown)(const char*, unsigned)) {
    BootOptions opt;
    if (cmdline == nullptr) return opt;
    const char* p = cmdline;
    // GRUB passes the image path first; it is not an option.
    bool first = true;
    while (*p != '\0') {
        while (*p == ' ' || *p == '\t') ++p;
        const char* w = p;
        while (*p != '\0' && *p != ' ' && *p != '\t') ++p;
        const auto len = static_cast<unsigned>(p - w);
        if (len == 0) break;
        if (word_is(w, len, "apic=xapic")) opt.apic = ApicModeOption::xapic;
        else if (word_is(w, len, "apic=auto")) opt.apic = ApicModeOption::automatic;
        else if (!(first && w[0] == '/') && unknown != nullptr) unknown(w, len);
        first = false;
    }
    return opt;
}

}  // namespace bh
