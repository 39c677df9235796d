"""Thread workers hand back only the answers still wanted."""

from __future__ import annotations

import threading

from textual.app import App

from screens.db import run_db


class Reader(App):
    """Two reads of one exclusive group: the first is slow, the second replaces it."""

    def __init__(self) -> None:
        super().__init__()
        self.shown: list[str] = []
        self.started = threading.Event()
        self.release = threading.Event()
        self.slow_running = True

    def slow(self) -> str:
        self.started.set()
        self.release.wait(5)
        self.slow_running = False
        return "before the change"

    def show(self, value: str) -> None:
        self.shown.append(value)


async def test_a_replaced_read_never_shows_its_older_answer(db):
    """The admin's x key stayed 离职 after a deactivation: the read started before it (on the
    screen's resume) finished after the read started by the change, and was shown last."""
    app = Reader()
    async with app.run_test() as pilot:
        run_db(app, app.slow, on_done=app.show, group="admin", exclusive=True)
        await until(pilot, app.started.is_set)  # the older read is under way
        run_db(app, lambda: "after the change", on_done=app.show, group="admin", exclusive=True)
        await until(pilot, lambda: app.shown == ["after the change"])
        app.release.set()  # the older read ends now
        await until(pilot, lambda: not app.slow_running)
        await pilot.pause(0.2)  # its answer, if it sent one, has arrived
        assert app.shown == ["after the change"]


async def until(pilot, condition) -> None:
    """Pause until ``condition()`` (not ``settle``: it waits for the workers, and the older
    read holds one on purpose)."""
    for _ in range(200):
        if condition():
            return
        await pilot.pause(0.05)
    raise AssertionError("never happened")
