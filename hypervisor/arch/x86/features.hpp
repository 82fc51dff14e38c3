// CPU capability check: which features Bulkhead needs, which are present.
#pragma once
#include <cstdint>

namespace bh::x86 {

struct FeatureCheck {
    const char* name;
    const char* where;  // manual reference: how the feature is reported
    bool required;
    bool present;
};

struct FeatureReport {
    static constexpr uint32_t kMax = 24;
    FeatureCheck checks[kMax];
    uint32_t count;
    uint32_t missing_required;
};

FeatureReport check_features();

}  // namespace bh::x86
