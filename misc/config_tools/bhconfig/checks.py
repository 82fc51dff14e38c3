"""Semantic checks of a scenario on a board: what the XSD cannot say."""
from __future__ import annotations

from collections import defaultdict

from .board_checks import _overlap, _rng
from .model import MIB, Board, Scenario, Vm

ALIGN = 2 * MIB                   # VM memory is mapped with 2 MiB EPT pages
HV_HEAP = 32 * MIB                # page tables, EPT: RAM no VM may take
# The hypervisor is loaded at 16 MiB; the first MiB holds firmware data and the AP trampoline.
HV_RESERVED = ((0x0, 0x100000, "the first MiB (firmware, AP trampoline)"),
               (0x1000000, 0x2000000, "the hypervisor image at 16 MiB"))
UART_PORTS = 8                    # a 16550 decodes 8 I/O ports


def check(board: Board, sc: Scenario, limits: dict) -> list[str]:
    """Every semantic problem of `sc` on `board` under the Kconfig values
    `limits` (MAX_PCPU, MAX_VM, MAX_VCPU_PER_VM, and SCHEDULER: the default
    scheduler for a scenario that names none); [] if none."""
    out: list[str] = []
    p = sc.source
    ports = [s.port for s in board.serials]
    if sc.hypervisor.console_port not in ports:
        have = ", ".join(f"{x:#x}" for x in ports) or "none"
        out.append(f"{p}: <hypervisor>/<console_port> {sc.hypervisor.console_port:#x}: not a serial "
                   f"port of board '{board.name}' (it has: {have})")
    tags: dict[str, int] = {}
    for i, mod in enumerate(sc.modules):
        if mod.tag in tags:
            out.append(f'{p}: <modules>/<module tag="{mod.tag}">: tag \'{mod.tag}\' is used by '
                       f"another <module> too; tags must be unique")
        tags[mod.tag] = i
    out += _check_limits(board, sc, limits)
    out += _check_vms(sc)
    out += _check_cpus(board, sc, limits)
    out += _check_memory(board, sc)
    out += _check_kernels(sc, set(tags))
    out += _check_devices(board, sc)
    out += _check_vuarts(sc)
    return out


def _check_limits(board: Board, sc: Scenario, limits: dict[str, int]) -> list[str]:
    out, p = [], sc.source
    if "MAX_PCPU" in limits and len(board.cpus) > limits["MAX_PCPU"]:
        out.append(f'{board.source}: <processors count="{len(board.cpus)}">: the board has '
                   f'{len(board.cpus)} pCPUs but the build allows MAX_PCPU={limits["MAX_PCPU"]} '
                   f"(raise CONFIG_MAX_PCPU)")
    if "MAX_VM" in limits and len(sc.vms) > limits["MAX_VM"]:
        out.append(f"{p}: <scenario>: {len(sc.vms)} VMs but the build allows MAX_VM="
                   f"{limits['MAX_VM']} (raise CONFIG_MAX_VM)")
    for vm in sc.vms:
        if "MAX_VCPU_PER_VM" in limits and len(vm.cpu_affinity) > limits["MAX_VCPU_PER_VM"]:
            out.append(f"{p}: {vm.label}: <cpu_affinity>: {len(vm.cpu_affinity)} vCPUs but the build "
                       f"allows MAX_VCPU_PER_VM={limits['MAX_VCPU_PER_VM']} "
                       f"(raise CONFIG_MAX_VCPU_PER_VM)")
    return out


