"""Virtual ACPI tables of a pre-launched VM, built at build time (ACPI 6.5).

One VM gets RSDP, RSDT, XSDT, FADT, FACS, MADT and DSDT, laid out from
TABLES_GPA upward in the BIOS area; the whole range is one byte blob that the
hypervisor copies into guest memory. The DSDT is ASL (acpi/dsdt.asl.in)
compiled by iasl; everything else is packed here. doc/virtual-acpi.md says
what each table holds and why.

API: validate(spec) -> None | raises VacpiError (a ValueError naming the VM)
     render_dsdt_asl(spec) -> str
     compile_dsdt(spec, workdir, iasl="iasl") -> bytes (AML)
     build_image(spec, dsdt_aml, gpa=TABLES_GPA) -> VmAcpiImage
     build_vm(spec, workdir, gpa=TABLES_GPA, iasl="iasl") -> VmAcpiImage
     render_hpp() / render_cpp(images) -> str;  generate(specs, workdir) -> {path: text}
     specs_from_json(obj) / specs_to_json(specs);  dump_tables(image, dir)
"""
import binascii
import dataclasses
import json
import os
import re
import struct
import subprocess
from dataclasses import dataclass

TABLES_GPA = 0x000F2400      # the RSDP; OSPM scans 0xE0000-0xFFFFF for it (ACPI 6.5 5.2.5.1)
BIOS_AREA = (0xE0000, 0x100000)

OEM_ID = b"BLKHD "
OEM_REVISION = 1
CREATOR_ID = b"BHCF"
CREATOR_REVISION = 1

SLP_TYP_S5 = 5               # PM1a_CNT.SLP_TYP value of \_S5; the hypervisor decodes it
RESET_VALUE = 0x06           # written to RESET_REG (0xCF9: full reset)
MAX_VCPUS = 255              # ACPI Processor UIDs 0..254 fit the 1-byte MADT field; 0xFF means "all"

TEMPLATE = os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))), "acpi", "dsdt.asl.in")
HEADER_NAME = "generated/vm_acpi.hpp"
GENERATOR = "misc/config_tools/gen_vacpi.py"

# Table revisions (ACPI 6.5).
RSDP_REVISION = 2            # 5.2.5.3
RSDT_REVISION = 1            # 5.2.7
XSDT_REVISION = 1            # 5.2.8
FADT_REVISION = 6            # 5.2.9 (FADT format): major 6 ...
FADT_MINOR = 5               # ... minor 5 (offset 131)
FACS_VERSION = 2             # 5.2.10
MADT_REVISION = 6            # 5.2.12
FADT_LENGTH = 276
FACS_LENGTH = 64

# FADT Preferred_PM_Profile (5.2.9.1): 0 = unspecified; a VM has no chassis.
PM_PROFILE_UNSPECIFIED = 0

# FADT IAPC_BOOT_ARCH (5.2.9.3).
BOOT_LEGACY_DEVICES = 1 << 0      # the vUART is an ISA-style device not in the namespace
BOOT_8042 = 1 << 1                # not set: no keyboard controller
BOOT_VGA_NOT_PRESENT = 1 << 2
BOOT_CMOS_RTC_NOT_PRESENT = 1 << 5
IAPC_BOOT_ARCH = BOOT_LEGACY_DEVICES | BOOT_VGA_NOT_PRESENT | BOOT_CMOS_RTC_NOT_PRESENT

# FADT fixed feature flags (5.2.9, fixed feature flags table).
FADT_WBINVD = 1 << 0
FADT_PROC_C1 = 1 << 2
FADT_PWR_BUTTON = 1 << 4          # set: no fixed-feature power button
FADT_SLP_BUTTON = 1 << 5          # set: no fixed-feature sleep button
FADT_FIX_RTC = 1 << 6             # set: no RTC wake status in PM1
FADT_RESET_REG_SUP = 1 << 10
FADT_HEADLESS = 1 << 12
FADT_FORCE_APIC_PHYSICAL = 1 << 19
FADT_FLAGS = (FADT_WBINVD | FADT_PROC_C1 | FADT_PWR_BUTTON | FADT_SLP_BUTTON | FADT_FIX_RTC
              | FADT_RESET_REG_SUP | FADT_HEADLESS | FADT_FORCE_APIC_PHYSICAL)

