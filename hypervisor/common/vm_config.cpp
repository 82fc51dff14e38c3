// Names of the VM table's enumerations, for the shell and the log.
#include "common/vm_config.hpp"

namespace bh::cfg {

const char* to_string(LoadOrder o) {
    switch (o) {
        case LoadOrder::pre_launched: return "PRE_LAUNCHED";
        case LoadOrder::service_vm: return "SERVICE_VM";
        case LoadOrder::post_launched: return "POST_LAUNCHED";
    }
    return "?";
}

const char* to_string(VmType t) { return t == VmType::rtvm ? "RTVM" : "STANDARD"; }

const char* to_string(ImageType t) {
    switch (t) {
        case ImageType::none: return "none";
        case ImageType::bzimage: return "bzImage";
        case ImageType::multiboot: return "multiboot";
        case ImageType::raw: return "raw";
    }
    return "?";
}

}  // namespace bh::cfg