def _check_vms(sc: Scenario) -> list[str]:
    out, p = [], sc.source
    names: dict[str, Vm] = {}
    service = [v for v in sc.vms if v.load_order == "SERVICE_VM"]
    for i, vm in enumerate(sc.vms):
        at = f"{p}: {vm.label}:"
        if vm.id != i:
            out.append(f'{at} <vm id="{vm.id}">: VM ids must be 0..n-1 in document order; '
                       f"expected id {i} here")
        if vm.name in names:
            out.append(f"{at} <name> '{vm.name}': the name is also used by {names[vm.name].label}")
        names.setdefault(vm.name, vm)
        if vm.load_order == "SERVICE_VM" and vm is not service[0]:
            out.append(f"{at} <load_order> SERVICE_VM: {service[0].label} is already the Service VM; "
                       "a scenario has at most one")
        if vm.load_order == "POST_LAUNCHED":
            if vm.kernel is not None:
                out.append(f"{at} <kernel>: a post-launched VM has no <kernel>; the device model "
                           "in the Service VM loads it")
            if not service:
                out.append(f"{at} <load_order> POST_LAUNCHED: the scenario has no SERVICE_VM to "
                           "launch it")
        elif vm.kernel is None:
            who = "the Service VM" if vm.load_order == "SERVICE_VM" else "a pre-launched VM"
            out.append(f"{at} <kernel>: missing; {who} needs a <kernel> to boot")
        if vm.vm_type == "RTVM" and vm.load_order == "SERVICE_VM":
            out.append(f"{at} <vm_type> RTVM: the Service VM cannot be an RTVM; an RTVM is "
                       "PRE_LAUNCHED or POST_LAUNCHED")
        if vm.lapic_passthrough and vm.load_order != "PRE_LAUNCHED":
            out.append(f"{at} <lapic_passthrough> y: only PRE_LAUNCHED VMs can have LAPIC "
                       f"passthrough (this one is {vm.load_order})")
    return out


def _check_cpus(board: Board, sc: Scenario, limits: dict) -> list[str]:
    out, p, n = [], sc.source, len(board.cpus)
    users: dict[int, list[Vm]] = defaultdict(list)
    for vm in sc.vms:
        at = f"{p}: {vm.label}:"
        if not vm.cpu_affinity:
            out.append(f"{at} <cpu_affinity>: empty; list at least one <pcpu_id>")
        for i, c in enumerate(vm.cpu_affinity):
            if c >= n:
                out.append(f"{at} <cpu_affinity>/<pcpu_id> {c}: pCPU {c} does not exist on board "
                           f"'{board.name}' (it has pCPUs 0-{n - 1})")
            elif c in vm.cpu_affinity[:i]:
                out.append(f"{at} <cpu_affinity>/<pcpu_id> {c}: pCPU {c} is listed twice")
            else:
                users[c].append(vm)
        if vm.lapic_passthrough and "x2apic" not in board.features:
            out.append(f"{at} <lapic_passthrough> y: board '{board.name}' has no x2APIC "
                       "(<processors>/<features>); LAPIC passthrough needs it")
    for c, vms in sorted(users.items()):
        for vm in vms:
            for other in (o for o in vms if o is not vm):
                at = f"{p}: {vm.label}: <cpu_affinity>/<pcpu_id> {c}: pCPU {c} is also used by {other.label}"
                if vm.lapic_passthrough:
                    out.append(f"{at}; a VM with LAPIC passthrough needs pCPUs of its own")
                elif vm.load_order == "PRE_LAUNCHED":
                    out.append(f"{at}; a pre-launched VM's pCPUs must be its own")
                elif vm.vm_type == "RTVM":
                    out.append(f"{at}; an RTVM's pCPUs must be its own")
        exclusive = any(v.lapic_passthrough or v.load_order == "PRE_LAUNCHED" or v.vm_type == "RTVM"
                        for v in vms)
        sched = sc.hypervisor.scheduler or limits.get("SCHEDULER", "SCHED_NOOP")
        if len(vms) > 1 and not exclusive and sched == "SCHED_NOOP":
            origin = "<hypervisor>/<scheduler>" if sc.hypervisor.scheduler else "the Kconfig default scheduler"
            out.append(f"{p}: {origin} SCHED_NOOP: pCPU {c} is shared by "
                       f"{' and '.join(v.label for v in vms)}, but SCHED_NOOP runs one vCPU per "
                       "pCPU; use SCHED_BVT or SCHED_IORR, or give each VM its own pCPUs")
    return out