P_LVL2_LAT_NONE = 101        # > 100: no C2 (5.2.9)
P_LVL3_LAT_NONE = 1001       # > 1000: no C3
HYPERVISOR_VENDOR = b"Bulkhead"   # FADT offset 268 (ACPI 6.0+), no version in it

# Generic Address Structure (5.2.3.2).
GAS_SYSTEM_IO = 1
ACCESS_BYTE, ACCESS_WORD = 1, 2

# MADT (5.2.12).
MADT_PCAT_COMPAT = 1 << 0         # not set, see doc/virtual-acpi.md
MADT_LAPIC, MADT_IOAPIC, MADT_ISO, MADT_LAPIC_NMI, MADT_X2APIC, MADT_X2APIC_NMI = 0, 1, 2, 4, 9, 0xA
LAPIC_ENABLED = 1 << 0            # 5.2.12.2 Local APIC flags; Online Capable stays 0
MPS_INTI_CONFORMS = 0x0000        # 5.2.12.5 MPS INTI flags: bus default (ISA: edge, active high)
MPS_INTI_HIGH_LEVEL = 0x0001 | (0x3 << 2)   # polarity 01 active high, trigger 11 level
NMI_ALL_UID, X2APIC_NMI_ALL_UID = 0xFF, 0xFFFFFFFF
LINT1 = 1
ISA_TIMER_IRQ, ISA_TIMER_GSI = 0, 2


class VacpiError(ValueError):
    """Invalid input; .messages has one line per problem, each naming the VM."""

    def __init__(self, messages):
        self.messages = list(messages)
        super().__init__("; ".join(self.messages))


@dataclass(frozen=True)
class VmAcpiSpec:
    vm_id: int
    vm_name: str                  # for the OEM table id and comments, truncated
    vcpu_apic_ids: tuple          # virtual APIC IDs; vCPU i has ACPI Processor UID i
    ioapic_id: int
    ioapic_address: int
    ioapic_gsi_base: int
    ioapic_pins: int
    lapic_address: int = 0xFEE00000
    pm1a_evt_port: int = 0x400    # PM1a event block, 4 bytes (status, enable)
    pm1a_cnt_port: int = 0x404    # PM1a control block, 2 bytes
    reset_port: int = 0xCF9
    sci_irq: int = 9


@dataclass(frozen=True)
class Table:
    name: str                     # signature ("RSDP" for "RSD PTR ")
    gpa: int
    data: bytes


@dataclass(frozen=True)
class VmAcpiImage:
    vm_id: int
    vm_name: str
    gpa: int
    blob: bytes                   # guest memory from gpa on, RSDP first
    tables: tuple

    def table(self, name):
        for t in self.tables:
            if t.name == name:
                return t
        raise KeyError(name)


def _who(spec):
    return f"VM {getattr(spec, 'vm_id', '?')} ({getattr(spec, 'vm_name', '?')})"


def _is_int(v):
    return isinstance(v, int) and not isinstance(v, bool)


