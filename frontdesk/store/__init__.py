"""Opening the store: the database file, its pragmas, and its migrations.

Several processes share one SQLite file (the front-desk terminal, the managers' SSH
sessions, the CLI), so every connection uses WAL, a long busy timeout and
``BEGIN IMMEDIATE`` for writes: a writer waits for the lock up front instead of failing
half-way with "database is locked". That BEGIN is also the gate that refuses saves into a
store written by a newer program or found damaged (``frontdesk.store.guard``).
"""

from __future__ import annotations

import contextlib
import os
import sqlite3
import time
from collections.abc import Iterator
from pathlib import Path

from peewee import Database, OperationalError, SqliteDatabase
from playhouse.db_url import connect as connect_url
from playhouse.db_url import parse as parse_url
from playhouse.migrations import Runner

from frontdesk import clock
from frontdesk.errors import FrontdeskError
from frontdesk.i18n import t
from frontdesk.people import roles
from frontdesk.people.actor import Actor
from frontdesk.store.guard import (
    DAMAGE_SUFFIX,
    MIGRATIONS_DIR,
    MIGRATIONS_TABLE,
    StoreDamaged,
    StoreDatabase,
)
from frontdesk.store.models import ALL_MODELS, database

BUSY_TIMEOUT_S = 15
SQLITE_PRAGMAS = {
    "journal_mode": "wal",
    "foreign_keys": 1,
    "synchronous": "full",
    "busy_timeout": BUSY_TIMEOUT_S * 1000,
    "cache_size": -32 * 1024,  # 32 MiB
}


def make_database(target: str) -> Database:
    """A database for a file path, ``:memory:``, or a URL such as ``sqlite:///path``."""
    if "://" in target:
        if target.startswith("sqlite://"):  # the URL's own options, then the store's
            options = parse_url(target)
            options.update(pragmas=SQLITE_PRAGMAS, timeout=BUSY_TIMEOUT_S, lock_type="IMMEDIATE")
            return StoreDatabase(**options)
        if target.startswith("sqlite"):
            return connect_url(
                target, pragmas=SQLITE_PRAGMAS, timeout=BUSY_TIMEOUT_S, lock_type="IMMEDIATE"
            )
        return connect_url(target)
    if target != ":memory:":
        Path(target).expanduser().parent.mkdir(parents=True, exist_ok=True)
        target = str(Path(target).expanduser())
    return StoreDatabase(
        target, pragmas=SQLITE_PRAGMAS, timeout=BUSY_TIMEOUT_S, lock_type="IMMEDIATE"
    )


def migrate(db: Database) -> list[str]:
    """Apply pending migrations, in one transaction so two processes never race.

    When nothing is pending (every start but the first after an upgrade) this is a read:
    a terminal that starts while others save does not queue for the write lock.
    """
    runner = Runner(db, str(MIGRATIONS_DIR), table_name=MIGRATIONS_TABLE)
    if all(m.applied for m in runner.status() if m.path is not None):
        return []
    with db.atomic():
        return runner.up()  # looks again inside the transaction: another may have won


def schema_version(db: Database) -> int:
    """The number of the newest applied migration (0 on an empty store)."""
    runner = Runner(db, str(MIGRATIONS_DIR), table_name=MIGRATIONS_TABLE)
    applied = [m.idx for m in runner.status() if m.applied]
    return max(applied, default=0)


def _connect(db: Database) -> None:
    """Connect, retrying while another process turns a new file into WAL.

    ``PRAGMA journal_mode = wal`` on a file still in rollback mode needs an exclusive lock
    and SQLite answers "database is locked" at once, without the busy timeout, when another
    connection holds the file: two processes creating the same store would otherwise race.
    """
    deadline = time.monotonic() + BUSY_TIMEOUT_S
    while True:
        try:
            db.connect(reuse_if_open=True)
            return
        except OperationalError as error:
            if "locked" not in str(error) or time.monotonic() >= deadline:
                raise
            time.sleep(0.05)


