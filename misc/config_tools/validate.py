#!/usr/bin/python3
"""Checks a board and a scenario together; prints every problem, one per line.

  validate.py --board board/bochs-vmx-4.xml --scenario config/scenarios/hybrid-rt.xml \
              [--limits MAX_PCPU=16,MAX_VM=8,MAX_VCPU_PER_VM=8]

Exit status 0 and an "OK: ..." line when the scenario can run on the board, 1 when
not, 2 for a bad command line. The default limits are the Kconfig defaults.
"""
import argparse
import os
import sys

sys.dont_write_bytecode = True
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

from bhconfig import ConfigError, load_and_check  # noqa: E402

DEFAULT_LIMITS = {"MAX_PCPU": 16, "MAX_VM": 8, "MAX_VCPU_PER_VM": 8}


def parse_limits(text: str) -> dict[str, int]:
    limits = dict(DEFAULT_LIMITS)
    for item in filter(None, (x.strip() for x in text.split(","))):
        key, sep, value = item.partition("=")
        if not sep or key not in DEFAULT_LIMITS:
            raise argparse.ArgumentTypeError(
                f"'{item}': expected NAME=VALUE with NAME one of {', '.join(DEFAULT_LIMITS)}")
        try:
            limits[key] = int(value, 0)
        except ValueError:
            raise argparse.ArgumentTypeError(f"'{item}': {value!r} is not a number") from None
    return limits


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--board", required=True, help="board/<name>.xml")
    ap.add_argument("--scenario", required=True, help="config/scenarios/<name>.xml")
    ap.add_argument("--limits", type=parse_limits, default=dict(DEFAULT_LIMITS),
                    help="Kconfig limits, e.g. MAX_PCPU=16,MAX_VM=8,MAX_VCPU_PER_VM=8")
    a = ap.parse_args()
    try:
        board, scenario = load_and_check(a.board, a.scenario, a.limits)
    except ConfigError as err:
        for msg in err.messages:
            print(msg, file=sys.stderr)
        n = len(err.messages)
        print(f"{n} error{'s' if n != 1 else ''}", file=sys.stderr)
        return 1
    print(f"OK: scenario '{scenario.name}' ({len(scenario.vms)} VMs) on board '{board.name}' "
          f"({len(board.cpus)} pCPUs)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
