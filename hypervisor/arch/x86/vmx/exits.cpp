// VM-exit handlers. The table maps each basic exit reason to its handler;
// an exit nobody handles stops that VM with a register dump, never the
// hypervisor.
#include "arch/x86/vmx/exits.hpp"

#include "arch/x86/cpu.hpp"
#include "arch/x86/tsc.hpp"
#include "arch/x86/vmx/caps.hpp"
#include "arch/x86/vmsr/msr_policy.hpp"
#include "arch/x86/vmx/vcpu.hpp"
#include "arch/x86/vmx/vmcs.hpp"
#include "common/log.hpp"
#include "common/vm_devices.hpp"
#include "generated/kconfig.hpp"

namespace bh::x86::vmx {
namespace {

// VM-entry interruption information (SDM Vol.3 25.8.3).
constexpr uint32_t kIntrValid = 1u << 31, kIntrErrorCode = 1u << 11, kTypeHwException = 3u << 8;

void inject_gp() {
    vmwrite(f::EntryIntrInfo{}, kIntrValid | kIntrErrorCode | kTypeHwException | 13u);
    vmwrite(f::EntryExceptionError{}, uint32_t{0});
}

// Hypervisor CPUID leaves, as a mainline Linux ACRN guest expects them
// (arch/x86/include/asm/acrn.h facts: signature at 0x40000000, feature
// bits at 0x40000001, TSC kHz at 0x40000010).
constexpr uint32_t kLeafSignature = 0x40000000, kLeafFeatures = 0x40000001, kLeafTiming = 0x40000010;
constexpr uint32_t kAcrnFeatureServiceVm = 1u << 0;

VcpuExit on_cpuid(Vcpu& v) {
    GuestRegs& r = v.regs();
    const auto leaf = static_cast<uint32_t>(r.rax);
    const auto sub = static_cast<uint32_t>(r.rcx);
    CpuidRegs out{};
    if (leaf == kLeafSignature) {
        out = CpuidRegs{kLeafTiming, 0x4e524341, 0x4e524341, 0x4e524341};  // "ACRNACRNACRN"
    } else if (leaf == kLeafFeatures) {
        out.eax = v.vm().is_service_vm ? kAcrnFeatureServiceVm : 0;
    } else if (leaf == kLeafTiming) {
        out.eax = static_cast<uint32_t>(tsc::khz());
    } else if (leaf > kLeafSignature && leaf < 0x40000100) {
        out = CpuidRegs{};
    } else {
        out = cpuid(leaf, sub);
        if (leaf == 1) {
            out.ecx &= ~(1u << 5);   // no VMX in the guest
            out.ecx |= 1u << 31;     // "running on a hypervisor"
            out.ebx = (out.ebx & 0x00ffffffu) | (static_cast<uint32_t>(v.index()) << 24);  // virtual APIC ID
        } else if (leaf == 0xb || leaf == 0x1f) {
            out.edx = v.index();     // x2APIC ID of this vCPU
        }
    }
    r.rax = out.eax;
    r.rbx = out.ebx;
    r.rcx = out.ecx;
    r.rdx = out.edx;
    skip_instruction();
    return VcpuExit::resume;
}

VcpuExit on_hlt(Vcpu&) {
    skip_instruction();
    return VcpuExit::halted;
}

// Test-exit device: QEMU isa-debug-exit semantics on port 0xf4.
constexpr uint16_t kTestExitPort = 0xf4;

VcpuExit on_io(Vcpu& v) {
    const uint64_t q = vmread(f::ExitQualification{});
    const uint32_t size = static_cast<uint32_t>(q & 7) + 1;  // SDM Vol.3 Table 28-5
    const bool in = (q & (1u << 3)) != 0;
    const bool string = (q & (1u << 4)) != 0;
    const auto port = static_cast<uint16_t>(q >> 16);
    if (string) return stop_vm(v, "string I/O (INS/OUTS) is not emulated yet");
    GuestRegs& r = v.regs();
    if (!kconfig::kRelease && port == kTestExitPort && !in && size == 4) {
        LOG_INFO("VM %s: test exit, code %u", v.vm().name, static_cast<uint32_t>(r.rax));
        skip_instruction();
        return VcpuExit::vm_stopped;
    }
    // Devices of the VM; an unclaimed read returns all ones (ISA bus float),
    // an unclaimed write is dropped.
    const auto sz = static_cast<uint8_t>(size);
    if (in) {
        uint32_t value = 0;
        vm_pio_read(v.vm().id, port, sz, value);
        const uint64_t mask = size == 4 ? 0xffffffffull : (1ull << (size * 8)) - 1;
        // A 32-bit IN zero-extends into RAX; 8/16-bit INs merge (SDM Vol.2 IN).
        r.rax = size == 4 ? (value & mask) : ((r.rax & ~mask) | (value & mask));
    } else {
        vm_pio_write(v.vm().id, port, sz, static_cast<uint32_t>(r.rax));
    }
    skip_instruction();
    return VcpuExit::resume;
}

VcpuExit on_triple_fault(Vcpu& v) { return stop_vm(v, "triple fault"); }

VcpuExit on_external_interrupt(Vcpu&) {
    // Not acknowledged on exit: it is delivered through the host IDT as soon
    // as the run loop enables interrupts.
    return VcpuExit::resume;
}

VcpuExit on_exception_nmi(Vcpu& v) {
    const uint32_t info = vmread(f::ExitIntrInfo{});
    if (((info >> 8) & 7) == 2) {  // NMI: let the host handler see it (SDM Vol.3 27.2.3)
        asm volatile("int $2");
        return VcpuExit::resume;
    }
    return stop_vm(v, "unexpected guest exception exit");
}

VcpuExit on_vmcall(Vcpu& v) {
    // The hypercall dispatcher comes with the HSM interface: until then every
    // hypercall answers -ENOSYS (-38) in RAX.
    v.regs().rax = static_cast<uint64_t>(-38);
    skip_instruction();
    return VcpuExit::resume;
}

VcpuExit on_wbinvd(Vcpu&) {
    asm volatile("wbinvd" ::: "memory");
    skip_instruction();
    return VcpuExit::resume;
}

// The guest's VMCS-held MSRs for the MSR policy.
class VmcsMsrs final : public vmsr::MsrBackend {
public:
    uint64_t guest_pat() override { return vmread(f::GuestPat{}); }
    void set_guest_pat(uint64_t v) override { vmwrite(f::GuestPat{}, v); }
    uint64_t guest_efer() override { return vmread(f::GuestEfer{}); }
    void set_guest_efer(uint64_t v) override { vmwrite(f::GuestEfer{}, v); }
    uint64_t guest_tsc() override { return rdtsc() + vmread(f::TscOffset{}); }
};

VcpuExit on_rdmsr(Vcpu& v) {
    GuestRegs& r = v.regs();
    VmcsMsrs backend;
    uint64_t value = 0;
    if (vmsr::read(static_cast<uint32_t>(r.rcx), v.msrs(), backend, value) != vmsr::MsrResult::ok) {
        LOG_DEBUG("VM %s vCPU%u: RDMSR 0x%x -> #GP", v.vm().name, v.index(), static_cast<uint32_t>(r.rcx));
        inject_gp();  // RIP stays on the RDMSR (fault semantics)
        return VcpuExit::resume;
    }
    r.rax = value & 0xffffffffu;
    r.rdx = value >> 32;
    skip_instruction();
    return VcpuExit::resume;
}

VcpuExit on_wrmsr(Vcpu& v) {
    GuestRegs& r = v.regs();
    VmcsMsrs backend;
    const uint64_t value = (r.rdx << 32) | (r.rax & 0xffffffffu);
    if (vmsr::write(static_cast<uint32_t>(r.rcx), v.msrs(), backend, value) != vmsr::MsrResult::ok) {
        LOG_DEBUG("VM %s vCPU%u: WRMSR 0x%x <- 0x%llx -> #GP", v.vm().name, v.index(), static_cast<uint32_t>(r.rcx),
                  static_cast<unsigned long long>(value));
        inject_gp();
        return VcpuExit::resume;
    }
    skip_instruction();
    return VcpuExit::resume;
}

// CR access (SDM Vol.3 Table 28-3). The host owns CR0.NE and CR4.VMXE (and
// whatever else the fixed-bit MSRs force): a guest write that changes an
// owned bit's shadow exits here. GPR numbers follow GuestRegs' layout.
uint64_t gpr(Vcpu& v, unsigned n) {
    if (n == 4) return vmread(f::GuestRsp{});
    return reinterpret_cast<const uint64_t*>(&v.regs())[n];
}

constexpr uint64_t kCr0Pe = 1ull << 0, kCr0Ts = 1ull << 3, kCr0Nw = 1ull << 29, kCr0Cd = 1ull << 30,
                   kCr0Pg = 1ull << 31, kCr4Vmxe = 1ull << 13, kEferLme = 1ull << 8, kEferLma = 1ull << 10;

VcpuExit write_cr0(uint64_t value) {
    // Architectural #GP cases of MOV to CR0 (SDM Vol.2 MOV CR, Vol.3 2.5).
    if ((value >> 32) != 0 || ((value & kCr0Pg) != 0 && (value & kCr0Pe) == 0) ||
        ((value & kCr0Nw) != 0 && (value & kCr0Cd) == 0)) {
        inject_gp();
        return VcpuExit::resume;
    }
    const uint64_t owned = vmread(f::Cr0Mask{});
    const uint64_t old = vmread(f::GuestCr0{});
    // Entering or leaving paging with EFER.LME set switches IA-32e mode,
    // which the CPU would have done had the write not exited (SDM Vol.3 10.8.5).
    uint64_t efer = vmread(f::GuestEfer{});
    uint32_t entry = vmread(f::EntryControls{});
    if ((efer & kEferLme) != 0 && ((old ^ value) & kCr0Pg) != 0) {
        const bool on = (value & kCr0Pg) != 0;
        efer = on ? (efer | kEferLma) : (efer & ~kEferLma);
        entry = on ? (entry | (1u << 9)) : (entry & ~(1u << 9));
        vmwrite(f::GuestEfer{}, efer);
        vmwrite(f::EntryControls{}, entry);
    }
    vmwrite(f::Cr0ReadShadow{}, value);
    vmwrite(f::GuestCr0{}, value | (owned & rdmsr(static_cast<uint32_t>(CapMsr::cr0_fixed0))));
    skip_instruction();
    return VcpuExit::resume;
}

VcpuExit on_cr_access(Vcpu& v) {
    const uint64_t q = vmread(f::ExitQualification{});
    const unsigned cr = q & 0xf;
    const unsigned type = (q >> 4) & 3;
    const unsigned reg = (q >> 8) & 0xf;
    if (type == 0 && cr == 0) return write_cr0(gpr(v, reg));
    if (type == 0 && cr == 4) {
        const uint64_t value = gpr(v, reg);
        // VMX is not offered to guests (CPUID.1:ECX[5] is hidden): #GP.
        if ((value & kCr4Vmxe) != 0 || (value >> 32) != 0) {
            inject_gp();
            return VcpuExit::resume;
        }
        vmwrite(f::Cr4ReadShadow{}, value);
        vmwrite(f::GuestCr4{}, value | vmread(f::Cr4Mask{}));
        skip_instruction();
        return VcpuExit::resume;
    }
    if (type == 2) return write_cr0(vmread(f::Cr0ReadShadow{}) & ~kCr0Ts);  // CLTS
    if (type == 3) {  // LMSW: bits 3:0 of CR0, and it cannot clear PE
        const uint64_t src = (q >> 16) & 0xf;
        const uint64_t cur = vmread(f::Cr0ReadShadow{});
        return write_cr0((cur & ~0xeull) | (src & 0xe) | ((cur | src) & kCr0Pe));
    }
    return stop_vm(v, "unexpected control-register access");
}

VcpuExit on_unhandled(Vcpu& v) { return stop_vm(v, "unhandled VM exit"); }

struct Row {
    ExitReason reason;
    ExitHandler handler;
    const char* name;
};
constexpr Row kTable[] = {
    {ExitReason::exception_nmi, on_exception_nmi, "exception/NMI"},
    {ExitReason::external_interrupt, on_external_interrupt, "external interrupt"},
    {ExitReason::triple_fault, on_triple_fault, "triple fault"},
    {ExitReason::cpuid, on_cpuid, "CPUID"},
    {ExitReason::hlt, on_hlt, "HLT"},
    {ExitReason::vmcall, on_vmcall, "VMCALL"},
    {ExitReason::io, on_io, "I/O"},
    {ExitReason::rdmsr, on_rdmsr, "RDMSR"},
    {ExitReason::wrmsr, on_wrmsr, "WRMSR"},
    {ExitReason::wbinvd, on_wbinvd, "WBINVD"},
    {ExitReason::invalid_guest_state, on_unhandled, "invalid guest state"},
    {ExitReason::ept_violation, on_unhandled, "EPT violation"},
    {ExitReason::ept_misconfig, on_unhandled, "EPT misconfiguration"},
    {ExitReason::cr_access, on_cr_access, "CR access"},
    {ExitReason::xsetbv, on_unhandled, "XSETBV"},
};

}  // namespace

ExitHandler exit_handler(uint16_t reason) {
    for (const Row& r : kTable)
        if (static_cast<uint16_t>(r.reason) == reason) return r.handler;
    return on_unhandled;
}

const char* exit_name(uint16_t reason) {
    for (const Row& r : kTable)
        if (static_cast<uint16_t>(r.reason) == reason) return r.name;
    return "other";
}

void skip_instruction() {
    const uint64_t rip = vmread(f::GuestRip{});
    vmwrite(f::GuestRip{}, rip + vmread(f::ExitInstrLength{}));
    // The skipped instruction ends STI/MOV-SS blocking (SDM Vol.3 25.4.2).
    const uint32_t intr = vmread(f::GuestInterruptibility{});
    if ((intr & 3u) != 0) vmwrite(f::GuestInterruptibility{}, intr & ~3u);
}

VcpuExit stop_vm(Vcpu& v, const char* why) {
    v.dump_state(why);
    return VcpuExit::vm_stopped;
}

}  // namespace bh::x86::vmx
