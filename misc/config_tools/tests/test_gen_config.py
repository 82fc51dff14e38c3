"""Tests of gen_config.py: the generated C++ tables, their static_asserts,
the Kconfig default scheduler, and the build stopping on a bad scenario."""
import os
import re
import shutil
import subprocess
import sys
import tempfile
import unittest

HERE = os.path.dirname(os.path.abspath(__file__))
TOOLS = os.path.dirname(HERE)
ROOT = os.path.dirname(os.path.dirname(TOOLS))
GEN = os.path.join(TOOLS, "gen_config.py")
KCONFIG_TOOL = os.path.join(TOOLS, "kconfig_tool.py")
HV = os.path.join(ROOT, "hypervisor")


def board(name):
    return os.path.join(ROOT, "board", f"{name}.xml")


def scenario(name):
    return os.path.join(ROOT, "config", "scenarios", f"{name}.xml")


class GenConfigTest(unittest.TestCase):
    def setUp(self):
        self.tmp = tempfile.mkdtemp()
        self.kconfig = self.make_kconfig("")

    def tearDown(self):
        shutil.rmtree(self.tmp)

    def make_kconfig(self, text, name=".config"):
        d = os.path.join(self.tmp, name + ".def")
        with open(d, "w") as f:
            f.write(text)
        cfg = os.path.join(self.tmp, name)
        subprocess.run([sys.executable, KCONFIG_TOOL, "defconfig", "--config", cfg, "--defconfig", d],
                       check=True, capture_output=True)
        return cfg

    def gen(self, b, s, out=None, kconfig=None):
        out = out or os.path.join(self.tmp, "gen")
        r = subprocess.run([sys.executable, GEN, "--board", b, "--scenario", s, "--kconfig", kconfig or self.kconfig,
                            "--version", "test", "--out-dir", out], capture_output=True, text=True)
        return r, out

    def compile_tables(self, out):
        """Compiles a TU using the generated headers (static_asserts included)."""
        subprocess.run([sys.executable, KCONFIG_TOOL, "header", "--config", self.kconfig, "--out",
                        os.path.join(out, "generated", "kconfig.hpp")], check=True)
        src = os.path.join(self.tmp, "use.cpp")
        with open(src, "w") as f:
            f.write('#include "generated/scenario.hpp"\n#include "generated/vm_acpi.hpp"\n'
                    "int main() { return static_cast<int>(bh::cfg::kVmCount); }\n")
        return subprocess.run(["g++", "-std=c++20", "-Wall", "-Wextra", "-Werror", "-Wconversion", "-fsyntax-only",
                               "-I", out, "-I", HV, src], capture_output=True, text=True)

    def test_partitioned_tables(self):
        r, out = self.gen(board("bochs-vmx-2"), scenario("partitioned"))
        self.assertEqual(r.returncode, 0, r.stderr)
        with open(os.path.join(out, "generated", "scenario.hpp")) as f:
            text = f.read()
        self.assertIn('kScenarioName = "partitioned"', text)
        self.assertRegex(text, r'\{0, "TEST_VM", LoadOrder::pre_launched, VmType::standard,\s+0x1, 0x2000000, 0x0, 0x4000000,')
        self.assertRegex(text, r'\{1, "LINUX_VM", LoadOrder::pre_launched, VmType::standard,\s+0x2, 0x8000000, 0x0, 0x6000000,')
        self.assertIn("inline constexpr size_t kVmCount = 2;", text)
        with open(os.path.join(out, "generated", "board.hpp")) as f:
            btext = f.read()
        self.assertIn('kBoardName = "bochs-vmx-2"', btext)
        self.assertIn("kConsolePort = 0x3f8", btext)
        self.assertIn("kApicIds[] = {0, 1}", btext)
        cc = self.compile_tables(out)
        self.assertEqual(cc.returncode, 0, cc.stderr)

    def test_hybrid_rt_tables_and_acpi_for_pre_launched_only(self):
        r, out = self.gen(board("bochs-vmx-4"), scenario("hybrid-rt"))
        self.assertEqual(r.returncode, 0, r.stderr)
        with open(os.path.join(out, "generated", "scenario.hpp")) as f:
            text = f.read()
        self.assertRegex(text, r'\{0, "RT_CONTROL", LoadOrder::pre_launched, VmType::rtvm,\s+0x8, 0x2000000, 0x0, 0x4000000,\s+true,')
        self.assertIn('LoadOrder::service_vm', text)
        with open(os.path.join(out, "generated", "vm_acpi.cpp")) as f:
            acpi = f.read()
        self.assertEqual(re.findall(r"VM (\d+) \((\w+)\)", acpi), [("0", "RT_CONTROL")])
        cc = self.compile_tables(out)
        self.assertEqual(cc.returncode, 0, cc.stderr)

    def test_unchanged_inputs_leave_outputs_untouched(self):
        r, out = self.gen(board("bochs-vmx-2"), scenario("partitioned"))
        self.assertEqual(r.returncode, 0, r.stderr)
        path = os.path.join(out, "generated", "scenario.hpp")
        os.utime(path, (1, 1))
        self.gen(board("bochs-vmx-2"), scenario("partitioned"), out=out)
        self.assertEqual(os.stat(path).st_mtime, 1)

    def test_errors_write_nothing_and_name_the_vm(self):
        r, out = self.gen(board("bochs-vmx-2"), scenario("hybrid-rt"))
        self.assertEqual(r.returncode, 1)
        self.assertIn("VM 'RT_CONTROL' (id 0): <cpu_affinity>/<pcpu_id> 3: pCPU 3 does not exist on board "
                      "'bochs-vmx-2' (it has pCPUs 0-1)", r.stderr)
        self.assertFalse(os.path.exists(out))

    def test_kconfig_limit_applies(self):
        small = self.make_kconfig("CONFIG_MAX_VM=2\n", name="small")
        r, _ = self.gen(board("bochs-vmx-2"), scenario("shared"), kconfig=small)
        self.assertEqual(r.returncode, 1)
        self.assertIn("3 VMs", r.stderr)
        self.assertIn("MAX_VM=2", r.stderr)

    def without_scheduler(self, name):
        with open(scenario(name)) as f:
            text = f.read()
        text = re.sub(r"\s*<scheduler>\w+</scheduler>", "", text)
        path = os.path.join(self.tmp, f"{name}-nosched.xml")
        with open(path, "w") as f:
            f.write(text)
        return path

    def test_scheduler_defaults_to_kconfig(self):
        s = self.without_scheduler("shared")
        r, _ = self.gen(board("bochs-vmx-2"), s)  # default NOOP cannot share pCPU 1
        self.assertEqual(r.returncode, 1)
        self.assertIn("the Kconfig default scheduler SCHED_NOOP: pCPU 1 is shared by", r.stderr)
        bvt = self.make_kconfig("CONFIG_SCHED_BVT=y\n", name="bvt")
        r, out = self.gen(board("bochs-vmx-2"), s, kconfig=bvt)
        self.assertEqual(r.returncode, 0, r.stderr)
        with open(os.path.join(out, "generated", "scenario.hpp")) as f:
            self.assertIn("kconfig::Scheduler::bvt", f.read())


class BuildStopsOnBadConfigTest(unittest.TestCase):
    """`make` itself must fail with the validator's message."""

    def test_make_fails_with_the_message(self):
        with tempfile.TemporaryDirectory() as build:
            r = subprocess.run(["make", "-C", ROOT, f"BUILD={build}", "BOARD=bochs-vmx-2", "SCENARIO=hybrid-rt",
                                "hypervisor"], capture_output=True, text=True)
            self.assertNotEqual(r.returncode, 0)
            self.assertIn("error: config/scenarios/hybrid-rt.xml: VM 'RT_CONTROL' (id 0): <cpu_affinity>/<pcpu_id> 3",
                          r.stdout + r.stderr)
            self.assertFalse(os.path.exists(os.path.join(build, "bochs-vmx-2", "hybrid-rt", "bulkhead.elf")))


if __name__ == "__main__":
    unittest.main()
