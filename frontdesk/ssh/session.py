"""One SSH session: the app in a child process of its own, on a pty of its own.

The child (``screens.main --db … --as LOGIN``, forked by the pre-forked process, or else
started as ``python -m frontdesk.ssh.child screens.main …``) gets the
pty as its controlling terminal, the client's TERM (and COLORTERM, NO_COLOR) and never
COLUMNS or LINES, so it lays itself out for the window it is really in; every window-size
change of the client is set on the pty (TIOCSWINSZ), and the kernel tells the app
(SIGWINCH). A window larger than ``MAX_COLUMNS`` × ``MAX_ROWS`` is treated as that large;
a TERM that is not a terminal's name is logged (escaped) and replaced. When the connection
drops, or the client's input ends (EOF), the pty is hung up: the app gets SIGHUP and saves
its draft on the way out. When the app exits, the channel closes with its exit status.
"""

from __future__ import annotations

import asyncio
import contextlib
import errno
import fcntl
import logging
import os
import re
import signal
import struct
import termios
from typing import TYPE_CHECKING

import asyncssh

from frontdesk import i18n
from frontdesk.i18n import t
from frontdesk.ssh.escape import printable

if TYPE_CHECKING:
    from frontdesk.ssh.server import Hub, StaffServer

log = logging.getLogger("frontdesk.ssh")

READ_CHUNK = 64 * 1024
HANGUP_GRACE_S = 10.0  # after SIGHUP, the app has this long to save and exit before SIGTERM
KILL_GRACE_S = 5.0
DEFAULT_TERM = "xterm-256color"
TERM_NAME = re.compile(r"[A-Za-z0-9][A-Za-z0-9._+-]{0,63}")  # xterm-256color, screen.xterm…
# The largest window laid out; a bigger one (a typo'd resize, a hostile client) is treated
# as this big: Textual's work per frame grows with the cells, and the pty takes 16 bits.
MAX_COLUMNS, MAX_ROWS = 500, 200
MAX_PIXELS = 0xFFFF
# From the server's own environment: where Python and the store's clock live.
SERVER_ENVIRONMENT = ("PATH", "HOME", "TZ", "PYTHONPATH", "VIRTUAL_ENV", "TMPDIR", "LANG", "LC_ALL")
# From the client, when it sends them (ssh -o SetEnv=… / SendEnv): its terminal's abilities
# and the language it wants to read.
CLIENT_ENVIRONMENT = ("COLORTERM", "NO_COLOR", "FRONTDESK_LANG")


def server_environment() -> dict[str, str]:
    """What every app process gets from the server: where Python and the clock live, UTF-8,
    and the server's language (a client may ask for another)."""
    env = {name: os.environ[name] for name in SERVER_ENVIRONMENT if os.environ.get(name)}
    env.setdefault("LANG", "C.UTF-8")
    env["PYTHONIOENCODING"] = "utf-8"
    env["FRONTDESK_LANG"] = i18n.language()
    return env


def set_window_size(fd: int, columns: int, rows: int, xpixels: int = 0, ypixels: int = 0) -> None:
    """Tell the pty its window size (the kernel then sends SIGWINCH to its foreground)."""
    size = struct.pack("HHHH", max(rows, 1), max(columns, 1), xpixels, ypixels)
    fcntl.ioctl(fd, termios.TIOCSWINSZ, size)


def bounded_size(
    columns: int, rows: int, xpixels: int = 0, ypixels: int = 0
) -> tuple[int, int, int, int]:
    """The window size the app is given: at least 1 × 1, at most ``MAX_COLUMNS`` ×
    ``MAX_ROWS`` (pixel sizes are dropped when the window was cut: they would not match)."""
    if columns > MAX_COLUMNS or rows > MAX_ROWS:
        xpixels = ypixels = 0
    return (
        min(max(columns, 1), MAX_COLUMNS),
        min(max(rows, 1), MAX_ROWS),
        min(max(xpixels, 0), MAX_PIXELS),
        min(max(ypixels, 0), MAX_PIXELS),
    )


def exit_status(returncode: int) -> int:
    """A process's return code as a shell reports it (killed by signal N: 128 + N)."""
    return returncode if returncode >= 0 else 128 - returncode


