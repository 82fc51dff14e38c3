// Exception classes and the double-/triple-fault rules for a second exception
// raised while a first event is being delivered (SDM Vol.3 6.15, Tables 6-4/6-5).
#pragma once
#include <cstdint>

namespace bh::virq {

// Architectural exception vectors. // SDM Vol.3 6.3.1 Table 6-1
namespace exc {
inline constexpr uint8_t de = 0;   // divide error
inline constexpr uint8_t db = 1;   // debug
inline constexpr uint8_t nmi = 2;  // non-maskable interrupt
inline constexpr uint8_t bp = 3;   // breakpoint (INT3)
inline constexpr uint8_t of = 4;   // overflow (INTO)
inline constexpr uint8_t br = 5;   // BOUND range exceeded
inline constexpr uint8_t ud = 6;   // invalid opcode
inline constexpr uint8_t nm = 7;   // device not available
inline constexpr uint8_t df = 8;   // double fault (error code always 0)
inline constexpr uint8_t cso = 9;  // coprocessor segment overrun (reserved since the 486)
inline constexpr uint8_t ts = 10;  // invalid TSS
inline constexpr uint8_t np = 11;  // segment not present
inline constexpr uint8_t ss = 12;  // stack-segment fault
inline constexpr uint8_t gp = 13;  // general protection
inline constexpr uint8_t pf = 14;  // page fault
inline constexpr uint8_t mf = 16;  // x87 floating-point error
inline constexpr uint8_t ac = 17;  // alignment check
inline constexpr uint8_t mc = 18;  // machine check
inline constexpr uint8_t xm = 19;  // SIMD floating-point
inline constexpr uint8_t ve = 20;  // virtualization exception
inline constexpr uint8_t cp = 21;  // control protection (CET)
inline constexpr uint8_t kCount = 32;  // vectors 0..31 are reserved for exceptions
}  // namespace exc

// SDM Vol.3 6.15 Table 6-4, plus #DF itself (the table leaves it out; the
// text of "Interrupt 8" gives its rule).
//   contributory: #DE, #TS, #NP, #SS, #GP, #CP (#CP added with CET)
//   page_fault:   #PF, #VE (the table lists #VE in the page-fault class)
//   double_fault: #DF
//   benign:       every other vector: #DB, NMI, #BP, #OF, #BR, #UD, #NM,
//                 vector 9, #MF, #AC, #MC, #XM, the reserved vectors and
//                 every vector >= 32 (INTR, INT n).
enum class ExceptionClass : uint8_t { benign, contributory, page_fault, double_fault };

// The class of hardware exception `vector`. Only hardware exceptions have a
// class: an external interrupt, an NMI or a software interrupt (INT n,
// INT3, INTO, INT1) is always benign whatever its vector, so callers that
// hold such an event pass ExceptionClass::benign to merge() themselves (a
// real-mode guest with the PIC at base 8 receives IRQ5 on vector 13).
ExceptionClass classify(uint8_t vector);

// Whether delivering hardware exception `vector` pushes an error code in
// protected/long mode: #DF (0), #TS, #NP, #SS, #GP, #PF, #AC (0), #CP.
// SDM Vol.3 6.15 ("Exception Error Code" of each vector). Real-address mode
// never pushes one; that is the caller's decision (it knows CR0.PE).
bool has_error_code(uint8_t vector);

// What the processor does when `second` is raised while delivering `first`.
// SDM Vol.3 6.15 Table 6-5 and "Interrupt 8 - Double Fault".
enum class Outcome : uint8_t {
    deliver_second,  // handle serially: deliver the second exception
    double_fault,    // deliver #DF with error code 0 instead
    triple_fault,    // shutdown (the VM is stopped or reset)
};

// Table 6-5, extended with the #DF row (a contributory exception or page
// fault while delivering #DF shuts the processor down) and a #DF column:
// #DF as the second event can only come from the hypervisor injecting #DF
// while another event is in flight; it is treated as contributory, which
// yields #DF after a contributory exception or page fault (the same event)
// and a triple fault after #DF.
//
//                       second: benign   contributory   page_fault   double_fault
//   first benign                deliver  deliver        deliver      deliver
//   first contributory          deliver  #DF            deliver      #DF
//   first page_fault            deliver  #DF            #DF          #DF
//   first double_fault          deliver  triple         triple       triple
Outcome merge(ExceptionClass first, ExceptionClass second);

// Both events hardware exceptions: merge(classify(first), classify(second)).
Outcome merge(uint8_t first_vector, uint8_t second_vector);

const char* to_string(ExceptionClass c);
const char* to_string(Outcome o);

}  // namespace bh::virq
