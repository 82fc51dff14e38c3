// Shell commands of the foundation: help, version, pcpu_list, log_level,
// reboot, and (debug builds) fault/panic to prove the failure paths.
#include "common/shell_cmds.hpp"

#include "common/config.hpp"
#include "common/console.hpp"
#include "common/log.hpp"
#include "common/panic.hpp"
#include "generated/board.hpp"
#include "generated/scenario.hpp"
#include "hal/cpu.hpp"
#include "hal/cpu_info.hpp"
#include "hal/smp.hpp"
#include "hal/virt.hpp"
#include "lib/format.hpp"

namespace bh::shell {
namespace {

int cmd_help(int, const char* const[], void*);

int cmd_version(int, const char* const[], void*) {
    console::print("Bulkhead %s, board %s, built with g++ %s\n", board::kVersion, board::kBoardName, __VERSION__);
    return 0;
}

int cmd_pcpu_list(int, const char* const[], void*) {
    console::print("pCPU  APIC ID  State     TSC kHz\n");
    for (uint32_t i = 0; i < hal::cpu_count(); ++i) {
        const hal::CpuInfo info = hal::cpu_info(i);
        console::print("%-4u  %-7u  %-8s  %llu\n", i, info.hw_id, hal::to_string(info.state),
                       static_cast<unsigned long long>(info.tsc_khz));
    }
    return 0;
}

// pCPU list of an affinity mask as "0,2,3".
void format_pcpus(uint64_t mask, char* out, size_t cap) {
    size_t len = 0;
    out[0] = '\0';
    for (uint32_t p = 0; p < 64; ++p) {
        if ((mask & (1ull << p)) == 0) continue;
        len += snformat(out + len, len < cap ? cap - len : 0, len == 0 ? "%u" : ",%u", p);
        if (len >= cap) return;
    }
}

int cmd_vm_list(int, const char* const[], void*) {
    console::print("scenario %s: %zu VMs\n", cfg::kScenarioName, cfg::kVmCount);
    console::print("VM  Name              Load order     Type      pCPUs     Memory\n");
    for (size_t i = 0; i < cfg::kVmCount; ++i) {
        const cfg::VmConfig& vm = cfg::kVms[i];
        char pcpus[48];
        format_pcpus(vm.cpu_affinity, pcpus, sizeof(pcpus));
        console::print("%-2u  %-16s  %-13s  %-8s  %-8s  %llu MiB", vm.id, vm.name, cfg::to_string(vm.load_order),
                       cfg::to_string(vm.type), pcpus, static_cast<unsigned long long>(vm.mem_size >> 20));
        if (vm.load_order == cfg::LoadOrder::pre_launched)
            console::print(" at hpa 0x%llx", static_cast<unsigned long long>(vm.mem_hpa));
        console::print("%s\n", vm.lapic_passthrough ? ", LAPIC passthrough" : "");
    }
    return 0;
}

int cmd_vcpu_list(int, const char* const[], void*) {
    console::print("VM  Name              vCPU  pCPU  State\n");
    hal::VcpuInfo v{};
    for (uint32_t n = 0; hal::vcpu_info(n, v); ++n)
        console::print("%-2u  %-16s  %-4u  %-4u  %s\n", v.vm_id, v.vm_name, v.index, v.pcpu, hal::to_string(v.state));
    return 0;
}

// VM-exit counts per vCPU and basic exit reason (SDM Vol.3 Appendix C).
int cmd_vmexit(int, const char* const[], void*) {
    hal::VcpuInfo v{};
    for (uint32_t n = 0; hal::vcpu_info(n, v); ++n) {
        uint64_t total = 0;
        for (uint32_t r = 0; r < 64; ++r) total += hal::vcpu_exit_count(n, r);
        console::print("VM %s vCPU%u: %llu exits\n", v.vm_name, v.index, static_cast<unsigned long long>(total));
        for (uint32_t r = 0; r < 64; ++r) {
            const uint64_t c = hal::vcpu_exit_count(n, r);
            if (c != 0)
                console::print("  %2u %-22s %llu\n", r, hal::exit_reason_name(r), static_cast<unsigned long long>(c));
        }
    }
    return 0;
}

int cmd_log_level(int argc, const char* const argv[], void*) {
    if (argc == 1) {
        console::print("log level: %s (%u)\n", to_string(log_level()), static_cast<unsigned>(log_level()));
        return 0;
    }
    LogLevel level{};
    if (argc != 2 || !parse_log_level(argv[1], level)) {
        console::print("usage: log_level [error|warning|info|debug|1-4]\n");
        return 1;
    }
    set_log_level(level);
    console::print("log level: %s\n", to_string(level));
    return 0;
}

int cmd_reboot(int, const char* const[], void*) {
    console::print("rebooting\n");
    hal::reboot();
}

// Debug: make pCPU n take an invalid-opcode exception in the hypervisor.
int cmd_fault(int argc, const char* const argv[], void*) {
    uint64_t cpu = 0;
    if (argc != 2 || !parse_u64(argv[1], cpu) || cpu >= hal::cpu_count()) {
        console::print("usage: fault <pcpu>  (0..%u)\n", hal::cpu_count() - 1);
        return 1;
    }
    const auto st = hal::smp_call(
        static_cast<uint32_t>(cpu), [](void*) { asm volatile("ud2"); }, nullptr, 1000);
    console::print("fault on pCPU%llu: %s\n", static_cast<unsigned long long>(cpu), hal::to_string(st));
    return 0;
}

int cmd_panic(int, const char* const[], void*) { panic("requested from the shell"); }

constexpr Command kTable[] = {
    {"help", "list the commands", cmd_help},
    {"version", "print the hypervisor version", cmd_version},
    {"pcpu_list", "list the physical CPUs: APIC ID, state, TSC kHz", cmd_pcpu_list},
    {"log_level", "show or set the console log level", cmd_log_level},
    {"vm_list", "list the VMs of the scenario: id, name, type, pCPUs, memory", cmd_vm_list},
    {"vcpu_list", "list the vCPUs: VM, vCPU, pCPU, state", cmd_vcpu_list},
    {"vmexit", "VM-exit counts per vCPU and reason", cmd_vmexit},
    {"reboot", "reset the machine", cmd_reboot},
    {"fault", "(debug) raise #UD in the hypervisor on a pCPU", cmd_fault},
    {"panic", "(debug) stop all pCPUs with a panic", cmd_panic},
};
constexpr size_t kBase = 8;  // commands from this index on are debug-only
static_assert(kTable[kBase].fn == cmd_fault && kTable[kBase + 1].fn == cmd_panic);
constexpr size_t kCount = config::kDebugCommands ? sizeof(kTable) / sizeof(kTable[0]) : kBase;

int cmd_help(int, const char* const[], void*) {
    for (size_t i = 0; i < kCount; ++i) console::print("  %-10s %s\n", kTable[i].name, kTable[i].help);
    return 0;
}

}  // namespace

const Command* commands() { return kTable; }
size_t command_count() { return kCount; }

}  // namespace bh::shell
