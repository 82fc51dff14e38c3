// VMCS field encodings (SDM Vol.3 Appendix B) as typed constants: the width
// lives in the encoding (bits 14:13, SDM Vol.3 25.11.2), so each field knows
// its C++ type and vmwrite() of a wrongly sized value does not compile.
#pragma once
#include <cstdint>
#include <type_traits>

namespace bh::x86::vmx {

template <uint32_t Enc>
struct Field {
    static constexpr uint32_t encoding = Enc;
    static constexpr uint32_t width_bits = (Enc >> 13) & 3;  // 0: 16-bit, 1: 64-bit, 2: 32-bit, 3: natural
    static_assert((Enc & 1) == 0 || width_bits == 1, "odd encodings are the high half of a 64-bit field");
    using type = std::conditional_t<width_bits == 0, uint16_t, std::conditional_t<width_bits == 2, uint32_t, uint64_t>>;
};

namespace f {
// 16-bit control and guest/host state (B.1).
using Vpid = Field<0x0000>;
using GuestEsSel = Field<0x0800>;
using GuestCsSel = Field<0x0802>;
using GuestSsSel = Field<0x0804>;
using GuestDsSel = Field<0x0806>;
using GuestFsSel = Field<0x0808>;
using GuestGsSel = Field<0x080a>;
using GuestLdtrSel = Field<0x080c>;
using GuestTrSel = Field<0x080e>;
using HostEsSel = Field<0x0c00>;
using HostCsSel = Field<0x0c02>;
using HostSsSel = Field<0x0c04>;
using HostDsSel = Field<0x0c06>;
using HostFsSel = Field<0x0c08>;
using HostGsSel = Field<0x0c0a>;
using HostTrSel = Field<0x0c0c>;
// 64-bit control (B.2.1), guest (B.2.3), host (B.2.4).
using IoBitmapA = Field<0x2000>;
using IoBitmapB = Field<0x2002>;
using MsrBitmap = Field<0x2004>;
using ExitMsrStore = Field<0x2006>;
using ExitMsrLoad = Field<0x2008>;
using EntryMsrLoad = Field<0x200a>;
using TscOffset = Field<0x2010>;
using EptPointer = Field<0x201a>;
using GuestPhysAddr = Field<0x2400>;
using VmcsLinkPtr = Field<0x2800>;
using GuestDebugCtl = Field<0x2802>;
using GuestPat = Field<0x2804>;
using GuestEfer = Field<0x2806>;
using GuestPdpte0 = Field<0x280a>;
using GuestPdpte1 = Field<0x280c>;
using GuestPdpte2 = Field<0x280e>;
using GuestPdpte3 = Field<0x2810>;
using HostPat = Field<0x2c00>;
using HostEfer = Field<0x2c02>;
// 32-bit control (B.3.1), read-only (B.3.2), guest (B.3.3), host (B.3.4).
using PinControls = Field<0x4000>;
using ProcControls = Field<0x4002>;
using ExceptionBitmap = Field<0x4004>;
using PfErrorMask = Field<0x4006>;
using PfErrorMatch = Field<0x4008>;
using Cr3TargetCount = Field<0x400a>;
using ExitControls = Field<0x400c>;
using ExitMsrStoreCount = Field<0x400e>;
using ExitMsrLoadCount = Field<0x4010>;
using EntryControls = Field<0x4012>;
using EntryMsrLoadCount = Field<0x4014>;
using EntryIntrInfo = Field<0x4016>;
using EntryExceptionError = Field<0x4018>;
using EntryInstrLength = Field<0x401a>;
using TprThreshold = Field<0x401c>;
using ProcControls2 = Field<0x401e>;
using InstrError = Field<0x4400>;
using ExitReason = Field<0x4402>;
using ExitIntrInfo = Field<0x4404>;
using ExitIntrError = Field<0x4406>;
using IdtVectoringInfo = Field<0x4408>;
using IdtVectoringError = Field<0x440a>;
using ExitInstrLength = Field<0x440c>;
using ExitInstrInfo = Field<0x440e>;
using GuestEsLimit = Field<0x4800>;
using GuestCsLimit = Field<0x4802>;
using GuestSsLimit = Field<0x4804>;
using GuestDsLimit = Field<0x4806>;
using GuestFsLimit = Field<0x4808>;
using GuestGsLimit = Field<0x480a>;
using GuestLdtrLimit = Field<0x480c>;
using GuestTrLimit = Field<0x480e>;
using GuestGdtrLimit = Field<0x4810>;
using GuestIdtrLimit = Field<0x4812>;
using GuestEsAr = Field<0x4814>;
using GuestCsAr = Field<0x4816>;
using GuestSsAr = Field<0x4818>;
using GuestDsAr = Field<0x481a>;
using GuestFsAr = Field<0x481c>;
using GuestGsAr = Field<0x481e>;
using GuestLdtrAr = Field<0x4820>;
using GuestTrAr = Field<0x4822>;
using GuestInterruptibility = Field<0x4824>;
using GuestActivityState = Field<0x4826>;
using GuestSysenterCs = Field<0x482a>;
using HostSysenterCs = Field<0x4c00>;
// Natural-width control (B.4.1), read-only (B.4.2), guest (B.4.3), host (B.4.4).
using Cr0Mask = Field<0x6000>;
using Cr4Mask = Field<0x6002>;
using Cr0ReadShadow = Field<0x6004>;
using Cr4ReadShadow = Field<0x6006>;
using ExitQualification = Field<0x6400>;
using GuestLinearAddr = Field<0x640a>;
using GuestCr0 = Field<0x6800>;
using GuestCr3 = Field<0x6802>;
using GuestCr4 = Field<0x6804>;
using GuestEsBase = Field<0x6806>;
using GuestCsBase = Field<0x6808>;
using GuestSsBase = Field<0x680a>;
using GuestDsBase = Field<0x680c>;
using GuestFsBase = Field<0x680e>;
using GuestGsBase = Field<0x6810>;
using GuestLdtrBase = Field<0x6812>;
using GuestTrBase = Field<0x6814>;
using GuestGdtrBase = Field<0x6816>;
using GuestIdtrBase = Field<0x6818>;
using GuestDr7 = Field<0x681a>;
using GuestRsp = Field<0x681c>;
using GuestRip = Field<0x681e>;
using GuestRflags = Field<0x6820>;
using GuestPendingDbg = Field<0x6822>;
using GuestSysenterEsp = Field<0x6824>;
using GuestSysenterEip = Field<0x6826>;
using HostCr0 = Field<0x6c00>;
using HostCr3 = Field<0x6c02>;
using HostCr4 = Field<0x6c04>;
using HostFsBase = Field<0x6c06>;
using HostGsBase = Field<0x6c08>;
using HostTrBase = Field<0x6c0a>;
using HostGdtrBase = Field<0x6c0c>;
using HostIdtrBase = Field<0x6c0e>;
using HostSysenterEsp = Field<0x6c10>;
using HostSysenterEip = Field<0x6c12>;
using HostRsp = Field<0x6c14>;
using HostRip = Field<0x6c16>;
}  // namespace f

static_assert(std::is_same_v<f::Vpid::type, uint16_t>);
static_assert(std::is_same_v<f::EptPointer::type, uint64_t>);
static_assert(std::is_same_v<f::ExitReason::type, uint32_t>);
static_assert(std::is_same_v<f::GuestRip::type, uint64_t>);

}  // namespace bh::x86::vmx
