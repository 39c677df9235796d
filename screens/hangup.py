"""When the terminal goes away (挂断): keep the drafts, and be gone within a second.

A closed terminal window or a dropped SSH connection hangs the terminal up: the kernel
sends the app SIGHUP, and SIGCONT after it; ``kill`` or a service manager sends SIGTERM.
Either way what is being typed is kept as a draft and the process ends, every time:

- the handler runs on the UI thread between two bytecodes, whatever the event loop is
  waiting for, and only reads the forms (each screen that ``KeepsDraft``, by its
  ``pending_draft()``: ``screens.registry``) and asks the app to exit;
- a thread of its own writes those drafts, waiting at most ``DRAFT_LOCK_WAIT_S`` for the
  store's write lock (not the store's 15 s), and closes its connection;
- Textual's SIGCONT handler is switched off first: on a hung-up terminal it starts
  application mode again, with a new writer thread that dies on its first write, and the
  app's exit then waits for that thread forever (1 close in 4 left an orphan holding the
  store open);
- a watchdog ends the process with ``os._exit`` if it is still there ``EXIT_DEADLINE_S``
  after the signal (once the drafts are written), putting the terminal back as it was
  first, if it still can.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import os
import signal
import sys
import termios
import threading
import time
from collections.abc import Callable

from textual.app import App

from frontdesk import store
from frontdesk.store import dialect, drafts
from frontdesk.store.models import database
from screens.registry import Draft, KeepsDraft

log = logging.getLogger("frontdesk.screens")

HANGUP_SIGNALS = (signal.SIGHUP, signal.SIGTERM)
DRAFT_LOCK_WAIT_S = 0.25  # the draft is worth a short wait for another writer, no more
EXIT_DEADLINE_S = 0.6  # Textual's own exit (the terminal put back) has this long
DRAFT_DEADLINE_S = 0.9  # past this, even a draft still being written is given up
# What Textual's exit would write to put the terminal back: keyboard protocol, mouse,
# bracketed paste and focus reports off, line wrap on, the main screen, the cursor.
TERMINAL_RESET = (
    b"\x1b[<u\x1b[?1000l\x1b[?1003l\x1b[?1015l\x1b[?1006l\x1b[?2004l\x1b[?1004l"
    b"\x1b[?7h\x1b[?1049l\x1b[?25h"
)

_terminal: tuple[int, list] | None = None  # stdin and its settings before the app ran


def remember_terminal() -> None:
    """Note the terminal's settings before the app changes them (call before ``run``)."""
    global _terminal
    with contextlib.suppress(OSError, ValueError, AttributeError, termios.error):
        fd = sys.__stdin__.fileno()
        _terminal = (fd, termios.tcgetattr(fd))


def pending_drafts(app: App) -> list[Draft]:
    """The drafts of every open screen that has one (``pending_draft()``), top first."""
    found = []
    for screen in reversed(app.screen_stack):
        if isinstance(screen, KeepsDraft):
            try:
                draft = screen.pending_draft()
            except Exception:  # a screen half torn down: keep the others' drafts
                log.exception("could not read the draft of %s", screen)
                continue
            if draft is not None:
                found.append(draft)
    return found


def keep_drafts(found: list[Draft], lock_wait_s: float | None = DRAFT_LOCK_WAIT_S) -> None:
    """Write ``found`` on this thread, waiting at most ``lock_wait_s`` for the store's lock
    (None: the store's own busy timeout)."""
    if not found or database.obj is None:
        return
    with store.connection():
        if lock_wait_s is not None:
            database.execute_sql(dialect.lock_wait_sql(database, int(lock_wait_s * 1000)))
        for owner, form, payload in found:
            drafts.save_draft(owner, form, payload)


class HangUp:
    """The app's SIGHUP and SIGTERM handlers, from ``install`` to ``uninstall``."""

    def __init__(self, app: App, exit_status: Callable[[int], int] = lambda n: 128 + n):
        self.app = app
        self.exit_status = exit_status
        self.started: float | None = None
        self.kept = threading.Event()
        self._loop: asyncio.AbstractEventLoop | None = None
        self._previous: dict[int, object] = {}

    def install(self) -> None:
        """Take the signals (from the UI thread, while the app runs)."""
        self._loop = asyncio.get_running_loop()
        for signum in HANGUP_SIGNALS:
            with contextlib.suppress(ValueError, OSError):  # not the main thread (tests)
                self._previous[signum] = signal.signal(signum, self._on_signal)

    def uninstall(self) -> None:
        """Give the signals back, unless one came: then the watchdog has the last word."""
        if self.started is not None:
            return
        for signum, previous in self._previous.items():
            with contextlib.suppress(ValueError, OSError, TypeError):
                signal.signal(signum, previous)
        self._previous.clear()

    def _on_signal(self, signum: int, _frame) -> None:
        if self.started is not None:
            return  # SIGTERM after SIGHUP, say: already on the way out
        self.started = time.monotonic()
        with contextlib.suppress(ValueError, OSError):
            signal.signal(signal.SIGCONT, _ignore)
        status = self.exit_status(signum)
        try:
            found = pending_drafts(self.app)
        except Exception:
            log.exception("could not read the drafts at hang-up")
            found = []
        # Not a daemon: the interpreter's exit waits for the drafts (the watchdog bounds it).
        threading.Thread(target=self._keep, args=(found,), name="frontdesk-hangup").start()
        threading.Thread(
            target=self._watch, args=(status,), name="frontdesk-watchdog", daemon=True
        ).start()
        with contextlib.suppress(RuntimeError):  # the loop has already closed
            self._loop.call_soon_threadsafe(lambda: self.app.exit(return_code=status))

    def _keep(self, found: list[Draft]) -> None:
        try:
            keep_drafts(found)
        except Exception:
            log.exception("could not keep the drafts at hang-up")
        finally:
            self.kept.set()

    def _watch(self, status: int) -> None:
        started = self.started or time.monotonic()
        self.kept.wait(max(0.0, started + DRAFT_DEADLINE_S - time.monotonic()))
        time.sleep(max(0.0, started + EXIT_DEADLINE_S - time.monotonic()))
        _put_terminal_back()
        os._exit(status)


def _ignore(_signum: int, _frame) -> None:
    pass


def _put_terminal_back() -> None:
    """Leave the terminal as the app found it, if it is still there (never waiting)."""
    if _terminal is None:
        return
    fd, settings = _terminal
    with contextlib.suppress(OSError, termios.error):
        termios.tcsetattr(fd, termios.TCSANOW, settings)
    # A description of its own, so that non-blocking does not reach the shell's.
    with contextlib.suppress(OSError):
        out = os.open(os.ttyname(fd), os.O_WRONLY | os.O_NONBLOCK | os.O_NOCTTY)
        try:
            os.write(out, TERMINAL_RESET)
        finally:
            os.close(out)