def _check_memory(board: Board, sc: Scenario) -> list[str]:
    out, p = [], sc.source
    placed = []                                   # (vm, start, end) of pre-launched VMs
    for vm in sc.vms:
        at = f"{p}: {vm.label}: <memory>"
        if vm.mem_size % ALIGN:
            out.append(f"{at}/<size> {vm.mem_size:#x}: not a multiple of 2 MiB")
        for tag, val in (("start_gpa", vm.mem_gpa), ("start_hpa", vm.mem_hpa)):
            if val is not None and vm.load_order != "PRE_LAUNCHED":
                who = "the hypervisor places the Service VM" if vm.load_order == "SERVICE_VM" \
                    else "the device model places a post-launched VM"
                out.append(f"{at}/<{tag}> {val:#x}: only a PRE_LAUNCHED VM gives {tag}; {who}")
            elif val is None and vm.load_order == "PRE_LAUNCHED":
                out.append(f"{at}: missing <{tag}>; a PRE_LAUNCHED VM needs it")
            elif val is not None and val % ALIGN:
                out.append(f"{at}/<{tag}> {val:#x}: not 2 MiB aligned")
        if vm.load_order == "PRE_LAUNCHED" and vm.mem_gpa not in (None, 0):
            out.append(f"{at}/<start_gpa> {vm.mem_gpa:#x}: must be 0 (guest RAM starts at GPA 0)")
        if vm.load_order != "PRE_LAUNCHED" or vm.mem_hpa is None:
            continue
        start, end = vm.mem_hpa, vm.mem_hpa + vm.mem_size
        span = f"{at}/<start_hpa> {start:#x}: {_rng(start, end)}"
        if not any(r.start <= start and end <= r.end for r in board.ram()):
            out.append(f"{span} does not lie inside one RAM range of board '{board.name}' "
                       "(see its <memory>)")
        for r0, r1, what in HV_RESERVED:
            if _overlap(start, end, r0, r1):
                out.append(f"{span} overlaps {what} {_rng(r0, r1)}, which the hypervisor keeps")
        for other, o0, o1 in placed:
            if _overlap(start, end, o0, o1):
                out.append(f"{span} overlaps the memory of {other.label} {_rng(o0, o1)}")
        placed.append((vm, start, end))
    # What is left of the board's RAM for the Service VM and the hypervisor's heap.
    taken = [(r0, r1) for r0, r1, _ in HV_RESERVED] + [(a, b) for _, a, b in placed]
    free = sum(r.size for r in board.ram())
    for r in board.ram():
        for a, b in _merge(taken):
            free -= max(0, min(r.end, b) - max(r.start, a))
    service = next((v for v in sc.vms if v.load_order == "SERVICE_VM"), None)
    if service is not None and service.mem_size + HV_HEAP > free:
        left = max(free - HV_HEAP, 0)
        out.append(f"{p}: {service.label}: <memory>/<size> {service.mem_size:#x}: the Service VM needs "
                   f"{service.mem_size // MIB} MiB, but board '{board.name}' has only {left // MIB} MiB "
                   f"for it ({max(free, 0) // MIB} MiB of RAM outside the hypervisor and the pre-launched "
                   f"VMs, less the hypervisor's {HV_HEAP // MIB} MiB heap)")
    elif service is None and free < HV_HEAP:
        out.append(f"{p}: <scenario>: the pre-launched VMs leave {max(free, 0) // MIB} MiB of board "
                   f"'{board.name}' RAM unassigned; the hypervisor needs {HV_HEAP // MIB} MiB for its heap")
    return out


def _merge(spans):
    merged: list[list[int]] = []
    for a, b in sorted(spans):
        if merged and a <= merged[-1][1]:
            merged[-1][1] = max(merged[-1][1], b)
        else:
            merged.append([a, b])
    return merged


