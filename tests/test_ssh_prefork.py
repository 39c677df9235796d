"""The pre-forked process of ``frontdesk serve``: apps forked on their own pty, and their end.

A stand-in app (``tests.prefork_app``) reports where it runs; the real app's ``preload``
is checked to import what it promises. The end to end over ``ssh`` (``test_ssh_e2e``)
runs the real app through the same process.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import os
import signal
import sys
import time
from pathlib import Path

import pytest

from frontdesk.ssh import server
from frontdesk.ssh.launcher import LOST_STATUS, Launcher, LauncherGone
from frontdesk.ssh.options import ServeOptions
from frontdesk.ssh.server import Hub
from frontdesk.ssh.session import exit_status, server_environment, set_window_size

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
APP = "tests.prefork_app"
WAIT_S = 30


def app_environment(**extra: str) -> dict[str, str]:
    return {**server_environment(), "PYTHONPATH": ROOT, "TERM": "xterm-256color", **extra}


class Terminal:
    """A pty: the master is ours, the slave goes to the app."""

    def __init__(self, columns: int = 100, rows: int = 30) -> None:
        self.master, self.slave = os.openpty()
        set_window_size(self.slave, columns, rows)
        self.output = b""

    async def facts(self) -> dict:
        """The app's report: the first line of JSON it wrote."""
        loop = asyncio.get_running_loop()
        deadline = loop.time() + WAIT_S
        while loop.time() < deadline:
            for line in self.output.decode(errors="replace").splitlines():
                if line.startswith("{"):
                    return json.loads(line)
            await asyncio.sleep(0.02)
            try:
                self.output += os.read(self.master, 65536)
            except BlockingIOError:
                pass
            except OSError:  # EIO: the app has gone
                break
        raise AssertionError(f"no report from the app: {self.output!r}")

    def handed_over(self) -> None:
        """As the server does once the app has the slave: it holds the only copy."""
        os.close(self.slave)
        os.set_blocking(self.master, False)

    def rest(self) -> bytes:
        """All the app wrote, once it has ended: read until the terminal says it is gone
        (one read may return only the first part of what a busy machine delivered)."""
        deadline = time.monotonic() + WAIT_S
        while time.monotonic() < deadline:
            try:
                chunk = os.read(self.master, 65536)
            except BlockingIOError:  # the app has ended: the rest is on its way, then EIO
                time.sleep(0.01)
                continue
            except OSError:  # EIO: nothing more will come
                return self.output
            if not chunk:
                return self.output
            self.output += chunk
        return self.output

    def type(self, text: str) -> None:
        os.write(self.master, text.encode())

    def hang_up(self, app) -> None:
        """What the server does when the SSH connection drops (``AppSession.hang_up``):
        close the terminal and send the app's process group SIGHUP. The kernel's own
        hang-up signal is not waited for: under load it was seen not to come at all."""
        os.close(self.master)
        with contextlib.suppress(ProcessLookupError):
            os.killpg(app.pid, signal.SIGHUP)


@pytest.fixture
async def launcher():
    started = Launcher(sys.executable, APP, {**server_environment(), "PYTHONPATH": ROOT})
    await started.start()
    yield started
    await started.close()


async def launch(launcher: Launcher, term: Terminal, *args: str, **env: str):
    try:
        return await launcher.spawn(list(args), app_environment(**env), term.slave)
    finally:
        term.handed_over()


async def test_an_app_runs_on_its_own_terminal_with_the_sessions_environment(launcher):
    term = Terminal(132, 43)
    app = await launch(launcher, term, "--db", "x.db", "--as", "chenjing", COLORTERM="truecolor")
    facts = await term.facts()
    assert facts["argv"] == ["--db", "x.db", "--as", "chenjing"]
    assert facts["sys_argv"] == [APP, "--db", "x.db", "--as", "chenjing"]
    assert facts["session_leader"] and facts["foreground"]  # the pty is its terminal
    assert facts["size"] == [132, 43]
    assert facts["env"] == app_environment(COLORTERM="truecolor")  # that, and nothing else
    assert facts["preloaded"] == ["yes"]  # done once, before the fork
    assert Path(f"/proc/{app.pid}/comm").read_text().strip() == "frontdesk-app"
    assert launcher.ready.is_set()
    term.type("7\n")
    assert await asyncio.wait_for(app.wait(), WAIT_S) == 7
    assert app.returncode == 7


