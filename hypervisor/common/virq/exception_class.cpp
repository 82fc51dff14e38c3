// Exception classes, error-code presence and merging (SDM Vol.3 6.15).
#include "common/virq/exception_class.hpp"

namespace bh::virq {
namespace {

constexpr uint32_t bit(uint8_t v) { return uint32_t{1} << v; }

// SDM Vol.3 6.15 Table 6-4.
constexpr uint32_t kContributory = bit(exc::de) | bit(exc::ts) | bit(exc::np) | bit(exc::ss) |
                                   bit(exc::gp) | bit(exc::cp);
constexpr uint32_t kPageFaultClass = bit(exc::pf) | bit(exc::ve);

// SDM Vol.3 6.15, "Exception Error Code" of each vector.
constexpr uint32_t kErrorCode = bit(exc::df) | bit(exc::ts) | bit(exc::np) | bit(exc::ss) |
                                bit(exc::gp) | bit(exc::pf) | bit(exc::ac) | bit(exc::cp);

bool is_serious(ExceptionClass c) {  // contributory, or counted as such (#DF as second)
    return c == ExceptionClass::contributory || c == ExceptionClass::double_fault;
}

}  // namespace

ExceptionClass classify(uint8_t vector) {
    if (vector >= exc::kCount) return ExceptionClass::benign;
    if (vector == exc::df) return ExceptionClass::double_fault;
    if (kContributory & bit(vector)) return ExceptionClass::contributory;
    if (kPageFaultClass & bit(vector)) return ExceptionClass::page_fault;
    return ExceptionClass::benign;
}

bool has_error_code(uint8_t vector) {
    return vector < exc::kCount && (kErrorCode & bit(vector)) != 0;
}

Outcome merge(ExceptionClass first, ExceptionClass second) {
    switch (first) {
    case ExceptionClass::benign:
        return Outcome::deliver_second;
    case ExceptionClass::contributory:
        return is_serious(second) ? Outcome::double_fault : Outcome::deliver_second;
    case ExceptionClass::page_fault:
        return second == ExceptionClass::benign ? Outcome::deliver_second : Outcome::double_fault;
    case ExceptionClass::double_fault:
        return second == ExceptionClass::benign ? Outcome::deliver_second : Outcome::triple_fault;
    }
    return Outcome::triple_fault;  // unreachable for valid enumerators; fail safe
}

Outcome merge(uint8_t first_vector, uint8_t second_vector) {
    return merge(classify(first_vector), classify(second_vector));
}

const char* to_string(ExceptionClass c) {
    switch (c) {
    case ExceptionClass::benign: return "benign";
    case ExceptionClass::contributory: return "contributory";
    case ExceptionClass::page_fault: return "page fault";
    case ExceptionClass::double_fault: return "double fault";
    }
    return "?";
}

const char* to_string(Outcome o) {
    switch (o) {
    case Outcome::deliver_second: return "deliver second";
    case Outcome::double_fault: return "double fault";
    case Outcome::triple_fault: return "triple fault";
    }
    return "?";
}

}  // namespace bh::virq