def validate(spec, gpa=TABLES_GPA):
    """Every problem of spec at once, as a VacpiError; the 1 MiB fit is checked in build_image."""
    who, errs = _who(spec), []

    def err(msg):
        errs.append(f"{who}: {msg}")

    if not _is_int(spec.vm_id) or not 0 <= spec.vm_id <= 0xFFFF:
        err(f"vm_id {spec.vm_id!r} is not in 0..65535")
    if not isinstance(spec.vm_name, str):
        err("vm_name is not a string")
    ints = ("ioapic_id", "ioapic_address", "ioapic_gsi_base", "ioapic_pins", "lapic_address",
            "pm1a_evt_port", "pm1a_cnt_port", "reset_port", "sci_irq")
    bad = [f for f in ints if not _is_int(getattr(spec, f))]
    for f in bad:
        err(f"{f} {getattr(spec, f)!r} is not an integer")
    ids = spec.vcpu_apic_ids
    if not isinstance(ids, (tuple, list)) or not all(_is_int(a) for a in ids):
        err("vcpu_apic_ids is not a list of integers")
        ids = ()
    elif not ids:
        err("no vCPUs (vcpu_apic_ids is empty)")
    if len(ids) > MAX_VCPUS:
        err(f"{len(ids)} vCPUs, at most {MAX_VCPUS} (1-byte ACPI Processor UIDs)")
    dups = sorted({a for a in ids if ids.count(a) > 1})
    if dups:
        err(f"APIC ID(s) {', '.join(str(a) for a in dups)} given to more than one vCPU")
    for a in ids:
        if not 0 <= a < 0xFFFFFFFF:
            err(f"APIC ID {a} is not in 0..0xFFFFFFFE (0xFFFFFFFF is the x2APIC broadcast)")
    if bad:
        raise VacpiError(errs)

    if not 0 <= spec.ioapic_id <= 0xFF:
        err(f"ioapic_id {spec.ioapic_id} does not fit the 1-byte MADT field")
    for f in ("ioapic_address", "lapic_address"):
        v = getattr(spec, f)
        if not 0 < v < 1 << 32 or v % 16:
            err(f"{f} {v:#x} is not a 16-byte aligned address below 4 GiB")
    if spec.ioapic_gsi_base != 0:
        err(f"ioapic_gsi_base {spec.ioapic_gsi_base} must be 0: ISA IRQs 0-15 are GSIs 0-15 of the only IOAPIC")
    if not 16 <= spec.ioapic_pins <= 240:
        err(f"ioapic_pins {spec.ioapic_pins} is not in 16..240 (GSIs 0-15 carry the ISA IRQs)")
    if not 1 <= spec.sci_irq <= 15 or spec.sci_irq == 2:
        err(f"sci_irq {spec.sci_irq} is not an ISA IRQ in 1..15 other than 2 (GSI 2 carries IRQ 0)")
    blocks = (("pm1a_evt_port", spec.pm1a_evt_port, 4), ("pm1a_cnt_port", spec.pm1a_cnt_port, 2),
              ("reset_port", spec.reset_port, 1))
    for name, port, size in blocks:
        if not 0 < port <= 0x10000 - size:
            err(f"{name} {port:#x}: {size}-byte block outside the I/O space")
        elif size > 1 and port % 2:
            err(f"{name} {port:#x} is not word aligned (PM1 registers are 16-bit)")
    for i, (n1, p1, s1) in enumerate(blocks):
        for n2, p2, s2 in blocks[i + 1:]:
            if p1 < p2 + s2 and p2 < p1 + s1:
                err(f"{n1} {p1:#x} and {n2} {p2:#x} overlap")
    if gpa % 16 or not BIOS_AREA[0] <= gpa < BIOS_AREA[1]:
        err(f"tables at {gpa:#x}: the RSDP must sit 16-byte aligned in {BIOS_AREA[0]:#x}-{BIOS_AREA[1] - 1:#x}")
    if errs:
        raise VacpiError(errs)


def oem_table_id(spec):
    """8-byte OEM table id: the VM name, [A-Za-z0-9_] only, truncated, space padded."""
    name = re.sub(r"[^A-Za-z0-9_]", "_", spec.vm_name)[:8] or f"VM{spec.vm_id}"
    return name.encode("ascii").ljust(8, b" ")


def checksum(data):
    """The byte that makes data sum to zero modulo 256 (5.2.6)."""
    return (-sum(data)) & 0xFF


def _header(sig, length, revision, table_id):
    """System description table header (5.2.6), checksum 0 until _sealed()."""
    return struct.pack("<4sIBB6s8sI4sI", sig, length, revision, 0, OEM_ID, table_id,
                       OEM_REVISION, CREATOR_ID, CREATOR_REVISION)


def _sealed(table):
    t = bytearray(table)
    assert struct.unpack_from("<I", t, 4)[0] == len(t)
    t[9] = 0
    t[9] = checksum(t)
    return bytes(t)


def _gas(space, bit_width, access, address):
    """Generic Address Structure (5.2.3.2): id, bit width, bit offset 0, access size, address."""
    return struct.pack("<BBBBQ", space, bit_width, 0, access, address)


def build_rsdp(rsdt, xsdt):
    """RSDP revision 2, 36 bytes (5.2.5.3): checksum over bytes 0-19, extended over all."""
    r = bytearray(struct.pack("<8sB6sBIIQB3s", b"RSD PTR ", 0, OEM_ID, RSDP_REVISION, rsdt, 36, xsdt, 0, b"\0" * 3))
    r[8] = checksum(r[:20])
    r[32] = checksum(r)
    return bytes(r)


