"""Tests of bhconfig: shipped boards and scenarios, model conversion, and one bad fixture per error path.

Run from the repository root:
    /usr/bin/python3 -m unittest discover -s misc/config_tools/tests -v
"""
import dataclasses
import glob
import os
import re
import subprocess
import sys
import tempfile
import textwrap
import unittest

sys.dont_write_bytecode = True
HERE = os.path.dirname(os.path.abspath(__file__))
TOOLS = os.path.dirname(HERE)
ROOT = os.path.dirname(os.path.dirname(TOOLS))
sys.path.insert(0, TOOLS)
sys.path.insert(0, os.path.join(ROOT, "misc", "emu"))

from bhconfig import ConfigError, check, load_and_check, load_board, load_scenario  # noqa: E402

LIMITS = {"MAX_PCPU": 16, "MAX_VM": 8, "MAX_VCPU_PER_VM": 8}   # the Kconfig defaults
BAD = os.path.join(HERE, "bad")
META = re.compile(r"<!-- (expect|board|kind|limits): (.*?) -->")


def board(name):
    return os.path.join(ROOT, "board", f"{name}.xml")


def scenario(name):
    return os.path.join(ROOT, "config", "scenarios", f"{name}.xml")


# Where each shipped scenario must pass.
VALID_ON = {
    "partitioned": ("bochs-vmx-2", "bochs-vmx-4", "qemu-tcg", "ipc-8t-2nic"),
    "shared": ("bochs-vmx-2", "bochs-vmx-4", "qemu-tcg", "ipc-8t-2nic"),
    "hybrid-rt": ("bochs-vmx-4", "ipc-8t-2nic"),
    "industrial": ("ipc-8t-2nic",),
}


