// Programming a VMCS: controls, host state, guest entry state (SDM Vol.3 25).
#include "arch/x86/cpu.hpp"
#include "arch/x86/memory.hpp"
#include "arch/x86/percpu.hpp"
#include "arch/x86/vmx/vcpu.hpp"
#include "arch/x86/vmx/vmcs.hpp"

extern "C" void vmx_exit_entry();
extern "C" void* memset(void* d, int c, size_t n);

namespace bh::x86::vmx {
namespace {

constexpr uint64_t kDefaultPat = 0x0007040600070406ull;  // power-up PAT (SDM Vol.3 11.12.4)
constexpr uint64_t kCr0Ne = 1ull << 5;

bool write_segment(const loader::Segment& s, uint32_t which) {
    // Guest segment fields are laid out per register with a stride of 2
    // (ES, CS, SS, DS, FS, GS, LDTR, TR; SDM Vol.3 B.1.2, B.3.3, B.4.3).
    bool ok = true;
    switch (which) {
#define SEG(n, R)                                                         \
    case n:                                                               \
        ok = vmwrite(f::Guest##R##Sel{}, s.selector) && vmwrite(f::Guest##R##Base{}, s.base) && \
             vmwrite(f::Guest##R##Limit{}, s.limit) && vmwrite(f::Guest##R##Ar{}, s.access_rights);   \
        break;
        SEG(0, Es) SEG(1, Cs) SEG(2, Ss) SEG(3, Ds) SEG(4, Fs) SEG(5, Gs) SEG(6, Ldtr) SEG(7, Tr)
#undef SEG
        default: ok = false;
    }
    return ok;
}

struct [[gnu::packed]] TablePtr {
    uint16_t limit;
    uint64_t base;
};

bool write_host_state() {
    TablePtr gdtr{}, idtr{};
    asm volatile("sgdt %0; sidt %1" : "=m"(gdtr), "=m"(idtr));
    PerCpu& cpu = this_percpu();
    return vmwrite(f::HostCr0{}, read_cr0()) && vmwrite(f::HostCr3{}, read_cr3()) &&
           vmwrite(f::HostCr4{}, read_cr4()) && vmwrite(f::HostCsSel{}, uint16_t{0x08}) &&
           vmwrite(f::HostSsSel{}, uint16_t{0x10}) && vmwrite(f::HostDsSel{}, uint16_t{0x10}) &&
           vmwrite(f::HostEsSel{}, uint16_t{0x10}) && vmwrite(f::HostFsSel{}, uint16_t{0}) &&
           vmwrite(f::HostGsSel{}, uint16_t{0}) && vmwrite(f::HostTrSel{}, uint16_t{0x18}) &&
           vmwrite(f::HostFsBase{}, uint64_t{0}) && vmwrite(f::HostGsBase{}, reinterpret_cast<uint64_t>(&cpu)) &&
           vmwrite(f::HostTrBase{}, reinterpret_cast<uint64_t>(&cpu.tss)) && vmwrite(f::HostGdtrBase{}, gdtr.base) &&
           vmwrite(f::HostIdtrBase{}, idtr.base) && vmwrite(f::HostSysenterCs{}, uint32_t{0}) &&
           vmwrite(f::HostSysenterEsp{}, uint64_t{0}) && vmwrite(f::HostSysenterEip{}, uint64_t{0}) &&
           vmwrite(f::HostRip{}, reinterpret_cast<uint64_t>(&vmx_exit_entry)) &&
           vmwrite(f::HostEfer{}, rdmsr(Msr::efer)) && vmwrite(f::HostPat{}, rdmsr(0x277));
}

}  // namespace

bool Vcpu::init(VmxVm& vm, uint16_t index, uint16_t vpid, const Controls& ctls) {
    vm_ = &vm;
    index_ = index;
    vpid_ = vpid;
    ctls_ = ctls;
    if (!mem::alloc_frames(1, vmcs_)) return false;
    *reinterpret_cast<volatile uint32_t*>(vmcs_) = vmcs_revision();  // SDM Vol.3 25.2
    return true;
}

bool Vcpu::load(const loader::BootState& st) {
    if (vmclear(vmcs_) != VmxResult::ok || vmptrld(vmcs_) != VmxResult::ok) return false;
    launched_ = false;
    regs_ = GuestRegs{};
    vmsr::reset(msrs_, index_ == 0);
    regs_.rax = st.rax;
    regs_.rbx = st.rbx;
    regs_.rsi = st.rsi;
    const bool long_mode = (st.efer & efer::lma) != 0;
    const uint32_t entry = ctls_.entry | (long_mode ? entry_ctl::ia32e_guest : 0);
    // CR0.NE and CR4.VMXE must be 1 while the guest runs (SDM Vol.3 A.7, A.8):
    // the host owns them; the guest reads its own value from the shadow.
    const uint64_t cr0_fixed = rdmsr(static_cast<uint32_t>(CapMsr::cr0_fixed0)) & kCr0Ne;
    const uint64_t cr4_fixed = rdmsr(static_cast<uint32_t>(CapMsr::cr4_fixed0));
    bool ok = vmwrite(f::PinControls{}, ctls_.pin) && vmwrite(f::ProcControls{}, ctls_.proc) &&
              vmwrite(f::ProcControls2{}, ctls_.proc2) && vmwrite(f::ExitControls{}, ctls_.exit) &&
              vmwrite(f::EntryControls{}, entry) && vmwrite(f::ExceptionBitmap{}, uint32_t{0}) &&
              vmwrite(f::PfErrorMask{}, uint32_t{0}) && vmwrite(f::PfErrorMatch{}, uint32_t{0}) &&
              vmwrite(f::Cr3TargetCount{}, uint32_t{0}) && vmwrite(f::ExitMsrStoreCount{}, uint32_t{0}) &&
              vmwrite(f::ExitMsrLoadCount{}, uint32_t{0}) && vmwrite(f::EntryMsrLoadCount{}, uint32_t{0}) &&
              vmwrite(f::EntryIntrInfo{}, uint32_t{0}) && vmwrite(f::IoBitmapA{}, vm_->io_bitmap_a) &&
              vmwrite(f::IoBitmapB{}, vm_->io_bitmap_b) && vmwrite(f::MsrBitmap{}, vm_->msr_bitmap) &&
              vmwrite(f::EptPointer{}, vm_->ept.eptp()) && vmwrite(f::Vpid{}, vpid_) &&
              vmwrite(f::TscOffset{}, uint64_t{0}) && vmwrite(f::VmcsLinkPtr{}, ~uint64_t{0}) &&
              vmwrite(f::Cr0Mask{}, cr0_fixed) && vmwrite(f::Cr0ReadShadow{}, st.cr0) &&
              vmwrite(f::Cr4Mask{}, cr4_fixed) && vmwrite(f::Cr4ReadShadow{}, st.cr4) && write_host_state();
    ok = ok && vmwrite(f::GuestCr0{}, st.cr0 | cr0_fixed) && vmwrite(f::GuestCr3{}, st.cr3) &&
         vmwrite(f::GuestCr4{}, st.cr4 | cr4_fixed) && vmwrite(f::GuestEfer{}, st.efer) &&
         vmwrite(f::GuestPat{}, kDefaultPat) && vmwrite(f::GuestDr7{}, uint64_t{0x400}) &&
         vmwrite(f::GuestRsp{}, st.rsp) && vmwrite(f::GuestRip{}, st.rip) && vmwrite(f::GuestRflags{}, st.rflags) &&
         vmwrite(f::GuestGdtrBase{}, st.gdtr.base) && vmwrite(f::GuestGdtrLimit{}, uint32_t{st.gdtr.limit}) &&
         vmwrite(f::GuestIdtrBase{}, st.idtr.base) && vmwrite(f::GuestIdtrLimit{}, uint32_t{st.idtr.limit}) &&
         vmwrite(f::GuestInterruptibility{}, uint32_t{0}) && vmwrite(f::GuestActivityState{}, uint32_t{0}) &&
         vmwrite(f::GuestPendingDbg{}, uint64_t{0}) && vmwrite(f::GuestDebugCtl{}, uint64_t{0}) &&
         vmwrite(f::GuestSysenterCs{}, uint32_t{0}) && vmwrite(f::GuestSysenterEsp{}, uint64_t{0}) &&
         vmwrite(f::GuestSysenterEip{}, uint64_t{0});
    const loader::Segment* segs[] = {&st.es, &st.cs, &st.ss, &st.ds, &st.fs, &st.gs, &st.ldtr, &st.tr};
    for (uint32_t i = 0; i < 8 && ok; ++i) ok = write_segment(*segs[i], i);
    return ok;
}

}  // namespace bh::x86::vmx