def build_rsdt(entries, table_id):
    """RSDT (5.2.7): 32-bit table addresses, for OSPMs that do not read the XSDT."""
    body = b"".join(struct.pack("<I", a) for a in entries)
    return _sealed(_header(b"RSDT", 36 + len(body), RSDT_REVISION, table_id) + body)


def build_xsdt(entries, table_id):
    """XSDT (5.2.8): 64-bit table addresses; OSPM uses it over the RSDT."""
    body = b"".join(struct.pack("<Q", a) for a in entries)
    return _sealed(_header(b"XSDT", 36 + len(body), XSDT_REVISION, table_id) + body)


def build_fadt(spec, dsdt, facs, table_id):
    """FADT revision 6.5, 276 bytes (5.2.9); offsets from the FADT format table."""
    f = bytearray(FADT_LENGTH)
    f[0:36] = _header(b"FACP", FADT_LENGTH, FADT_REVISION, table_id)
    # FIRMWARE_CTRL; X_FIRMWARE_CTRL (132) stays 0: only one of them may be non-zero.
    struct.pack_into("<II", f, 36, facs, dsdt)                   # FIRMWARE_CTRL, DSDT
    f[45] = PM_PROFILE_UNSPECIFIED
    struct.pack_into("<H", f, 46, spec.sci_irq)                  # SCI_INT (GSI == ISA IRQ here)
    # SMI_CMD (48), ACPI_ENABLE/DISABLE: 0, no SMM; the VM is always in ACPI mode (SCI_EN=1).
    struct.pack_into("<I", f, 56, spec.pm1a_evt_port)            # PM1a_EVT_BLK
    struct.pack_into("<I", f, 64, spec.pm1a_cnt_port)            # PM1a_CNT_BLK
    # PM1b, PM2, PM_TMR, GPE0, GPE1: none (0).
    f[88], f[89] = 4, 2                                          # PM1_EVT_LEN, PM1_CNT_LEN
    struct.pack_into("<HH", f, 96, P_LVL2_LAT_NONE, P_LVL3_LAT_NONE)
    # DAY_ALRM, MON_ALRM, CENTURY (106-108): 0, there is no RTC.
    struct.pack_into("<H", f, 109, IAPC_BOOT_ARCH)
    struct.pack_into("<I", f, 112, FADT_FLAGS)
    f[116:128] = _gas(GAS_SYSTEM_IO, 8, ACCESS_BYTE, spec.reset_port)   # RESET_REG (5.2.9)
    f[128] = RESET_VALUE
    # ARM_BOOT_ARCH (129): 0.
    f[131] = FADT_MINOR
    struct.pack_into("<Q", f, 140, dsdt)                         # X_DSDT
    f[148:160] = _gas(GAS_SYSTEM_IO, 32, ACCESS_WORD, spec.pm1a_evt_port)  # X_PM1a_EVT_BLK
    f[172:184] = _gas(GAS_SYSTEM_IO, 16, ACCESS_WORD, spec.pm1a_cnt_port)  # X_PM1a_CNT_BLK
    # SLEEP_CONTROL/STATUS_REG (244, 256): HW-reduced only, 0.
    f[268:276] = HYPERVISOR_VENDOR
    return _sealed(f)


def build_facs(hardware_signature):
    """FACS version 2, 64 bytes, 64-byte aligned (5.2.10); no checksum. Global lock free,
    no waking vector (only S5 is offered)."""
    return struct.pack("<4sIIIIIQB3sI24s", b"FACS", FACS_LENGTH, hardware_signature, 0, 0, 0, 0,
                       FACS_VERSION, b"\0" * 3, 0, b"\0" * 24)


def madt_length(spec):
    n_x2 = sum(1 for a in spec.vcpu_apic_ids if a >= 0xFF)
    n_x1 = len(spec.vcpu_apic_ids) - n_x2
    return 44 + 8 * n_x1 + 16 * n_x2 + 12 + 2 * 10 + 6 + (12 if n_x2 else 0)


