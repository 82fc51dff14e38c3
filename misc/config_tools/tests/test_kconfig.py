"""Tests of the Kconfig front end: defaults, header, limits, and bad values."""
import os
import subprocess
import sys
import tempfile
import unittest

HERE = os.path.dirname(os.path.abspath(__file__))
TOOLS = os.path.dirname(HERE)
sys.path.insert(0, TOOLS)

import kconfig_tool  # noqa: E402


def run(*args):
    return subprocess.run([sys.executable, os.path.join(TOOLS, "kconfig_tool.py"), *args],
                          capture_output=True, text=True)


class KconfigTest(unittest.TestCase):
    def setUp(self):
        self.tmp = tempfile.TemporaryDirectory()
        self.cfg = os.path.join(self.tmp.name, ".config")

    def tearDown(self):
        self.tmp.cleanup()

    def write_defconfig(self, text):
        path = os.path.join(self.tmp.name, "def")
        with open(path, "w") as f:
            f.write(text)
        return path

    def test_defconfig_gives_documented_defaults(self):
        r = run("defconfig", "--config", self.cfg)
        self.assertEqual(r.returncode, 0, r.stderr)
        v = kconfig_tool.values(kconfig_tool.load(self.cfg))
        self.assertEqual(v, {"RELEASE": False, "LOG_LEVEL": 3, "STACK_SIZE": 0x4000, "MAX_PCPU": 16,
                             "MAX_VM": 8, "MAX_VCPU_PER_VM": 8, "APICV": "APICV_AUTO",
                             "SCHEDULER": "SCHED_NOOP"})

    def test_release_lowers_log_level_default(self):
        d = self.write_defconfig("CONFIG_RELEASE=y\n")
        self.assertEqual(run("defconfig", "--config", self.cfg, "--defconfig", d).returncode, 0)
        v = kconfig_tool.values(kconfig_tool.load(self.cfg))
        self.assertTrue(v["RELEASE"])
        self.assertEqual(v["LOG_LEVEL"], 2)

    def test_header_carries_every_option(self):
        d = self.write_defconfig("CONFIG_MAX_VM=4\nCONFIG_APICV_OFF=y\nCONFIG_SCHED_BVT=y\nCONFIG_STACK_SIZE=0x8000\n")
        run("defconfig", "--config", self.cfg, "--defconfig", d)
        out = os.path.join(self.tmp.name, "gen", "kconfig.hpp")
        r = run("header", "--config", self.cfg, "--out", out)
        self.assertEqual(r.returncode, 0, r.stderr)
        with open(out) as f:
            text = f.read()
        for line in ("constexpr uint32_t kMaxVm = 4;", "constexpr Apicv kApicv = Apicv::off;",
                     "constexpr Scheduler kDefaultScheduler = Scheduler::bvt;", "constexpr size_t kStackSize = 0x8000;",
                     "constexpr bool kRelease = false;", "constexpr uint8_t kLogLevel = 3;"):
            self.assertIn(line, text)
        # The header compiles on its own, static_asserts included.
        main = os.path.join(self.tmp.name, "use.cpp")
        with open(main, "w") as f:
            f.write('#include "kconfig.hpp"\nint main() { return bh::kconfig::kMaxVm == 4 ? 0 : 1; }\n')
        cc = subprocess.run(["g++", "-std=c++20", "-Wall", "-Werror", "-fsyntax-only", "-I", os.path.dirname(out), main],
                            capture_output=True, text=True)
        self.assertEqual(cc.returncode, 0, cc.stderr)

    def test_header_unchanged_output_keeps_timestamp(self):
        run("defconfig", "--config", self.cfg)
        out = os.path.join(self.tmp.name, "k.hpp")
        run("header", "--config", self.cfg, "--out", out)
        os.utime(out, (1, 1))
        run("header", "--config", self.cfg, "--out", out)
        self.assertEqual(os.stat(out).st_mtime, 1)

    def test_limits_for_the_validator(self):
        d = self.write_defconfig("CONFIG_MAX_PCPU=4\n")
        run("defconfig", "--config", self.cfg, "--defconfig", d)
        r = run("limits", "--config", self.cfg)
        self.assertEqual(r.stdout.strip(), "MAX_PCPU=4,MAX_VM=8,MAX_VCPU_PER_VM=8")

    def test_out_of_range_value_is_an_error(self):
        run("defconfig", "--config", self.cfg)
        with open(self.cfg, "a") as f:
            f.write("CONFIG_MAX_VM=99\n")
        r = run("header", "--config", self.cfg, "--out", os.path.join(self.tmp.name, "k.hpp"))
        self.assertNotEqual(r.returncode, 0)
        self.assertIn("user value 99 on the int symbol MAX_VM", r.stderr)
        self.assertIn("outside the active range ([1, 32])", r.stderr)
        self.assertFalse(os.path.exists(os.path.join(self.tmp.name, "k.hpp")))

    def test_unknown_symbol_is_an_error(self):
        run("defconfig", "--config", self.cfg)
        with open(self.cfg, "a") as f:
            f.write("CONFIG_NO_SUCH_OPTION=y\n")
        r = run("limits", "--config", self.cfg)
        self.assertNotEqual(r.returncode, 0)
        self.assertIn("NO_SUCH_OPTION", r.stderr)

    def test_unaligned_stack_size_is_an_error(self):
        d = self.write_defconfig("CONFIG_STACK_SIZE=0x4100\n")
        run("defconfig", "--config", self.cfg, "--defconfig", d)
        r = run("header", "--config", self.cfg, "--out", os.path.join(self.tmp.name, "k.hpp"))
        self.assertNotEqual(r.returncode, 0)
        self.assertIn("CONFIG_STACK_SIZE=0x4100 is not a multiple of 4 KiB", r.stderr)

    def test_missing_config_names_the_fix(self):
        r = run("header", "--config", os.path.join(self.tmp.name, "nope"), "--out", "x")
        self.assertIn("no such configuration (run 'make defconfig')", r.stderr)

    def test_savedefconfig_is_minimal(self):
        d = self.write_defconfig("CONFIG_MAX_VM=4\n")
        run("defconfig", "--config", self.cfg, "--defconfig", d)
        out = os.path.join(self.tmp.name, "min")
        self.assertEqual(run("savedefconfig", "--config", self.cfg, "--out", out).returncode, 0)
        with open(out) as f:
            lines = [line for line in f.read().splitlines() if line and not line.startswith("#")]
        self.assertEqual(lines, ["CONFIG_MAX_VM=4"])


