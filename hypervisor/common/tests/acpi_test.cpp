// Unit tests for ACPI RSDP/RSDT/XSDT discovery and MADT/FADT parsing over synthetic physical memory.
#include "common/acpi.hpp"

#include <gtest/gtest.h>

#include <cstdint>
#include <cstring>
#include <iterator>
#include <map>
#include <string>
#include <utility>
#include <vector>

namespace bh::acpi {
namespace {

using Bytes = std::vector<uint8_t>;

void put16(Bytes& v, uint16_t x) {
    for (int i = 0; i < 2; ++i) v.push_back(static_cast<uint8_t>(x >> (8 * i)));
}
void put32(Bytes& v, uint32_t x) {
    for (int i = 0; i < 4; ++i) v.push_back(static_cast<uint8_t>(x >> (8 * i)));
}
void put64(Bytes& v, uint64_t x) {
    for (int i = 0; i < 8; ++i) v.push_back(static_cast<uint8_t>(x >> (8 * i)));
}
void set32(Bytes& v, size_t off, uint32_t x) {
    for (size_t i = 0; i < 4; ++i) v[off + i] = static_cast<uint8_t>(x >> (8 * i));
}
uint8_t checksum_of(const Bytes& v, size_t from, size_t to) {
    uint8_t s = 0;
    for (size_t i = from; i < to; ++i) s = static_cast<uint8_t>(s + v[i]);
    return static_cast<uint8_t>(0x100 - s);
}

// ---- builders ----

// RSDP: revision < 2 gives the 20-byte ACPI 1.0 form, else the 36-byte form.
Bytes make_rsdp(uint8_t revision, uint32_t rsdt, uint64_t xsdt = 0) {
    Bytes v;
    const char sig[] = "RSD PTR ";
    v.insert(v.end(), sig, sig + 8);
    v.push_back(0);  // checksum
    const char oem[] = "BHOEM1";
    v.insert(v.end(), oem, oem + 6);
    v.push_back(revision);
    put32(v, rsdt);
    if (revision >= 2) {
        put32(v, 36);
        put64(v, xsdt);
        v.push_back(0);  // extended checksum
        v.insert(v.end(), 3, 0);
    }
    v[8] = checksum_of(v, 0, 20);
    if (revision >= 2) v[32] = checksum_of(v, 0, 36);
    return v;
}

// Recomputes the header checksum after the test edits a table.
void fix_checksum(Bytes& t) {
    t[9] = 0;
    t[9] = checksum_of(t, 0, t.size());
}

// System description table: 36-byte header then `body`, checksummed.
Bytes make_table(const char* sig, const Bytes& body, uint8_t revision = 1) {
    Bytes v(sig, sig + 4);
    put32(v, static_cast<uint32_t>(36 + body.size()));
    v.push_back(revision);
    v.push_back(0);  // checksum
    const char oem[] = "BHOEM1BHTABLE01";
    v.insert(v.end(), oem, oem + 14);  // OEMID (6) + OEM table ID (8)
    put32(v, 1);                       // OEM revision
    put32(v, 0x42484844);              // creator ID
    put32(v, 1);                       // creator revision
    v.insert(v.end(), body.begin(), body.end());
    fix_checksum(v);
    return v;
}

Bytes make_rsdt(const std::vector<uint32_t>& entries) {
    Bytes body;
    for (uint32_t e : entries) put32(body, e);
    return make_table("RSDT", body);
}

Bytes make_xsdt(const std::vector<uint64_t>& entries) {
    Bytes body;
    for (uint64_t e : entries) put64(body, e);
    return make_table("XSDT", body);
}

// MADT entries.  // ACPI 6.5 5.2.12
Bytes lapic(uint8_t uid, uint8_t id, uint32_t flags) {
    Bytes e{0, 8, uid, id};
    put32(e, flags);
    return e;
}
Bytes ioapic(uint8_t id, uint32_t addr, uint32_t gsi_base) {
    Bytes e{1, 12, id, 0};
    put32(e, addr);
    put32(e, gsi_base);
    return e;
}
Bytes iso(uint8_t bus, uint8_t source, uint32_t gsi, uint16_t flags) {
    Bytes e{2, 10, bus, source};
    put32(e, gsi);
    put16(e, flags);
    return e;
}
Bytes lapic_nmi(uint8_t uid, uint16_t flags, uint8_t lint) {
    Bytes e{4, 6, uid};
    put16(e, flags);
    e.push_back(lint);
    return e;
}
Bytes lapic_override(uint64_t addr) {
    Bytes e{5, 12, 0, 0};
    put64(e, addr);
    return e;
}
Bytes x2apic(uint32_t id, uint32_t flags, uint32_t uid) {
    Bytes e{9, 16, 0, 0};
    put32(e, id);
    put32(e, flags);
    put32(e, uid);
    return e;
}
Bytes x2apic_nmi(uint16_t flags, uint32_t uid, uint8_t lint) {
    Bytes e{0xA, 12};
    put16(e, flags);
    put32(e, uid);
    e.push_back(lint);
    e.insert(e.end(), 3, 0);
    return e;
}

Bytes make_madt(const std::vector<Bytes>& entries, uint32_t lapic_addr = 0xFEE00000,
                uint32_t flags = kMadtPcatCompat) {
    Bytes body;
    put32(body, lapic_addr);
    put32(body, flags);
    for (const Bytes& e : entries) body.insert(body.end(), e.begin(), e.end());
    return make_table("APIC", body, 5);
}

// FADT fields used by the parser.  // ACPI 6.5 5.2.9
struct FadtSpec {
    uint32_t length = 276;
    uint16_t sci = 9;
    uint32_t pm1a_cnt = 0x404;
    uint8_t pm1_cnt_len = 2;
    uint32_t flags = kFadtResetRegSup;
    Bytes reset_gas = {kGasSystemIo, 8, 0, 1, 0xF9, 0x0C, 0, 0, 0, 0, 0, 0};  // port 0xCF9
    uint8_t reset_value = 6;
    Bytes x_pm1a_cnt = {kGasSystemIo, 16, 0, 2, 0x04, 0x06, 0, 0, 0, 0, 0, 0};  // port 0x604
};

Bytes make_fadt(const FadtSpec& s) {
    Bytes body(276 - 36, 0);
    auto at = [&](size_t off) -> uint8_t& { return body[off - 36]; };
    at(46) = static_cast<uint8_t>(s.sci);
    at(47) = static_cast<uint8_t>(s.sci >> 8);
    for (size_t i = 0; i < 4; ++i) at(64 + i) = static_cast<uint8_t>(s.pm1a_cnt >> (8 * i));
    at(89) = s.pm1_cnt_len;
    for (size_t i = 0; i < 4; ++i) at(112 + i) = static_cast<uint8_t>(s.flags >> (8 * i));
    for (size_t i = 0; i < 12; ++i) at(116 + i) = s.reset_gas[i];
    at(128) = s.reset_value;
    for (size_t i = 0; i < 12; ++i) at(172 + i) = s.x_pm1a_cnt[i];
    body.resize(s.length - 36);
    return make_table("FACP", body, 6);
}

// Sparse physical memory made of byte regions; records every map request.
class FakePhys final : public PhysReader {
public:
    void add(uint64_t phys, Bytes bytes) { regions_[phys] = std::move(bytes); }
    const void* map(uint64_t phys, size_t len) const override {
        requests_.push_back({phys, len});
        for (const auto& [base, bytes] : regions_) {
            if (phys >= base && phys - base <= bytes.size() && len <= bytes.size() - (phys - base)) {
                return bytes.data() + (phys - base);
            }
        }
        return nullptr;
    }
    mutable std::vector<std::pair<uint64_t, size_t>> requests_;

private:
    std::map<uint64_t, Bytes> regions_;
};

// ---- RSDP ----

TEST(AcpiRsdp, V1Valid) {
    const Bytes r = make_rsdp(0, 0x7FFE1234);
    Rsdp out{};
    ASSERT_EQ(parse_rsdp(r.data(), r.size(), out), Status::ok);
    EXPECT_EQ(out.revision, 0);
    EXPECT_EQ(out.rsdt_address, 0x7FFE1234u);
    EXPECT_EQ(out.xsdt_address, 0u);
    EXPECT_EQ(std::string(out.oem_id, 6), "BHOEM1");
}

TEST(AcpiRsdp, V1BadChecksum) {
    Bytes r = make_rsdp(0, 0x7FFE1234);
    r[16] ^= 1;
    Rsdp out{};
    EXPECT_EQ(parse_rsdp(r.data(), r.size(), out), Status::bad_checksum);
    EXPECT_EQ(out.rsdt_address, 0u);
}

TEST(AcpiRsdp, BadSignature) {
    Bytes r = make_rsdp(0, 0x1000);
    r[3] = '_';
    r[8] = 0;
    r[8] = checksum_of(r, 0, 20);
    Rsdp out{};
    EXPECT_EQ(parse_rsdp(r.data(), r.size(), out), Status::bad_signature);
}

TEST(AcpiRsdp, TooShortOrNull) {
    const Bytes r = make_rsdp(0, 0x1000);
    Rsdp out{};
    EXPECT_EQ(parse_rsdp(r.data(), 19, out), Status::bad_length);
    EXPECT_EQ(parse_rsdp(nullptr, 20, out), Status::not_found);
}

TEST(AcpiRsdp, V2Valid) {
    const Bytes r = make_rsdp(2, 0x7FFE0000, 0x1'2345'6000ull);
    Rsdp out{};
    ASSERT_EQ(parse_rsdp(r.data(), r.size(), out), Status::ok);
    EXPECT_EQ(out.revision, 2);
    EXPECT_EQ(out.rsdt_address, 0x7FFE0000u);
    EXPECT_EQ(out.xsdt_address, 0x1'2345'6000ull);
}

TEST(AcpiRsdp, V2BadExtendedChecksum) {
    Bytes r = make_rsdp(2, 0x7FFE0000, 0x80000000);
    r[24] ^= 0x10;  // XSDT address: outside the 20-byte checksum only
    Rsdp out{};
    EXPECT_EQ(parse_rsdp(r.data(), r.size(), out), Status::bad_checksum);
    EXPECT_EQ(out.xsdt_address, 0u);
}

TEST(AcpiRsdp, V2BadV1Checksum) {
    Bytes r = make_rsdp(2, 0x7FFE0000, 0x80000000);
    r[16] ^= 1;
    r[32] = 0;
    r[32] = checksum_of(r, 0, 36);  // extended sum fine, first-20 sum not
    Rsdp out{};
    EXPECT_EQ(parse_rsdp(r.data(), r.size(), out), Status::bad_checksum);
}

TEST(AcpiRsdp, V2LengthFieldOutOfRange) {
    Bytes r = make_rsdp(2, 0x1000, 0x2000);
    set32(r, 20, 35);
    r[32] = 0;
    r[32] = checksum_of(r, 0, 36);
    Rsdp out{};
    EXPECT_EQ(parse_rsdp(r.data(), r.size(), out), Status::bad_length);
    set32(r, 20, 40);  // more than the 36 readable bytes
    r[32] = 0;
    r[32] = checksum_of(r, 0, 36);
    EXPECT_EQ(parse_rsdp(r.data(), r.size(), out), Status::bad_length);
}

TEST(AcpiRsdp, V2LongerStructureChecksummedOverLength) {
    Bytes r = make_rsdp(2, 0x1000, 0x2000);
    r.insert(r.end(), {0x55, 0x66, 0x77, 0x88});
    set32(r, 20, 40);
    r[32] = 0;
    r[32] = checksum_of(r, 0, 40);
    Rsdp out{};
    ASSERT_EQ(parse_rsdp(r.data(), r.size(), out), Status::ok);
    EXPECT_EQ(out.xsdt_address, 0x2000u);
    r[39] ^= 1;
    EXPECT_EQ(parse_rsdp(r.data(), r.size(), out), Status::bad_checksum);
}

TEST(AcpiRsdp, V2GivenOnlyTwentyBytesActsAsV1) {
    // Multiboot2's "old RSDP" tag copies only the ACPI 1.0 part.
    const Bytes r = make_rsdp(2, 0x7FFE0000, 0x80000000);
    Rsdp out{};
    ASSERT_EQ(parse_rsdp(r.data(), 20, out), Status::ok);
    EXPECT_EQ(out.revision, 2);
    EXPECT_EQ(out.rsdt_address, 0x7FFE0000u);
    EXPECT_EQ(out.xsdt_address, 0u);
}

TEST(AcpiRsdpScan, FindsAlignedRsdpAfterDecoys) {
    alignas(16) uint8_t area[1024] = {};
    Bytes bad = make_rsdp(0, 0x1111);
    bad[8] ^= 1;
    std::memcpy(area + 0x20, bad.data(), bad.size());  // bad checksum
    const Bytes misplaced = make_rsdp(0, 0x2222);
    std::memcpy(area + 0x48, misplaced.data(), misplaced.size());  // 8 mod 16
    const Bytes good = make_rsdp(2, 0x3333, 0x4444);
    std::memcpy(area + 0x100, good.data(), good.size());
    Rsdp out{};
    EXPECT_EQ(find_rsdp_in(area, sizeof area, &out), area + 0x100);
    EXPECT_EQ(out.rsdt_address, 0x3333u);
    EXPECT_EQ(out.xsdt_address, 0x4444u);
    EXPECT_EQ(find_rsdp_in(area, sizeof area), area + 0x100);
}

TEST(AcpiRsdpScan, NoneFound) {
    alignas(16) uint8_t area[1024] = {};
    const Bytes misplaced = make_rsdp(0, 0x2222);
    std::memcpy(area + 0x44, misplaced.data(), misplaced.size());
    Rsdp out{};
    out.rsdt_address = 77;
    EXPECT_EQ(find_rsdp_in(area, sizeof area, &out), nullptr);
    EXPECT_EQ(out.rsdt_address, 0u);
    EXPECT_EQ(find_rsdp_in(nullptr, 1024, &out), nullptr);
    EXPECT_EQ(find_rsdp_in(area, 0, &out), nullptr);
}

TEST(AcpiRsdpScan, AlignmentFollowsAddressNotAreaStart) {
    alignas(16) uint8_t buf[256] = {};
    const Bytes r = make_rsdp(0, 0x5555);
    std::memcpy(buf + 0x30, r.data(), r.size());
    EXPECT_EQ(find_rsdp_in(buf + 8, sizeof buf - 8), buf + 0x30);
    std::memcpy(buf + 0x38, r.data(), r.size());
    std::memset(buf + 0x30, 0, 8);
    EXPECT_EQ(find_rsdp_in(buf + 8, sizeof buf - 8), nullptr);
}

TEST(AcpiRsdpScan, StaysInsideArea) {
    alignas(16) uint8_t buf[128] = {};
    const Bytes r = make_rsdp(0, 0x5555);
    std::memcpy(buf + 0x40, r.data(), r.size());
    EXPECT_EQ(find_rsdp_in(buf, 0x40 + 19), nullptr);  // last byte outside
    EXPECT_EQ(find_rsdp_in(buf, 0x40 + 20), buf + 0x40);
}

TEST(AcpiRsdpScan, V2WithExtendedPartBeyondAreaNotUsed) {
    alignas(16) uint8_t buf[128] = {};
    Bytes r = make_rsdp(2, 0x5555, 0x6666);
    set32(r, 20, 64);  // claims more than the 48 bytes the area holds from here
    r[32] = 0;
    r[32] = checksum_of(r, 0, 36);
    std::memcpy(buf + 0x50, r.data(), r.size());
    EXPECT_EQ(find_rsdp_in(buf, sizeof buf), nullptr);
}

TEST(AcpiRsdpScan, V2CutByAreaEndActsAsV1) {
    alignas(16) uint8_t buf[128] = {};
    const Bytes r = make_rsdp(2, 0x5555, 0x6666);
    std::memcpy(buf + 0x60, r.data(), 32);  // only 32 of its 36 bytes inside the area
    Rsdp out{};
    EXPECT_EQ(find_rsdp_in(buf, sizeof buf, &out), buf + 0x60);
    EXPECT_EQ(out.revision, 2);
    EXPECT_EQ(out.rsdt_address, 0x5555u);
    EXPECT_EQ(out.xsdt_address, 0u);
}

// ---- tables ----

TEST(AcpiTable, ValidateTable) {
    Bytes t = make_table("SSDT", Bytes(10, 0xAB));
    EXPECT_EQ(validate_table(t.data(), t.size(), "SSDT"), Status::ok);
    EXPECT_EQ(validate_table(t.data(), t.size(), nullptr), Status::ok);
    EXPECT_EQ(validate_table(t.data(), t.size(), "DSDT"), Status::bad_signature);
    EXPECT_EQ(validate_table(t.data(), t.size() - 1, "SSDT"), Status::bad_length);
    EXPECT_EQ(validate_table(t.data(), 35, "SSDT"), Status::bad_length);
    EXPECT_EQ(validate_table(nullptr, 100, "SSDT"), Status::unmapped);
    t[40] ^= 1;
    EXPECT_EQ(validate_table(t.data(), t.size(), "SSDT"), Status::bad_checksum);
    Bytes short_len = make_table("SSDT", {});
    set32(short_len, 4, 35);
    EXPECT_EQ(validate_table(short_len.data(), short_len.size(), "SSDT"), Status::bad_length);
}

TEST(AcpiTable, LoadTableNeverWrapsPhysicalRange) {
    FakePhys mem;
    TableView t{};
    EXPECT_EQ(load_table(mem, 0xFFFFFFFFFFFFFFF0ull, t), Status::unmapped);
    for (const auto& [phys, len] : mem.requests_) {
        EXPECT_LE(len, 0xFFFFFFFFFFFFFFFFull - phys);
    }
    EXPECT_EQ(load_table(mem, 0, t), Status::not_found);
    EXPECT_EQ(t.data, nullptr);
}

TEST(AcpiTable, LoadTableLengthBeyondMapping) {
    FakePhys mem;
    Bytes t = make_table("SSDT", Bytes(64, 1));
    t.resize(50);  // only part of it is accessible
    mem.add(0x1000, t);
    TableView v{};
    EXPECT_EQ(load_table(mem, 0x1000, v), Status::unmapped);
}

// Machine with RSDT at 0xE0000 (v1) and four tables.
struct RsdtMachine {
    FakePhys mem;
    Rsdp rsdp{};
    RsdtMachine() {
        mem.add(0xE0000, make_rsdt({0x7FF00000, 0x7FF01000, 0x7FF02000, 0x7FF03000}));
        mem.add(0x7FF00000, make_fadt(FadtSpec{}));
        mem.add(0x7FF01000, make_madt({lapic(0, 0, 1)}));
        mem.add(0x7FF02000, make_table("SSDT", Bytes(8, 1)));
        mem.add(0x7FF03000, make_table("SSDT", Bytes(8, 2)));
        const Bytes r = make_rsdp(0, 0xE0000);
        EXPECT_EQ(parse_rsdp(r.data(), r.size(), rsdp), Status::ok);
    }
};

TEST(AcpiTables, RsdtRoot) {
    RsdtMachine m;
    Tables tables;
    ASSERT_EQ(tables.init(m.mem, m.rsdp), Status::ok);
    EXPECT_FALSE(tables.uses_xsdt());
    EXPECT_EQ(tables.entry_count(), 4u);
    EXPECT_EQ(tables.valid_count(), 4u);
    EXPECT_EQ(tables.bad_count(), 0u);
    EXPECT_EQ(tables.root().phys, 0xE0000u);
    EXPECT_EQ(tables.root().length, 36u + 16u);

    TableView t{};
    ASSERT_EQ(tables.find_table("APIC", 0, t), Status::ok);
    EXPECT_EQ(t.phys, 0x7FF01000u);
    EXPECT_EQ(t.length, 36u + 8u + 8u);
    EXPECT_EQ(std::memcmp(t.data, "APIC", 4), 0);
    ASSERT_EQ(tables.find_table("FACP", 0, t), Status::ok);
    EXPECT_EQ(t.phys, 0x7FF00000u);
    EXPECT_EQ(t.length, 276u);
    ASSERT_EQ(tables.find_table("SSDT", 0, t), Status::ok);
    EXPECT_EQ(t.phys, 0x7FF02000u);
    ASSERT_EQ(tables.find_table("SSDT", 1, t), Status::ok);
    EXPECT_EQ(t.phys, 0x7FF03000u);
    EXPECT_EQ(t.data[36], 2);
    EXPECT_EQ(tables.find_table("SSDT", 2, t), Status::not_found);
    EXPECT_EQ(t.data, nullptr);
    EXPECT_EQ(tables.find_table("HPET", 0, t), Status::not_found);
    EXPECT_EQ(tables.find_table("APIC", 1, t), Status::not_found);
}

TEST(AcpiTables, XsdtPreferredOverRsdt) {
    FakePhys mem;
    mem.add(0xE0000, make_rsdt({0x7FF01000}));
    mem.add(0x7FF01000, make_madt({lapic(0, 0, 1)}));
    mem.add(0x1'0000'0000ull, make_xsdt({0x1'0000'1000ull, 0x1'0000'2000ull}));
    mem.add(0x1'0000'1000ull, make_madt({lapic(0, 0, 1), lapic(1, 1, 1)}));
    mem.add(0x1'0000'2000ull, make_table("HPET", Bytes(20, 0)));
    const Bytes r = make_rsdp(2, 0xE0000, 0x1'0000'0000ull);
    Rsdp rsdp{};
    ASSERT_EQ(parse_rsdp(r.data(), r.size(), rsdp), Status::ok);
    Tables tables;
    ASSERT_EQ(tables.init(mem, rsdp), Status::ok);
    EXPECT_TRUE(tables.uses_xsdt());
    EXPECT_EQ(tables.entry_count(), 2u);
    EXPECT_EQ(tables.valid_count(), 2u);
    EXPECT_EQ(tables.root().phys, 0x1'0000'0000ull);
    TableView t{};
    ASSERT_EQ(tables.find_table("APIC", 0, t), Status::ok);
    EXPECT_EQ(t.phys, 0x1'0000'1000ull);
    ASSERT_EQ(tables.find_table("HPET", 0, t), Status::ok);
    EXPECT_EQ(t.phys, 0x1'0000'2000ull);
}

TEST(AcpiTables, Revision2WithoutXsdtUsesRsdt) {
    RsdtMachine m;
    const Bytes r = make_rsdp(2, 0xE0000, 0);
    Rsdp rsdp{};
    ASSERT_EQ(parse_rsdp(r.data(), r.size(), rsdp), Status::ok);
    Tables tables;
    ASSERT_EQ(tables.init(m.mem, rsdp), Status::ok);
    EXPECT_FALSE(tables.uses_xsdt());
    EXPECT_EQ(tables.entry_count(), 4u);
}

TEST(AcpiTables, XsdtAddressIgnoredBelowRevision2) {
    RsdtMachine m;
    m.mem.add(0x1'0000'0000ull, make_xsdt({0x7FF01000}));
    Rsdp rsdp = m.rsdp;
    rsdp.xsdt_address = 0x1'0000'0000ull;  // hand-built: revision 0 keeps the RSDT
    Tables tables;
    ASSERT_EQ(tables.init(m.mem, rsdp), Status::ok);
    EXPECT_FALSE(tables.uses_xsdt());
    EXPECT_EQ(tables.root().phys, 0xE0000u);
    EXPECT_EQ(tables.entry_count(), 4u);
}

TEST(AcpiTables, BadTablesSkippedAndCounted) {
    FakePhys mem;
    Bytes corrupt = make_madt({lapic(0, 0, 1)});
    corrupt[40] ^= 0xFF;  // bad checksum
    Bytes tiny = make_table("SSDT", {});
    set32(tiny, 4, 20);  // length below the header size
    mem.add(0x2000, corrupt);
    mem.add(0x3000, tiny);
    mem.add(0x4000, make_madt({lapic(0, 0, 1), lapic(1, 1, 1)}));
    mem.add(0x10000, make_xsdt({0x2000, 0x3000, 0, 0xDEAD0000, 0x4000}));
    Rsdp rsdp{};
    const Bytes r = make_rsdp(2, 0, 0x10000);
    ASSERT_EQ(parse_rsdp(r.data(), r.size(), rsdp), Status::ok);
    Tables tables;
    ASSERT_EQ(tables.init(mem, rsdp), Status::ok);
    EXPECT_EQ(tables.entry_count(), 5u);
    EXPECT_EQ(tables.valid_count(), 1u);
    EXPECT_EQ(tables.bad_count(), 4u);
    TableView t{};
    ASSERT_EQ(tables.find_table("APIC", 0, t), Status::ok);
    EXPECT_EQ(t.phys, 0x4000u);
    EXPECT_EQ(tables.find_table("APIC", 1, t), Status::not_found);
    EXPECT_EQ(tables.find_table("SSDT", 0, t), Status::not_found);
}

TEST(AcpiTables, RootTrailingBytesIgnored) {
    FakePhys mem;
    Bytes body;
    put32(body, 0x2000);
    body.push_back(0xEE);
    body.push_back(0xEE);
    mem.add(0x1000, make_table("RSDT", body));
    mem.add(0x2000, make_table("SSDT", {}));
    Rsdp rsdp{};
    rsdp.rsdt_address = 0x1000;
    Tables tables;
    ASSERT_EQ(tables.init(mem, rsdp), Status::ok);
    EXPECT_EQ(tables.entry_count(), 1u);
    EXPECT_EQ(tables.valid_count(), 1u);
}

TEST(AcpiTables, RootErrors) {
    Tables tables;
    TableView t{};
    {
        FakePhys mem;
        Bytes root = make_rsdt({0x2000});
        root[36] ^= 1;
        mem.add(0x1000, root);
        Rsdp rsdp{};
        rsdp.rsdt_address = 0x1000;
        EXPECT_EQ(tables.init(mem, rsdp), Status::bad_checksum);
        EXPECT_EQ(tables.find_table("SSDT", 0, t), Status::not_found);
        EXPECT_EQ(tables.entry_count(), 0u);
    }
    {
        FakePhys mem;
        mem.add(0x1000, make_rsdt({0x2000}));
        Rsdp rsdp{};
        rsdp.revision = 2;
        rsdp.xsdt_address = 0x1000;  // an RSDT where the XSDT should be
        EXPECT_EQ(tables.init(mem, rsdp), Status::bad_signature);
    }
    {
        FakePhys mem;
        Rsdp rsdp{};
        rsdp.rsdt_address = 0x1000;
        EXPECT_EQ(tables.init(mem, rsdp), Status::unmapped);
        rsdp.rsdt_address = 0;
        EXPECT_EQ(tables.init(mem, rsdp), Status::not_found);
    }
    EXPECT_EQ(tables.find_table("SSDT", 0, t), Status::not_found);
}

TEST(AcpiTables, UninitialisedFindsNothing) {
    Tables tables;
    TableView t{};
    EXPECT_EQ(tables.find_table("APIC", 0, t), Status::not_found);
}

// ---- MADT ----

TEST(AcpiMadt, FullTable) {
    const Bytes madt = make_madt({
        lapic(0, 0, 1),
        lapic(1, 2, 1),
        lapic(2, 4, 0),  // neither enabled nor online-capable
        lapic(3, 6, 2),  // online-capable only
        ioapic(8, 0xFEC00000, 0),
        ioapic(9, 0xFEC01000, 24),
        iso(0, 0, 2, 0),
        iso(0, 9, 9, 0x000D),
        lapic_nmi(0xFF, 0x0005, 1),
        lapic_nmi(2, 0x0000, 0),
        Bytes{0x7F, 7, 1, 2, 3, 4, 5},  // unknown type, skipped
        x2apic(0x100, 1, 0x100),
        x2apic(0x101, 1, 0x101),
        x2apic_nmi(0x000F, 0xFFFFFFFF, 1),
        x2apic_nmi(0x0000, 0x100, 0),
        lapic_override(0x1'FEE0'0000ull),
    });
    MadtInfo m{};
    ASSERT_EQ(parse_madt(madt.data(), madt.size(), m), Status::ok);
    EXPECT_EQ(m.lapic_address, 0x1'FEE0'0000ull);
    EXPECT_EQ(m.flags, kMadtPcatCompat);

    ASSERT_EQ(m.cpu_count, 6u);
    const MadtCpu expect_cpus[] = {
        {0, 0, true, false, false},
        {2, 1, true, false, false},
        {4, 2, false, false, false},
        {6, 3, false, true, false},
        {0x100, 0x100, true, false, true},
        {0x101, 0x101, true, false, true},
    };
    for (size_t i = 0; i < std::size(expect_cpus); ++i) {
        SCOPED_TRACE(i);
        EXPECT_EQ(m.cpus[i].apic_id, expect_cpus[i].apic_id);
        EXPECT_EQ(m.cpus[i].acpi_uid, expect_cpus[i].acpi_uid);
        EXPECT_EQ(m.cpus[i].enabled, expect_cpus[i].enabled);
        EXPECT_EQ(m.cpus[i].online_capable, expect_cpus[i].online_capable);
        EXPECT_EQ(m.cpus[i].x2apic_entry, expect_cpus[i].x2apic_entry);
    }

    ASSERT_EQ(m.ioapic_count, 2u);
    EXPECT_EQ(m.ioapics[0].id, 8);
    EXPECT_EQ(m.ioapics[0].address, 0xFEC00000u);
    EXPECT_EQ(m.ioapics[0].gsi_base, 0u);
    EXPECT_EQ(m.ioapics[1].id, 9);
    EXPECT_EQ(m.ioapics[1].address, 0xFEC01000u);
    EXPECT_EQ(m.ioapics[1].gsi_base, 24u);

    ASSERT_EQ(m.override_count, 2u);
    EXPECT_EQ(m.overrides[0].bus, 0);
    EXPECT_EQ(m.overrides[0].source, 0);
    EXPECT_EQ(m.overrides[0].gsi, 2u);
    EXPECT_EQ(m.overrides[0].flags, 0);
    EXPECT_EQ(m.overrides[1].bus, 0);
    EXPECT_EQ(m.overrides[1].source, 9);
    EXPECT_EQ(m.overrides[1].gsi, 9u);
    EXPECT_EQ(m.overrides[1].flags, 0x000D);

    ASSERT_EQ(m.nmi_count, 4u);
    EXPECT_EQ(m.nmis[0].acpi_uid, kAllProcessors);
    EXPECT_EQ(m.nmis[0].flags, 0x0005);
    EXPECT_EQ(m.nmis[0].lint, 1);
    EXPECT_EQ(m.nmis[1].acpi_uid, 2u);
    EXPECT_EQ(m.nmis[1].flags, 0);
    EXPECT_EQ(m.nmis[1].lint, 0);
    EXPECT_EQ(m.nmis[2].acpi_uid, kAllProcessors);
    EXPECT_EQ(m.nmis[2].flags, 0x000F);
    EXPECT_EQ(m.nmis[2].lint, 1);
    EXPECT_EQ(m.nmis[3].acpi_uid, 0x100u);
    EXPECT_EQ(m.nmis[3].lint, 0);
}

TEST(AcpiMadt, NoOverrideKeeps32BitAddressAndFlags) {
    const Bytes madt = make_madt({lapic(0, 0, 1)}, 0xFEE00000, 0);
    MadtInfo m{};
    ASSERT_EQ(parse_madt(madt.data(), madt.size(), m), Status::ok);
    EXPECT_EQ(m.lapic_address, 0xFEE00000u);
    EXPECT_EQ(m.flags, 0u);
    EXPECT_EQ(m.cpu_count, 1u);
}

TEST(AcpiMadt, NoEntries) {
    const Bytes madt = make_madt({});
    MadtInfo m{};
    ASSERT_EQ(parse_madt(madt.data(), madt.size(), m), Status::ok);
    EXPECT_EQ(m.cpu_count, 0u);
    EXPECT_EQ(m.ioapic_count, 0u);
}

TEST(AcpiMadt, LongerEntriesAccepted) {
    Bytes big_lapic = lapic(5, 7, 1);
    big_lapic[1] = 10;
    big_lapic.insert(big_lapic.end(), {0xEE, 0xEE});
    const Bytes madt = make_madt({big_lapic, ioapic(1, 0xFEC00000, 0)});
    MadtInfo m{};
    ASSERT_EQ(parse_madt(madt.data(), madt.size(), m), Status::ok);
    ASSERT_EQ(m.cpu_count, 1u);
    EXPECT_EQ(m.cpus[0].apic_id, 7u);
    EXPECT_EQ(m.cpus[0].acpi_uid, 5u);
    ASSERT_EQ(m.ioapic_count, 1u);
    EXPECT_EQ(m.ioapics[0].id, 1);
}

TEST(AcpiMadt, ViaTables) {
    RsdtMachine machine;
    Tables tables;
    ASSERT_EQ(tables.init(machine.mem, machine.rsdp), Status::ok);
    TableView t{};
    ASSERT_EQ(tables.find_table("APIC", 0, t), Status::ok);
    MadtInfo m{};
    ASSERT_EQ(parse_madt(t, m), Status::ok);
    EXPECT_EQ(m.cpu_count, 1u);
}

Status madt_status(const std::vector<Bytes>& entries) {
    const Bytes madt = make_madt(entries);
    MadtInfo m{};
    const Status st = parse_madt(madt.data(), madt.size(), m);
    if (st != Status::ok) {
        EXPECT_EQ(m.cpu_count, 0u);  // zeroed on error
        EXPECT_EQ(m.lapic_address, 0u);
    }
    return st;
}

TEST(AcpiMadtErrors, EntryLengthZeroOrOne) {
    EXPECT_EQ(madt_status({lapic(0, 0, 1), Bytes{0x7F, 0}}), Status::bad_entry);
    EXPECT_EQ(madt_status({lapic(0, 0, 1), Bytes{0x7F, 1}}), Status::bad_entry);
}

TEST(AcpiMadtErrors, EntryPastTableEnd) {
    Bytes e = lapic(0, 0, 1);
    e[1] = 20;
    EXPECT_EQ(madt_status({e}), Status::bad_entry);
    Bytes x = x2apic(0x100, 1, 0);
    x[1] = 17;
    EXPECT_EQ(madt_status({lapic(0, 0, 1), x}), Status::bad_entry);
}

TEST(AcpiMadtErrors, SingleTrailingByte) {
    EXPECT_EQ(madt_status({lapic(0, 0, 1), Bytes{0}}), Status::bad_entry);
}

TEST(AcpiMadtErrors, EntryShorterThanItsType) {
    Bytes l = lapic(0, 0, 1);
    l[1] = 6;
    l.resize(6);
    EXPECT_EQ(madt_status({l}), Status::bad_entry);
    Bytes x = x2apic(0x100, 1, 0);
    x[1] = 12;
    x.resize(12);
    EXPECT_EQ(madt_status({x}), Status::bad_entry);
    Bytes i = iso(0, 0, 2, 0);
    i[1] = 8;
    i.resize(8);
    EXPECT_EQ(madt_status({i}), Status::bad_entry);
    Bytes io = ioapic(1, 0xFEC00000, 0);
    io[1] = 8;
    io.resize(8);
    EXPECT_EQ(madt_status({io}), Status::bad_entry);
    Bytes n = lapic_nmi(0xFF, 5, 1);
    n[1] = 5;
    n.resize(5);
    EXPECT_EQ(madt_status({n}), Status::bad_entry);
    Bytes o = lapic_override(0xFEE00000);
    o[1] = 8;
    o.resize(8);
    EXPECT_EQ(madt_status({o}), Status::bad_entry);
    Bytes xn = x2apic_nmi(0, 0, 0);
    xn[1] = 8;
    xn.resize(8);
    EXPECT_EQ(madt_status({xn}), Status::bad_entry);
}

TEST(AcpiMadtErrors, SecondAddressOverride) {
    EXPECT_EQ(madt_status({lapic_override(0x1000), lapic_override(0x2000)}), Status::bad_entry);
}

TEST(AcpiMadtErrors, DuplicateApicIds) {
    EXPECT_EQ(madt_status({lapic(0, 0, 1), lapic(1, 2, 1), lapic(2, 2, 1)}),
              Status::duplicate_apic_id);
    EXPECT_EQ(madt_status({lapic(0, 3, 1), x2apic(3, 1, 7)}), Status::duplicate_apic_id);
    EXPECT_EQ(madt_status({x2apic(0x200, 2, 1), x2apic(0x200, 1, 2)}), Status::duplicate_apic_id);
}

TEST(AcpiMadt, UnusablePlaceholdersMayRepeatIds) {
    const Bytes madt = make_madt({lapic(0, 0, 1), lapic(1, 0xFF, 0), lapic(2, 0xFF, 0),
                                  lapic(3, 0, 0), lapic(4, 0xFF, 2)});
    MadtInfo m{};
    ASSERT_EQ(parse_madt(madt.data(), madt.size(), m), Status::ok);
    ASSERT_EQ(m.cpu_count, 5u);
    EXPECT_EQ(m.cpus[1].apic_id, 0xFFu);
    EXPECT_FALSE(m.cpus[1].enabled);
    EXPECT_EQ(m.cpus[2].apic_id, 0xFFu);
    EXPECT_EQ(m.cpus[3].apic_id, 0u);
    EXPECT_FALSE(m.cpus[3].enabled);
    EXPECT_EQ(m.cpus[4].apic_id, 0xFFu);  // usable, after unusable ones with its ID
    EXPECT_TRUE(m.cpus[4].online_capable);
}

TEST(AcpiMadtErrors, TooManyCpus) {
    std::vector<Bytes> entries;
    for (uint32_t i = 0; i < kMaxCpus; ++i) entries.push_back(x2apic(i, 1, i));
    EXPECT_EQ(madt_status(entries), Status::ok);
    entries.push_back(x2apic(kMaxCpus, 1, kMaxCpus));
    EXPECT_EQ(madt_status(entries), Status::too_many);
}

TEST(AcpiMadtErrors, TooManyIoapics) {
    std::vector<Bytes> entries;
    for (uint8_t i = 0; i < kMaxIoapics; ++i) entries.push_back(ioapic(i, 0xFEC00000u + i * 0x1000u, i * 24u));
    EXPECT_EQ(madt_status(entries), Status::ok);
    entries.push_back(ioapic(99, 0xFED00000, 1000));
    EXPECT_EQ(madt_status(entries), Status::too_many);
}

TEST(AcpiMadtErrors, TooManyOverrides) {
    std::vector<Bytes> entries;
    for (uint8_t i = 0; i < kMaxOverrides; ++i) entries.push_back(iso(0, i, i, 0));
    EXPECT_EQ(madt_status(entries), Status::ok);
    entries.push_back(iso(0, 15, 15, 0));
    EXPECT_EQ(madt_status(entries), Status::too_many);
}

TEST(AcpiMadtErrors, TooManyNmis) {
    std::vector<Bytes> entries;
    for (uint8_t i = 0; i < kMaxNmis; ++i) entries.push_back(lapic_nmi(i, 0, 1));
    EXPECT_EQ(madt_status(entries), Status::ok);
    entries.push_back(x2apic_nmi(0, 0xFFFFFFFF, 1));
    EXPECT_EQ(madt_status(entries), Status::too_many);
}

TEST(AcpiMadtErrors, HeaderProblems) {
    MadtInfo m{};
    Bytes wrong_sig = make_madt({lapic(0, 0, 1)});
    std::memcpy(wrong_sig.data(), "APIX", 4);
    fix_checksum(wrong_sig);
    EXPECT_EQ(parse_madt(wrong_sig.data(), wrong_sig.size(), m), Status::bad_signature);

    Bytes bad_sum = make_madt({lapic(0, 0, 1)});
    bad_sum[45] ^= 1;
    EXPECT_EQ(parse_madt(bad_sum.data(), bad_sum.size(), m), Status::bad_checksum);

    const Bytes short_madt = make_table("APIC", Bytes(4, 0));  // no flags field
    EXPECT_EQ(parse_madt(short_madt.data(), short_madt.size(), m), Status::bad_length);

    const Bytes ok = make_madt({lapic(0, 0, 1)});
    EXPECT_EQ(parse_madt(ok.data(), ok.size() - 1, m), Status::bad_length);
    EXPECT_EQ(parse_madt(nullptr, 100, m), Status::unmapped);
    TableView none{};
    EXPECT_EQ(parse_madt(none, m), Status::unmapped);
}

// ---- FADT ----

TEST(AcpiFadt, FullTable) {
    const Bytes f = make_fadt(FadtSpec{});
    FadtInfo info{};
    ASSERT_EQ(parse_fadt(f.data(), f.size(), info), Status::ok);
    EXPECT_EQ(info.flags, kFadtResetRegSup);
    ASSERT_TRUE(info.reset_valid);
    EXPECT_EQ(info.reset_reg.space_id, kGasSystemIo);
    EXPECT_EQ(info.reset_reg.bit_width, 8);
    EXPECT_EQ(info.reset_reg.bit_offset, 0);
    EXPECT_EQ(info.reset_reg.access_size, 1);
    EXPECT_EQ(info.reset_reg.address, 0xCF9u);
    EXPECT_EQ(info.reset_value, 6);
    ASSERT_TRUE(info.sci_valid);
    EXPECT_EQ(info.sci_int, 9);
    ASSERT_TRUE(info.pm1a_cnt_valid);
    EXPECT_EQ(info.pm1a_cnt.space_id, kGasSystemIo);
    EXPECT_EQ(info.pm1a_cnt.bit_width, 16);
    EXPECT_EQ(info.pm1a_cnt.access_size, 2);
    EXPECT_EQ(info.pm1a_cnt.address, 0x604u);  // X_PM1a_CNT_BLK wins
}

TEST(AcpiFadt, MemoryMappedResetRegister) {
    FadtSpec s;
    s.reset_gas = {kGasSystemMemory, 32, 0, 3, 0x00, 0x10, 0xD0, 0xFE, 0x01, 0, 0, 0};
    s.reset_value = 0xA5;
    const Bytes f = make_fadt(s);
    FadtInfo info{};
    ASSERT_EQ(parse_fadt(f.data(), f.size(), info), Status::ok);
    ASSERT_TRUE(info.reset_valid);
    EXPECT_EQ(info.reset_reg.space_id, kGasSystemMemory);
    EXPECT_EQ(info.reset_reg.bit_width, 32);
    EXPECT_EQ(info.reset_reg.access_size, 3);
    EXPECT_EQ(info.reset_reg.address, 0x1'FED0'1000ull);
    EXPECT_EQ(info.reset_value, 0xA5);
}

TEST(AcpiFadt, ResetRegNotSupported) {
    FadtSpec s;
    s.flags = 0x1 | (1u << 4);  // WBINVD, PWR_BUTTON; no RESET_REG_SUP
    const Bytes f = make_fadt(s);
    FadtInfo info{};
    ASSERT_EQ(parse_fadt(f.data(), f.size(), info), Status::ok);
    EXPECT_EQ(info.flags, s.flags);
    EXPECT_FALSE(info.reset_valid);
    EXPECT_EQ(info.reset_reg.address, 0u);
    EXPECT_EQ(info.reset_value, 0);
    EXPECT_TRUE(info.sci_valid);
}

TEST(AcpiFadt, ResetRegUnusable) {
    FadtSpec s;
    s.reset_gas = Bytes(12, 0);
    s.reset_gas[0] = kGasSystemIo;  // address 0
    FadtInfo info{};
    Bytes f = make_fadt(s);
    ASSERT_EQ(parse_fadt(f.data(), f.size(), info), Status::ok);
    EXPECT_FALSE(info.reset_valid);

    s = FadtSpec{};
    s.reset_gas[0] = 3;  // embedded controller space
    f = make_fadt(s);
    ASSERT_EQ(parse_fadt(f.data(), f.size(), info), Status::ok);
    EXPECT_FALSE(info.reset_valid);

    s.reset_gas[0] = kGasPciConfig;
    f = make_fadt(s);
    ASSERT_EQ(parse_fadt(f.data(), f.size(), info), Status::ok);
    EXPECT_TRUE(info.reset_valid);
    EXPECT_EQ(info.reset_reg.space_id, kGasPciConfig);
}

TEST(AcpiFadt, ResetRegNeedsTableToReachResetValue) {
    FadtSpec s;
    s.length = 128;  // GAS present, reset value byte missing
    Bytes f = make_fadt(s);
    FadtInfo info{};
    ASSERT_EQ(parse_fadt(f.data(), f.size(), info), Status::ok);
    EXPECT_FALSE(info.reset_valid);
    s.length = 129;
    f = make_fadt(s);
    ASSERT_EQ(parse_fadt(f.data(), f.size(), info), Status::ok);
    EXPECT_TRUE(info.reset_valid);
    EXPECT_EQ(info.reset_reg.address, 0xCF9u);
    EXPECT_EQ(info.reset_value, 6);
    // Too short for X_PM1a_CNT_BLK: the 32-bit block is used.
    ASSERT_TRUE(info.pm1a_cnt_valid);
    EXPECT_EQ(info.pm1a_cnt.address, 0x404u);
}

TEST(AcpiFadt, Acpi1Table) {
    FadtSpec s;
    s.length = 116;
    const Bytes f = make_fadt(s);
    FadtInfo info{};
    ASSERT_EQ(parse_fadt(f.data(), f.size(), info), Status::ok);
    EXPECT_FALSE(info.reset_valid);
    EXPECT_TRUE(info.sci_valid);
    EXPECT_EQ(info.sci_int, 9);
    EXPECT_EQ(info.flags, kFadtResetRegSup);
    ASSERT_TRUE(info.pm1a_cnt_valid);
    EXPECT_EQ(info.pm1a_cnt.space_id, kGasSystemIo);
    EXPECT_EQ(info.pm1a_cnt.bit_width, 16);
    EXPECT_EQ(info.pm1a_cnt.access_size, 2);
    EXPECT_EQ(info.pm1a_cnt.address, 0x404u);
}

TEST(AcpiFadt, LegacyPm1aWhenExtendedBlockZero) {
    FadtSpec s;
    s.x_pm1a_cnt = Bytes(12, 0);
    s.pm1a_cnt = 0xB004;
    const Bytes f = make_fadt(s);
    FadtInfo info{};
    ASSERT_EQ(parse_fadt(f.data(), f.size(), info), Status::ok);
    ASSERT_TRUE(info.pm1a_cnt_valid);
    EXPECT_EQ(info.pm1a_cnt.address, 0xB004u);
    EXPECT_EQ(info.pm1a_cnt.space_id, kGasSystemIo);
}

TEST(AcpiFadt, NoPm1aControlBlock) {
    FadtSpec s;
    s.x_pm1a_cnt = Bytes(12, 0);
    s.pm1a_cnt = 0;
    Bytes f = make_fadt(s);
    FadtInfo info{};
    ASSERT_EQ(parse_fadt(f.data(), f.size(), info), Status::ok);
    EXPECT_FALSE(info.pm1a_cnt_valid);
    s.pm1a_cnt = 0x404;
    s.pm1_cnt_len = 1;  // below the 2 bytes the block must decode
    f = make_fadt(s);
    ASSERT_EQ(parse_fadt(f.data(), f.size(), info), Status::ok);
    EXPECT_FALSE(info.pm1a_cnt_valid);
}

TEST(AcpiFadt, Errors) {
    FadtInfo info{};
    FadtSpec s;
    s.length = 115;
    Bytes f = make_fadt(s);
    EXPECT_EQ(parse_fadt(f.data(), f.size(), info), Status::bad_length);
    EXPECT_FALSE(info.sci_valid);

    f = make_fadt(FadtSpec{});
    EXPECT_EQ(parse_fadt(f.data(), f.size() - 1, info), Status::bad_length);
    std::memcpy(f.data(), "FACQ", 4);
    fix_checksum(f);
    EXPECT_EQ(parse_fadt(f.data(), f.size(), info), Status::bad_signature);

    f = make_fadt(FadtSpec{});
    f[128] ^= 1;
    EXPECT_EQ(parse_fadt(f.data(), f.size(), info), Status::bad_checksum);
    EXPECT_FALSE(info.reset_valid);
    EXPECT_FALSE(info.sci_valid);
    EXPECT_FALSE(info.pm1a_cnt_valid);
}

TEST(AcpiFadt, ViaTables) {
    RsdtMachine machine;
    Tables tables;
    ASSERT_EQ(tables.init(machine.mem, machine.rsdp), Status::ok);
    TableView t{};
    ASSERT_EQ(tables.find_table("FACP", 0, t), Status::ok);
    FadtInfo info{};
    ASSERT_EQ(parse_fadt(t, info), Status::ok);
    EXPECT_TRUE(info.reset_valid);
    EXPECT_EQ(info.reset_reg.address, 0xCF9u);
}

TEST(AcpiStatus, ToStringDistinct) {
    const Status all[] = {Status::ok,           Status::not_found,     Status::unmapped,
                          Status::bad_signature, Status::bad_checksum, Status::bad_length,
                          Status::bad_entry,     Status::duplicate_apic_id, Status::too_many};
    EXPECT_STREQ(to_string(Status::ok), "ok");
    for (size_t i = 0; i < std::size(all); ++i) {
        ASSERT_NE(to_string(all[i]), nullptr);
        for (size_t j = i + 1; j < std::size(all); ++j) {
            EXPECT_STRNE(to_string(all[i]), to_string(all[j]));
        }
    }
    EXPECT_STREQ(to_string(static_cast<Status>(200)), "unknown ACPI status");
}

}  // namespace
}  // namespace bh::acpi