def open_store(target: str) -> Database:
    """Open (and create or upgrade) the store, and bind the models to it.

    A store that must take no saves (newer schema, damaged: ``store_guard``) still opens,
    for reading, and is not migrated; its refusal is ``db.refusal``.
    """
    db = make_database(target)
    database.initialize(db)
    _connect(db)
    if not isinstance(db, StoreDatabase):
        migrate(db)
        return db
    try:
        if db.guard() is None:
            migrate(db)
    except StoreDamaged:
        pass  # saves are refused; reading goes as far as SQLite can, doctor tells the rest
    return db


def close_store() -> None:
    """Close this thread's connection, if the store is open."""
    if database.obj is not None and not database.is_closed():
        database.close()


@contextlib.contextmanager
def connection() -> Iterator[None]:
    """A connection for the current thread for the length of a block (worker threads)."""
    opened = database.is_closed()
    if opened:
        database.connect()
    try:
        yield
    finally:
        if opened:
            database.close()


class BackupError(FrontdeskError):
    """A backup that must not be taken (onto the store's own files, or of a non-file store)."""


# The files SQLite (and the write gate) keep beside a store: a backup written onto one of
# them destroys saved rows (the WAL holds the newest saves) or the store itself.
STORE_FILE_SUFFIXES = ("", "-wal", "-shm", "-journal", DAMAGE_SUFFIX)


def _store_files(source_path: str) -> list[Path]:
    """The store's own files, under the name it was opened by and its real name."""
    given = Path(source_path).expanduser().absolute()
    return [
        Path(f"{base}{suffix}")
        for base in dict.fromkeys((given, given.resolve()))
        for suffix in STORE_FILE_SUFFIXES
    ]


def _is_store_file(path: Path, store_files: list[Path]) -> bool:
    """Is ``path`` (after links, relative parts, hard links) one of the store's files?"""
    real = path.absolute().resolve()
    for own in store_files:
        if real == own.resolve():
            return True
        with contextlib.suppress(OSError):  # a hard link, or the same file under a mount
            if real.exists() and own.exists() and os.path.samefile(real, own):
                return True
    return False


def backup(dest: str | Path, *, by: Actor) -> Path:
    """Copy the store to ``dest`` with SQLite's online backup: safe while others write.

    An admin's, or the store machine's operator's (``roles.BACKUP``).

    A folder as ``dest`` (an existing one, or a path ending in ``/``) gets a file named after
    the moment (``frontdesk-YYYYMMDD-HHMMSS.db``);
    an older backup at ``dest`` is replaced, with any WAL it left behind. A ``dest`` that is,
    or whose leftovers would be, one of the store's own files (the store, its ``-wal``,
    ``-shm`` or ``-journal``, by any name or link) is refused before anything is touched.
    """
    roles.require(by, roles.BACKUP)
    source_path = getattr(database.obj, "database", ":memory:")
    if not isinstance(database.obj, SqliteDatabase) or source_path == ":memory:":
        raise BackupError(t("error.backup_sqlite_only"))
    named_folder = str(dest).endswith(("/", os.sep))  # "usb/": a folder, even if not there yet
    dest = Path(dest).expanduser()
    if dest.is_dir() or named_folder:
        dest = dest / f"frontdesk-{clock.now():%Y%m%d-%H%M%S}.db"
    replaced = (dest, Path(f"{dest}-wal"), Path(f"{dest}-shm"))
    own = _store_files(source_path)
    if any(_is_store_file(path, own) for path in replaced):
        raise BackupError(t("error.backup_same", path=dest))
    dest.parent.mkdir(parents=True, exist_ok=True)
    for stale in replaced:
        stale.unlink(missing_ok=True)
    target = sqlite3.connect(str(dest))
    try:
        database.connection().backup(target)
    finally:
        target.close()
    return dest


__all__ = [
    "ALL_MODELS",
    "backup",
    "close_store",
    "connection",
    "make_database",
    "migrate",
    "open_store",
    "schema_version",
]