class MenuconfigTest(unittest.TestCase):
    """menuconfig in a fresh build tree, driven through a pty: it shows the
    options and saves a .config when told to."""

    def test_menuconfig_shows_options_and_saves(self):
        import pty
        import select
        import time
        with tempfile.TemporaryDirectory() as tmp:
            cfg = os.path.join(tmp, "new", "tree", ".config")
            pid, fd = pty.fork()
            if pid == 0:
                os.environ["TERM"] = "xterm"
                os.execv(sys.executable, [sys.executable, os.path.join(TOOLS, "kconfig_tool.py"),
                                          "menuconfig", "--config", cfg])
            screen = b""

            def pump(secs):
                nonlocal screen
                end = time.time() + secs
                while time.time() < end:
                    if select.select([fd], [], [], 0.1)[0]:
                        try:
                            screen += os.read(fd, 65536)
                        except OSError:
                            return

            pump(3)
            os.write(fd, b"Q")   # quit ...
            pump(1)
            os.write(fd, b"Y")   # ... and save
            pump(1)
            _, status = os.waitpid(pid, 0)
            os.close(fd)
            self.assertIn(b"Release build", screen)
            self.assertIn(b"Maximum number of VMs", screen)
            self.assertEqual(os.waitstatus_to_exitcode(status), 0)
            self.assertEqual(kconfig_tool.values(kconfig_tool.load(cfg))["MAX_VM"], 8)


if __name__ == "__main__":
    unittest.main()
