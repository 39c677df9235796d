"""A command in a pseudo-terminal, read byte by byte as a terminal reads it (no ``bench_`` prefix:
not a benchmark of its own; ``bench_latency`` uses it).

What the app writes is kept on a small screen of cells: the cursor moves and the text Textual
writes (styles are not kept), enough to tell what a key changed and where the cursor is. Frames
are Textual's synchronized updates (``ESC[?2026h`` … ``ESC[?2026l``): Textual wraps each frame
in them only once the terminal says it supports mode 2026, so this terminal answers Textual's
``ESC[?2026$p`` question as a terminal that does (``ESC[?2026;2$y``).
"""

from __future__ import annotations

import codecs
import fcntl
import os
import pty
import struct
import subprocess
import termios
import threading
import time
from collections.abc import Callable

from rich.cells import get_character_cell_size

SYNC_MODE = "?2026"
SUPPORTS_SYNC = b"\x1b[?2026;2$y"  # DECRPM: mode 2026 known, currently reset


class Screen:
    """The cells of the terminal and its cursor, as the bytes written so far leave them."""

    def __init__(self, columns: int, lines: int) -> None:
        self.columns, self.lines = columns, lines
        self.cells = [[" "] * columns for _ in range(lines)]
        self.x = self.y = 0

    def put(self, char: str) -> None:
        width = get_character_cell_size(char)
        if width == 0 or not 0 <= self.y < self.lines:
            return
        x = min(self.x, self.columns - width)
        row = self.cells[self.y]
        row[x] = char
        if width == 2:
            row[x + 1] = ""  # the right half of a wide character
        self.x = x + width

    def control(self, params: str, final: str) -> None:
        """A CSI sequence: the moves and erasures Textual uses; anything else changes no cell."""
        numbers = [int(p) if p.isdigit() else 0 for p in params.split(";")]
        first = numbers[0] or 1
        if final in "Hf" and not params.startswith("?"):
            row, column = [*numbers, 0, 0][:2]
            self.y = min(max(row or 1, 1), self.lines) - 1
            self.x = min(max(column or 1, 1), self.columns) - 1
        elif final == "G":
            self.x = min(first, self.columns) - 1
        elif final in "ABCD":
            dy, dx = {"A": (-first, 0), "B": (first, 0), "C": (0, first), "D": (0, -first)}[final]
            self.y = min(max(self.y + dy, 0), self.lines - 1)
            self.x = min(max(self.x + dx, 0), self.columns - 1)
        elif final == "J" and numbers[0] == 2:
            self.cells = [[" "] * self.columns for _ in range(self.lines)]
        elif final == "K" and 0 <= self.y < self.lines:
            row = self.cells[self.y]
            row[self.x :] = [" "] * (self.columns - self.x)

    def left_of_cursor(self) -> str:
        """The text on the cursor's line before it (where a field's typed text ends)."""
        return "".join(self.cells[self.y][: self.x]) if 0 <= self.y < self.lines else ""

    def text(self) -> str:
        return "\n".join("".join(row) for row in self.cells)


