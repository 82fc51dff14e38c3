// ACPI table discovery and parsing (RSDP, RSDT/XSDT, MADT, FADT) through a caller-provided physical-memory reader.
#pragma once

#include <cstddef>
#include <cstdint>

namespace bh::acpi {

enum class Status : uint8_t {
    ok,
    not_found,          // no such table / no RSDP
    unmapped,           // the PhysReader could not provide the bytes
    bad_signature,      // signature differs from the one required
    bad_checksum,       // byte sum not zero
    bad_length,         // length field too small or larger than the bytes available
    bad_entry,          // malformed MADT entry (length < 2, past the end, or too short for its type)
    duplicate_apic_id,  // two usable MADT CPUs share an APIC ID
    too_many,           // more MADT entries of a kind than MadtInfo holds
};

const char* to_string(Status s);

// Access to physical memory. map() returns a pointer through which `len`
// bytes at `phys` can be read, or nullptr if they are not accessible. The
// pointer must stay valid while the tables are in use (the hypervisor's
// direct map satisfies this). Implementations may assume phys + len does
// not wrap: the parsers check that before calling.
struct PhysReader {
    virtual const void* map(uint64_t phys, size_t len) const = 0;

protected:
    ~PhysReader() = default;
};

// ---- RSDP (ACPI 6.5 5.2.5) ----

inline constexpr size_t kRsdpV1Size = 20;  // ACPI 1.0 part covered by `checksum`  // ACPI 6.5 5.2.5.3
inline constexpr size_t kRsdpV2Size = 36;  // revision >= 2 structure             // ACPI 6.5 5.2.5.3

struct Rsdp {
    uint8_t revision;       // as reported (0 = ACPI 1.0, 2 = ACPI 2.0+)
    uint32_t rsdt_address;
    uint64_t xsdt_address;  // 0 unless the revision >= 2 part was present and verified
    char oem_id[6];         // not NUL-terminated
};

// Validates an RSDP of which `len` bytes are readable at p: signature
// "RSD PTR ", checksum of the first 20 bytes and, when revision >= 2 and at
// least 36 bytes are readable, the `length` field (36 <= length <= len) and
// the extended checksum over `length` bytes. A revision >= 2 RSDP given with
// fewer than 36 bytes (e.g. the Multiboot2 "old RSDP" copy) is accepted as an
// ACPI 1.0 one (xsdt_address = 0).
Status parse_rsdp(const uint8_t* p, size_t len, Rsdp& out);

// Scans [area, area+len) at 16-byte aligned addresses (alignment of the
// pointer value, which equals the physical one under page mappings) for the
// first structure parse_rsdp accepts using only bytes inside the area.
// Returns it and fills *out if out is non-null; nullptr if none.  // ACPI 6.5 5.2.5.1
const uint8_t* find_rsdp_in(const uint8_t* area, size_t len, Rsdp* out = nullptr);

// ---- System description tables (ACPI 6.5 5.2.6) ----

inline constexpr size_t kSdtHeaderSize = 36;

// A checksummed table: `length` bytes readable at `data`.
struct TableView {
    const uint8_t* data;
    uint32_t length;
    uint64_t phys;
};

// Validates a table of which `avail` bytes are readable at p: length field
// >= 36 and <= avail, byte sum over `length` zero and, if sig is non-null,
// the 4-byte signature.
Status validate_table(const uint8_t* p, size_t avail, const char* sig);

// Maps and validates the table at `phys` (signature not checked).
Status load_table(const PhysReader& mem, uint64_t phys, TableView& out);

// The root table (XSDT when the RSDP revision >= 2 and it gives a nonzero
// XSDT address, else RSDT) and lookups through it. Entries that cannot be
// mapped, are shorter than a header or fail their checksum are skipped and
// counted in bad_count(). Trailing bytes of the root table smaller than one
// entry are ignored. `mem` must outlive the Tables object: find_table maps
// and re-validates entries on each call.  // ACPI 6.5 5.2.7, 5.2.8
class Tables final {
public:
    Status init(const PhysReader& mem, const Rsdp& rsdp);

    // The index-th (0-based) valid table with signature `sig`; Status
    // not_found when there are fewer. `sig` is the 4 signature characters.
    Status find_table(const char (&sig)[5], size_t index, TableView& out) const;

    bool uses_xsdt() const { return entry_size_ == 8; }
    size_t entry_count() const { return entry_count_; }  // entries in the root table
    size_t valid_count() const { return valid_count_; }
    size_t bad_count() const { return bad_count_; }
    const TableView& root() const { return root_; }

private:
    uint64_t entry(size_t i) const;

