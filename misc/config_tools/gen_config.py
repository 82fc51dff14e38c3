#!/usr/bin/python3
"""Turns a board XML, a scenario XML and the build's .config into the C++
tables the hypervisor is built with, after validating all three.

  gen_config.py --board board/B.xml --scenario config/scenarios/S.xml \
                --kconfig build/.config --version V --out-dir build/B/S/gen

Writes (only when their text changes, so make does not rebuild needlessly):
  generated/board.hpp     the board: name, pCPUs, RAM, IOAPICs, console port
  generated/scenario.hpp  the VM table, with static_asserts on its invariants
  generated/vm_acpi.hpp + vm_acpi.cpp   virtual ACPI tables of pre-launched VMs
Every configuration error is printed (file, VM, element) and the exit
status is 1; nothing is written then.
"""
import argparse
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

import kconfig_tool  # noqa: E402
from bhconfig import cxxgen, vacpi  # noqa: E402
from bhconfig.errors import ConfigError  # noqa: E402
from bhconfig.fileutil import write_if_changed  # noqa: E402
from bhconfig.loader import load_and_check  # noqa: E402


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--board", required=True)
    ap.add_argument("--scenario", required=True)
    ap.add_argument("--kconfig", required=True, help="the build's .config")
    ap.add_argument("--version", default="unknown")
    ap.add_argument("--out-dir", required=True)
    ap.add_argument("--check-only", action="store_true", help="validate, write nothing")
    a = ap.parse_args(argv)

    try:
        kv = kconfig_tool.values(kconfig_tool.load(a.kconfig))
    except kconfig_tool.KconfigError as e:
        sys.exit(f"kconfig: {e}")
    limits = {k: kv[k] for k in (*kconfig_tool.LIMITS, "SCHEDULER")}
    try:
        board, scenario = load_and_check(a.board, a.scenario, limits)
    except ConfigError as e:
        for msg in e.messages:
            print(f"error: {msg}", file=sys.stderr)
        print(f"configuration {a.board} + {a.scenario}: {len(e.messages)} error(s)", file=sys.stderr)
        return 1
    if a.check_only:
        print(f"OK: {a.board} + {a.scenario}")
        return 0

    try:
        files = cxxgen.render(board, scenario, kv, a.version, a.board, a.scenario,
                              os.path.join(a.out_dir, "acpi"))
    except vacpi.VacpiError as e:
        for msg in e.messages:
            print(f"error: {a.scenario}: virtual ACPI: {msg}", file=sys.stderr)
        return 1
    except RuntimeError as e:  # iasl failed
        print(f"error: {a.scenario}: {e}", file=sys.stderr)
        return 1
    # The boot modules GRUB must load, for the ISO build: "<tag> <file>".
    files["modules.txt"] = "".join(f"{m.tag} {m.file}\n" for m in scenario.modules)
    for rel, text in files.items():
        write_if_changed(os.path.join(a.out_dir, rel), text)
    return 0


if __name__ == "__main__":
    sys.exit(main())
