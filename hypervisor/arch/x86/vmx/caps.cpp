// Control values from the capability MSRs, using the TRUE_* MSRs when
// IA32_VMX_BASIC[55] says they exist (SDM Vol.3 A.2).
#include "arch/x86/vmx/caps.hpp"

#include "arch/x86/cpu.hpp"

namespace bh::x86::vmx {
namespace {

uint64_t cap(CapMsr m) { return rdmsr(static_cast<uint32_t>(m)); }

// What Bulkhead requires, and what it uses when offered.
constexpr uint32_t kPinRequired = pin::external_interrupt_exiting | pin::nmi_exiting;
constexpr uint32_t kProcRequired = proc::hlt_exiting | proc::io_bitmaps | proc::msr_bitmaps | proc::secondary;
constexpr uint32_t kProc2Required = proc2::ept | proc2::vpid | proc2::unrestricted;
constexpr uint32_t kProc2Optional = proc2::rdtscp | proc2::invpcid;
constexpr uint32_t kExitRequired = exit_ctl::host_64bit | exit_ctl::save_efer | exit_ctl::load_efer |
                                   exit_ctl::save_pat | exit_ctl::load_pat;
constexpr uint32_t kEntryRequired = entry_ctl::load_efer | entry_ctl::load_pat;
// With EPT and unrestricted guests, CR3 accesses need not exit.
constexpr uint32_t kProcUnwanted = proc::cr3_load | proc::cr3_store;

}  // namespace

uint32_t vmcs_revision() { return static_cast<uint32_t>(cap(CapMsr::basic)) & 0x7fffffffu; }

CapsStatus compute_controls(Controls& out, uint32_t& missing_field, uint32_t& missing_bits) {
    const bool true_ctls = (cap(CapMsr::basic) & (1ull << 55)) != 0;
    const uint64_t pin_cap = cap(true_ctls ? CapMsr::true_pinbased : CapMsr::pinbased);
    const uint64_t proc_cap = cap(true_ctls ? CapMsr::true_procbased : CapMsr::procbased);
    const uint64_t exit_cap = cap(true_ctls ? CapMsr::true_exit : CapMsr::exit);
    const uint64_t entry_cap = cap(true_ctls ? CapMsr::true_entry : CapMsr::entry);
    const uint64_t proc2_cap = cap(CapMsr::procbased2);  // no allowed-0 bits (A.3.3)

    out.pin = adjust(kPinRequired, pin_cap);
    out.proc = adjust(kProcRequired, proc_cap) & ~(kProcUnwanted & ~static_cast<uint32_t>(proc_cap));
    out.proc2 = adjust(kProc2Required | (kProc2Optional & static_cast<uint32_t>(proc2_cap >> 32)), proc2_cap);
    out.exit = adjust(kExitRequired, exit_cap);
    out.entry = adjust(kEntryRequired, entry_cap);

    const struct {
        uint32_t field, have, want;
    } checks[] = {{0, out.pin, kPinRequired}, {1, out.proc, kProcRequired}, {2, out.proc2, kProc2Required},
                  {3, out.exit, kExitRequired}, {4, out.entry, kEntryRequired}};
    for (const auto& c : checks) {
        if ((c.have & c.want) != c.want) {
            missing_field = c.field;
            missing_bits = c.want & ~c.have;
            return CapsStatus::missing_required;
        }
    }
    return CapsStatus::ok;
}

}  // namespace bh::x86::vmx
