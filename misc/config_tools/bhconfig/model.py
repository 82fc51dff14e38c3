"""The board and scenario as plain frozen dataclasses (what the generators read)."""
from __future__ import annotations

import dataclasses

frozen = dataclasses.dataclass(frozen=True)

MIB = 1 << 20


# ---- board ---------------------------------------------------------------

@frozen
class Cpu:
    id: int          # pCPU index, 0..n-1
    apic_id: int
    core: int
    thread: int


@frozen
class MemRange:
    start: int
    size: int
    type: str        # ram | reserved | acpi | nvs

    @property
    def end(self) -> int:
        return self.start + self.size


@frozen
class Ioapic:
    id: int
    address: int
    gsi_base: int
    pins: int


@frozen
class Serial:
    port: int
    irq: int


@frozen
class PciBar:
    index: int
    kind: str        # io | mem32 | mem64
    base: int
    size: int
    prefetchable: bool = False

    @property
    def end(self) -> int:
        return self.base + self.size


@frozen
class PciDevice:
    bdf: str         # "bb:dd.f", lower-case hex
    bus: int
    dev: int
    fn: int
    vendor: int
    device: int
    class_code: int  # 24 bits: class, subclass, programming interface
    name: str = ""
    bars: tuple[PciBar, ...] = ()
    intx_pin: str | None = None     # A..D
    intx_line: int | None = None
    msi_vectors: int | None = None
    msix_table_size: int | None = None


@frozen
class Emulator:
    kind: str        # bochs | qemu (read by misc/emu, kept here for completeness)
    cpu_model: str
    memory_mib: int
    ips: int | None = None
    machine: str | None = None
    cpu_features: str | None = None


@frozen
class Board:
    name: str
    description: str
    cpus: tuple[Cpu, ...]
    features: frozenset[str]
    memory: tuple[MemRange, ...]
    ioapics: tuple[Ioapic, ...]
    serials: tuple[Serial, ...]
    pci: tuple[PciDevice, ...]
    tsc_khz: int | None = None
    emulators: tuple[Emulator, ...] = ()
    processor_count: int = 0     # <processors count=>; checks compare it with cpus
    source: str = dataclasses.field(default="", compare=False)   # the file, for messages

    def ram(self) -> tuple[MemRange, ...]:
        return tuple(r for r in self.memory if r.type == "ram")

    def device(self, bdf: str) -> PciDevice | None:
        for d in self.pci:
            if d.bdf == bdf:
                return d
        return None


# ---- scenario ------------------------------------------------------------

@frozen
class Hypervisor:
    log_level: str           # error | warning | info | debug
    console_port: int
    scheduler: str | None    # SCHED_NOOP | SCHED_BVT | SCHED_IORR; None: the Kconfig default
    pt_irq_entries: int = 64
    emulated_mmio_regions: int = 16


@frozen
class Module:
    tag: str
    file: str


@frozen
class Vuart:
    port: int
    irq: int


@frozen
class VuartLink:
    id: int
    port: int
    irq: int
    peer_vm: str             # the peer VM's name
    peer_link: int           # the id of the peer's link that points back here


@frozen
class Kernel:
    module_tag: str
    image_type: str          # BZIMAGE | MULTIBOOT | RAW
    load_addr: int | None = None
    bootargs: str = ""
    ramdisk_tag: str | None = None
    extra_module_tags: tuple[str, ...] = ()


@frozen
class Vm:
    id: int
    name: str
    load_order: str          # PRE_LAUNCHED | SERVICE_VM | POST_LAUNCHED
    vm_type: str             # STANDARD | RTVM
    cpu_affinity: tuple[int, ...]
    mem_size: int
    mem_gpa: int | None = None
    mem_hpa: int | None = None
    lapic_passthrough: bool = False
    console_vuart: Vuart | None = None
    vuart_links: tuple[VuartLink, ...] = ()
    kernel: Kernel | None = None
    passthrough: tuple[str, ...] = ()   # BDFs, lower-case hex

    @property
    def label(self) -> str:
        return f"VM '{self.name}' (id {self.id})"


@frozen
class Scenario:
    name: str
    description: str
    hypervisor: Hypervisor
    modules: tuple[Module, ...]
    vms: tuple[Vm, ...]
    source: str = dataclasses.field(default="", compare=False)   # the file, for messages

    def vm(self, name: str) -> Vm | None:
        for v in self.vms:
            if v.name == name:
                return v
        return None
