"""Semantic checks of a board description: what the XSD cannot say."""
from __future__ import annotations

from .model import MIB, Board


def _rng(start: int, end: int) -> str:
    return f"[{start:#x}-{end:#x})"


def _overlap(a0: int, a1: int, b0: int, b1: int) -> bool:
    return a0 < b1 and b0 < a1


def _pow2(x: int) -> bool:
    return x > 0 and x & (x - 1) == 0


# ---- board ---------------------------------------------------------------

def check_board(b: Board) -> list[str]:
    """Board-level problems: CPU numbering, overlaps, PCI consistency."""
    p, out = b.source, []
    if b.processor_count != len(b.cpus):
        out.append(f'{p}: <processors count="{b.processor_count}">: count is {b.processor_count} '
                   f'but {len(b.cpus)} <cpu> elements are listed')
    apic = {}
    for i, c in enumerate(b.cpus):
        if c.id != i:
            out.append(f'{p}: <processors>/<cpu id="{c.id}">: pCPU ids must be 0..n-1 in '
                       f'document order; expected id {i} here')
        if c.apic_id in apic:
            out.append(f'{p}: <processors>/<cpu id="{c.id}">/@apic_id {c.apic_id}: APIC ID '
                       f'{c.apic_id} is also used by <cpu id="{apic[c.apic_id]}">')
        apic.setdefault(c.apic_id, c.id)
    if not b.ram():
        out.append(f'{p}: <memory>: no <range type="ram">')
    mem = sorted(b.memory, key=lambda r: r.start)
    for a, c in zip(mem, mem[1:]):
        if c.start < a.end:
            out.append(f'{p}: <memory>/<range start="{c.start:#x}">: {_rng(c.start, c.end)} overlaps '
                       f'<range start="{a.start:#x}"> {_rng(a.start, a.end)}')
    for e in b.emulators:
        have = sum(r.size for r in b.memory if r.type != "reserved")
        if have > e.memory_mib * MIB:
            out.append(f'{p}: <emulator kind="{e.kind}">/@memory_mib {e.memory_mib}: the ram/acpi/nvs '
                       f'ranges of <memory> add up to {have / MIB:.1f} MiB, more than the emulator has')
    seen: dict = {}
    for io in b.ioapics:
        if io.id in seen:
            out.append(f'{p}: <ioapics>/<ioapic id="{io.id}">: IOAPIC id {io.id} is listed twice')
        seen[io.id] = io
    for io, other in ((x, y) for i, x in enumerate(b.ioapics) for y in b.ioapics[:i]):
        if _overlap(io.gsi_base, io.gsi_base + io.pins, other.gsi_base, other.gsi_base + other.pins):
            out.append(f'{p}: <ioapics>/<ioapic id="{io.id}">: GSIs {io.gsi_base}-'
                       f'{io.gsi_base + io.pins - 1} overlap those of <ioapic id="{other.id}">')
    ports = set()
    for s in b.serials:
        if s.port in ports:
            out.append(f'{p}: <serial_ports>/<serial port="{s.port:#x}">: port listed twice')
        ports.add(s.port)
    return out + _check_pci(b)


def _check_pci(b: Board) -> list[str]:
    p, out, bdfs, windows = b.source, [], set(), []
    for d in b.pci:
        at = f'{p}: <pci>/<device bdf="{d.bdf}">'
        if d.bdf in bdfs:
            out.append(f"{at}: BDF {d.bdf} is listed twice")
        bdfs.add(d.bdf)
        used: dict[int, int] = {}
        for bar in d.bars:
            where = f'{at}/<bar index="{bar.index}">'
            slots = (bar.index, bar.index + 1) if bar.kind == "mem64" else (bar.index,)
            if bar.kind == "mem64" and bar.index == 5:
                out.append(f"{where}: a mem64 BAR takes two slots; index 5 is the last one")
            for s in slots:
                if s in used:
                    out.append(f"{where}: BAR slot {s} is also used by <bar index=\"{used[s]}\">")
                used.setdefault(s, bar.index)
            if not _pow2(bar.size):
                out.append(f"{where}/@size {bar.size:#x}: a BAR size is a power of two")
            elif bar.base % bar.size:
                out.append(f"{where}/@base {bar.base:#x}: not aligned to the BAR size {bar.size:#x}")
            space = "io" if bar.kind == "io" else "mem"
            for other, obar, ospace in windows:
                if ospace == space and _overlap(bar.base, bar.end, obar.base, obar.end):
                    out.append(f"{where}: {space} {_rng(bar.base, bar.end)} overlaps <device "
                               f'bdf="{other}">/<bar index="{obar.index}"> {_rng(obar.base, obar.end)}')
            if space == "mem":
                for r in b.ram():
                    if _overlap(bar.base, bar.end, r.start, r.end):
                        out.append(f"{where}: {_rng(bar.base, bar.end)} overlaps RAM "
                                   f'<memory>/<range start="{r.start:#x}">')
            windows.append((d.bdf, bar, space))
    return out


# ---- scenario on a board -------------------------------------------------
