"""Command line of bulkhead-emu: parse options, pick the mode, report the result."""
import argparse
import datetime
import pathlib
import signal
import sys
import tempfile
import time

from . import RunFailure, UsageError, board as boards, interactive, script
from .emulator import Config, Process, free_port
from .serial import Link, Transcript

REPO = pathlib.Path(__file__).resolve().parents[3]
PROG = "bulkhead-emu"
SCRIPT_TIMEOUT = 300.0


def _parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(
        prog=PROG, description="Boot an ISO under the emulator a board file describes and "
        "drive its serial port, interactively or from a script. Exit status: 0 pass, "
        "1 fail, 2 usage or configuration error.")
    p.add_argument("--board", required=True, help="board description, e.g. board/bochs-vmx-2.xml")
    p.add_argument("--iso", required=True, help="bootable ISO, e.g. build/bulkhead.iso")
    p.add_argument("--emulator", choices=boards.KINDS,
                   help="use the board's description for this emulator (default: its first)")
    p.add_argument("--workdir", help="directory for generated files and logs "
                   "(default: a new directory under build/emu/)")
    p.add_argument("--print-config", action="store_true",
                   help="write and print the emulator configuration, then exit")
    mode = p.add_argument_group("mode (default: interactive if stdin is a terminal)")
    mode.add_argument("--interactive", action="store_true",
                      help=f"bridge the terminal to the serial port; {interactive.QUIT_HELP} quits")
    mode.add_argument("--script", metavar="FILE", help="run a serial script (see README.md)")
    mode.add_argument("--expect", metavar="REGEX", action="append", default=[],
                      help="after the script, wait for REGEX (repeatable)")
    mode.add_argument("--fail-on", metavar="REGEX", action="append", default=[],
                      help="before the script, fail as soon as output matches REGEX (repeatable)")
    p.add_argument("--timeout", type=float, metavar="SECS",
                   help=f"wall-clock limit for the whole run (default: {SCRIPT_TIMEOUT:g} s "
                   "in script mode, none in interactive mode)")
    p.add_argument("--serial-log", metavar="PATH", help="serial output log (default: WORKDIR/serial.log)")
    p.add_argument("--char-delay", type=float, default=2.0, metavar="MS",
                   help="pause after each character a script sends (default: 2)")
    p.add_argument("--quiet", action="store_true", help="do not echo serial output to stdout in script mode")
    return p


def _workdir(args, board: boards.Board, kind: str) -> pathlib.Path:
    if args.workdir:
        path = pathlib.Path(args.workdir).resolve()
        path.mkdir(parents=True, exist_ok=True)
        return path
    base = REPO / "build" / "emu"
    base.mkdir(parents=True, exist_ok=True)
    stamp = datetime.datetime.now().strftime("%Y%m%d-%H%M%S")
    return pathlib.Path(tempfile.mkdtemp(prefix=f"{board.name}-{kind}-{stamp}-", dir=base))


def _steps(args) -> list[script.Step] | None:
    """The script to run, or None for interactive mode."""
    scripted = args.script or args.expect or args.fail_on
    if args.interactive:
        if scripted:
            raise UsageError("--interactive excludes --script, --expect and --fail-on")
        return None
    if not scripted and sys.stdin.isatty():
        return None
    steps = [script.make_step("fail_on", r, "--fail-on") for r in args.fail_on]
    if args.script:
        steps += script.parse(args.script)
    steps += [script.make_step("expect", r, "--expect") for r in args.expect]
    if not args.script and not args.expect:
        steps.append(script.make_step("expect_exit", "", "(no script)"))
    return steps


def _say(message: str, transcript: Transcript | None = None) -> None:
    lead = "" if transcript is None or transcript.at_line_start() else "\n"
    print(f"{lead}{PROG}: {message}", file=sys.stderr, flush=True)


def _on_signal(signum, _frame):
    raise RunFailure(f"stopped by signal {signal.Signals(signum).name}")


def _run(args) -> int:
    board = boards.load(args.board)
    emu = board.emulator(args.emulator)
    steps = _steps(args)
    if args.char_delay < 0 or (args.timeout is not None and args.timeout <= 0):
        raise UsageError("--char-delay must be >= 0 and --timeout > 0")
    config = Config(board, emu, args.iso)
    workdir = config.workdir = _workdir(args, board, emu.kind)
    if args.print_config:
        print(config.describe(free_port()), end="")
        return 0

    timeout = args.timeout if args.timeout is not None or steps is None else SCRIPT_TIMEOUT
    start = time.monotonic()
    deadline = None if timeout is None else start + timeout
    log_path = pathlib.Path(args.serial_log) if args.serial_log else workdir / "serial.log"
    echo = None if args.quiet and steps is not None else sys.stdout.buffer
    with open(log_path, "wb") as log, Process(config, deadline) as emulator:
        transcript = Transcript(log, echo)
        _say(f"{emu.kind} running board {board.name}; serial {board.serial_port:#x} on "
             f"127.0.0.1:{emulator.port}; files in {workdir}")
        if steps is None:
            _say(f"interactive: {interactive.QUIT_HELP} quits")
            how = interactive.run(Link(emulator.sock, transcript), deadline)
            _say(f"session ended ({how}) after {time.monotonic() - start:.1f} s", transcript)
            return 1 if how == "timeout" else 0
        link = Link(emulator.sock, transcript, batch_secs=0.005)
        try:
            script.Runner(link, deadline, args.char_delay / 1000).run(steps)
        except RunFailure as failure:
            _say(f"FAIL after {time.monotonic() - start:.1f} s: {failure}", transcript)
            if not link.open and (report := emulator.exit_report()):
                _say(report)
            _say(f"serial log {log_path}; emulator files in {workdir}")
            return 1
        plural = "s" * (len(steps) != 1)
        _say(f"PASS ({len(steps)} step{plural}) after {time.monotonic() - start:.1f} s", transcript)
        return 0


def main(argv: list[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    for signum in (signal.SIGTERM, signal.SIGHUP):
        signal.signal(signum, _on_signal)
    try:
        return _run(args)
    except UsageError as err:
        _say(f"error: {err}")
        return 2
    except (RunFailure, KeyboardInterrupt) as err:
        _say(f"FAIL: {str(err) or 'interrupted'}")
        return 1
    except OSError as err:            # e.g. an unwritable --serial-log, or stdout closed
        _say(f"error: {err}")
        return 2
