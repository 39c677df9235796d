"""Opening the store: the database file, its pragmas, and its migrations.

Several processes share one SQLite file (the front-desk terminal, the managers' SSH
sessions, the CLI), so every connection uses WAL, a long busy timeout and
``BEGIN IMMEDIATE`` for writes: a writer waits for the lock up front instead of failing
half-way with "database is locked". That BEGIN is also the gate that refuses saves into a
store written by a newer program or found damaged (``frontdesk.store.guard``). A
PostgreSQL store gives the same guarantee its own way (``frontdesk.store.postgres``).
"""

from __future__ import annotations

import contextlib
import re
import time
from collections.abc import Iterator
from pathlib import Path

from peewee import Database, OperationalError, ProgrammingError

from frontdesk.store import dialect
from frontdesk.store.guard import (
    MIGRATIONS_DIR,
    MIGRATIONS_TABLE,
    StoreDamaged,
    StoreDatabase,
)
from frontdesk.store.models import ALL_MODELS, database

BUSY_TIMEOUT_S = 15
POSTGRES_SCHEMES = ("postgresql://", "postgres://")
SQLITE_PRAGMAS = {
    "journal_mode": "wal",
    "foreign_keys": 1,
    "synchronous": "full",
    "busy_timeout": BUSY_TIMEOUT_S * 1000,
    "cache_size": -32 * 1024,  # 32 MiB
}


def is_postgres(target: str) -> bool:
    """Whether ``target`` names a PostgreSQL database (a URL), not an SQLite file."""
    return target.startswith(POSTGRES_SCHEMES)


_PASSWORD = re.compile(r"(://[^/:@?]*):[^/@?]*@|(\bpassword=)[^&]*")


def shown(target: str) -> str:
    """``target`` as a message or the log shows it: a URL's password as ``***``."""
    if not is_postgres(target):
        return target
    return _PASSWORD.sub(
        lambda m: f"{m.group(1)}:***@" if m.group(1) else f"{m.group(2)}***", target
    )


def make_database(target: str, store: str | None = None) -> Database:
    """A database for a file path, ``:memory:``, or a URL such as ``sqlite:///path`` or
    ``postgresql://user@host:port/db`` (``frontdesk.store.postgres``), whose connections
    work in the store ``store`` (a code) once it is entered (``open_store``)."""
    if is_postgres(target):
        from frontdesk.store.postgres import PostgresStore

        return PostgresStore("postgresql://" + target.split("://", 1)[1], store=store)
    if "://" in target:
        # Peewee's URLs bring every database's extension (MySQL, Postgres, …): a store named
        # by its path, as the desk's is, starts without them.
        from playhouse.db_url import connect as connect_url
        from playhouse.db_url import parse as parse_url

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


def _all_applied(db: Database) -> bool:
    """Whether every migration this program ships is applied to the store: one read, without
    Peewee's migration runner (and the schema tools it imports: a tenth of the time a
    terminal takes to import what it opens with), which is needed only when one is not."""
    shipped = {path.stem for path in MIGRATIONS_DIR.glob("[0-9]*.py")}
    try:
        rows = db.execute_sql(f'SELECT name FROM "{MIGRATIONS_TABLE}"').fetchall()
    except (OperationalError, ProgrammingError):  # no such table: a new store (either engine)
        return False
    return shipped <= {name for (name,) in rows}


def migrate(db: Database) -> list[str]:
    """Apply pending migrations, in one transaction so two processes never race.

    When nothing is pending (every start but the first after an upgrade) this is a read:
    a terminal that starts while others save does not queue for the write lock.
    """
    if _all_applied(db):
        return []
    from playhouse.migrations import Runner

    runner = Runner(db, str(MIGRATIONS_DIR), table_name=MIGRATIONS_TABLE)
    if all(m.applied for m in runner.status() if m.path is not None):
        return []
    with db.atomic():
        return runner.up()  # looks again inside the transaction: another may have won


def schema_version(db: Database) -> int:
    """The number of the newest applied migration (0 on an empty store)."""
    from playhouse.migrations import Runner

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


def open_store(target: str, store: str | None = None, *, any_store: bool = False) -> Database:
    """Open (and create or upgrade) the store, bind the models to it, and work in the store
    ``store`` (a code, ``--store``): on PostgreSQL one of the database's stores, refused
    when missing or unknown (``stores.StoreNotFound``) unless ``any_store`` (the store
    commands: the table of stores alone, no store's rows); an SQLite file is one store,
    and refuses only a code that is not its own.

    A store that must take no saves (newer schema, damaged: ``store_guard``) still opens,
    for reading, and is not migrated; its refusal is ``db.refusal``.
    """
    from frontdesk.store import stores

    db = make_database(target, store)
    database.initialize(db)
    _connect(db)
    if dialect.is_postgres(db):
        if db.guard() is None:  # type: ignore[attr-defined]
            migrate(db)
        if store is not None or not any_store:
            db.enter_store()  # type: ignore[attr-defined]
        return db
    if not isinstance(db, StoreDatabase):
        migrate(db)
        if store is not None:
            stores.check_own(db, store)
        return db
    try:
        if db.guard() is None:
            migrate(db)
    except StoreDamaged:
        pass  # saves are refused; reading goes as far as SQLite can, doctor tells the rest
    if store is not None:
        stores.check_own(db, store)
    return db


def close_store() -> None:
    """Close this thread's connection, if the store is open; a PostgreSQL store's pool
    closes every connection it keeps (the command that opened the store is over)."""
    if database.obj is not None and not database.is_closed():
        database.close()
    if database.obj is not None and hasattr(database.obj, "close_all"):
        database.obj.close_all()


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


__all__ = [
    "ALL_MODELS",
    "close_store",
    "connection",
    "is_postgres",
    "make_database",
    "migrate",
    "open_store",
    "schema_version",
    "shown",
]
