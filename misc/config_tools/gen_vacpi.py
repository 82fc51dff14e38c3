#!/usr/bin/python3
"""Builds the virtual ACPI tables of the pre-launched VMs into C++.

  gen_vacpi.py --spec SPEC.json --out-cpp OUT/generated/vm_acpi.cpp --workdir DIR
               [--out-hpp OUT/generated/vm_acpi.hpp] [--dump DIR] [--iasl iasl]

SPEC.json is {"vms": [{VmAcpiSpec fields}, ...]} (bhconfig/vacpi.py). Each
VM's DSDT is compiled by iasl in --workdir (iasl warnings are errors). The
.cpp holds one byte blob per VM: guest memory from TABLES_GPA (the RSDP) up.
--out-hpp defaults to vm_acpi.hpp beside the .cpp. Outputs are written only
when their text changes. --dump writes every table as vm<ID>_<sig>.dat for
`iasl -d`. Errors name the VM; the exit status is then 1 and nothing is written.
"""
import argparse
import json
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

from bhconfig import vacpi  # noqa: E402
from bhconfig.fileutil import write_if_changed  # noqa: E402


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--spec", required=True, help="JSON: {\"vms\": [VmAcpiSpec fields, ...]}")
    ap.add_argument("--out-cpp", required=True)
    ap.add_argument("--out-hpp", help="default: vm_acpi.hpp beside --out-cpp")
    ap.add_argument("--workdir", required=True, help="where iasl runs (DSDT .asl/.aml per VM)")
    ap.add_argument("--dump", metavar="DIR", help="also write each table as a .dat file")
    ap.add_argument("--iasl", default="iasl")
    a = ap.parse_args(argv)

    try:
        with open(a.spec) as f:
            specs = vacpi.specs_from_json(json.load(f))
        files = vacpi.generate(specs, a.workdir, iasl=a.iasl, dump_dir=a.dump)
    except (OSError, json.JSONDecodeError) as e:
        print(f"error: {a.spec}: {e}", file=sys.stderr)
        return 1
    except vacpi.VacpiError as e:
        for msg in e.messages:
            print(f"error: {a.spec}: {msg}", file=sys.stderr)
        return 1
    except RuntimeError as e:
        print(f"error: {e}", file=sys.stderr)
        return 1
    hpp = a.out_hpp or os.path.join(os.path.dirname(os.path.abspath(a.out_cpp)), "vm_acpi.hpp")
    write_if_changed(hpp, files[vacpi.HEADER_NAME])
    write_if_changed(a.out_cpp, files["generated/vm_acpi.cpp"])
    return 0


if __name__ == "__main__":
    sys.exit(main())
