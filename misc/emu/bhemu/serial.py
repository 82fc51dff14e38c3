"""The guest's serial port: the socket to the emulator and the transcript of its output."""
import re
import select
import socket
import time
from typing import BinaryIO

# A regex match may start at most this far before output already searched.
LOOKBACK = 64 * 1024


class Transcript:
    """All bytes the guest sent, kept for matching, written to a log and optionally echoed."""

    def __init__(self, log: BinaryIO, echo: BinaryIO | None):
        self.data = bytearray()
        self.pos = 0                 # where the next `expect` starts searching
        self._log, self._echo = log, echo

    def feed(self, chunk: bytes) -> None:
        self.data += chunk
        for out in (self._log, self._echo):
            if out is not None:
                out.write(chunk)
                out.flush()

    def at_line_start(self) -> bool:
        return not self.data or self.data[-1:] == b"\n"

    def tail(self, start: int, limit: int = 300) -> str:
        """The output from `start` on (at most its last `limit` bytes), quoted."""
        return repr(bytes(self.data[max(start, len(self.data) - limit):]).decode("utf-8", "replace"))


class Watch:
    """Searches a transcript for one regex incrementally, from `start` on."""

    def __init__(self, regex: re.Pattern, start: int):
        self.regex, self.pos, self._seen = regex, start, start

    def next(self, transcript: Transcript) -> re.Match | None:
        data = transcript.data
        m = self.regex.search(data, max(self.pos, self._seen - LOOKBACK))
        self._seen = len(data)
        if m:
            self.pos = m.end()
        return m


class Link:
    """The connected serial socket; reads land in a transcript."""

    def __init__(self, sock: socket.socket, transcript: Transcript, batch_secs: float = 0.0):
        self.sock, self.transcript = sock, transcript
        self.open = True
        # Waiting a little after data arrives batches Bochs' one-byte-per-send output.
        self._batch = batch_secs

    def pump(self, timeout: float) -> None:
        """Waits up to `timeout` for guest output and records it; sets open=False at EOF."""
        if not self.open:
            time.sleep(max(0.0, timeout))
            return
        end = time.monotonic() + timeout
        if not select.select([self.sock], [], [], max(0.0, timeout))[0]:
            return
        if self._batch:
            time.sleep(max(0.0, min(self._batch, end - time.monotonic())))
        self.read()

    def read(self) -> None:
        """Records what is readable now (the socket must be readable)."""
        try:
            chunk = self.sock.recv(65536)
        except (ConnectionResetError, BrokenPipeError):
            chunk = b""
        if chunk:
            self.transcript.feed(chunk)
        else:
            self.open = False

    def send(self, data: bytes) -> None:
        if not self.open:
            return
        try:
            self.sock.sendall(data)
        except (ConnectionResetError, BrokenPipeError):
            self.open = False