def build_madt(spec, table_id):
    """MADT (5.2.12): processors in UID order (vCPU 0, the BSP, first: 5.2.12.1), the
    vIOAPIC, two interrupt source overrides, LINT1 = NMI on every processor."""
    body = [struct.pack("<II", spec.lapic_address, 0)]           # Flags: PCAT_COMPAT clear
    for uid, apic_id in enumerate(spec.vcpu_apic_ids):
        if apic_id < 0xFF:                                       # 5.2.12.2
            body.append(struct.pack("<BBBBI", MADT_LAPIC, 8, uid, apic_id, LAPIC_ENABLED))
        else:                                                    # 5.2.12.12: IDs >= 255
            body.append(struct.pack("<BBHIII", MADT_X2APIC, 16, 0, apic_id, LAPIC_ENABLED, uid))
    body.append(struct.pack("<BBBBII", MADT_IOAPIC, 12, spec.ioapic_id, 0,   # 5.2.12.3
                            spec.ioapic_address, spec.ioapic_gsi_base))
    # 5.2.12.5: ISA IRQ 0 (PIT) -> GSI 2 as on PCs; the SCI level / active high (5.2.9 SCI_INT).
    body.append(struct.pack("<BBBBIH", MADT_ISO, 10, 0, ISA_TIMER_IRQ, ISA_TIMER_GSI, MPS_INTI_CONFORMS))
    body.append(struct.pack("<BBBBIH", MADT_ISO, 10, 0, spec.sci_irq, spec.sci_irq, MPS_INTI_HIGH_LEVEL))
    body.append(struct.pack("<BBBHB", MADT_LAPIC_NMI, 6, NMI_ALL_UID, MPS_INTI_CONFORMS, LINT1))  # 5.2.12.7
    if any(a >= 0xFF for a in spec.vcpu_apic_ids):               # 5.2.12.13, for x2APIC entries
        body.append(struct.pack("<BBHIB3s", MADT_X2APIC_NMI, 12, MPS_INTI_CONFORMS, X2APIC_NMI_ALL_UID,
                                LINT1, b"\0" * 3))
    data = b"".join(body)
    table = _sealed(_header(b"APIC", 36 + len(data), MADT_REVISION, table_id) + data)
    assert len(table) == madt_length(spec)
    return table


def render_dsdt_asl(spec, template=TEMPLATE):
    """The DSDT source of one VM: the template with its @KEY@ fields filled in."""
    with open(template) as f:
        text = f.read()
    cpus = []
    for uid, apic_id in enumerate(spec.vcpu_apic_ids):
        cpus.append(f"        Device (CP{uid:02X})  // vCPU {uid}, APIC ID {apic_id:#x}\n"
                    f"        {{\n"
                    f"            Name (_HID, \"ACPI0007\")\n"
                    f"            Name (_UID, {uid:#04x})\n"
                    f"        }}")
    label = re.sub(r"[^ -~]|\*/", "_", spec.vm_name)
    fields = {"VM_ID": str(spec.vm_id), "VM_LABEL": label, "VCPU_COUNT": str(len(spec.vcpu_apic_ids)),
              "OEM_TABLE_ID": oem_table_id(spec).decode().rstrip(), "SLP_TYP_S5": f"{SLP_TYP_S5:#04x}",
              "PROCESSORS": "\n".join(cpus)}

    def fill(m):
        if m.group(1) not in fields:
            raise KeyError(f"{template}: unknown field @{m.group(1)}@")
        return fields[m.group(1)]
    return re.sub(r"@([A-Z_0-9]+)@", fill, text)


def compile_dsdt(spec, workdir, iasl="iasl", template=TEMPLATE):
    """Compile the VM's DSDT in workdir; errors and warnings both fail (iasl -we)."""
    os.makedirs(workdir, exist_ok=True)
    base = f"vm{spec.vm_id}_dsdt"
    asl, aml = os.path.join(workdir, base + ".asl"), os.path.join(workdir, base + ".aml")
    with open(asl, "w") as f:
        f.write(render_dsdt_asl(spec, template))
    if os.path.exists(aml):
        os.unlink(aml)
    try:
        r = subprocess.run([iasl, "-vs", "-vi", "-we", "-p", base, base + ".asl"], cwd=workdir,
                           capture_output=True, text=True)
    except OSError as e:
        raise RuntimeError(f"{_who(spec)}: cannot run {iasl} ({e}); install acpica-tools") from e
    out = (r.stdout + r.stderr).strip()
    summary = re.search(r"(\d+) Errors, (\d+) Warnings", out)
    if r.returncode != 0 or not summary or summary.groups() != ("0", "0") or not os.path.exists(aml):
        raise RuntimeError(f"{_who(spec)}: iasl failed on {asl}:\n{out}")
    with open(aml, "rb") as f:
        return f.read()