class ShippedFiles(unittest.TestCase):
    def test_every_board_loads(self):
        paths = sorted(glob.glob(os.path.join(ROOT, "board", "*.xml")))
        self.assertGreaterEqual(len(paths), 4)
        for path in paths:
            with self.subTest(board=os.path.basename(path)):
                b = load_board(path)
                self.assertEqual(b.name, os.path.basename(path)[:-4])
                self.assertEqual([c.id for c in b.cpus], list(range(len(b.cpus))))

    def test_every_scenario_is_listed(self):
        names = {os.path.basename(p)[:-4] for p in glob.glob(os.path.join(ROOT, "config", "scenarios", "*.xml"))}
        self.assertEqual(names, set(VALID_ON))

    def test_scenarios_pass_where_they_make_sense(self):
        for name, boards in VALID_ON.items():
            for b in boards:
                with self.subTest(scenario=name, board=b):
                    brd, sc = load_and_check(board(b), scenario(name), LIMITS)
                    self.assertEqual(sc.name, name)
                    self.assertEqual(check(brd, sc, LIMITS), [])

    def test_hybrid_rt_on_two_pcpus_fails_as_documented(self):
        path = scenario("hybrid-rt")
        with self.assertRaises(ConfigError) as cm:
            load_and_check(board("bochs-vmx-2"), path, LIMITS)
        self.assertEqual(cm.exception.messages, [
            f"{path}: VM 'RT_CONTROL' (id 0): <cpu_affinity>/<pcpu_id> 3: pCPU 3 does not exist "
            "on board 'bochs-vmx-2' (it has pCPUs 0-1)",
            f"{path}: VM 'USER_VM' (id 2): <cpu_affinity>/<pcpu_id> 2: pCPU 2 does not exist "
            "on board 'bochs-vmx-2' (it has pCPUs 0-1)",
        ])

    def test_industrial_does_not_fit_the_emulated_boards(self):
        for b in ("bochs-vmx-2", "bochs-vmx-4", "qemu-tcg"):
            with self.subTest(board=b), self.assertRaises(ConfigError):
                load_and_check(board(b), scenario("industrial"), LIMITS)

    def test_emulated_board_facts(self):
        b4 = load_board(board("bochs-vmx-4"))
        self.assertEqual([c.apic_id for c in b4.cpus], [0, 1, 2, 3])
        self.assertEqual(b4.tsc_khz, 50000)
        self.assertEqual([(i.id, i.address, i.pins) for i in b4.ioapics], [(4, 0xFEC00000, 24)])
        self.assertIn("x2apic", b4.features)
        self.assertNotIn("posted_interrupts", b4.features)
        self.assertEqual([(r.start, r.end, r.type) for r in b4.memory], [
            (0x0, 0x9F000, "ram"), (0x9F000, 0xA0000, "reserved"), (0xE8000, 0x100000, "reserved"),
            (0x100000, 0xFFF0000, "ram"), (0xFFF0000, 0x10000000, "acpi"),
            (0xFFFC0000, 0x100000000, "reserved")])
        self.assertEqual(b4.device("00:01.1").bars[0].base, 0xC000)
        q = load_board(board("qemu-tcg"))
        self.assertEqual(q.features, frozenset())
        self.assertIsNone(q.tsc_khz)
        vga = q.device("00:02.0")
        self.assertEqual((vga.vendor, vga.device, vga.class_code), (0x1234, 0x1111, 0x030000))
        self.assertTrue(vga.bars[0].prefetchable)
        self.assertFalse(vga.bars[1].prefetchable)

    def test_industrial_pc_facts(self):
        b = load_board(board("ipc-8t-2nic"))
        self.assertEqual([c.apic_id for c in b.cpus], [0, 2, 4, 6, 1, 3, 5, 7])
        self.assertEqual(b.emulators, ())
        self.assertEqual(b.ioapics[0].pins, 120)
        self.assertEqual(len(b.serials), 2)
        nics = [d for d in b.pci if (d.vendor, d.device) == (0x8086, 0x1533)]
        self.assertEqual(len(nics), 2)
        self.assertTrue(all(n.msix_table_size for n in nics))
        self.assertEqual(b.device("03:00.0").msix_table_size, 33)
        ram = sum(r.size for r in b.ram())
        self.assertTrue(15 << 30 < ram <= 16 << 30)

    def test_emulator_runner_reads_the_boards(self):
        from bhemu import board as emu_board
        b = emu_board.load(board("bochs-vmx-4"))
        self.assertEqual((b.processors, b.serial_port, b.serial_irq), (4, 0x3F8, 4))
        self.assertEqual(b.emulator(None).memory_mib, 256)
        self.assertEqual(emu_board.load(board("qemu-tcg")).emulator("qemu").machine, "pc")
        from bhemu import UsageError
        with self.assertRaisesRegex(UsageError, "no <emulator> element"):
            emu_board.load(board("ipc-8t-2nic"))


def fixture_meta(path):
    """The `<!-- key: value -->` comments on the fixture's leading lines."""
    meta = {}
    with open(path, encoding="utf-8") as f:
        for line in f:
            found = META.fullmatch(line.strip())
            if not found:
                break
            meta[found.group(1)] = found.group(2)
    return meta


class BadFixtures(unittest.TestCase):
    def test_every_fixture_has_an_expect_line(self):
        names = sorted(os.listdir(BAD))
        self.assertGreaterEqual(len(names), 40)
        for name in names:
            with self.subTest(fixture=name):
                self.assertTrue(name.endswith(".xml"), "only .xml fixtures belong in tests/bad")
                with open(os.path.join(BAD, name), encoding="utf-8") as f:
                    first = f.readline()
                self.assertRegex(first, r"^<!-- expect: .+ -->$")
                meta = fixture_meta(os.path.join(BAD, name))
                self.assertTrue(meta.get("kind") == "board" or "board" in meta,
                                "needs <!-- board: FILE --> or <!-- kind: board -->")

    def test_every_fixture_fails_with_its_message(self):
        for path in sorted(glob.glob(os.path.join(BAD, "*.xml"))):
            meta = fixture_meta(path)
            with self.subTest(fixture=os.path.basename(path)):
                self.assertIn("expect", meta, "no <!-- expect: ... --> line")
                limits = dict(LIMITS)
                for item in filter(None, meta.get("limits", "").split(",")):
                    key, value = item.split("=")
                    limits[key.strip()] = int(value, 0)
                brd = os.path.join(ROOT, meta["board"]) if "board" in meta else None
                with self.assertRaises(ConfigError) as cm:
                    if meta.get("kind") == "board":
                        load_board(path)
                    else:
                        load_and_check(brd, path, limits)
                hits = [m for m in cm.exception.messages if meta["expect"] in m]
                self.assertTrue(hits, f"expected {meta['expect']!r}\ngot:\n" + "\n".join(cm.exception.messages))
                for msg in cm.exception.messages:      # every message names its file first
                    self.assertTrue(msg.startswith(path) or (brd and msg.startswith(brd)), msg)