class AppSession(asyncssh.SSHServerSession):
    """A session channel that runs the app for the signed-in staff member, and only that."""

    def __init__(self, hub: Hub, server: StaffServer, number: int) -> None:
        self.hub = hub
        self.server = server
        self.number = number
        self.name = f"{server.session_name}/{number}"
        self.chan: asyncssh.SSHServerChannel | None = None
        self.term = ""
        self.size = (80, 24, 0, 0)
        self.has_pty = False
        self.master: int | None = None
        self.process: asyncio.subprocess.Process | None = None
        self.task: asyncio.Task | None = None
        self.last_input = 0.0
        self.reason = ""  # why the server ended the session, if it did (idle, shutdown)
        self._pending = bytearray()  # typed input the pty could not take yet
        self._reading = False
        self._paused = False
        self._idle_handle: asyncio.TimerHandle | None = None
        self._escalation: asyncio.Future | None = None
        hub.sessions.add(self)  # counted from the request on: the limit holds under a rush

    # -- what the client asks for --------------------------------------------------------

    def connection_made(self, chan: asyncssh.SSHServerChannel) -> None:
        self.chan = chan

    def pty_requested(self, term_type, term_size, term_modes) -> bool:
        self.has_pty = True
        self.term = term_type or ""
        if self.term and not TERM_NAME.fullmatch(self.term):
            self.server.note_refusal("term", term=self.term)  # escaped in the log and audit
        if term_size and term_size[0] and term_size[1]:
            self.size = bounded_size(*term_size)
        return True

    def shell_requested(self) -> bool:
        return True

    def exec_requested(self, command: str) -> bool:
        self.server.note_refusal("exec", command=command)
        return False

    def subsystem_requested(self, subsystem: str) -> bool:
        self.server.note_refusal("subsystem", subsystem=subsystem)
        return False

    def session_started(self) -> None:
        if not self.has_pty:
            assert self.chan is not None
            self.chan.write((t("ssh.needs_terminal") + "\r\n").encode())
            self.chan.exit(1)
            self.hub.sessions.discard(self)
            return
        self.task = asyncio.ensure_future(self._run())

    def terminal_size_changed(self, width: int, height: int, pixwidth: int, pixheight: int):
        self._touch()
        if not (width and height):
            return
        self.size = bounded_size(width, height, pixwidth, pixheight)
        if self.master is not None:
            with contextlib.suppress(OSError):
                set_window_size(self.master, *self.size)

    def data_received(self, data: bytes, datatype) -> None:
        self._touch()
        if self.master is None:
            return
        self._pending += data
        self._flush_input()

    def eof_received(self) -> bool:
        """The client's input ended (``ssh … < /dev/null``, a closed pipe): the app keeps its
        draft and exits. True: the channel stays open for its last output and exit status."""
        self.hang_up("eof")
        return True

    def break_received(self, msec: int) -> bool:
        return False

    def pause_writing(self) -> None:
        self._paused = True
        self._stop_reading()

    def resume_writing(self) -> None:
        self._paused = False
        self._start_reading()

    def connection_lost(self, exc: Exception | None) -> None:
        if self.task is None:  # never started (refused, or no pty)
            self.hub.sessions.discard(self)
        self.hang_up("connection lost")

    # -- the child -----------------------------------------------------------------------

    def environment(self) -> dict[str, str]:
        """The child's environment: the server's essentials, the client's terminal, no size."""
        env = server_environment()
        env["TERM"] = self.term if TERM_NAME.fullmatch(self.term) else DEFAULT_TERM
        assert self.chan is not None
        sent = self.chan.get_environment() or {}
        for name in CLIENT_ENVIRONMENT:
            if sent.get(name):
                env[name] = str(sent[name])
        env["FRONTDESK_SESSION"] = self.name
        for name in ("COLUMNS", "LINES"):
            env.pop(name, None)
        return env

    def app_args(self) -> list[str]:
        """The app's command line: the server's store, signed in as the key's owner."""
        options = self.hub.options
        store = ["--store", options.store] if options.store else []
        return ["--db", options.db, *store, "--as", self.server.login]

    def command(self) -> list[str]:
        """The app as a process of its own, when the pre-forked process cannot fork it."""
        options = self.hub.options
        return [options.python, "-m", "frontdesk.ssh.child", options.app_module, *self.app_args()]

    async def _run(self) -> None:
        loop = asyncio.get_running_loop()
        status = 1
        try:
            master, slave = os.openpty()
            self.master = master
            columns, rows, xpixels, ypixels = self.size
            set_window_size(slave, columns, rows, xpixels, ypixels)
            try:
                self.process = await self.hub.start_app(self, slave)
            finally:
                os.close(slave)
            if self.reason:  # the connection dropped while the app was starting
                self.hang_up(self.reason)
            else:
                os.set_blocking(master, False)
            log.info(
                "session %s: %s started the app (pid %s, %sx%s, TERM=%s)",
                self.name,
                self.server.login,
                self.process.pid,
                columns,
                rows,
                printable(self.term or DEFAULT_TERM),
            )
            self.last_input = loop.time()
            self._start_reading()
            self._schedule_idle_check()
            returncode = await self.process.wait()
            status = exit_status(returncode)
            self._drain_output()
        except Exception:
            log.exception("session %s failed", self.name)
        finally:
            self._close_master()
            if self._idle_handle is not None:
                self._idle_handle.cancel()
            self.hub.sessions.discard(self)
        log.info("session %s: the app exited with status %s", self.name, status)
        self._finish(status)

    def _finish(self, status: int) -> None:
        chan = self.chan
        if chan is None or chan.is_closing():
            return
        if self.reason == "idle":
            minutes = max(1, round(self.hub.options.idle_timeout / 60))
            chan.write(("\r\n" + t("ssh.idle", minutes=minutes) + "\r\n").encode())
        elif self.reason == "shutdown":
            chan.write(("\r\n" + t("ssh.shutdown") + "\r\n").encode())
        elif self.reason == "eof":
            chan.write(("\r\n" + t("ssh.eof") + "\r\n").encode())
        chan.exit(status)

    # -- moving bytes --------------------------------------------------------------------

    def _start_reading(self) -> None:
        if self.master is not None and not self._reading and not self._paused:
            asyncio.get_running_loop().add_reader(self.master, self._read_output)
            self._reading = True

    def _stop_reading(self) -> None:
        if self.master is not None and self._reading:
            asyncio.get_running_loop().remove_reader(self.master)
        self._reading = False

    def _read_output(self) -> None:
        if self.master is None:  # closed since the reader was added
            return
        try:
            data = os.read(self.master, READ_CHUNK)
        except BlockingIOError:
            return
        except OSError:  # EIO: every copy of the slave is closed, the app has gone
            self._stop_reading()
            return
        if not data:
            self._stop_reading()
            return
        if self.chan is not None and not self.chan.is_closing():
            self.chan.write(data)

    def _drain_output(self) -> None:
        """What the app wrote just before it exited (restoring the terminal, a last word)."""
        self._stop_reading()
        while self.master is not None:
            try:
                data = os.read(self.master, READ_CHUNK)
            except OSError:
                return
            if not data:
                return
            if self.chan is not None and not self.chan.is_closing():
                self.chan.write(data)

    def _flush_input(self) -> None:
        loop = asyncio.get_running_loop()
        while self._pending and self.master is not None:
            try:
                written = os.write(self.master, self._pending)
            except BlockingIOError:
                loop.add_writer(self.master, self._writable)
                return
            except OSError as error:
                if error.errno != errno.EIO:
                    log.warning("session %s: input lost: %s", self.name, error)
                self._pending.clear()
                return
            del self._pending[:written]

    def _writable(self) -> None:
        if self.master is not None:
            asyncio.get_running_loop().remove_writer(self.master)
        self._flush_input()

    def _close_master(self) -> None:
        if self.master is None:
            return
        loop = asyncio.get_running_loop()
        self._stop_reading()
        loop.remove_writer(self.master)
        with contextlib.suppress(OSError):
            os.close(self.master)
        self.master = None

    # -- idle, hang-up -------------------------------------------------------------------

    def _touch(self) -> None:
        with contextlib.suppress(RuntimeError):
            self.last_input = asyncio.get_running_loop().time()

    def _schedule_idle_check(self) -> None:
        timeout = self.hub.options.idle_timeout
        if not timeout:
            return
        loop = asyncio.get_running_loop()
        remaining = self.last_input + timeout - loop.time()
        if remaining <= 0:
            log.info("session %s: idle for %s s, closing", self.name, int(timeout))
            self.server.note_event("idle", seconds=int(timeout))
            self.hang_up("idle")
            return
        self._idle_handle = loop.call_later(remaining + 0.5, self._schedule_idle_check)

    def hang_up(self, reason: str) -> None:
        """Close the app's terminal: SIGHUP, then SIGTERM and SIGKILL if it lingers."""
        if not self.reason:
            self.reason = reason
        process = self.process
        self._close_master()  # the kernel hangs up the session: SIGHUP to the app
        if process is None or process.returncode is not None:
            return
        _signal(process, signal.SIGHUP)
        self._escalation = asyncio.ensure_future(_escalate(process, self.name))


def _signal(process: asyncio.subprocess.Process, signum: int) -> None:
    try:
        os.killpg(process.pid, signum)
    except (ProcessLookupError, PermissionError):
        with contextlib.suppress(ProcessLookupError):
            process.send_signal(signum)


async def _escalate(process: asyncio.subprocess.Process, name: str) -> None:
    for signum, grace in ((signal.SIGTERM, HANGUP_GRACE_S), (signal.SIGKILL, KILL_GRACE_S)):
        try:
            await asyncio.wait_for(asyncio.shield(process.wait()), grace)
            return
        except TimeoutError:
            log.warning("session %s: the app did not exit; sending %s", name, signum.name)
            _signal(process, signum)
