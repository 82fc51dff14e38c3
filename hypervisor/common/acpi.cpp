// ACPI table discovery and parsing: RSDP checks, root table walk, MADT and FADT decoding.
#include "common/acpi.hpp"

#include <limits>

#include "lib/bytes.hpp"

namespace bh::acpi {
namespace {

// RSDP layout.  // ACPI 6.5 5.2.5.3
constexpr char kRsdpSignature[8] = {'R', 'S', 'D', ' ', 'P', 'T', 'R', ' '};
constexpr size_t kRsdpOemId = 9;
constexpr size_t kRsdpRevision = 15;
constexpr size_t kRsdpRsdtAddress = 16;
constexpr size_t kRsdpLength = 20;
constexpr size_t kRsdpXsdtAddress = 24;
constexpr size_t kRsdpScanAlign = 16;  // ACPI 6.5 5.2.5.1

// Table header: signature at 0, length at 4.  // ACPI 6.5 5.2.6
constexpr size_t kSdtLength = 4;

// MADT fixed part and entry layouts.  // ACPI 6.5 5.2.12
constexpr size_t kMadtLapicAddress = 36;
constexpr size_t kMadtFlags = 40;
constexpr size_t kMadtEntries = 44;
enum class MadtType : uint8_t {
    local_apic = 0,      // 8 bytes   // ACPI 6.5 5.2.12.2
    io_apic = 1,         // 12 bytes  // ACPI 6.5 5.2.12.3
    iso = 2,             // 10 bytes  // ACPI 6.5 5.2.12.5
    lapic_nmi = 4,       // 6 bytes   // ACPI 6.5 5.2.12.7
    lapic_override = 5,  // 12 bytes  // ACPI 6.5 5.2.12.8
    local_x2apic = 9,    // 16 bytes  // ACPI 6.5 5.2.12.12
    x2apic_nmi = 0xA,    // 12 bytes  // ACPI 6.5 5.2.12.13
};
constexpr uint32_t kCpuEnabled = 1u << 0;        // Local APIC Flags  // ACPI 6.5 5.2.12.2
constexpr uint32_t kCpuOnlineCapable = 1u << 1;
constexpr uint8_t kLapicNmiAllUid = 0xFF;        // ACPI 6.5 5.2.12.7

// FADT offsets.  // ACPI 6.5 5.2.9
constexpr size_t kFadtSciInt = 46;
constexpr size_t kFadtPm1aCntBlk = 64;
constexpr size_t kFadtPm1CntLen = 89;
constexpr size_t kFadtFlags = 112;
constexpr size_t kFadtResetReg = 116;
constexpr size_t kFadtResetValue = 128;
constexpr size_t kFadtXPm1aCntBlk = 172;
constexpr size_t kFadtMinLength = 116;  // ACPI 1.0 FADT size
constexpr size_t kGasSize = 12;         // ACPI 6.5 5.2.3.2




bool sum_is_zero(const uint8_t* p, size_t len) {
    uint8_t sum = 0;
    for (size_t i = 0; i < len; ++i) {
        sum = static_cast<uint8_t>(sum + p[i]);
    }
    return sum == 0;
}

bool bytes_equal(const uint8_t* p, const char* s, size_t n) {
    for (size_t i = 0; i < n; ++i) {
        if (p[i] != static_cast<uint8_t>(s[i])) {
            return false;
        }
    }
    return true;
}

const uint8_t* map_bytes(const PhysReader& mem, uint64_t phys, size_t len) {
    if (len > std::numeric_limits<uint64_t>::max() - phys) {
        return nullptr;
    }
    return static_cast<const uint8_t*>(mem.map(phys, len));
}

Gas load_gas(const uint8_t* p) {
    return Gas{p[0], p[1], p[2], p[3], load64(p + 4)};
}

}  // namespace

const char* to_string(Status s) {
    switch (s) {
    case Status::ok: return "ok";
    case Status::not_found: return "not found";
    case Status::unmapped: return "physical memory not accessible";
    case Status::bad_signature: return "bad signature";
    case Status::bad_checksum: return "bad checksum";
    case Status::bad_length: return "bad length";
    case Status::bad_entry: return "malformed MADT entry";
    case Status::duplicate_apic_id: return "duplicate APIC ID";
    case Status::too_many: return "too many MADT entries";
    }
    return "unknown ACPI status";
}

// ---- RSDP ----

Status parse_rsdp(const uint8_t* p, size_t len, Rsdp& out) {
    out = Rsdp{};
    if (p == nullptr) {
        return Status::not_found;
    }
    if (len < kRsdpV1Size) {
        return Status::bad_length;
    }
    if (!bytes_equal(p, kRsdpSignature, sizeof kRsdpSignature)) {
        return Status::bad_signature;
    }
    if (!sum_is_zero(p, kRsdpV1Size)) {
        return Status::bad_checksum;
    }
    const uint8_t revision = p[kRsdpRevision];
    uint64_t xsdt = 0;
    if (revision >= 2 && len >= kRsdpV2Size) {
        const uint32_t length = load32(p + kRsdpLength);
        if (length < kRsdpV2Size || length > len) {
            return Status::bad_length;
        }
        if (!sum_is_zero(p, length)) {
            return Status::bad_checksum;
        }
        xsdt = load64(p + kRsdpXsdtAddress);
    }
    out.revision = revision;
    out.rsdt_address = load32(p + kRsdpRsdtAddress);
    out.xsdt_address = xsdt;
    for (size_t i = 0; i < sizeof out.oem_id; ++i) {
        out.oem_id[i] = static_cast<char>(p[kRsdpOemId + i]);
    }
    return Status::ok;
}

const uint8_t* find_rsdp_in(const uint8_t* area, size_t len, Rsdp* out) {
    Rsdp tmp{};
    Rsdp& dst = out != nullptr ? *out : tmp;
    dst = Rsdp{};
    if (area == nullptr) {
        return nullptr;
    }
    const auto misalign = reinterpret_cast<uintptr_t>(area) % kRsdpScanAlign;
    size_t off = misalign == 0 ? 0 : kRsdpScanAlign - misalign;
    for (; off < len && len - off >= kRsdpV1Size; off += kRsdpScanAlign) {
        if (parse_rsdp(area + off, len - off, dst) == Status::ok) {
            return area + off;
        }
    }
    dst = Rsdp{};
    return nullptr;
}

// ---- System description tables ----

Status validate_table(const uint8_t* p, size_t avail, const char* sig) {
    if (p == nullptr) {
        return Status::unmapped;
    }
    if (avail < kSdtHeaderSize) {
        return Status::bad_length;
    }
    const uint32_t length = load32(p + kSdtLength);
    if (length < kSdtHeaderSize || length > avail) {
        return Status::bad_length;
    }
    if (sig != nullptr && !bytes_equal(p, sig, 4)) {
        return Status::bad_signature;
    }
    return sum_is_zero(p, length) ? Status::ok : Status::bad_checksum;
}

Status load_table(const PhysReader& mem, uint64_t phys, TableView& out) {
    out = TableView{};
    if (phys == 0) {
        return Status::not_found;
    }
    const uint8_t* hdr = map_bytes(mem, phys, kSdtHeaderSize);
    if (hdr == nullptr) {
        return Status::unmapped;
    }
    const uint32_t length = load32(hdr + kSdtLength);
    if (length < kSdtHeaderSize) {
        return Status::bad_length;
    }
    const uint8_t* full = map_bytes(mem, phys, length);
    if (full == nullptr) {
        return Status::unmapped;
    }
    const Status st = validate_table(full, length, nullptr);
    if (st == Status::ok) {
        out = TableView{full, length, phys};
    }
    return st;
}

Status Tables::init(const PhysReader& mem, const Rsdp& rsdp) {
    *this = Tables{};
    const bool xsdt = rsdp.revision >= 2 && rsdp.xsdt_address != 0;
    const uint64_t root_phys = xsdt ? rsdp.xsdt_address : rsdp.rsdt_address;
    TableView root{};
    Status st = load_table(mem, root_phys, root);
    if (st == Status::ok && !bytes_equal(root.data, xsdt ? "XSDT" : "RSDT", 4)) {
        st = Status::bad_signature;
    }
    if (st != Status::ok) {
        return st;
    }
    mem_ = &mem;
    root_ = root;
    entry_size_ = xsdt ? 8 : 4;
    entry_count_ = (root.length - kSdtHeaderSize) / entry_size_;
    for (size_t i = 0; i < entry_count_; ++i) {
        TableView t{};
        if (load_table(mem, entry(i), t) == Status::ok) {
            ++valid_count_;
        } else {
            ++bad_count_;
        }
    }
    return Status::ok;
}

uint64_t Tables::entry(size_t i) const {
    const uint8_t* p = root_.data + kSdtHeaderSize + i * entry_size_;
    return entry_size_ == 8 ? load64(p) : load32(p);
}

Status Tables::find_table(const char (&sig)[5], size_t index, TableView& out) const {
    out = TableView{};
    if (mem_ == nullptr) {
        return Status::not_found;
    }
    for (size_t i = 0; i < entry_count_; ++i) {
        TableView t{};
        if (load_table(*mem_, entry(i), t) != Status::ok || !bytes_equal(t.data, sig, 4)) {
            continue;
        }
        if (index == 0) {
            out = t;
            return Status::ok;
        }
        --index;
    }
    return Status::not_found;
}

// ---- MADT ----

namespace {

// Entry lengths each type needs at least.  // ACPI 6.5 5.2.12
uint8_t madt_min_length(MadtType type) {
    switch (type) {
    case MadtType::local_apic: return 8;
    case MadtType::io_apic: return 12;
    case MadtType::iso: return 10;
    case MadtType::lapic_nmi: return 6;
    case MadtType::lapic_override: return 12;
    case MadtType::local_x2apic: return 16;
    case MadtType::x2apic_nmi: return 12;
    }
    return 2;
}

Status add_cpu(MadtInfo& out, uint32_t apic_id, uint32_t uid, uint32_t flags, bool x2apic) {
    const MadtCpu cpu{apic_id, uid, (flags & kCpuEnabled) != 0, (flags & kCpuOnlineCapable) != 0,
                      x2apic};
    if (out.cpu_count == kMaxCpus) {
        return Status::too_many;
    }
    if (cpu.enabled || cpu.online_capable) {
        for (size_t i = 0; i < out.cpu_count; ++i) {
            const MadtCpu& c = out.cpus[i];
            if (c.apic_id == apic_id && (c.enabled || c.online_capable)) {
                return Status::duplicate_apic_id;
            }
        }
    }
    out.cpus[out.cpu_count++] = cpu;
    return Status::ok;
}

Status add_nmi(MadtInfo& out, uint32_t uid, uint16_t flags, uint8_t lint) {
    if (out.nmi_count == kMaxNmis) {
        return Status::too_many;
    }
    out.nmis[out.nmi_count++] = MadtNmi{uid, flags, lint};
    return Status::ok;
}

Status parse_madt_entry(const uint8_t* e, bool& saw_override, MadtInfo& out) {
    switch (static_cast<MadtType>(e[0])) {
    case MadtType::local_apic:
        return add_cpu(out, e[3], e[2], load32(e + 4), false);
    case MadtType::io_apic:
        if (out.ioapic_count == kMaxIoapics) {
            return Status::too_many;
        }
        out.ioapics[out.ioapic_count++] = MadtIoapic{e[2], load32(e + 4), load32(e + 8)};
        return Status::ok;
    case MadtType::iso:
        if (out.override_count == kMaxOverrides) {
            return Status::too_many;
        }
        out.overrides[out.override_count++] = MadtOverride{e[2], e[3], load32(e + 4), load16(e + 8)};
        return Status::ok;
    case MadtType::lapic_nmi:
        return add_nmi(out, e[2] == kLapicNmiAllUid ? kAllProcessors : e[2], load16(e + 3), e[5]);
    case MadtType::lapic_override:
        if (saw_override) {
            return Status::bad_entry;  // at most one  // ACPI 6.5 5.2.12.8
        }
        saw_override = true;
        out.lapic_address = load64(e + 4);
        return Status::ok;
    case MadtType::local_x2apic:
        return add_cpu(out, load32(e + 4), load32(e + 12), load32(e + 8), true);
    case MadtType::x2apic_nmi:
        return add_nmi(out, load32(e + 4), load16(e + 2), e[8]);
    }
    return Status::ok;  // other types skipped
}

Status parse_madt_entries(const uint8_t* p, size_t length, MadtInfo& out) {
    out.lapic_address = load32(p + kMadtLapicAddress);
    out.flags = load32(p + kMadtFlags);
    bool saw_override = false;
    size_t off = kMadtEntries;
    while (off < length) {
        if (length - off < 2) {
            return Status::bad_entry;
        }
        const uint8_t* e = p + off;
        const uint8_t elen = e[1];
        if (elen < 2 || elen > length - off || elen < madt_min_length(static_cast<MadtType>(e[0]))) {
            return Status::bad_entry;
        }
        const Status st = parse_madt_entry(e, saw_override, out);
        if (st != Status::ok) {
            return st;
        }
        off += elen;
    }
    return Status::ok;
}

}  // namespace

Status parse_madt(const uint8_t* p, size_t avail, MadtInfo& out) {
    out = MadtInfo{};
    Status st = validate_table(p, avail, "APIC");
    if (st == Status::ok && load32(p + kSdtLength) < kMadtEntries) {
        st = Status::bad_length;
    }
    if (st == Status::ok) {
        st = parse_madt_entries(p, load32(p + kSdtLength), out);
    }
    if (st != Status::ok) {
        out = MadtInfo{};
    }
    return st;
}

Status parse_madt(const TableView& t, MadtInfo& out) {
    return parse_madt(t.data, t.length, out);
}

// ---- FADT ----

Status parse_fadt(const uint8_t* p, size_t avail, FadtInfo& out) {
    out = FadtInfo{};
    const Status st = validate_table(p, avail, "FACP");
    if (st != Status::ok) {
        return st;
    }
    const uint32_t length = load32(p + kSdtLength);
    if (length < kFadtMinLength) {
        return Status::bad_length;
    }
    out.sci_valid = true;
    out.sci_int = load16(p + kFadtSciInt);
    out.flags = load32(p + kFadtFlags);

    if (length > kFadtResetValue && (out.flags & kFadtResetRegSup) != 0) {
        const Gas reg = load_gas(p + kFadtResetReg);
        const bool space_ok = reg.space_id == kGasSystemMemory || reg.space_id == kGasSystemIo ||
                              reg.space_id == kGasPciConfig;
        if (space_ok && reg.address != 0) {
            out.reset_valid = true;
            out.reset_reg = reg;
            out.reset_value = p[kFadtResetValue];
        }
    }

    if (length >= kFadtXPm1aCntBlk + kGasSize && load64(p + kFadtXPm1aCntBlk + 4) != 0) {
        out.pm1a_cnt_valid = true;
        out.pm1a_cnt = load_gas(p + kFadtXPm1aCntBlk);
    } else if (load32(p + kFadtPm1aCntBlk) != 0 && p[kFadtPm1CntLen] >= 2) {
        out.pm1a_cnt_valid = true;
        out.pm1a_cnt = Gas{kGasSystemIo, 16, 0, 2, load32(p + kFadtPm1aCntBlk)};
    }
    return Status::ok;
}

Status parse_fadt(const TableView& t, FadtInfo& out) {
    return parse_fadt(t.data, t.length, out);
}

}  // namespace bh::acpi