def _check_kernels(sc: Scenario, tags: set[str]) -> list[str]:
    out, p = [], sc.source
    for vm in sc.vms:
        k = vm.kernel
        if k is None:
            continue
        at = f"{p}: {vm.label}: <kernel>"
        named = [("module_tag", k.module_tag)] + ([("ramdisk_tag", k.ramdisk_tag)] if k.ramdisk_tag
                                                 else []) + [("extra_module_tags>/<tag", t)
                                                             for t in k.extra_module_tags]
        for elem, tag in named:
            if tag not in tags:
                out.append(f"{at}/<{elem}> '{tag}': no <module tag=\"{tag}\"> in <modules>")
        if k.image_type == "RAW" and k.load_addr is None:
            out.append(f"{at}: missing <load_addr>; image_type RAW needs it")
        if k.load_addr is not None and vm.load_order == "PRE_LAUNCHED" and vm.mem_gpa is not None \
                and not vm.mem_gpa <= k.load_addr < vm.mem_gpa + vm.mem_size:
            out.append(f"{at}/<load_addr> {k.load_addr:#x}: outside the VM's memory "
                       f"{_rng(vm.mem_gpa, vm.mem_gpa + vm.mem_size)}")
    return out


def _check_devices(board: Board, sc: Scenario) -> list[str]:
    out, p, owner = [], sc.source, {}
    for vm in sc.vms:
        for bdf in vm.passthrough:
            at = f'{p}: {vm.label}: <passthrough_devices>/<pci bdf="{bdf}">'
            dev = board.device(bdf)
            if vm.load_order != "PRE_LAUNCHED":
                out.append(f"{at}: only PRE_LAUNCHED VMs get passthrough devices (this one is "
                           f"{vm.load_order}; the Service VM owns every device not passed through)")
            if dev is None:
                out.append(f"{at}: board '{board.name}' has no PCI device {bdf} (see its <pci>)")
            elif dev.class_code >> 8 == 0x0600:
                out.append(f"{at}: {bdf} is the host bridge, which cannot be passed through")
            if bdf in owner:
                again = "assigned twice to this VM" if owner[bdf] is vm else \
                    f"also assigned to {owner[bdf].label}"
                out.append(f"{at}: device {bdf} is {again}")
            owner.setdefault(bdf, vm)
    return out


def _check_vuarts(sc: Scenario) -> list[str]:
    out, p = [], sc.source
    for vm in sc.vms:
        at = f"{p}: {vm.label}:"
        windows = [("<console_vuart>", vm.console_vuart.port)] if vm.console_vuart else []
        ids: set[int] = set()
        for link in vm.vuart_links:
            here = f'<vuart_links>/<link id="{link.id}">'
            if link.id in ids:
                out.append(f"{at} {here}: link id {link.id} is used twice in this VM")
            ids.add(link.id)
            for name, port in windows:
                if _overlap(link.port, link.port + UART_PORTS, port, port + UART_PORTS):
                    out.append(f"{at} {here}/@port {link.port:#x}: collides with {name} at {port:#x} "
                               f"(a UART decodes {UART_PORTS} ports)")
            windows.append((here, link.port))
            peer = sc.vm(link.peer_vm)
            if peer is None:
                out.append(f"{at} {here}/@peer_vm '{link.peer_vm}': no VM of that name")
                continue
            if peer is vm:
                out.append(f"{at} {here}/@peer_vm '{link.peer_vm}': a link cannot point to its own VM")
                continue
            back = [x for x in peer.vuart_links if x.id == link.peer_link]
            if not back:
                out.append(f"{at} {here}/@peer_link {link.peer_link}: {peer.label} has no "
                           f'<link id="{link.peer_link}">')
            elif back[0].peer_vm != vm.name or back[0].peer_link != link.id:
                out.append(f"{at} {here}/@peer_link {link.peer_link}: {peer.label}'s <link "
                           f'id="{link.peer_link}"> points to \'{back[0].peer_vm}\' link '
                           f"{back[0].peer_link}, not back to this one")
    return out
