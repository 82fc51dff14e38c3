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
    const uint32_t running = hal::stop_other_cpus();
    char msg[200];
    va_list ap;
    va_start(ap, fmt);
    vsnformat(msg, sizeof(msg), fmt, ap);
    va_end(ap);
    console::print("\n*** PANIC on pCPU%u: %s\n", hal::this_cpu(), msg);
    if (running == 0) console::print("*** all pCPUs stopped\n");
    else console::print("*** %u pCPUs did not confirm the stop\n", running);
    hal::halt_forever();
}

}  // namespace bh