def write(tmp, name, text):
    path = os.path.join(tmp, name)
    with open(path, "w", encoding="utf-8") as f:
        f.write(textwrap.dedent(text))
    return path


SMALL = """\
    <scenario name="small">
      <hypervisor>
        <log_level>debug</log_level>
        <console_port>1016</console_port>
        <scheduler>SCHED_IORR</scheduler>
      </hypervisor>
      <modules><module tag="k" file="guests/k.elf"/></modules>
      <vm id="0">
        <name>ONLY</name>
        <load_order>PRE_LAUNCHED</load_order>
        <vm_type>STANDARD</vm_type>
        <cpu_affinity><pcpu_id>0x1</pcpu_id></cpu_affinity>
        <memory><size>33554432</size><start_gpa>0</start_gpa><start_hpa>0X4000000</start_hpa></memory>
        <kernel>
          <module_tag>k</module_tag>
          <image_type>RAW</image_type>
          <load_addr>0x100000</load_addr>
          <bootargs>
            a=1
            b=2
          </bootargs>
          <extra_module_tags><tag>k</tag></extra_module_tags>
        </kernel>
        <passthrough_devices><pci bdf="00:01.2"/></passthrough_devices>
      </vm>
      <vm id="1">
        <name>SOS</name>
        <load_order>SERVICE_VM</load_order>
        <vm_type>STANDARD</vm_type>
        <cpu_affinity><pcpu_id>0</pcpu_id></cpu_affinity>
        <memory><size>0x4000000</size></memory>
        <kernel><module_tag>k</module_tag><image_type>BZIMAGE</image_type></kernel>
      </vm>
    </scenario>
"""


