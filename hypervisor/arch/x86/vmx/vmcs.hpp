// VMREAD/VMWRITE with the field's width checked at compile time, and the
// instructions that manage VMCS state (SDM Vol.3 Chapter 31).
#pragma once
#include <cstdint>
#include <type_traits>

#include "arch/x86/vmx/vmcs_fields.hpp"

namespace bh::x86::vmx {

// Logs the field and the VM-instruction error of a failed VMWRITE.
void vmwrite_failed(uint32_t encoding);

template <typename F>
inline typename F::type vmread(F) {
    uint64_t v;
    asm volatile("vmread %1, %0" : "=r"(v) : "r"(static_cast<uint64_t>(F::encoding)) : "cc");
    return static_cast<typename F::type>(v);
}

// Only the field's exact type is accepted: vmwrite(f::Vpid{}, uint64_t{...})
// is a compile error, not a silent truncation.
template <typename F, typename T>
    requires std::is_same_v<T, typename F::type>
inline bool vmwrite(F, T value) {
    bool failed;
    asm volatile("vmwrite %1, %2" : "=@ccbe"(failed) : "r"(static_cast<uint64_t>(value)),
                 "r"(static_cast<uint64_t>(F::encoding)) : "cc", "memory");
    if (failed) vmwrite_failed(F::encoding);
    return !failed;
}

// VM-instruction outcomes: CF=1 VMfailInvalid, ZF=1 VMfailValid (SDM Vol.3 31.2).
enum class VmxResult : uint8_t { ok, fail_invalid, fail_valid };

inline VmxResult vmx_result(bool cf, bool zf) {
    return cf ? VmxResult::fail_invalid : zf ? VmxResult::fail_valid : VmxResult::ok;
}

inline VmxResult vmxon(uint64_t region_pa) {
    bool cf, zf;
    asm volatile("vmxon %2" : "=@ccc"(cf), "=@ccz"(zf) : "m"(region_pa) : "memory");
    return vmx_result(cf, zf);
}

inline VmxResult vmclear(uint64_t vmcs_pa) {
    bool cf, zf;
    asm volatile("vmclear %2" : "=@ccc"(cf), "=@ccz"(zf) : "m"(vmcs_pa) : "memory");
    return vmx_result(cf, zf);
}

inline VmxResult vmptrld(uint64_t vmcs_pa) {
    bool cf, zf;
    asm volatile("vmptrld %2" : "=@ccc"(cf), "=@ccz"(zf) : "m"(vmcs_pa) : "memory");
    return vmx_result(cf, zf);
}

// INVEPT / INVVPID descriptors and types (SDM Vol.3 31.3).
enum class InveptType : uint64_t { single_context = 1, all_context = 2 };
enum class InvvpidType : uint64_t { individual_address = 0, single_context = 1, all_context = 2 };

inline VmxResult invept(InveptType type, uint64_t eptp) {
    struct [[gnu::packed]] { uint64_t eptp, reserved; } desc{eptp, 0};
    bool cf, zf;
    asm volatile("invept %2, %3" : "=@ccc"(cf), "=@ccz"(zf) : "m"(desc), "r"(static_cast<uint64_t>(type)) : "memory");
    return vmx_result(cf, zf);
}

inline VmxResult invvpid(InvvpidType type, uint16_t vpid, uint64_t addr = 0) {
    struct [[gnu::packed]] { uint64_t vpid, addr; } desc{vpid, addr};
    bool cf, zf;
    asm volatile("invvpid %2, %3" : "=@ccc"(cf), "=@ccz"(zf) : "m"(desc), "r"(static_cast<uint64_t>(type)) : "memory");
    return vmx_result(cf, zf);
}

}  // namespace bh::x86::vmx
