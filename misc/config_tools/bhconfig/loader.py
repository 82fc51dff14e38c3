"""Reads board and scenario XML: XSD validation, then conversion into bhconfig.model."""
from __future__ import annotations

import functools
import os

from lxml import etree
import xmlschema

from . import model as m
from .board_checks import check_board
from .checks import check
from .errors import ConfigError, located, where, xsd_message

SCHEMA_DIR = os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))), "schema")
U64 = (1 << 64) - 1
PHYS = (1 << 52) - 1            # the architectural maximum physical address width


@functools.cache
def _schema(kind: str) -> xmlschema.XMLSchema:
    return xmlschema.XMLSchema(os.path.join(SCHEMA_DIR, f"{kind}.xsd"))


def _parse(path: str, kind: str):
    """The lxml root of a schema-valid file, or ConfigError listing every schema error."""
    try:
        tree = etree.parse(path, etree.XMLParser(remove_blank_text=False, resolve_entities=False))
    except OSError as err:
        raise ConfigError([f"{path}: cannot read: {err}"]) from None
    except etree.XMLSyntaxError as err:
        line = err.position[0] if err.position else err.lineno
        raise ConfigError([f"{path}:{line}: not well-formed XML: {err.msg}"]) from None
    root = tree.getroot()
    if root.tag != kind:
        raise ConfigError([f"{path}:{root.sourceline}: <{root.tag}>: the root element of a "
                           f"{kind} file must be <{kind}>"])
    found = {}
    for err in _schema(kind).iter_errors(tree):
        elem, text = xsd_message(err)
        found.setdefault(located(path, elem, text), getattr(elem, "sourceline", 0) or 0)
    if found:
        raise ConfigError(sorted(found, key=found.get))   # in file order; the sort is stable
    return root


class _Reader:
    """Converts numbers and collects range errors with their file, line and element."""

    def __init__(self, path: str):
        self.path = path
        self.errors: list[str] = []

    def num(self, elem, attr: str | None = None, lo: int = 0, hi: int = U64,
            default: int | None = None) -> int | None:
        if elem is None:
            return default
        text = (elem.get(attr) if attr else elem.text)
        if text is None:
            return default
        text = text.strip()
        value = int(text, 16) if text[:2].lower() == "0x" else int(text, 10)
        if not lo <= value <= hi:
            show = (lambda x: f"{x:#x}") if hi > 0xFFFF else str
            self.errors.append(located(self.path, elem, f"{where(elem, attr)} {text}: "
                                       f"out of range ({show(lo)} to {show(hi)})"))
        return value

    def text(self, elem, tag: str, default: str | None = None) -> str | None:
        child = elem.find(tag)
        if child is None:
            return default
        return (child.text or "").strip()

    def done(self):
        if self.errors:
            raise ConfigError(self.errors)


def _bdf(text: str) -> tuple[str, int, int, int]:
    text = text.strip().lower()
    bus, rest = text.split(":")
    dev, fn = rest.split(".")
    return text, int(bus, 16), int(dev, 16), int(fn, 16)


def _device(r: _Reader, e) -> m.PciDevice:
    bdf, bus, dev, fn = _bdf(e.get("bdf"))
    bars = []
    for b in e.findall("bar"):
        kind = b.get("type")
        top = {"io": 0xFFFF, "mem32": 0xFFFFFFFF}.get(kind, U64)
        bars.append(m.PciBar(index=r.num(b, "index", 0, 5), kind=kind,
                             base=r.num(b, "base", 0, top), size=r.num(b, "size", 1, top),
                             prefetchable=b.get("prefetchable", "false") in ("true", "1")))
    intx, msi, msix = e.find("intx"), e.find("msi"), e.find("msix")
    return m.PciDevice(
        bdf=bdf, bus=bus, dev=dev, fn=fn,
        vendor=r.num(e, "vendor", 0, 0xFFFF), device=r.num(e, "device", 0, 0xFFFF),
        class_code=r.num(e, "class", 0, 0xFFFFFF), name=e.get("name", ""), bars=tuple(bars),
        intx_pin=intx.get("pin") if intx is not None else None,
        intx_line=r.num(intx, "line", 0, 255),
        msi_vectors=r.num(msi, "vectors", 1, 32), msix_table_size=r.num(msix, "table_size", 1, 2048))


def _emulator(r: _Reader, e) -> m.Emulator:
    return m.Emulator(kind=e.get("kind"), cpu_model=e.get("cpu_model"),
                      memory_mib=r.num(e, "memory_mib", 1), ips=r.num(e, "ips", 1),
                      machine=e.get("machine"), cpu_features=e.get("cpu_features"))