def _dsdt_with_our_header(aml, table_id):
    """The AML with the common header fields (so the blob does not depend on the iasl version)."""
    if len(aml) < 36 or aml[:4] != b"DSDT" or struct.unpack_from("<I", aml, 4)[0] != len(aml):
        raise ValueError("not a DSDT (bad signature or length)")
    t = bytearray(aml)
    struct.pack_into("<6s8sI4sI", t, 10, OEM_ID, table_id, OEM_REVISION, CREATOR_ID, CREATOR_REVISION)
    return _sealed(t)


def _align(x, a):
    return (x + a - 1) // a * a


def build_image(spec, dsdt_aml, gpa=TABLES_GPA):
    """Lay the tables out from gpa (RSDP first, each 16-byte aligned, the FACS 64) and
    return the image; raises VacpiError if spec is invalid or the tables pass 1 MiB."""
    validate(spec, gpa)
    tid = oem_table_id(spec)
    dsdt = _dsdt_with_our_header(dsdt_aml, tid)
    order = (("RSDP", 36, 16), ("RSDT", 36 + 4 * 2, 16), ("XSDT", 36 + 8 * 2, 16),
             ("FACP", FADT_LENGTH, 16), ("FACS", FACS_LENGTH, 64), ("APIC", madt_length(spec), 16),
             ("DSDT", len(dsdt), 16))
    at, cur = {}, gpa
    for name, size, align in order:
        cur = _align(cur, align)
        at[name] = cur
        cur += size
    if cur > BIOS_AREA[1]:
        raise VacpiError([f"{_who(spec)}: tables at {gpa:#x}-{cur - 1:#x} do not fit below 1 MiB "
                          f"({cur - BIOS_AREA[1]} bytes too many)"])
    madt = build_madt(spec, tid)
    listed = (at["FACP"], at["APIC"])
    data = {
        "RSDP": build_rsdp(at["RSDT"], at["XSDT"]),
        "RSDT": build_rsdt(listed, tid),
        "XSDT": build_xsdt(listed, tid),
        "FACP": build_fadt(spec, at["DSDT"], at["FACS"], tid),
        "FACS": build_facs(binascii.crc32(madt + dsdt)),
        "APIC": madt,
        "DSDT": dsdt,
    }
    blob = bytearray(cur - gpa)
    tables = []
    for name, size, _ in order:
        assert len(data[name]) == size, name
        off = at[name] - gpa
        blob[off:off + size] = data[name]
        tables.append(Table(name, at[name], data[name]))
    return VmAcpiImage(spec.vm_id, spec.vm_name, gpa, bytes(blob), tuple(tables))


def build_vm(spec, workdir, gpa=TABLES_GPA, iasl="iasl"):
    validate(spec, gpa)
    return build_image(spec, compile_dsdt(spec, workdir, iasl), gpa)


def dump_tables(image, out_dir):
    """Each table as vm<ID>_<sig>.dat, for `iasl -d`; returns the paths."""
    os.makedirs(out_dir, exist_ok=True)
    paths = []
    for t in image.tables:
        p = os.path.join(out_dir, f"vm{image.vm_id}_{t.name.lower()}.dat")
        with open(p, "wb") as f:
            f.write(t.data)
        paths.append(p)
    return paths


def render_hpp():
    return f"""// Generated by {GENERATOR}. Do not edit.
// Virtual ACPI tables of the pre-launched VMs (doc/virtual-acpi.md).
#pragma once
#include <cstddef>
#include <cstdint>

namespace bh::cfg {{
// One VM's tables: the bytes of guest memory [gpa, gpa + size), RSDP first.
struct VmAcpiBlob {{
    uint16_t vm_id;
    uint64_t gpa;
    const uint8_t* data;
    size_t size;
}};

extern const VmAcpiBlob kVmAcpi[];
extern const size_t kVmAcpiCount;
}}  // namespace bh::cfg
"""


