"""Noticing commits made by other connections and processes.

A terminal's visible screen reloads when the store changed (``screens.app``: a poll on a
thread worker asks ``changed()``). ``watcher_for_store`` gives the watcher of the store's
engine; both answer alike — True on the first call, then whether something was committed
since the last call; nothing once closed.

- **SQLite** (``ChangeWatcher``): ``PRAGMA data_version`` changes on a connection whenever
  *another* connection commits to the same file. The watcher keeps one connection of its
  own open and polls that pragma: a cheap read of a counter, no query over any table.
- **PostgreSQL** (``PostgresChangeWatcher``): every table's writes send a notice on the
  channel ``frontdesk_changes`` at their commit (triggers, migration 0021). The watcher
  keeps a connection of its own (one more on the server for each terminal), outside the
  pool, in autocommit, that ``LISTEN``s on it; ``changed()`` takes the notices already
  arrived without waiting for any (psycopg's ``notifies(timeout=0)``): no query at all.

A terminal's own saves are seen too, on both engines: on SQLite they are made on the
workers' connections, not on the watcher's, so ``data_version`` moves for them as for
anyone's; on PostgreSQL they notify as anyone's do. So after its own save a terminal's
screen reloads once more, as it always has on SQLite; nothing filters them (a notice
could carry the writer's server process, but a terminal's saves come from a pool of
connections the listener does not know). When a group's stores share the database
(issue 15, item 2), a notice will carry its store, for a terminal to hear only its own.
"""

from __future__ import annotations

import logging
import sqlite3
import threading
from typing import TYPE_CHECKING, Protocol, cast

from frontdesk.store import dialect
from frontdesk.store.models import database

if TYPE_CHECKING:
    import psycopg

    from frontdesk.store.postgres import PostgresStore

log = logging.getLogger("frontdesk.store.watch")

CHANNEL = "frontdesk_changes"  # the notices' channel (migration 0021)


class Watcher(Protocol):
    """What the app asks of a watcher, whichever the engine."""

    def changed(self) -> bool: ...

    def close(self) -> None: ...


def watcher_for_store() -> Watcher:
    """The watcher of the open store's engine (see the module)."""
    if dialect.is_postgres(database):
        return PostgresChangeWatcher()
    return ChangeWatcher()


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


class PostgresChangeWatcher:
    """Listens for the store's change notices on a connection of its own (see the module).

    As on SQLite, a lock keeps a poll and the app's close apart, and once closed it sees
    no more changes. A lost connection (the server restarted, the network dropped) is
    opened again at the next poll; the poll that opens it answers True, since notices sent
    while nobody listened are lost: one reload, and nothing saved elsewhere is left unseen.
    """

    def __init__(self, db: PostgresStore | None = None) -> None:
        self.db = db if db is not None else cast("PostgresStore", database.obj)
        self._conn: psycopg.Connection | None = None
        self._lock = threading.Lock()
        self._closed = False
        self._unreachable = False  # the last attempt to listen failed (said once in the log)

    def changed(self) -> bool:
        """True when someone committed since the last call, and on the call that starts
        listening (the first: a commit made before the LISTEN sent no notice to it)."""
        import psycopg

        with self._lock:
            if self._closed:
                return False
            if self._conn is not None:
                try:
                    return bool(list(self._conn.notifies(timeout=0)))
                except psycopg.Error:
                    log.warning("the change notices' connection was lost", exc_info=True)
                    self._drop()
            return self._listen()

    def _listen(self) -> bool:
        import psycopg

        try:
            self._conn = self.db.listen(CHANNEL)
        except psycopg.Error:
            if not self._unreachable:
                log.warning("cannot listen for the store's changes", exc_info=True)
            self._unreachable = True
            return False
        self._unreachable = False
        return True

    def _drop(self) -> None:
        if self._conn is not None:
            self._conn.close()
            self._conn = None

    def close(self) -> None:
        """Close the connection, once a poll under way has ended."""
        with self._lock:
            self._closed = True
            self._drop()
