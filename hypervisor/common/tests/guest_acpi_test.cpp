// The build's virtual ACPI tables, installed into a buffer standing in for a
// VM's RAM and read back with the hypervisor's own ACPI parser.
#include "common/guest_acpi.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <cstring>
#include <memory>
#include <vector>

#include "common/acpi.hpp"
#include "generated/scenario.hpp"

namespace {

// The tables live below 1 MiB: 2 MiB of stand-in RAM is enough, even for the
// industrial scenario's multi-GiB VMs.
bh::cfg::VmConfig capped(bh::cfg::VmConfig vm) {
    if (vm.mem_size > 0x200000) vm.mem_size = 0x200000;
    return vm;
}
std::vector<uint8_t> ram_of(const bh::cfg::VmConfig& vm) { return std::vector<uint8_t>(capped(vm).mem_size, 0xcc); }

TEST(GuestAcpi, EveryPreLaunchedVmGetsValidTablesWithItsVcpus) {
    size_t installed = 0;
    for (const bh::cfg::VmConfig& vm : bh::cfg::kVms) {
        if (vm.load_order != bh::cfg::LoadOrder::pre_launched) continue;
        auto ram = ram_of(vm);
        const auto r = bh::install_guest_acpi(capped(vm), ram.data(), bh::cfg::kVmAcpi, bh::cfg::kVmAcpiCount);
        EXPECT_EQ(r.status, bh::GuestAcpiStatus::ok) << vm.name << ": " << bh::to_string(r.status);
        EXPECT_EQ(r.gpa, 0xf2400u);  // inside the BIOS area a guest scans for the RSDP
        EXPECT_EQ(r.madt_cpus, bh::cfg::vcpu_count(vm)) << vm.name;
        // A guest's own RSDP scan of 0xE0000-0xFFFFF finds it.
        bh::acpi::Rsdp rsdp{};
        EXPECT_EQ(bh::acpi::find_rsdp_in(ram.data() + 0xe0000, 0x20000, &rsdp), ram.data() + 0xf2400);
        EXPECT_EQ(rsdp.revision, 2);
        ++installed;
    }
    EXPECT_GT(installed, 0u);
    // Only pre-launched VMs get tables.
    for (size_t i = 0; i < bh::cfg::kVmAcpiCount; ++i)
        EXPECT_EQ(bh::cfg::kVms[bh::cfg::kVmAcpi[i].vm_id].load_order, bh::cfg::LoadOrder::pre_launched);
}

TEST(GuestAcpi, MadtDescribesTheVioapic) {
    for (const bh::cfg::VmConfig& vm : bh::cfg::kVms) {
        if (vm.load_order != bh::cfg::LoadOrder::pre_launched) continue;
        auto ram = ram_of(vm);
        bh::install_guest_acpi(capped(vm), ram.data(), bh::cfg::kVmAcpi, bh::cfg::kVmAcpiCount);
        bh::acpi::Rsdp rsdp{};
        bh::acpi::parse_rsdp(ram.data() + 0xf2400, 36, rsdp);
        struct Reader final : bh::acpi::PhysReader {
            const std::vector<uint8_t>* m;
            const void* map(uint64_t p, size_t l) const override { return p + l <= m->size() ? m->data() + p : nullptr; }
        } reader;
        reader.m = &ram;
        bh::acpi::Tables tables;
        ASSERT_EQ(tables.init(reader, rsdp), bh::acpi::Status::ok);
        bh::acpi::TableView view{};
        ASSERT_EQ(tables.find_table("APIC", 0, view), bh::acpi::Status::ok);
        auto madt = std::make_unique<bh::acpi::MadtInfo>();
        ASSERT_EQ(bh::acpi::parse_madt(view, *madt), bh::acpi::Status::ok);
        EXPECT_EQ(madt->lapic_address, 0xfee00000u);
        ASSERT_EQ(madt->ioapic_count, 1u);
        EXPECT_EQ(madt->ioapics[0].address, 0xfec00000u);
        EXPECT_EQ(madt->ioapics[0].gsi_base, 0u);
        for (uint32_t c = 0; c < bh::cfg::vcpu_count(vm); ++c) EXPECT_EQ(madt->cpus[c].apic_id, c);
        bh::acpi::TableView fadt_view{};
        ASSERT_EQ(tables.find_table("FACP", 0, fadt_view), bh::acpi::Status::ok);
        bh::acpi::FadtInfo fadt{};
        ASSERT_EQ(bh::acpi::parse_fadt(fadt_view, fadt), bh::acpi::Status::ok);
        EXPECT_TRUE(fadt.reset_valid);
        EXPECT_EQ(fadt.reset_reg.address, 0xcf9u);
        EXPECT_EQ(fadt.reset_value, 6);
        EXPECT_EQ(fadt.sci_int, 9);
    }
}

TEST(GuestAcpi, RefusesTablesThatDoNotFitOrDoNotExist) {
    bh::cfg::VmConfig tiny = bh::cfg::kVms[bh::cfg::kVmAcpi[0].vm_id];
    tiny.mem_size = 0xf2400;  // RAM ends exactly where the tables would start
    std::vector<uint8_t> ram(tiny.mem_size, 0);
    EXPECT_EQ(bh::install_guest_acpi(tiny, ram.data(), bh::cfg::kVmAcpi, bh::cfg::kVmAcpiCount).status,
              bh::GuestAcpiStatus::outside_ram);
    EXPECT_TRUE(std::all_of(ram.begin(), ram.end(), [](uint8_t b) { return b == 0; }));  // nothing written
    bh::cfg::VmConfig other = tiny;
    other.id = 31;
    EXPECT_EQ(bh::install_guest_acpi(other, ram.data(), bh::cfg::kVmAcpi, bh::cfg::kVmAcpiCount).status,
              bh::GuestAcpiStatus::no_tables);
}

TEST(GuestAcpi, CorruptedBlobIsCaught) {
    const bh::cfg::VmConfig& vm = bh::cfg::kVms[bh::cfg::kVmAcpi[0].vm_id];
    std::vector<uint8_t> bad(bh::cfg::kVmAcpi[0].data, bh::cfg::kVmAcpi[0].data + bh::cfg::kVmAcpi[0].size);
    bad[8] ^= 0xff;  // RSDP checksum byte
    const bh::cfg::VmAcpiBlob blob{vm.id, bh::cfg::kVmAcpi[0].gpa, bad.data(), bad.size()};
    auto ram = ram_of(vm);
    EXPECT_EQ(bh::install_guest_acpi(capped(vm), ram.data(), &blob, 1).status, bh::GuestAcpiStatus::bad_rsdp);
}

}  // namespace