def read_board(path: str) -> m.Board:
    """The board as written (schema-valid, numbers converted), without the semantic checks."""
    root = _parse(path, "board")
    r = _Reader(path)
    procs = root.find("processors")
    cpus = tuple(m.Cpu(id=r.num(c, "id", 0, 0xFFFF), apic_id=r.num(c, "apic_id", 0, 0xFFFFFFFF),
                       core=r.num(c, "core", 0, 0xFFFF), thread=r.num(c, "thread", 0, 0xFFFF))
                 for c in procs.findall("cpu"))
    board = m.Board(
        name=root.get("name"),
        description=r.text(root, "description", ""),
        cpus=cpus,
        features=frozenset((procs.findtext("features") or "").split()),
        memory=tuple(m.MemRange(start=r.num(x, "start", 0, PHYS), size=r.num(x, "size", 1, PHYS),
                                type=x.get("type")) for x in root.find("memory")
                     if x.tag == "range"),
        ioapics=tuple(m.Ioapic(id=r.num(x, "id", 0, 255), address=r.num(x, "address", 0, 0xFFFFFFFF),
                               gsi_base=r.num(x, "gsi_base", 0, 0xFFFF), pins=r.num(x, "pins", 1, 240))
                      for x in root.find("ioapics") if x.tag == "ioapic"),
        serials=tuple(m.Serial(port=r.num(x, "port", 1, 0xFFF8), irq=r.num(x, "irq", 0, 255))
                      for x in root.find("serial_ports") if x.tag == "serial"),
        pci=tuple(_device(r, x) for x in root.find("pci") if x.tag == "device"),
        tsc_khz=r.num(root.find("tsc_khz"), lo=1, hi=100_000_000),
        emulators=tuple(_emulator(r, e) for e in root.findall("emulator")),
        processor_count=r.num(procs, "count", 1, 0xFFFF),
        source=path)
    r.done()
    return board


def load_board(path: str) -> m.Board:
    """The board, or ConfigError with every schema, number and board-level problem."""
    board = read_board(path)
    problems = check_board(board)
    if problems:
        raise ConfigError(problems)
    return board


def _kernel(r: _Reader, k) -> m.Kernel | None:
    if k is None:
        return None
    extra = k.find("extra_module_tags")
    bootargs = k.find("bootargs")
    return m.Kernel(module_tag=r.text(k, "module_tag"), image_type=r.text(k, "image_type"),
                    load_addr=r.num(k.find("load_addr"), hi=PHYS),
                    bootargs=" ".join((bootargs.text or "").split()) if bootargs is not None else "",
                    ramdisk_tag=r.text(k, "ramdisk_tag"),
                    extra_module_tags=tuple((t.text or "").strip() for t in extra.findall("tag"))
                    if extra is not None else ())


def _vm(r: _Reader, v) -> m.Vm:
    mem = v.find("memory")
    cv = v.find("console_vuart")
    links = v.find("vuart_links")
    pt = v.find("passthrough_devices")
    return m.Vm(
        id=r.num(v, "id", 0, 0xFFFF),
        name=r.text(v, "name"),
        load_order=r.text(v, "load_order"),
        vm_type=r.text(v, "vm_type"),
        cpu_affinity=tuple(r.num(p, hi=0xFFFF) for p in v.find("cpu_affinity").findall("pcpu_id")),
        mem_size=r.num(mem.find("size"), lo=1, hi=PHYS),
        mem_gpa=r.num(mem.find("start_gpa"), hi=PHYS),
        mem_hpa=r.num(mem.find("start_hpa"), hi=PHYS),
        lapic_passthrough=r.text(v, "lapic_passthrough", "n") == "y",
        console_vuart=m.Vuart(port=r.num(cv, "port", 0, 0xFFF8), irq=r.num(cv, "irq", 0, 255))
        if cv is not None else None,
        vuart_links=tuple(m.VuartLink(id=r.num(x, "id", 0, 255), port=r.num(x, "port", 0, 0xFFF8),
                                      irq=r.num(x, "irq", 0, 255), peer_vm=x.get("peer_vm"),
                                      peer_link=r.num(x, "peer_link", 0, 255))
                          for x in links.findall("link")) if links is not None else (),
        kernel=_kernel(r, v.find("kernel")),
        passthrough=tuple(_bdf(p.get("bdf"))[0] for p in pt.findall("pci")) if pt is not None else ())


def load_scenario(path: str) -> m.Scenario:
    """The scenario (schema-valid, numbers converted), or ConfigError with every problem."""
    root = _parse(path, "scenario")
    r = _Reader(path)
    hv = root.find("hypervisor")
    limits = hv.find("limits")
    mods = root.find("modules")
    scenario = m.Scenario(
        name=root.get("name"),
        description=r.text(root, "description", ""),
        hypervisor=m.Hypervisor(
            log_level=r.text(hv, "log_level"),
            console_port=r.num(hv.find("console_port"), lo=1, hi=0xFFF8),
            scheduler=r.text(hv, "scheduler"),
            pt_irq_entries=r.num(limits, "pt_irq_entries", 1, 4096, default=64),
            emulated_mmio_regions=r.num(limits, "emulated_mmio_regions", 1, 4096, default=16)),
        modules=tuple(m.Module(tag=x.get("tag"), file=x.get("file"))
                      for x in mods.findall("module")) if mods is not None else (),
        vms=tuple(_vm(r, v) for v in root.findall("vm")),
        source=path)
    r.done()
    return scenario


def load_and_check(board_path: str, scenario_path: str, limits: dict[str, int]):
    """(Board, Scenario) when both are usable together; ConfigError with every problem otherwise."""
    messages = []
    board = scenario = None
    try:
        board = load_board(board_path)
    except ConfigError as err:
        messages += err.messages
    try:
        scenario = load_scenario(scenario_path)
    except ConfigError as err:
        messages += err.messages
    if board is not None and scenario is not None:
        messages += check(board, scenario, limits)
    if messages:
        raise ConfigError(messages)
    return board, scenario