def _cpp_bytes(image):
    starts = {t.gpa - image.gpa: t for t in image.tables}
    lines = []
    for off in range(0, len(image.blob), 16):
        t = starts.get(off)
        if t is not None:
            lines.append(f"    // {t.gpa:#010x} {t.name} ({len(t.data)} bytes)")
        lines.append("    " + " ".join(f"0x{b:02x}," for b in image.blob[off:off + 16]))
    return "\n".join(lines)


def render_cpp(images):
    out = [f"// Generated by {GENERATOR}. Do not edit.\n"
           "// Virtual ACPI tables of the pre-launched VMs (doc/virtual-acpi.md).\n"
           f"#include \"{HEADER_NAME}\"\n\nnamespace bh::cfg {{\n"]
    rows = []
    for im in images:
        n = f"kVmAcpi{im.vm_id}"
        label = re.sub(r"[^ -~]", "_", im.vm_name)
        out.append(f"// VM {im.vm_id} ({label}): {len(im.blob)} bytes at {im.gpa:#010x}.\n"
                   f"alignas(16) constexpr uint8_t {n}[] = {{\n{_cpp_bytes(im)}\n}};\n"
                   f"static_assert(sizeof({n}) == {len(im.blob)});\n"
                   f"static_assert({im.gpa:#010x} + sizeof({n}) <= {BIOS_AREA[1]:#x}, "
                   f"\"VM {im.vm_id}: ACPI tables pass 1 MiB\");\n\n")
        rows.append(f"    {{{im.vm_id}, {im.gpa:#010x}, {n}, sizeof({n})}},")
    if rows:
        out.append("constexpr VmAcpiBlob kVmAcpi[] = {\n" + "\n".join(rows) + "\n};\n")
    else:
        out.append("constexpr VmAcpiBlob kVmAcpi[1] = {{0, 0, nullptr, 0}};  // no pre-launched VM\n")
    out.append(f"constexpr size_t kVmAcpiCount = {len(rows)};\n}}  // namespace bh::cfg\n")
    return "".join(out)


def generate(specs, workdir, iasl="iasl", dump_dir=None):
    """All VMs: {"generated/vm_acpi.hpp": text, "generated/vm_acpi.cpp": text}."""
    errs = []
    for s in specs:
        try:
            validate(s)
        except VacpiError as e:
            errs += e.messages
    ids = [s.vm_id for s in specs]
    for d in sorted({i for i in ids if ids.count(i) > 1}, key=str):
        errs.append(f"VM {d}: more than one spec with this vm_id")
    if errs:
        raise VacpiError(errs)
    images = [build_vm(s, workdir, iasl=iasl) for s in specs]
    if dump_dir:
        for im in images:
            dump_tables(im, dump_dir)
    return {HEADER_NAME: render_hpp(), "generated/vm_acpi.cpp": render_cpp(images)}


_FIELDS = {f.name: f for f in dataclasses.fields(VmAcpiSpec)}


def specs_from_json(obj):
    """[VmAcpiSpec] from {"vms": [{field: value, ...}, ...]} (a dict or JSON text)."""
    if isinstance(obj, str):
        obj = json.loads(obj)
    if not isinstance(obj, dict) or not isinstance(obj.get("vms"), list):
        raise VacpiError(['spec: expected {"vms": [...]}'])
    specs, errs = [], []
    for i, vm in enumerate(obj["vms"]):
        if not isinstance(vm, dict):
            errs.append(f"vms[{i}]: not an object")
            continue
        who = f"VM {vm.get('vm_id', '?')} ({vm.get('vm_name', '?')}) [vms[{i}]]"
        unknown = sorted(set(vm) - set(_FIELDS))
        missing = sorted(n for n, f in _FIELDS.items() if n not in vm and f.default is dataclasses.MISSING)
        if unknown or missing:
            errs.append(f"{who}: " + "; ".join(
                ([f"unknown field(s) {', '.join(unknown)}"] if unknown else [])
                + ([f"missing field(s) {', '.join(missing)}"] if missing else [])))
            continue
        vm = dict(vm)
        if isinstance(vm["vcpu_apic_ids"], list):
            vm["vcpu_apic_ids"] = tuple(vm["vcpu_apic_ids"])
        specs.append(VmAcpiSpec(**vm))
    if errs:
        raise VacpiError(errs)
    return specs


def specs_to_json(specs):
    return json.dumps({"vms": [dataclasses.asdict(s) for s in specs]}, indent=2) + "\n"
