"""Noticing commits made by other connections and processes.

SQLite's ``PRAGMA data_version`` changes on a connection whenever *another* connection
commits to the same file. A watcher keeps one connection of its own open and polls that
pragma: a cheap read of a counter, no query over any table.
"""

from __future__ import annotations

import sqlite3
import threading

from frontdesk.store.models import database


class ChangeWatcher:
    """Polls ``PRAGMA data_version`` on a dedicated connection.

    The app polls on a thread worker and closes the watcher on its own thread when it ends:
    a lock keeps the two apart, because closing a SQLite connection while another thread
    reads on it can crash the process. Once closed, it sees no more changes.
    """

    def __init__(self, path: str | None = None) -> None:
        self.path = path or database.database
        self._conn: sqlite3.Connection | None = None
        self._version: int | None = None
        self._lock = threading.Lock()
        self._closed = False

    def _connection(self) -> sqlite3.Connection:
        if self._conn is None:
            self._conn = sqlite3.connect(self.path, check_same_thread=False, timeout=15)
        return self._conn

    def changed(self) -> bool:
        """True when someone committed since the last call, and on the first call.

        The first call has nothing to compare with, and a commit made between the screen's
        first read and this call would otherwise be missed until the next one: answering
        True costs one reload at start-up, and nothing typed elsewhere is ever left unseen.
        """
        with self._lock:
            if self._closed:
                return False
            (version,) = self._connection().execute("PRAGMA data_version").fetchone()
            previous, self._version = self._version, version
            return previous is None or version != previous

    def close(self) -> None:
        """Close the connection, once a poll under way has ended."""
        with self._lock:
            self._closed = True
            if self._conn is not None:
                self._conn.close()
                self._conn = None
