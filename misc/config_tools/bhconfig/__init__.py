"""bhconfig: Bulkhead's board and scenario XML, loaded into plain data and checked.

    board = load_board("board/bochs-vmx-4.xml")            # raises ConfigError
    scenario = load_scenario("config/scenarios/hybrid-rt.xml")
    problems = check(board, scenario, {"MAX_PCPU": 16, "MAX_VM": 8, "MAX_VCPU_PER_VM": 8})
    board, scenario = load_and_check(board_path, scenario_path, limits)   # all in one
"""
from .board_checks import check_board
from .checks import check
from .errors import ConfigError
from .loader import load_and_check, load_board, load_scenario, read_board
from .model import (Board, Cpu, Emulator, Hypervisor, Ioapic, Kernel, MemRange, Module, PciBar,
                    PciDevice, Scenario, Serial, Vm, Vuart, VuartLink)

__all__ = ["check", "check_board", "ConfigError", "load_and_check", "load_board", "load_scenario",
           "read_board", "Board", "Cpu", "Emulator", "Hypervisor", "Ioapic", "Kernel", "MemRange",
           "Module", "PciBar", "PciDevice", "Scenario", "Serial", "Vm", "Vuart", "VuartLink"]
