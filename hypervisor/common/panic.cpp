// panic(): the one way the whole hypervisor stops.
#include "common/panic.hpp"

#include <cstdarg>

#include "common/console.hpp"
#include "hal/cpu.hpp"
#include "lib/format.hpp"

namespace bh {

void panic(const char* fmt, ...) {
    hal::irq_save();
    console::enter_emergency();
    hal::stop_other_cpus();
    char msg[200];
    va_list ap;
    va_start(ap, fmt);
    vsnformat(msg, sizeof(msg), fmt, ap);
    va_end(ap);
    console::print("\n*** PANIC on pCPU%u: %s\n*** all pCPUs stopped\n", hal::this_cpu(), msg);
    hal::halt_forever();
}

}  // namespace bh
