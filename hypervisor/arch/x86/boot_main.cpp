// The boot sequence of the BSP and of every AP, from the 64-bit entry to the
// point where common code (the shell) takes over.
#include <atomic>

#include "arch/x86/cpu.hpp"
#include "arch/x86/features.hpp"
#include "arch/x86/lapic.hpp"
#include "arch/x86/memory.hpp"
#include "arch/x86/percpu.hpp"
#include "arch/x86/pic_pit.hpp"
#include "arch/x86/platform.hpp"
#include "arch/x86/smp_boot.hpp"
#include "arch/x86/smp_call.hpp"
#include "arch/x86/stop.hpp"
#include "arch/x86/timer.hpp"
#include "arch/x86/tsc.hpp"
#include "arch/x86/uart8250.hpp"
#include "arch/x86/vmx/vms.hpp"
#include "common/cmdline.hpp"
#include "common/console.hpp"
#include "common/hv_main.hpp"
#include "common/log.hpp"
#include "common/panic.hpp"
#include "generated/board.hpp"
#include "generated/scenario.hpp"
#include "hal/cpu.hpp"
#include "hal/timer.hpp"
#include "hal/virt.hpp"

using ctor_fn = void (*)();
extern "C" ctor_fn __init_array_start[], __init_array_end[];

namespace bh::x86 {
namespace {

mb2::BootInfo g_boot;
}  // namespace

const mb2::BootInfo& boot_info() { return g_boot; }

namespace {

// Every pCPU proves its LAPIC timer before it reports online.
bool timer_self_test() {
    std::atomic<bool> fired{false};
    hal::Timer t;
    t.deadline = rdtsc() + tsc::khz();  // 1 ms
    t.fn = [](hal::Timer&, void* ctx) { static_cast<std::atomic<bool>*>(ctx)->store(true); };
    t.ctx = &fired;
    hal::timer_start(t);
    const uint64_t give_up = rdtsc() + 100 * tsc::khz();
    while (!fired.load() && rdtsc() < give_up) hal::wait_for_interrupt();
    hal::timer_stop(t);
    return fired.load();
}

void cpu_local_init() {
    lapic::init_this_cpu();
    timer::init_this_cpu();
    smp_call_init_this_cpu();
    PerCpu& self = this_percpu();
    self.apic_id = lapic::id();
    self.tsc_khz = tsc::khz();
}

[[noreturn]] void refuse_to_run(const FeatureReport& r) {
    console::print("\nBulkhead cannot run on this CPU. Missing required features:\n");
    for (uint32_t i = 0; i < r.count; ++i) {
        const FeatureCheck& c = r.checks[i];
        if (c.required && !c.present) console::print("  - %s (%s)\n", c.name, c.where);
    }
    console::print("Bulkhead halted: nothing was started.\n");
    hal::halt_forever();
}

// The build was made for a board description: say so loudly when the
// machine differs. Pre-launched VM memory that is not RAM here is fatal for
// those VMs (the VM issue refuses to start them), not for the hypervisor.
void check_board(const Platform& plat, const mb2::BootInfo& boot) {
    if (plat.cpu_count != board::kPcpuCount)
        LOG_ERR("board %s describes %u pCPUs, the firmware reports %u", board::kBoardName, board::kPcpuCount,
                plat.cpu_count);
    for (uint32_t i = 0; i < plat.cpu_count && i < board::kPcpuCount; ++i)
        if (plat.apic_ids[i] != board::kApicIds[i])
            LOG_ERR("board %s: pCPU%u has APIC ID %u, the firmware says %u", board::kBoardName, i,
                    board::kApicIds[i], plat.apic_ids[i]);
    for (const cfg::VmConfig& vm : cfg::kVms) {
        if (vm.load_order != cfg::LoadOrder::pre_launched) continue;
        bool inside = false;
        for (size_t i = 0; i < boot.mem_count; ++i) {
            const mb2::MemRange& r = boot.mem[i];
            if (r.type == 1 && vm.mem_hpa >= r.base && vm.mem_hpa + vm.mem_size <= r.base + r.length) inside = true;
        }
        if (!inside)
            LOG_ERR("VM %s: memory [0x%llx, 0x%llx) is not RAM on this machine", vm.name,
                    static_cast<unsigned long long>(vm.mem_hpa),
                    static_cast<unsigned long long>(vm.mem_hpa + vm.mem_size));
    }
}

void report_features(const FeatureReport& r) {
    for (uint32_t i = 0; i < r.count; ++i) {
        const FeatureCheck& c = r.checks[i];
        LOG_DEBUG("feature %-30s %-8s %s", c.name, c.present ? "yes" : "no", c.where);
    }
}

}  // namespace

}  // namespace bh::x86

