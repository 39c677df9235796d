"""The change watcher: a poll on a worker thread and the app's close never overlap."""

from __future__ import annotations

import threading

from frontdesk.store.watch import ChangeWatcher


class SlowConnection:
    """Stands in for the watcher's connection: its read waits until told to go on, and it
    writes down what happened in order."""

    def __init__(self, events: list[str], go_on: threading.Event) -> None:
        self.events = events
        self.go_on = go_on
        self.reading = threading.Event()

    def execute(self, _sql: str) -> SlowConnection:
        self.events.append("read starts")
        self.reading.set()
        assert self.go_on.wait(10)
        self.events.append("read ends")
        return self

    def fetchone(self) -> tuple[int]:
        return (1,)

    def close(self) -> None:
        self.events.append("closed")


def test_closing_waits_for_a_poll_under_way_and_later_polls_see_nothing(tmp_path):
    """Closing a SQLite connection while another thread reads on it crashed the test run
    once (a segmentation fault in ``changed`` as the app closed the watcher)."""
    events: list[str] = []
    go_on = threading.Event()
    watcher = ChangeWatcher(str(tmp_path / "store.db"))
    slow = SlowConnection(events, go_on)
    watcher._conn = slow  # type: ignore[assignment]
    poll = threading.Thread(target=watcher.changed)
    poll.start()
    assert slow.reading.wait(10)
    closing = threading.Thread(target=watcher.close)
    closing.start()
    closing.join(0.2)
    assert closing.is_alive()  # it waits for the read under way
    go_on.set()
    poll.join(10)
    closing.join(10)
    assert events == ["read starts", "read ends", "closed"]
    assert watcher.changed() is False  # closed: no connection is opened again


def test_a_commit_by_another_connection_is_seen(tmp_path):
    import sqlite3

    path = str(tmp_path / "store.db")
    with sqlite3.connect(path) as other:
        other.execute("CREATE TABLE t (x)")
    watcher = ChangeWatcher(path)
    assert watcher.changed() is True  # the first call: nothing to compare with
    assert watcher.changed() is False
    with sqlite3.connect(path) as other:
        other.execute("INSERT INTO t VALUES (1)")
    assert watcher.changed() is True
    watcher.close()


def test_an_sqlite_store_is_watched_by_its_data_version(db):
    from frontdesk.store.watch import watcher_for_store

    watcher = watcher_for_store()
    assert isinstance(watcher, ChangeWatcher) and watcher.path == db.database
    watcher.close()
