"""The store's write gate: saves the store must refuse, while reading goes on (只读保护).

A state that makes every save wrong, yet the data is still worth reading:

- a **newer schema** (数据版本比本程序新): ``schema_migration`` holds a migration this
  program does not know, so a newer frontdesk wrote the store and its rules — which this
  program cannot keep — now apply to every row.

Every save runs in a ``BEGIN IMMEDIATE`` transaction (``store.make_database``), so the gate
is the one place they all pass: ``StoreDatabase.begin``. Once the write lock is held it
looks again — under the lock no other program can upgrade the store or be half-way through
one — so a desk left open all day also stops saving when a newer program upgrades the store
beside it. A refused store's connections also run with ``PRAGMA query_only``, so a write
outside any transaction is refused by SQLite itself.
"""

from __future__ import annotations

import functools
import re
import sqlite3
from pathlib import Path

from peewee import SqliteDatabase

from frontdesk.errors import FrontdeskError
from frontdesk.i18n import t

MIGRATIONS_DIR = Path(__file__).with_name("migrations")
MIGRATIONS_TABLE = "schema_migration"
_NUMBER = re.compile(r"\d+")


class WriteRefused(FrontdeskError):
    """The store takes no saves at all for now; reading may go on."""


class StoreTooNew(WriteRefused):
    """A newer frontdesk upgraded the store: this program must not write into it."""

    def __init__(self, version: int, known: int):
        self.version, self.known = version, known
        super().__init__(t("error.store_too_new", version=version, known=known))


def migration_number(name: str) -> int:
    """The number a migration's name starts with (``0005_staff_keys`` → 5)."""
    match = _NUMBER.match(name)
    return int(match.group()) if match else 0


@functools.cache
def newest_known() -> int:
    """The number of the newest migration this program ships."""
    return max(
        (migration_number(p.name) for p in MIGRATIONS_DIR.glob("[0-9]*.py")),
        default=0,
    )


def applied_version(conn: sqlite3.Connection) -> int:
    """The newest migration applied to the store (0 before the first)."""
    try:
        names = conn.execute(f'SELECT name FROM "{MIGRATIONS_TABLE}"').fetchall()
    except sqlite3.OperationalError:  # no such table: a store not yet migrated
        return 0
    return max((migration_number(name) for (name,) in names), default=0)


class StoreDatabase(SqliteDatabase):
    """The store's SQLite database: its write transactions pass the gate (see the module).

    The gate is off until ``guard`` is called (``store.open_store`` does, before it
    migrates): a bare database, as the migration tests use, behaves as Peewee's.
    """

    guarded = False
    refusal: WriteRefused | None = None

    def guard(self) -> WriteRefused | None:
        """Turn the gate on and decide, from the schema, whether this store takes saves;
        returns the refusal, if any."""
        self.guarded = True
        self._recheck(self.connection())
        return self.refusal

    def refuse(self, refusal: WriteRefused) -> None:
        """From now on refuse every save."""
        self.refusal = refusal
        if not self.is_closed():
            self.connection().execute("PRAGMA query_only = 1")

    def _recheck(self, conn: sqlite3.Connection) -> None:
        version, known = applied_version(conn), newest_known()
        if version > known:
            self.refuse(StoreTooNew(version, known))

    # -- Peewee's hooks ------------------------------------------------------------------

    def begin(self, lock_type: str | None = None) -> None:
        if self.refusal is not None:
            raise self.refusal
        super().begin(lock_type)
        if not self.guarded:
            return
        try:
            self._recheck(self.connection())  # under the write lock: nobody upgrades now
        except BaseException:
            self.rollback()
            raise
        if self.refusal is not None:
            self.rollback()
            raise self.refusal

    def _add_conn_hooks(self, conn: sqlite3.Connection) -> None:
        super()._add_conn_hooks(conn)
        if self.refusal is not None:  # a worker thread's connection, opened later
            conn.execute("PRAGMA query_only = 1")
