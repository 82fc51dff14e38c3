// The vCPU state and guest memory the instruction emulator works on.
#pragma once
#include <cstddef>
#include <cstdint>

#include "arch/x86/insn/insn.hpp"

namespace bh::x86::insn {

enum class AccessStatus : uint8_t {
    ok,
    fault,       // translation or protection failure: the context has recorded the
                 // exception (#PF with CR2 and error code, #GP, ...) for the caller
    mmio_error,  // no device model takes the access, or it failed: stop the VM
};

// Implemented by the VMX code for a running vCPU and by fakes in the tests.
// Registers are the full 64-bit values; the emulator applies the x86 width
// rules (8/16-bit merge, AH..BH, 32-bit zero extension) itself.
class GuestContext {
public:
    virtual uint64_t gpr(unsigned num) = 0;  // 0..15 = RAX RCX RDX RBX RSP RBP RSI RDI R8..R15
    virtual void set_gpr(unsigned num, uint64_t value) = 0;
    virtual uint64_t rip() = 0;
    virtual void set_rip(uint64_t value) = 0;
    virtual uint64_t rflags() = 0;
    virtual void set_rflags(uint64_t value) = 0;
    // Segment base. In 64-bit mode the emulator asks only for FS and GS
    // (the others are treated as 0, SDM Vol.3 3.4.4); no limit checks are made.
    virtual uint64_t segment_base(Seg seg) = 0;
    // Reads (write = false: value receives it, zero-extended) or writes
    // (the low `size` bytes of value) size = 1, 2, 4 or 8 bytes at a linear
    // address. The context translates through the guest page tables,
    // checks permissions, and routes to a device model or to guest RAM.
    // The access may cross a page boundary; the context splits it or faults.
    virtual AccessStatus access(uint64_t linear, size_t size, bool write, uint64_t& value) = 0;
    // Bracket the read and write of every read-modify-write of a memory
    // operand (ALU and BTS/BTR/BTC with a memory destination, XCHG), so a
    // context can hold a device-model lock across both (LOCK semantics).
    virtual void atomic_begin() {}
    virtual void atomic_end() {}

protected:
    ~GuestContext() = default;
};

}  // namespace bh::x86::insn