extern "C" [[noreturn]] void bsp_main(uint32_t magic, uint32_t info_phys) {
    using namespace bh;
    using namespace bh::x86;
    for (ctor_fn* f = __init_array_start; f != __init_array_end; ++f) (*f)();

    set_log_level(static_cast<LogLevel>(cfg::kHv.log_level));  // the scenario's <log_level>
    uart::init(board::kConsolePort);
    console::set_device(uart::device());
    percpu_init(0, 0);
    idt_init_once();
    idt_load();
    console::print("\nBulkhead %s (board %s, scenario %s) starting\n", board::kVersion, board::kBoardName,
                   cfg::kScenarioName);

    const FeatureReport features = check_features();
    if (features.missing_required != 0) refuse_to_run(features);

    const auto mb = mb2::parse(magic, reinterpret_cast<const void*>(uint64_t{info_phys}), 1u << 20, g_boot);
    if (mb != mb2::Status::ok) panic("bad Multiboot2 boot information: %s", mb2::to_string(mb));
    for (size_t i = 0; i < g_boot.mem_count; ++i) {
        const mb2::MemRange& r = g_boot.mem[i];
        LOG_INFO("e820: [0x%016llx-0x%016llx) type %u", static_cast<unsigned long long>(r.base),
                 static_cast<unsigned long long>(r.base + r.length), r.type);
    }
    const auto ms = mem::init(g_boot);
    if (ms != mem::InitStatus::ok) panic("memory: %s", mem::to_string(ms));
    LOG_INFO("memory: %llu MiB free for the hypervisor, page tables at 0x%llx",
             static_cast<unsigned long long>(mem::free_frames() / 256), static_cast<unsigned long long>(mem::cr3()));

    Platform plat{};
    const auto as = discover_platform(g_boot, plat);
    if (as != acpi::Status::ok) panic("ACPI: %s", acpi::to_string(as));
    LOG_INFO("ACPI: RSDP from %s, %u pCPUs, %zu IOAPICs", plat.rsdp_source, plat.cpu_count, plat.madt.ioapic_count);
    if (plat.cpus_ignored != 0) LOG_WARN("ACPI: %u pCPUs beyond MAX_PCPU=%u ignored", plat.cpus_ignored, config::kMaxPcpu);
    check_board(plat, g_boot);
    for (size_t i = 0; i < plat.madt.ioapic_count; ++i)
        if (!mem::map_mmio(plat.madt.ioapics[i].address, 4096)) panic("cannot map IOAPIC %zu", i);
    if (plat.has_fadt && plat.fadt.reset_valid && plat.fadt.reset_reg.space_id == acpi::kGasSystemMemory)
        mem::map_mmio(plat.fadt.reset_reg.address, 4096);
    report_features(features);

    const BootOptions opts = parse_boot_options(g_boot.cmdline, [](const char* w, unsigned len) {
        LOG_WARN("ignoring unknown boot option '%.*s'", static_cast<int>(len), w);
    });
    pic_mask_all();
    const bool has_x2apic = (cpuid(1).ecx & (1u << 21)) != 0;
    lapic::select_mode(has_x2apic && opts.apic != ApicModeOption::xapic);
    if (has_x2apic && opts.apic == ApicModeOption::xapic) LOG_INFO("LAPIC: xAPIC mode forced by apic=xapic");
    const tsc::Calibration cal = tsc::calibrate();
    LOG_INFO("TSC: %llu kHz from %s (PIT %llu kHz, CPUID %llu kHz)", static_cast<unsigned long long>(cal.khz),
             cal.source, static_cast<unsigned long long>(cal.pit_khz), static_cast<unsigned long long>(cal.cpuid_khz));
    lapic::init_this_cpu();
    timer::init_bsp();
    cpu_local_init();
    g_cpu_count = plat.cpu_count;
    hal::irq_enable();
    if (!timer_self_test()) panic("pCPU0: LAPIC timer did not fire");
    g_percpu[0].state.store(hal::CpuState::online);
    LOG_INFO("pCPU0 online: APIC ID %u, %s, timer %s", lapic::id(),
             lapic::mode() == lapic::Mode::x2apic ? "x2APIC" : "xAPIC", timer::mode_name());

    if (!vmx::enable_this_cpu_logged(0)) panic("VMX could not be enabled on the boot processor");
    const vmx::VmsStatus vs = vmx::init_vms();
    if (vs != vmx::VmsStatus::ok) panic("VMs: %s", vmx::to_string(vs));

    uint64_t tramp = 0;
    if (!mem::alloc_frames(1, tramp, 1u << 20)) panic("no free page below 1 MiB for the AP trampoline");
    start_aps(plat.apic_ids, plat.cpu_count, tramp, mem::cr3());
    hv_main();
}

extern "C" [[noreturn]] void ap_main(uint64_t index) {
    using namespace bh;
    using namespace bh::x86;
    const auto i = static_cast<uint32_t>(index);
    percpu_init(i, g_percpu[i].apic_id);
    mem::init_this_cpu();
    cpu_local_init();
    hal::irq_enable();
    if (!timer_self_test()) {
        LOG_ERR("pCPU%u: LAPIC timer did not fire", i);
        stop_this_cpu(hal::CpuState::failed);
    }
    if (!vmx::enable_this_cpu_logged(i)) stop_this_cpu(hal::CpuState::failed);
    LOG_INFO("pCPU%u online: APIC ID %u", i, lapic::id());
    g_percpu[i].state.store(hal::CpuState::online, std::memory_order_release);
    if (hal::vcpu_pinned_here()) hal::run_pinned_vcpu(nullptr);
    for (;;) hal::wait_for_interrupt();
}