async def test_apps_are_separate_and_a_failure_is_a_status(launcher):
    first, second = Terminal(), Terminal()
    one = await launch(launcher, first, "one")
    two = await launch(launcher, second, "two")
    assert one.pid != two.pid
    assert (await first.facts())["argv"] == ["one"]
    assert (await second.facts())["argv"] == ["two"]
    second.type("boom\n")
    assert await asyncio.wait_for(two.wait(), WAIT_S) == 1
    assert b"RuntimeError: boom" in second.rest()
    assert one.returncode is None  # the other app runs on
    first.type("0\n")
    assert await asyncio.wait_for(one.wait(), WAIT_S) == 0


async def test_a_dropped_connection_hangs_the_app_up(launcher):
    term = Terminal()
    app = await launch(launcher, term)
    await term.facts()
    term.hang_up(app)  # what the server does when the SSH connection drops
    returncode = await asyncio.wait_for(app.wait(), WAIT_S)
    assert returncode == -signal.SIGHUP and exit_status(returncode) == 129


async def test_an_app_hears_its_hang_up_even_from_a_server_started_under_nohup():
    """A server started with SIGHUP ignored (``nohup frontdesk serve``) hands the ignoring
    to everything it executes; each session's app must still end on its hang-up."""
    previous = signal.signal(signal.SIGHUP, signal.SIG_IGN)  # inherited across exec
    try:
        started = Launcher(sys.executable, APP, {**server_environment(), "PYTHONPATH": ROOT})
        await started.start()
    finally:
        signal.signal(signal.SIGHUP, previous)
    try:
        term = Terminal()
        app = await launch(started, term)
        await term.facts()
        term.hang_up(app)
        assert await asyncio.wait_for(app.wait(), WAIT_S) == -signal.SIGHUP
    finally:
        await started.close()


async def test_apps_outlive_the_pre_forked_process_and_later_requests_are_refused(launcher):
    term = Terminal()
    app = await launch(launcher, term)
    await term.facts()
    os.kill(launcher.process.pid, signal.SIGKILL)
    await asyncio.wait_for(launcher.process.wait(), WAIT_S)
    while launcher.alive:  # the server notices the socket close
        await asyncio.sleep(0.01)
    assert app.returncode is None  # the session goes on
    with pytest.raises(LauncherGone):
        await launch(launcher, Terminal())
    term.type("3\n")  # its status went with the pre-forked process; its end did not
    assert await asyncio.wait_for(app.wait(), WAIT_S) == LOST_STATUS


async def test_the_server_starts_apps_the_slow_way_when_the_pre_forked_process_is_gone(
    tmp_path, monkeypatch
):
    hub = Hub(ServeOptions(db="x.db", host_key=tmp_path / "key", app_module=APP))
    await hub.start_launcher()
    launcher = hub.launcher
    assert launcher is not None
    await asyncio.wait_for(launcher.ready.wait(), WAIT_S)
    os.kill(launcher.process.pid, signal.SIGKILL)
    while launcher.alive:
        await asyncio.sleep(0.01)

    class Session:
        name = "test/1"

        @staticmethod
        def app_args() -> list[str]:
            return ["slow"]

        @staticmethod
        def environment() -> dict[str, str]:
            return app_environment()

        @staticmethod
        def command() -> list[str]:
            return [sys.executable, "-m", "frontdesk.ssh.child", APP, "slow"]

    term = Terminal()
    process = await hub.start_app(Session(), term.slave)  # it died young: not started again
    term.handed_over()
    assert hub.launcher is launcher and isinstance(process, asyncio.subprocess.Process)
    facts = await term.facts()
    assert facts["argv"] == ["slow"] and facts["preloaded"] == []  # imported by itself
    term.type("5\n")
    assert await asyncio.wait_for(process.wait(), WAIT_S) == 5
    monkeypatch.setattr(server, "RELAUNCH_AFTER_S", 0.0)  # now it has lived long enough
    term = Terminal()
    app = await hub.start_app(Session(), term.slave)  # a new pre-forked process forks it
    term.handed_over()
    assert hub.launcher is not launcher and hub.launcher.alive
    assert (await term.facts())["preloaded"] == ["yes"]
    term.type("6\n")
    assert await asyncio.wait_for(app.wait(), WAIT_S) == 6
    await hub.launcher.close()
    hub.close()


def test_the_apps_preload_imports_every_screen_and_catalogue():
    from frontdesk import i18n
    from screens import main

    main.preload()
    loaded = {"screens.app", "screens.followup.contacts", "screens.help", "pypinyin"}
    assert loaded <= set(sys.modules)
    # What an app on a terminal imports once it runs: loaded too, or a name has moved.
    assert set(main.RUNTIME_MODULES) <= set(sys.modules)
    assert i18n.catalogue.cache_info().currsize >= len(i18n.LANGUAGES)