class PtyTerminal:
    """``command`` running in a pseudo-terminal of ``size``; its output read on a thread.

    ``press`` writes a key's bytes and waits for the end of the first frame after which the
    screen shows what the key should show; it answers the seconds in between.
    """

    def __init__(self, command: list[str], env: dict[str, str], size=(80, 24), stderr=None) -> None:
        columns, lines = size
        self.screen = Screen(columns, lines)
        master, slave = pty.openpty()
        fcntl.ioctl(slave, termios.TIOCSWINSZ, struct.pack("HHHH", lines, columns, 0, 0))
        self.master = master
        self.process = subprocess.Popen(
            command,
            stdin=slave,
            stdout=slave,
            stderr=slave,
            env=env,
            start_new_session=True,  # its own session: the pty is its controlling terminal
            close_fds=True,
        )
        os.close(slave)
        self.frames = 0
        self.last_output = time.perf_counter()
        self._changed = threading.Condition()
        self._watch: tuple[float, Callable[[Screen], bool]] | None = None
        self._seen_at: float | None = None
        self._reader = threading.Thread(target=self._read, name="pty-reader", daemon=True)
        self._reader.start()

    # -- reading ---------------------------------------------------------------------------

    def _read(self) -> None:
        decoder = codecs.getincrementaldecoder("utf-8")("replace")
        parse = self._parser()
        next(parse)
        while True:
            try:
                chunk = os.read(self.master, 65536)
            except OSError:  # EIO: the command has ended and closed the terminal
                break
            if not chunk:
                break
            received = time.perf_counter()
            with self._changed:
                self.last_output = received
                for char in decoder.decode(chunk):
                    parse.send((char, received))
                self._changed.notify_all()

    def _parser(self):
        """A coroutine fed (character, time received): the screen, frames, and replies."""
        screen = self.screen
        while True:
            char, received = yield
            if char != "\x1b":
                if char == "\r":
                    screen.x = 0
                elif char == "\n":
                    screen.y = min(screen.y + 1, screen.lines - 1)
                elif char == "\b":
                    screen.x = max(screen.x - 1, 0)
                elif char >= " ":
                    screen.put(char)
                continue
            char, received = yield
            if char == "]" or char == "P":  # OSC or DCS: up to BEL or ST
                previous = ""
                while True:
                    char, received = yield
                    if char == "\x07" or (previous == "\x1b" and char == "\\"):
                        break
                    previous = char
            elif char in "()*+#%":  # a character set: one more character
                yield
            elif char == "[":
                body = ""
                while True:
                    char, received = yield
                    if "\x40" <= char <= "\x7e":
                        break
                    body += char
                self._csi(body, char, received)

    def _csi(self, body: str, final: str, received: float) -> None:
        if body == SYNC_MODE + "$" and final == "p":
            os.write(self.master, SUPPORTS_SYNC)
        elif body == SYNC_MODE and final == "l":
            self.frames += 1
            self._frame_ended(received)
        else:
            self.screen.control(body, final)

    def _frame_ended(self, received: float) -> None:
        watch = self._watch
        if watch is not None and self._seen_at is None:
            since, shows = watch
            if received > since and shows(self.screen):
                self._seen_at = received

    # -- keys ------------------------------------------------------------------------------

    def press(self, key: bytes, shows: Callable[[Screen], bool], timeout: float) -> float | None:
        """Write ``key``; the seconds until the end of the first frame after it at which
        ``shows(screen)`` holds, or None if none came within ``timeout``."""
        with self._changed:
            self._seen_at = None
            started = time.perf_counter()
            self._watch = (started, shows)
            os.write(self.master, key)
            self._changed.wait_for(lambda: self._seen_at is not None, timeout)
            seen, self._watch = self._seen_at, None
        return None if seen is None else seen - started

    def wait_for(self, shows: Callable[[Screen], bool], timeout: float) -> bool:
        """Wait until the screen shows what ``shows`` looks for."""
        with self._changed:
            return self._changed.wait_for(lambda: shows(self.screen), timeout)

    def settle(self, at_least: float, quiet: float, timeout: float) -> None:
        """Wait ``at_least`` seconds, then until nothing has been written for ``quiet``
        seconds (or ``timeout`` has passed)."""
        time.sleep(at_least)
        deadline = time.perf_counter() + timeout
        while time.perf_counter() < deadline:
            since = time.perf_counter() - self.last_output
            if since >= quiet:
                return
            time.sleep(quiet - since)

    def close(self, timeout: float = 10) -> int | None:
        """Wait for the command to end (else stop it); its exit status."""
        try:
            status = self.process.wait(timeout)
        except subprocess.TimeoutExpired:
            self.process.kill()
            status = self.process.wait()
        self._reader.join(timeout)
        os.close(self.master)
        return status
