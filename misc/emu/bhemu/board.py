"""Reads what the runner needs from a board description (board/*.xml) into plain data.

Standard library only: the full format is checked by misc/config_tools/bhconfig
(board.xsd); this reader takes the <emulator> elements, <processors count=> and the
first serial port, which is the console."""
import dataclasses
import xml.etree.ElementTree as ET

from . import UsageError

# Legacy PC UART bases in COM order; both emulators number their ports so.
COM_PORTS = (0x3F8, 0x2F8, 0x3E8, 0x2E8)
KINDS = ("bochs", "qemu")


@dataclasses.dataclass(frozen=True)
class Emulator:
    kind: str                 # "bochs" or "qemu"
    cpu_model: str            # Bochs `cpu: model=` or QEMU `-cpu`
    memory_mib: int
    ips: int | None = None    # Bochs only: emulated instructions per second
    machine: str | None = None       # QEMU only: `-machine`
    cpu_features: str | None = None  # QEMU only: appended to `-cpu model,`


@dataclasses.dataclass(frozen=True)
class Board:
    name: str
    description: str
    emulators: tuple[Emulator, ...]   # the first one is the default
    processors: int
    serial_port: int
    serial_irq: int

    @property
    def com_index(self) -> int:
        """0 for COM1 ... 3 for COM4."""
        return COM_PORTS.index(self.serial_port)

    def emulator(self, kind: str | None) -> Emulator:
        if kind is None:
            return self.emulators[0]
        for emu in self.emulators:
            if emu.kind == kind:
                return emu
        have = ", ".join(e.kind for e in self.emulators)
        raise UsageError(f"board {self.name} has no {kind} description (it has: {have})")


def _int(elem: ET.Element, attr: str, path: str, required: bool = True) -> int | None:
    text = elem.get(attr)
    if text is None:
        if required:
            raise UsageError(f"{path}: <{elem.tag}> needs attribute {attr}=")
        return None
    try:
        value = int(text, 0)
    except ValueError:
        raise UsageError(f"{path}: <{elem.tag} {attr}=\"{text}\"> is not an integer") from None
    if value <= 0 and attr != "irq":
        raise UsageError(f"{path}: <{elem.tag} {attr}=\"{text}\"> must be positive")
    return value


def _one(root: ET.Element, tag: str, path: str) -> ET.Element:
    found = root.findall(tag)
    if len(found) != 1:
        raise UsageError(f"{path}: expected exactly one <{tag}>, found {len(found)}")
    return found[0]


def _emulator(elem: ET.Element, path: str) -> Emulator:
    kind = elem.get("kind")
    if kind not in KINDS:
        raise UsageError(f"{path}: <emulator kind=\"{kind}\"> must be one of {', '.join(KINDS)}")
    model = elem.get("cpu_model")
    if not model:
        raise UsageError(f"{path}: <emulator> needs attribute cpu_model=")
    if kind == "bochs":
        for attr in ("machine", "cpu_features"):
            if elem.get(attr) is not None:
                raise UsageError(f"{path}: {attr}= applies to qemu only")
    elif elem.get("ips") is not None:
        raise UsageError(f"{path}: ips= applies to bochs only")
    return Emulator(kind=kind, cpu_model=model,
                    memory_mib=_int(elem, "memory_mib", path),
                    ips=_int(elem, "ips", path, required=(kind == "bochs")),
                    machine=elem.get("machine", "pc") if kind == "qemu" else None,
                    cpu_features=elem.get("cpu_features"))


def load(path: str) -> Board:
    try:
        root = ET.parse(path).getroot()
    except (OSError, ET.ParseError) as err:
        raise UsageError(f"cannot read board file {path}: {err}") from None
    if root.tag != "board" or not root.get("name"):
        raise UsageError(f"{path}: the root element must be <board name=\"...\">")
    emulators = tuple(_emulator(e, path) for e in root.findall("emulator"))
    if not emulators:
        raise UsageError(f"{path}: no <emulator> element")
    if len({e.kind for e in emulators}) != len(emulators):
        raise UsageError(f"{path}: at most one <emulator> per kind")
    # The console is the first of the board's serial ports (<serial_ports>/<serial>).
    serial = root.find("serial_ports/serial")
    if serial is None:
        raise UsageError(f"{path}: no <serial_ports>/<serial> element (the console needs one)")
    port = _int(serial, "port", path)
    if port not in COM_PORTS:
        raise UsageError(f"{path}: <serial port=\"{serial.get('port')}\"> is not a COM1-4 base")
    desc = root.find("description")
    return Board(name=root.get("name"),
                 description=(desc.text or "").strip() if desc is not None else "",
                 emulators=emulators,
                 processors=_int(_one(root, "processors", path), "count", path),
                 serial_port=port,
                 serial_irq=_int(serial, "irq", path))
