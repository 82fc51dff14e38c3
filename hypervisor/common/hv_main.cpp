// Common start-up after the arch bring-up: report the pCPUs, run the shell.
#include "common/hv_main.hpp"

#include "common/log.hpp"
#include "common/shell.hpp"
#include "hal/cpu.hpp"
#include "hal/cpu_info.hpp"
#include "hal/virt.hpp"

namespace bh {
void hv_main() {
    uint32_t online = 0;
    for (uint32_t i = 0; i < hal::cpu_count(); ++i)
        if (hal::cpu_info(i).state == hal::CpuState::online) ++online;
    if (online == hal::cpu_count()) LOG_INFO("all %u pCPUs online", online);
    else LOG_ERR("only %u of %u pCPUs online", online, hal::cpu_count());
    shell::start();
    if (hal::vcpu_pinned_here()) hal::run_pinned_vcpu(shell::service);
    for (;;) {
        shell::service();
        hal::wait_for_interrupt();
    }
}

}  // namespace bh
