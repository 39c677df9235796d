"""Closing the terminal keeps the draft and ends the app within a second, every time.

In a real terminal (tmux, a server of its own per terminal), a receptionist types a phone
number into the walk-in form, then the name, and as those keys arrive (their draft writes
still on their way, while the app draws) the terminal goes away in one of three ways: the
window is closed (tmux kills the pane: the kernel hangs the terminal up with SIGHUP and
SIGCONT), SIGHUP alone (a dropped SSH connection), or SIGTERM (``kill``, a service
manager). Each time the phone must be in the draft and the process gone: ``make soak``
closes 20 times and holds the promise, gone within ``GONE_WITHIN_S``; ``make test`` closes 3
times, one of each way, on a machine busy with the rest of the suite, and holds it to
``GONE_UNDER_LOAD_S`` — still far short of the hangs it guards against (for good, or the
15 s busy timeout), without failing when two cores run a dozen tests at once (1.56 s seen).
Each exit is looked for up to ``LOOK_FOR_S``, so that a slow one is measured, not cut off.

Before the fix, every close of a busy app left it running for good (its exit waiting on
Textual's writer thread; 1 close in 4 at random moments), SIGTERM lost the draft every
time, and a hang-up during a save that waited for another program's lock kept the app
(and the store) for the 15 s busy timeout.
"""

from __future__ import annotations

import json
import os
import shutil
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest

from tests.terminal import Terminal

pytestmark = [
    pytest.mark.e2e,
    pytest.mark.skipif(shutil.which("tmux") is None, reason="tmux is not installed"),
]

ROOT = Path(__file__).resolve().parent.parent
GONE_WITHIN_S = 1.0  # the promise (make soak)
GONE_UNDER_LOAD_S = 3.0  # make test, beside the rest of the suite
LOOK_FOR_S = 5.0  # how long the test looks, so that a slow exit is measured, not cut off
WAYS = ("close", "hangup", "terminate")
LOG_TITLE = "Today's registrations"
FORM_TITLE = "Walk-in registration"


@pytest.fixture
def desk_store(tmp_path) -> Path:
    """A store with a receptionist, 赵敏 (login zhaomin), who runs the desk terminal."""
    path = tmp_path / "store.db"
    subprocess.run(
        [
            *(sys.executable, "-m", "screens.main", "--db", str(path)),
            *("staff", "add", "赵敏", "--role", "receptionist"),
        ],
        check=True,
        capture_output=True,
        cwd=ROOT,
        env={**os.environ, "PYTHONPATH": str(ROOT)},
    )
    return path


def open_desk(store: Path) -> Terminal:
    env = {
        "FRONTDESK_DB": str(store),
        "FRONTDESK_LANG": "en",
        "FRONTDESK_AS": "zhaomin",
        "TERM": "xterm-256color",
        "PYTHONPATH": str(ROOT),
    }
    term = Terminal([sys.executable, "-m", "screens.main"], env)
    term.wait_for(LOG_TITLE)
    term.keys("F2")
    term.wait_for(FORM_TITLE)
    return term


def running(pid: int) -> bool:
    """Whether ``pid`` still runs (a zombie waiting to be reaped has ended)."""
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except (FileNotFoundError, IndexError):
        return False
    return state != "Z"


def time_to_go(pid: int, started: float) -> float | None:
    """Seconds from ``started`` until ``pid`` ended, or None if it still ran after LOOK_FOR_S."""
    while time.monotonic() - started < LOOK_FOR_S:
        if not running(pid):
            return time.monotonic() - started
        time.sleep(0.01)
    return None


def go_away(term: Terminal, pid: int, way: str) -> float:
    """The terminal goes away (``way``); returns when it started to."""
    started = time.monotonic()
    if way == "close":
        term.kill_pane()
    else:
        os.kill(pid, signal.SIGHUP if way == "hangup" else signal.SIGTERM)
    return started


def drafts(store: Path) -> list[dict]:
    with sqlite3.connect(store) as conn:
        return [json.loads(p) for (p,) in conn.execute("SELECT payload FROM draft")]


def close_repeatedly(tmp_path, desk_store: Path, times: int, within: float) -> list[float | None]:
    """Open the form, type, close the terminal; ``times`` times, the ways in turn; each
    time the app must be gone ``within`` seconds."""
    seconds = []
    for n in range(times):
        store = tmp_path / f"store-{n}.db"
        shutil.copy(desk_store, store)
        way = WAYS[n % len(WAYS)]
        phone = f"139{n:08d}"
        term = open_desk(store)
        try:
            pid = term.pid()
            term.type(phone)
            term.wait_for(phone)  # on the screen; its draft may still be on its way
            # More keys, and the terminal goes as they arrive: the app is busy drawing (on
            # an idle app the old exit hung far less often).
            term.tmux("send-keys", "-t", term.name, "Enter", "张三丰", check=True)
            gone = time_to_go(pid, go_away(term, pid, way))
        finally:
            term.close()
            if running(pid):
                os.kill(pid, signal.SIGKILL)
        seconds.append(gone)
        assert gone is not None, f"close {n} ({way}): still running after {LOOK_FOR_S} s"
        assert gone <= within, f"close {n} ({way}): gone only after {gone:.2f} s"
        # The phone was on the screen: it is kept. The name may not have reached the app.
        assert [d.get("phone") for d in drafts(store)] == [phone], f"close {n} ({way})"
    return seconds


def test_closing_the_terminal_three_ways_keeps_the_draft_and_ends_the_app(tmp_path, desk_store):
    seconds = close_repeatedly(tmp_path, desk_store, len(WAYS), GONE_UNDER_LOAD_S)
    print(f"hang-up: {len(seconds)} closes, longest {max(seconds):.2f} s to go")


@pytest.mark.soak
def test_twenty_closes_keep_every_draft_and_end_the_app_every_time(tmp_path, desk_store):
    seconds = close_repeatedly(tmp_path, desk_store, 20, GONE_WITHIN_S)
    print(
        f"hang-up soak: {len(seconds)} closes, all drafts kept, longest "
        f"{max(seconds):.2f} s, median {sorted(seconds)[len(seconds) // 2]:.2f} s to go"
    )


def test_a_hang_up_while_a_save_waits_for_a_lock_ends_the_app_at_once(tmp_path, desk_store):
    """The save waits for another program's lock (up to the 15 s busy timeout): the
    watchdog ends the app all the same; the draft typed before stays, nothing half-saved."""
    term = open_desk(desk_store)
    holder = sqlite3.connect(desk_store, isolation_level=None)
    try:
        pid = term.pid()
        term.type("13900001111")
        deadline = time.monotonic() + 20
        while not drafts(desk_store) and time.monotonic() < deadline:
            time.sleep(0.05)  # the draft is written as the keys come
        holder.execute("BEGIN IMMEDIATE")  # another program takes the store
        term.keys("C-s")
        time.sleep(0.3)  # not synchronisation: the save is waiting either way
        gone = time_to_go(pid, go_away(term, pid, "hangup"))
    finally:
        holder.rollback()
        holder.close()
        term.close()
        if running(pid):
            os.kill(pid, signal.SIGKILL)
    assert gone is not None and gone <= GONE_UNDER_LOAD_S, gone
    assert [d.get("phone") for d in drafts(desk_store)] == ["13900001111"]
    with sqlite3.connect(desk_store) as conn:
        assert conn.execute("SELECT COUNT(*) FROM registration").fetchone() == (0,)
