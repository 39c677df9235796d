"""A real terminal for end-to-end tests: tmux runs a command, we type and read the screen.

Each terminal has a tmux server of its own (``tmux -L NAME``), killed when the terminal
closes. On the shared default server, the last session's end makes the server exit while
the next test's ``new-session`` is connecting to it: "server exited unexpectedly", 8 times
in 300 create-then-kill cycles.
"""

from __future__ import annotations

import contextlib
import os
import shlex
import subprocess
import time
import uuid

WAIT_S = 20


class TerminalError(AssertionError):
    """tmux could not start the terminal."""


class Terminal:
    """One tmux session on its own server running a command, read as a person would see it."""

    def __init__(self, command: list[str], env: dict[str, str], size=(80, 24)):
        self.name = f"fd-{uuid.uuid4().hex[:8]}"
        self.socket = f"frontdesk-test-{os.getpid()}-{self.name}"
        # Where tmux puts a socket named with -L (removed at close: tmux leaves it behind).
        folder = os.path.join(os.environ.get("TMUX_TMPDIR") or "/tmp", f"tmux-{os.getuid()}")
        self.socket_path = os.path.join(folder, self.socket)
        width, height = size
        started = self.tmux(
            *("new-session", "-d", "-s", self.name),
            *("-x", str(width), "-y", str(height)),
            # exec: the pane's process is the command itself (``pid`` is the app's).
            f"exec env {' '.join(f'{k}={shlex.quote(v)}' for k, v in env.items())} "
            f"{shlex.join(command)}",
            capture_output=True,
            text=True,
        )
        if started.returncode != 0:
            self.close()
            raise TerminalError(f"tmux new-session failed: {started.stderr.strip()}")

    def tmux(self, *args: str, check: bool = False, **options) -> subprocess.CompletedProcess:
        """Run a tmux command on this terminal's own server (no configuration file read)."""
        return subprocess.run(
            ["tmux", "-f", "/dev/null", "-L", self.socket, *args], check=check, **options
        )

    def screen(self) -> str:
        result = self.tmux("capture-pane", "-p", "-t", self.name, capture_output=True, text=True)
        return result.stdout

    def wait_for(self, text: str, timeout: float = WAIT_S) -> str:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            screen = self.screen()
            if text in screen:
                return screen
            time.sleep(0.1)
        raise AssertionError(f"{text!r} never appeared on the screen:\n{self.screen()}")

    def wait_until(self, check, timeout: float = WAIT_S) -> str:
        """Wait until ``check(screen)`` is true; returns that screen."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            screen = self.screen()
            if check(screen):
                return screen
            time.sleep(0.1)
        raise AssertionError(f"the screen never became as expected:\n{self.screen()}")

    def keys(self, *keys: str) -> None:
        for key in keys:
            self.tmux("send-keys", "-t", self.name, key, check=True)
            time.sleep(0.05)

    def type(self, text: str) -> None:
        self.tmux("send-keys", "-t", self.name, "-l", text, check=True)
        time.sleep(0.1)

    def resize(self, width: int, height: int) -> None:
        self.tmux("resize-window", "-t", self.name, "-x", str(width), "-y", str(height), check=True)

    def size(self) -> tuple[int, int]:
        width, height = self.display("#{pane_width} #{pane_height}").split()
        return int(width), int(height)

    def pid(self) -> int:
        """The process the pane runs: the command itself."""
        return int(self.display("#{pane_pid}"))

    def display(self, text: str) -> str:
        result = self.tmux(
            "display-message", "-p", "-t", self.name, text, capture_output=True, text=True
        )
        result.check_returncode()
        return result.stdout.strip()

    def alive(self) -> bool:
        return self.tmux("has-session", "-t", self.name, capture_output=True).returncode == 0

    def kill_pane(self) -> None:
        """Close the window, as a person closing their terminal: the kernel hangs it up."""
        self.tmux("kill-pane", "-t", self.name, capture_output=True)

    def close(self) -> None:
        """Kill this terminal's server (its sessions with it) and remove its socket."""
        self.tmux("kill-server", capture_output=True)
        with contextlib.suppress(OSError):
            os.unlink(self.socket_path)
