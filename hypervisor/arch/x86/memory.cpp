// Memory bring-up. The mapping policy is the table in build_tables(): each
// kind of range gets one set of attributes, applied in order (later rows win).
#include "arch/x86/memory.hpp"

#include "arch/x86/cpu.hpp"
#include "arch/x86/page_table.hpp"
#include "arch/x86/percpu.hpp"
#include "common/frame_alloc.hpp"
#include "generated/scenario.hpp"
#include "hal/memory.hpp"
#include "lib/spinlock.hpp"

extern "C" {
extern uint8_t __image_start[], __text_start[], __text_end[], __rodata_start[], __rodata_end[];
extern uint8_t __data_start[], __image_end[], boot_stack_guard[];
}

namespace bh::x86::mem {
namespace {

FrameAllocator g_frames;
PageTable g_pt;
TicketLock g_lock;

constexpr uint64_t kPage = 4096;
constexpr uint64_t k1M = 1ull << 20;
constexpr uint64_t k4G = 1ull << 32;
constexpr uint64_t kLapicBase = 0xfee00000;  // SDM Vol.3 11.4.1 default

void* identity(uint64_t phys, void*) { return reinterpret_cast<void*>(phys); }
bool alloc_table(uint64_t& phys, void*) { return g_frames.alloc(1, phys) == FrameAllocator::Status::ok; }

uint64_t addr(const void* p) { return reinterpret_cast<uint64_t>(p); }
uint64_t down(uint64_t v) { return v & ~(kPage - 1); }
uint64_t up(uint64_t v) { return (v + kPage - 1) & ~(kPage - 1); }

constexpr MapAttrs kData{true, false, false, MemType::wb, false};
constexpr MapAttrs kReadOnly{false, false, false, MemType::wb, false};
constexpr MapAttrs kCode{false, true, false, MemType::wb, true};
constexpr MapAttrs kDevice{true, false, false, MemType::uc, false};

bool map(uint64_t base, uint64_t end, MapAttrs a) {
    base = down(base);
    end = up(end);
    if (end <= base) return true;
    return g_pt.map(base, base, end - base, a) == PageTable::Status::ok;
}

bool unmap_page(const void* p) { return g_pt.unmap(addr(p), kPage) == PageTable::Status::ok; }

bool build_tables(const mb2::BootInfo& boot, const mb2::MemRange* ram, size_t n_ram) {
    for (size_t i = 0; i < n_ram; ++i)
        if (!map(ram[i].base, ram[i].base + ram[i].length, kData)) return false;
    // Firmware areas we read: the BIOS area (RSDP scan) and ACPI tables.
    if (!map(0, k1M, kReadOnly)) return false;
    for (size_t i = 0; i < n_ram; ++i)  // RAM below 1 MiB stays writable (AP trampoline)
        if (ram[i].base < k1M && !map(ram[i].base, ram[i].base + ram[i].length < k1M ? ram[i].base + ram[i].length : k1M, kData))
            return false;
    for (size_t i = 0; i < boot.mem_count; ++i) {
        const auto type = static_cast<mb2::MemType>(boot.mem[i].type);
        if (type == mb2::MemType::acpi_reclaimable || type == mb2::MemType::nvs)
            if (!map(boot.mem[i].base, boot.mem[i].base + boot.mem[i].length, kReadOnly)) return false;
    }
    // The image: code RX, read-only data R, everything else RW NX (W^X).
    if (!map(addr(__image_start), addr(__text_start), kReadOnly)) return false;
    if (!map(addr(__text_start), addr(__text_end), kCode)) return false;
    if (!map(addr(__rodata_start), addr(__rodata_end), kReadOnly)) return false;
    if (!map(addr(__data_start), addr(__image_end), kData)) return false;
    if (!map(kLapicBase, kLapicBase + kPage, kDevice)) return false;
    // Null page and stack guard pages stay unmapped.
    if (g_pt.unmap(0, kPage) != PageTable::Status::ok) return false;
    if (!unmap_page(boot_stack_guard)) return false;
    for (auto& st : g_stacks) {
        if (!unmap_page(st.guard_main) || !unmap_page(st.guard_df) || !unmap_page(st.guard_nmi) ||
            !unmap_page(st.guard_mc))
            return false;
    }
    return true;
}

}  // namespace

const char* to_string(InitStatus s) {
    switch (s) {
        case InitStatus::ok: return "ok";
        case InitStatus::no_ranges: return "no usable RAM in the boot memory map";
        case InitStatus::allocator_failed: return "frame allocator could not be set up";
        case InitStatus::metadata_above_4g: return "frame allocator metadata landed above 4 GiB";
        case InitStatus::map_failed: return "building the hypervisor page tables failed";
    }
    return "?";
}

InitStatus init(const mb2::BootInfo& boot) {
    mb2::MemRange ram[mb2::kMaxMemRanges];
    const size_t n_all = mb2::normalize_available(boot, ram, mb2::kMaxMemRanges);
    if (n_all == 0) return InitStatus::no_ranges;
    // More disjoint RAM ranges than the table holds: use the first ones (the
    // rest is never mapped or handed out, so this only loses capacity).
    const size_t n_ram = n_all < mb2::kMaxMemRanges ? n_all : mb2::kMaxMemRanges;

    PhysRange usable[mb2::kMaxMemRanges];
    for (size_t i = 0; i < n_ram; ++i) usable[i] = PhysRange{ram[i].base, ram[i].length};
    PhysRange reserved[2 + mb2::kMaxModules + cfg::kVmCount];
    size_t n_res = 0;
    // Pre-launched VMs own their host-physical RAM: never hand it out.
    for (const cfg::VmConfig& vm : cfg::kVms)
        if (vm.load_order == cfg::LoadOrder::pre_launched) reserved[n_res++] = PhysRange{vm.mem_hpa, vm.mem_size};
    reserved[n_res++] = PhysRange{addr(__image_start), addr(__image_end) - addr(__image_start)};
    reserved[n_res++] = PhysRange{boot.info_phys_start, boot.info_size};
    for (size_t i = 0; i < boot.module_count; ++i)
        reserved[n_res++] = PhysRange{boot.modules[i].start, boot.modules[i].end - boot.modules[i].start};
    if (g_frames.init(usable, n_ram, reserved, n_res, identity, nullptr) != FrameAllocator::Status::ok)
        return InitStatus::allocator_failed;
    // Until CR3 switches we run on the boot tables, which map only 4 GiB.
    const PhysRange meta = g_frames.metadata();
    if (meta.base + meta.length > k4G) return InitStatus::metadata_above_4g;

    const bool has_1g = (cpuid(0x80000001).edx & (1u << 26)) != 0;
    if (g_pt.init(alloc_table, identity, nullptr, has_1g) != PageTable::Status::ok) return InitStatus::map_failed;
    if (!build_tables(boot, ram, n_ram)) return InitStatus::map_failed;
    init_this_cpu();
    write_cr3(g_pt.root());
    return InitStatus::ok;
}

uint64_t cr3() { return g_pt.root(); }

void init_this_cpu() {
    // IA32_PAT (SDM Vol.3 11.12.2), so that MemType::wc really means WC.
    if ((cpuid(1).edx & (1u << 16)) != 0) wrmsr(0x277, kPatMsrValue);
    write_cr4(read_cr4() | cr4::pge);
}

bool map_mmio(uint64_t phys, uint64_t size) {
    LockGuard guard(g_lock);
    const bool ok = map(phys, phys + size, kDevice);
    write_cr3(read_cr3());  // boot-time only: other pCPUs are not up yet
    return ok;
}

bool alloc_frames(uint64_t pages, uint64_t& phys, uint64_t below) {
    LockGuard guard(g_lock);
    return g_frames.alloc(pages, phys, kPage, below) == FrameAllocator::Status::ok;
}

uint64_t free_frames() { return g_frames.free_frames(); }
uint64_t total_frames() { return g_frames.total_frames(); }

}  // namespace bh::x86::mem

namespace bh::hal {
// The hypervisor maps all RAM 1:1 (see build_tables()).
void* phys_to_virt(uint64_t pa) { return reinterpret_cast<void*>(pa); }
}  // namespace bh::hal
