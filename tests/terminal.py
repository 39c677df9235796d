"""A real terminal for end-to-end tests: tmux runs a command, we type and read the screen."""

from __future__ import annotations

import shlex
import subprocess
import time
import uuid

WAIT_S = 20


class Terminal:
    """One tmux session running a command, read back as a person would see it."""

    def __init__(self, command: list[str], env: dict[str, str], size=(80, 24)):
        self.name = f"fd-{uuid.uuid4().hex[:8]}"
        width, height = size
        subprocess.run(
            [
                *("tmux", "new-session", "-d", "-s", self.name),
                *("-x", str(width), "-y", str(height)),
                f"env {' '.join(f'{k}={shlex.quote(v)}' for k, v in env.items())} "
                f"{shlex.join(command)}",
            ],
            check=True,
        )

    def screen(self) -> str:
        result = subprocess.run(
            ["tmux", "capture-pane", "-p", "-t", self.name], capture_output=True, text=True
        )
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
            subprocess.run(["tmux", "send-keys", "-t", self.name, key], check=True)
            time.sleep(0.05)

    def type(self, text: str) -> None:
        subprocess.run(["tmux", "send-keys", "-t", self.name, "-l", text], check=True)
        time.sleep(0.1)

    def resize(self, width: int, height: int) -> None:
        subprocess.run(
            ["tmux", "resize-window", "-t", self.name, "-x", str(width), "-y", str(height)],
            check=True,
        )

    def size(self) -> tuple[int, int]:
        result = subprocess.run(
            ["tmux", "display-message", "-p", "-t", self.name, "#{pane_width} #{pane_height}"],
            capture_output=True,
            text=True,
            check=True,
        )
        width, height = result.stdout.split()
        return int(width), int(height)

    def alive(self) -> bool:
        return (
            subprocess.run(["tmux", "has-session", "-t", self.name], capture_output=True).returncode
            == 0
        )

    def close(self) -> None:
        subprocess.run(["tmux", "kill-session", "-t", self.name], capture_output=True)
