"""Interactive mode: the terminal in raw mode, bridged to the guest's serial port."""
import os
import select
import sys
import termios
import time
import tty

from .serial import Link

QUIT_KEY = 0x1D          # Ctrl-]; pressed twice in a row it ends the session
QUIT_HELP = "Ctrl-] twice"


def run(link: Link, deadline: float | None) -> str:
    """Bridges stdin and stdout to the guest until the user quits, the emulator exits,
    or the deadline passes; returns which of "quit", "exited", "timeout" happened."""
    fd = sys.stdin.fileno()
    saved = termios.tcgetattr(fd) if os.isatty(fd) else None
    if saved is not None:
        tty.setraw(fd, termios.TCSANOW)
    try:
        return _bridge(link, fd, deadline)
    finally:
        if saved is not None:
            termios.tcsetattr(fd, termios.TCSADRAIN, saved)


def _bridge(link: Link, fd: int, deadline: float | None) -> str:
    armed = False               # the previous key was QUIT_KEY
    inputs = [fd, link.sock]
    while link.open:
        timeout = None if deadline is None else deadline - time.monotonic()
        if timeout is not None and timeout <= 0:
            return "timeout"
        ready = select.select(inputs, [], [], timeout)[0]
        if link.sock in ready:
            link.read()
        if fd not in ready:
            continue
        keys = os.read(fd, 1024)
        if not keys:            # stdin closed: keep showing output
            inputs.remove(fd)
            continue
        out = bytearray()
        for key in keys:
            if key == QUIT_KEY:
                if armed:
                    return "quit"
                armed = True
                continue
            if armed:
                out.append(QUIT_KEY)
                armed = False
            out.append(key)
        link.send(bytes(out))
    return "exited"