    const PhysReader* mem_ = nullptr;
    TableView root_{};
    size_t entry_size_ = 0;
    size_t entry_count_ = 0;
    size_t valid_count_ = 0;
    size_t bad_count_ = 0;
};

// ---- MADT (ACPI 6.5 5.2.12) ----

inline constexpr size_t kMaxCpus = 64;
inline constexpr size_t kMaxIoapics = 8;
inline constexpr size_t kMaxOverrides = 16;
inline constexpr size_t kMaxNmis = 16;
inline constexpr uint32_t kMadtPcatCompat = 1u << 0;     // MADT flags  // ACPI 6.5 5.2.12
inline constexpr uint32_t kAllProcessors = 0xFFFFFFFFu;  // NMI entry applying to every CPU

struct MadtCpu {
    uint32_t apic_id;
    uint32_t acpi_uid;
    bool enabled;         // flags bit 0
    bool online_capable;  // flags bit 1 (ACPI 6.3+)
    bool x2apic_entry;    // from a type 9 entry
};

struct MadtIoapic {
    uint8_t id;
    uint32_t address;
    uint32_t gsi_base;
};

struct MadtOverride {
    uint8_t bus;
    uint8_t source;
    uint32_t gsi;
    uint16_t flags;  // MPS INTI flags: polarity bits 1:0, trigger mode bits 3:2
};

struct MadtNmi {
    uint32_t acpi_uid;  // kAllProcessors for "all" (0xFF in type 4, 0xFFFFFFFF in type 0xA)
    uint16_t flags;
    uint8_t lint;
};

struct MadtInfo {
    uint64_t lapic_address;  // 32-bit field, replaced by a type 5 override
    uint32_t flags;          // kMadtPcatCompat
    MadtCpu cpus[kMaxCpus];  // table order
    size_t cpu_count;
    MadtIoapic ioapics[kMaxIoapics];
    size_t ioapic_count;
    MadtOverride overrides[kMaxOverrides];
    size_t override_count;
    MadtNmi nmis[kMaxNmis];
    size_t nmi_count;
};

// Parses a MADT of which `avail` bytes are readable at p (validated with
// validate_table first). Entry types 0, 1, 2, 4, 5, 9 and 0xA are decoded;
// others are skipped by their length. An entry shorter than 2 bytes, past the
// table end, or shorter than its type defines is bad_entry, as is a second
// type 5. Every CPU entry is recorded, whatever its flags; two CPUs that are
// both usable (enabled or online-capable) with the same APIC ID are
// duplicate_apic_id (unusable placeholders may repeat IDs). On any status
// other than ok, `out` is left zeroed.
Status parse_madt(const uint8_t* p, size_t avail, MadtInfo& out);
Status parse_madt(const TableView& t, MadtInfo& out);

// ---- FADT (ACPI 6.5 5.2.9) ----

// Generic Address Structure.  // ACPI 6.5 5.2.3.2
struct Gas {
    uint8_t space_id;  // 0 system memory, 1 system I/O, 2 PCI configuration
    uint8_t bit_width;
    uint8_t bit_offset;
    uint8_t access_size;  // 0 undefined, 1 byte, 2 word, 3 dword, 4 qword
    uint64_t address;
};

inline constexpr uint8_t kGasSystemMemory = 0;  // ACPI 6.5 5.2.3.2
inline constexpr uint8_t kGasSystemIo = 1;
inline constexpr uint8_t kGasPciConfig = 2;
inline constexpr uint32_t kFadtResetRegSup = 1u << 10;  // FADT Flags RESET_REG_SUP  // ACPI 6.5 5.2.9

struct FadtInfo {
    uint32_t flags;  // FADT Flags field (offset 112), 0 if the table is too short

    // Reset register: valid when the table reaches the reset value (offset
    // 128), RESET_REG_SUP is set, the register has a nonzero address and it
    // lives in system memory, system I/O or PCI configuration space.
    bool reset_valid;
    Gas reset_reg;
    uint8_t reset_value;

    bool sci_valid;  // always true for a table parse_fadt accepts
    uint16_t sci_int;

    // PM1a control block: X_PM1a_CNT_BLK when the table reaches it and its
    // address is nonzero, else the 32-bit PM1a_CNT_BLK (when nonzero and
    // PM1_CNT_LEN >= 2) as a 16-bit system I/O register.
    bool pm1a_cnt_valid;
    Gas pm1a_cnt;
};

// Parses a FADT ("FACP", at least the ACPI 1.0 size of 116 bytes) of which
// `avail` bytes are readable at p. On any status other than ok, `out` is
// left zeroed.
Status parse_fadt(const uint8_t* p, size_t avail, FadtInfo& out);
Status parse_fadt(const TableView& t, FadtInfo& out);

}  // namespace bh::acpi