class Conversion(unittest.TestCase):
    def setUp(self):
        self.tmp = tempfile.TemporaryDirectory()
        self.addCleanup(self.tmp.cleanup)

    def test_numbers_decimal_and_hex_and_defaults(self):
        sc = load_scenario(write(self.tmp.name, "s.xml", SMALL))
        hv = sc.hypervisor
        self.assertEqual((hv.console_port, hv.scheduler, hv.log_level), (0x3F8, "SCHED_IORR", "debug"))
        self.assertEqual((hv.pt_irq_entries, hv.emulated_mmio_regions), (64, 16))   # <limits> absent
        vm0, vm1 = sc.vms
        self.assertEqual(vm0.cpu_affinity, (1,))
        self.assertEqual((vm0.mem_size, vm0.mem_gpa, vm0.mem_hpa), (0x2000000, 0, 0x4000000))
        self.assertFalse(vm0.lapic_passthrough)                     # default n
        self.assertIsNone(vm0.console_vuart)
        self.assertEqual(vm0.vuart_links, ())
        self.assertEqual(vm0.kernel.load_addr, 0x100000)
        self.assertEqual(vm0.kernel.bootargs, "a=1 b=2")            # whitespace folded to one line
        self.assertEqual(vm0.kernel.extra_module_tags, ("k",))
        self.assertIsNone(vm0.kernel.ramdisk_tag)
        self.assertEqual(vm0.passthrough, ("00:01.2",))
        self.assertEqual((vm1.mem_gpa, vm1.mem_hpa), (None, None))
        self.assertEqual(vm1.kernel.bootargs, "")
        self.assertEqual(sc.description, "")
        with self.assertRaises(dataclasses.FrozenInstanceError):
            vm0.name = "X"

    def test_board_conversion(self):
        b = load_board(board("ipc-8t-2nic"))
        xhci = b.device("00:14.0")
        self.assertEqual((xhci.bus, xhci.dev, xhci.fn), (0, 0x14, 0))
        self.assertEqual(xhci.bars[0].kind, "mem64")
        self.assertEqual(xhci.bars[0].base, 0x6001100000)
        self.assertEqual((xhci.intx_pin, xhci.intx_line, xhci.msi_vectors, xhci.msix_table_size),
                         ("A", 16, 8, None))
        self.assertEqual(b.device("00:00.0").bars, ())
        self.assertIsNone(b.device("00:00.0").intx_pin)

    def test_bdf_is_lower_case(self):
        path = write(self.tmp.name, "s.xml", SMALL.replace("00:01.2", "00:1F.2"))
        self.assertEqual(load_scenario(path).vms[0].passthrough, ("00:1f.2",))

    def test_schema_message_has_line_and_element_path(self):
        path = write(self.tmp.name, "s.xml", SMALL.replace("<size>33554432</size>", "<size>abc</size>"))
        with self.assertRaises(ConfigError) as cm:
            load_scenario(path)
        self.assertEqual(cm.exception.messages, [
            f"{path}:13: <vm id=\"0\">/<memory>/<size> 'abc': not a number (decimal or 0x-hex)"])

    def test_all_schema_errors_are_reported_in_file_order(self):
        text = SMALL.replace("<log_level>debug", "<log_level>verbose").replace(
            "<pcpu_id>0x1</pcpu_id>", "<pcpu_id>one</pcpu_id>").replace("<vm_type>STANDARD</vm_type>\n", "", 1)
        with self.assertRaises(ConfigError) as cm:
            load_scenario(write(self.tmp.name, "s.xml", text))
        lines = [int(m.split(":")[1]) for m in cm.exception.messages]
        self.assertEqual(len(lines), 3, cm.exception.messages)
        self.assertEqual(lines, sorted(lines))

    def test_missing_file(self):
        with self.assertRaisesRegex(ConfigError, "nothere.xml: cannot read"):
            load_board(os.path.join(self.tmp.name, "nothere.xml"))

    def test_limits_are_optional(self):
        brd = load_board(board("bochs-vmx-2"))
        sc = load_scenario(scenario("shared"))
        self.assertEqual(check(brd, sc, {}), [])
        self.assertEqual(len(check(brd, sc, {"MAX_VM": 1, "MAX_PCPU": 1})), 2)

    def test_check_works_on_edited_models(self):
        brd = load_board(board("bochs-vmx-4"))
        sc = load_scenario(scenario("hybrid-rt"))
        rt = dataclasses.replace(sc.vms[0], cpu_affinity=(2,))
        errors = check(brd, dataclasses.replace(sc, vms=(rt,) + sc.vms[1:]), LIMITS)
        self.assertIn("pCPU 2 is also used by VM 'USER_VM' (id 2)", "\n".join(errors))


class Cli(unittest.TestCase):
    def run_validate(self, *args):
        return subprocess.run([sys.executable, os.path.join(TOOLS, "validate.py"), *args],
                              capture_output=True, text=True, cwd=ROOT)

    def test_ok(self):
        r = self.run_validate("--board", "board/bochs-vmx-4.xml", "--scenario", "config/scenarios/hybrid-rt.xml")
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertTrue(r.stdout.startswith("OK: scenario 'hybrid-rt'"), r.stdout)

    def test_errors_and_limits(self):
        r = self.run_validate("--board", "board/bochs-vmx-4.xml", "--scenario", "config/scenarios/hybrid-rt.xml",
                              "--limits", "MAX_VM=2,MAX_VCPU_PER_VM=1")
        self.assertEqual(r.returncode, 1)
        self.assertIn("config/scenarios/hybrid-rt.xml: <scenario>: 3 VMs but the build allows MAX_VM=2", r.stderr)
        self.assertIn("VM 'SERVICE_VM' (id 1): <cpu_affinity>: 2 vCPUs", r.stderr)
        self.assertIn("2 errors", r.stderr)

    def test_bad_limits_option(self):
        r = self.run_validate("--board", "b", "--scenario", "s", "--limits", "MAX_CATS=3")
        self.assertEqual(r.returncode, 2)
        self.assertIn("MAX_CATS=3", r.stderr)


if __name__ == "__main__":
    unittest.main()
