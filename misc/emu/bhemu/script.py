"""The serial script language (expect/send/...) and the engine that runs it."""
import dataclasses
import re
import time

from . import RunFailure, UsageError
from .serial import Link, Transcript, Watch

POLL_SECS = 0.2


@dataclasses.dataclass
class Step:
    where: str          # "file:line" or "--expect" for messages
    op: str
    text: str           # the argument as written
    regex: re.Pattern | None = None
    count: int = 0
    data: bytes = b""
    secs: float = 0.0

    def __str__(self) -> str:
        return f"{self.where}: {self.op} {self.text}".rstrip()


_ESCAPES = {"r": "\r", "n": "\n", "t": "\t", "e": "\x1b", "\\": "\\"}


def unescape(text: str, where: str) -> bytes:
    r"""Decodes \r \n \t \e \\ and \xNN; other characters are sent as UTF-8."""
    out, i = bytearray(), 0
    while i < len(text):
        c = text[i]
        if c != "\\":
            out += c.encode()
            i += 1
            continue
        nxt = text[i + 1:i + 2]
        if nxt in _ESCAPES:
            out += _ESCAPES[nxt].encode()
            i += 2
        elif nxt == "x" and re.fullmatch(r"[0-9a-fA-F]{2}", text[i + 2:i + 4]):
            out.append(int(text[i + 2:i + 4], 16))
            i += 4
        else:
            raise UsageError(f"{where}: bad escape in {text!r} (use \\r \\n \\t \\e \\\\ \\xNN)")
    return bytes(out)


def _regex(text: str, where: str) -> re.Pattern:
    try:
        regex = re.compile(text.encode(), re.MULTILINE)
    except re.error as err:
        raise UsageError(f"{where}: bad regex {text!r}: {err}") from None
    if regex.match(b"") is not None:
        raise UsageError(f"{where}: regex {text!r} matches the empty string")
    return regex


def make_step(op: str, arg: str, where: str) -> Step:
    step = Step(where, op, arg)
    if op in ("expect", "fail_on"):
        step.regex = _regex(arg, where)
    elif op == "expect_count":
        count, _, rest = arg.partition(" ")
        if not count.isdigit() or int(count) < 1 or not rest.strip():
            raise UsageError(f"{where}: usage: expect_count <n> <regex>")
        step.count, step.regex = int(count), _regex(rest.lstrip(), where)
    elif op in ("send", "sendline"):
        step.data = unescape(arg, where) + (b"\r" if op == "sendline" else b"")
    elif op == "sleep":
        try:
            step.secs = float(arg)
        except ValueError:
            raise UsageError(f"{where}: usage: sleep <seconds>") from None
    elif op == "expect_exit":
        if arg:
            raise UsageError(f"{where}: expect_exit takes no argument")
    else:
        raise UsageError(f"{where}: unknown command {op!r}")
    return step


def parse(path: str) -> list[Step]:
    """One command per line: `<op> <argument>`; blank lines and `#` lines are skipped."""
    try:
        with open(path, encoding="utf-8") as f:
            lines = f.read().splitlines()
    except OSError as err:
        raise UsageError(f"cannot read script {path}: {err}") from None
    steps = []
    for number, line in enumerate(lines, 1):
        if not line.strip() or line.lstrip().startswith("#"):
            continue
        op, _, arg = line.lstrip().partition(" ")
        steps.append(make_step(op, arg, f"{path}:{number}"))
    return steps


class Runner:
    """Runs steps against the guest; raises RunFailure with the reason on failure."""

    def __init__(self, link: Link, deadline: float, char_delay: float):
        self.link, self.deadline, self.char_delay = link, deadline, char_delay
        self.transcript: Transcript = link.transcript
        self._fail_watches: list[tuple[Step, Watch]] = []

    def run(self, steps: list[Step]) -> None:
        for step in steps:
            getattr(self, "_" + step.op)(step)

    # Waiting: pump output, check fail_on, until `done()` or the deadline.

    def _wait(self, step: Step, done, until: float | None = None) -> None:
        end = self.deadline if until is None else min(until, self.deadline)
        while True:
            self._check_fail_on()
            if done():
                return
            now = time.monotonic()
            if until is not None and now >= until:
                return
            if now >= self.deadline:
                raise RunFailure(f"{step}: timed out (--timeout reached); output since the last "
                                 f"match ends with: {self.transcript.tail(self.transcript.pos)}")
            if not self.link.open and until is None:
                raise RunFailure(f"{step}: the emulator exited (serial port closed) first; "
                                 f"output since the last match ends with: "
                                 f"{self.transcript.tail(self.transcript.pos)}")
            self.link.pump(min(POLL_SECS, end - now))

    def _check_fail_on(self) -> None:
        for step, watch in self._fail_watches:
            m = watch.next(self.transcript)
            if m:
                raise RunFailure(f"{step}: matched {bytes(m.group(0)).decode('utf-8', 'replace')!r}")

    def _idle(self, step: Step, secs: float) -> None:
        self._wait(step, lambda: False, until=time.monotonic() + secs)

    # The commands.

    def _expect(self, step: Step) -> None:
        watch = Watch(step.regex, self.transcript.pos)
        match = None

        def found() -> bool:
            nonlocal match
            match = watch.next(self.transcript)
            return match is not None
        self._wait(step, found)
        self.transcript.pos = match.end()

    def _expect_count(self, step: Step) -> None:
        watch, seen, last_end = Watch(step.regex, 0), 0, 0

        def enough() -> bool:
            nonlocal seen, last_end
            while seen < step.count:
                m = watch.next(self.transcript)
                if m is None:
                    return False
                seen, last_end = seen + 1, m.end()
            return True
        self._wait(step, enough)
        self.transcript.pos = max(self.transcript.pos, last_end)

    def _expect_exit(self, step: Step) -> None:
        self._wait(step, lambda: not self.link.open)

    def _fail_on(self, step: Step) -> None:
        self._fail_watches.append((step, Watch(step.regex, len(self.transcript.data))))

    def _send(self, step: Step) -> None:
        for byte in step.data:       # one at a time: the guest polls a 16-byte FIFO
            if not self.link.open:
                raise RunFailure(f"{step}: the emulator exited (serial port closed) first")
            self.link.send(bytes([byte]))
            self._idle(step, self.char_delay)

    _sendline = _send

    def _sleep(self, step: Step) -> None:
        self._idle(step, step.secs)
