"""The store's write gate: saves the store must refuse, while reading goes on (只读保护).

Two states make every save wrong, yet the data is still worth reading:

- a **newer schema** (数据版本比本程序新): ``schema_migration`` holds a migration this
  program does not know, so a newer frontdesk wrote the store and its rules — which this
  program cannot keep — now apply to every row;
- a **damaged file** (数据文件损坏): SQLite said the file is corrupt ("database disk image
  is malformed", "file is not a database"). Saving into it can spread the damage and
  hides it, so saves wait until ``frontdesk doctor`` finds the file sound again.

Every save runs in a ``BEGIN IMMEDIATE`` transaction (``store.make_database``), so the gate
is the one place they all pass: ``StoreDatabase.begin``. Once the write lock is held it
looks again — under the lock no other program can upgrade the store or be half-way through
one — so a desk left open all day also stops saving when a newer program upgrades the store
beside it, or when another program finds the file damaged. A refused store's connections
also run with ``PRAGMA query_only``, so a write outside any transaction is refused by
SQLite itself.

Damage is remembered beside the store, in ``STORE-damaged`` (a line saying when and what
SQLite said), so that every program on the store refuses, at every open, until doctor's
``integrity_check`` passes and removes it. A full check at each open would cost more than
the whole start-up on a large store (``PRAGMA quick_check`` reads every page: 0.8 s on the
bench store of a million registrations, against 0.37 s to the first screen), so the open
looks only at that mark (with the schema check, 0.03 ms); SQLite reports damage whenever a
statement meets it, and each such report (``SQLITE_CORRUPT``, ``SQLITE_NOTADB``) sets the
mark.
"""

from __future__ import annotations

import functools
import logging
import re
import sqlite3
from pathlib import Path

from peewee import DatabaseError, SqliteDatabase

from frontdesk import clock
from frontdesk.errors import FrontdeskError
from frontdesk.i18n import t

log = logging.getLogger("frontdesk.store")

MIGRATIONS_DIR = Path(__file__).with_name("migrations")
MIGRATIONS_TABLE = "schema_migration"
DAMAGE_SUFFIX = "-damaged"
# SQLite's primary result codes that mean the file itself is damaged (extended codes such
# as SQLITE_CORRUPT_INDEX keep the primary code in their low byte).
SQLITE_CORRUPT = 11
SQLITE_NOTADB = 26
_NUMBER = re.compile(r"\d+")


class WriteRefused(FrontdeskError):
    """The store takes no saves at all for now; reading may go on."""


class StoreTooNew(WriteRefused):
    """A newer frontdesk upgraded the store: this program must not write into it."""

    def __init__(self, version: int, known: int):
        self.version, self.known = version, known
        super().__init__(t("error.store_too_new", version=version, known=known))


class StoreDamaged(WriteRefused):
    """SQLite reported the store file damaged: no saves until ``frontdesk doctor`` passes."""

    def __init__(self) -> None:
        super().__init__(t("error.store_damaged"))


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


def is_damage(error: BaseException) -> bool:
    """Does this error (SQLite's, or Peewee's wrapping of it) say the file is damaged?"""
    for cause in (error, *error.args, error.__cause__, error.__context__):
        code = getattr(cause, "sqlite_errorcode", None)
        if isinstance(cause, sqlite3.Error) and code is not None:
            return code & 0xFF in (SQLITE_CORRUPT, SQLITE_NOTADB)
    return False


def damage_mark(store_file: str | Path) -> Path:
    """Where the store's damage is remembered: ``STORE-damaged`` beside it."""
    return Path(f"{Path(store_file).expanduser().resolve()}{DAMAGE_SUFFIX}")


def mark_damaged(store_file: str | Path, detail: object) -> None:
    """Remember that the store is damaged, for every program and every open."""
    mark = damage_mark(store_file)
    try:
        mark.write_text(f"{clock.now():%Y-%m-%d %H:%M:%S} {detail}\n", encoding="utf-8")
    except OSError:  # a folder we cannot write: this process still refuses
        log.exception("cannot write %s", mark)


def clear_damage(store_file: str | Path) -> bool:
    """Forget the damage (doctor found the file sound); whether there was a mark."""
    mark = damage_mark(store_file)
    existed = mark.exists()
    mark.unlink(missing_ok=True)
    return existed


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
    _mark: Path | None = None

    def guard(self) -> WriteRefused | None:
        """Turn the gate on and decide, from the damage mark and the schema, whether this
        store takes saves; returns the refusal, if any."""
        self.guarded = True
        if self.database != ":memory:":
            self._mark = damage_mark(self.database)
        try:
            self._recheck(self.connection())
        except sqlite3.DatabaseError as error:
            if not is_damage(error):
                raise
            self.damaged(error)
        return self.refusal

    def refuse(self, refusal: WriteRefused) -> None:
        """From now on refuse every save (damage outranks a newer schema)."""
        if not isinstance(self.refusal, StoreDamaged):
            self.refusal = refusal
        if not self.is_closed():
            self.connection().execute("PRAGMA query_only = 1")

    def damaged(self, error: BaseException) -> StoreDamaged:
        """SQLite just reported the file damaged: remember it, refuse saves; the refusal."""
        log.error("the store %s is damaged: %s", self.database, error)
        if self._mark is not None:
            mark_damaged(self.database, error)
        self.refuse(StoreDamaged())
        return StoreDamaged()

    def _recheck(self, conn: sqlite3.Connection) -> None:
        if self._mark is not None and self._mark.exists():
            self.refuse(StoreDamaged())
            return
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
        except sqlite3.DatabaseError as error:
            self.rollback()
            if is_damage(error):
                raise self.damaged(error) from error
            raise
        if self.refusal is not None:
            self.rollback()
            raise self.refusal

    def execute_sql(self, sql, params=None):
        try:
            return super().execute_sql(sql, params)
        except DatabaseError as error:
            if self.guarded and is_damage(error):
                raise self.damaged(error) from error
            raise

    def _add_conn_hooks(self, conn: sqlite3.Connection) -> None:
        super()._add_conn_hooks(conn)  # type: ignore[misc]  # private: not in peewee's stubs
        if self.refusal is not None:  # a worker thread's connection, opened later
            conn.execute("PRAGMA query_only = 1")
