"""A store on PostgreSQL (a dealer group's database): the connection pool and its types.

``--db postgresql://user@host:port/db`` (or ``FRONTDESK_DB``) names it. Peewee talks to it
through psycopg 3, with a pool of connections shared by the app's thread workers: a
thread takes one for its work (``store.connection``) and gives it back after. psycopg is
imported only for such a store (Peewee is kept from loading it: ``frontdesk``); a
showroom's SQLite file never loads it.

The schema is the one the migrations build on SQLite, in PostgreSQL's words
(``frontdesk.store.dialect``); the project's own SQL, written with SQLite's ``?``, is put
in PostgreSQL's words as it runs (``execute_sql``). The yes/no columns are integers on both
engines, so a Python ``True`` is sent as 1 (``_yes_no_dumper``).

**One writer at a time, as on SQLite.** An SQLite store begins every write transaction
with ``BEGIN IMMEDIATE``: its writes are serialised, so whatever a save reads and then
writes on — the head of the up rotation and the last place in it (``people.team``), a
customer's events and the follow-up date drawn from them (``followup.cycles`` /
``followup.due``), first or returning (``desk.registration.stamp_visits``), the day's
rows and so their 序号 — no other save changes between its read and its write. On
PostgreSQL (READ COMMITTED) two desks could both read the same head and both write it.
So here every outermost transaction (``database.atomic()``: Peewee's ``begin``) takes,
as its first statement, the transaction-level advisory lock of its store (``write_lock``)
(``pg_advisory_xact_lock``): the same serialisation, and the same place, as SQLite's
IMMEDIATE. The server releases it at COMMIT or ROLLBACK, and when a connection dies;
readers outside a transaction (the screens' loads, the statistics) never wait for it.
READ COMMITTED takes a new snapshot for each statement, so a transaction's reads after
the lock see every commit of the writer before it; a writing transaction never sets
another isolation level (under REPEATABLE READ the snapshot would be the lock statement's
own, taken before it waited). The one transaction without the lock is ``snapshot``'s: an
import's rehearsal, READ ONLY but for its own temporary tables, so a long file never
holds a desk's save up (``store.shadow``). A desk waits at most ``WAIT_S`` for a lock
(``lock_timeout``, SQLite's busy timeout), then fails in the same words ("another
program holds the store": ``store.failures``).

Why not row locks (``SELECT … FOR UPDATE``) at each read-then-write: there are many
of them, spread over the services, and some read what no row lock holds — the
greatest rotation place (an aggregate), a customer's registrations not yet written (a
new row locks nothing before it exists); each one forgotten would be a lost update that
no test sees. Why not SERIALIZABLE with retries: every service would have to be safe to
run again from the start (some change the Python objects they were given, the screens
act on what they return), and under two busy desks the retries are the common case,
not the rare one. A showroom's desks save a few times a minute, each save a few
milliseconds: one lock costs them nothing to see. The key's second number is the
store's id (``write_lock``): each store's writes are serialised, stores write side by side.

**One store per terminal, fail closed.** A dealer group's stores share the database; a
terminal works in one (``PostgresStore(url, store=CODE)``: ``--store``, ``FRONTDESK_STORE``).
``enter_store`` finds the code's id once, in the ``store`` table, and every connection then
carries it as its setting ``frontdesk.store_id`` (sent as it connects, in its ``options``):
the store-owned tables' row-level security policies (migration 0022) show and take only
that store's rows, and an insert's ``store_id`` defaults to it. A connection without it
sees no row of a store-owned table and can write none; a code not in the table is refused
in the user's words (``stores.StoreNotFound``), naming the codes there are.
"""

from __future__ import annotations

import contextlib
import functools
from typing import TYPE_CHECKING, Any

from playhouse.pool import PooledPostgresqlDatabase

from frontdesk.store import dialect, stores
from frontdesk.store.guard import (
    MIGRATIONS_TABLE,
    StoreTooNew,
    WriteRefused,
    migration_number,
    newest_known,
)

if TYPE_CHECKING:
    import psycopg

MAX_CONNECTIONS = 20  # one terminal's threads (the screen's, its workers; the watcher has its own)
STALE_S = 300  # an idle pooled connection older than this is closed, not reused
WAIT_S = 15  # a thread waits this long for a pooled connection or a lock (SQLite's busy timeout)
# PostgreSQL's advisory lock key (two int4: class, object) of the store's writes: frontdesk's
# class ("fd" 0 1), and the store whose writes it serialises (its id; 0 before one is chosen).
WRITE_LOCK_CLASS = 0x66640001
NO_STORE = 0
STORE_SETTING = dialect.STORE_SETTING  # the connection's store, read by the policies (0022)
SNAPSHOT = "REPEATABLE READ"  # the isolation of a transaction without the lock (``snapshot``)


def write_lock(store_id: int) -> tuple[int, int]:
    """The advisory lock key of a store's writes."""
    return (WRITE_LOCK_CLASS, store_id)


class PostgresStore(PooledPostgresqlDatabase):
    """The store's PostgreSQL database (see the module)."""

    refusal: WriteRefused | None = None  # the write gate's answer (``guard``)
    guarded = False  # the gate is on (``store.open_store``); a bare database has none
    _ledger = False  # the migrations' table has been seen (a new database's comes later)

    def __init__(self, url: str, store: str | None = None, **options: Any) -> None:
        self.store_code = store  # the store this terminal works in, by its code
        self.store_id: int | None = None  # its id, once found (``enter_store``)
        self.write_lock = write_lock(NO_STORE)  # what every transaction locks first
        _driver_for_peewee()
        options.setdefault("max_connections", MAX_CONNECTIONS)
        options.setdefault("stale_timeout", STALE_S)
        options.setdefault("timeout", WAIT_S)
        # Each new connection's own setting, sent as it connects: no statement at each use
        # (the URL's own ``options`` after it, so that one of its own wins).
        from psycopg.conninfo import conninfo_to_dict

        given = str(conninfo_to_dict(url).get("options", ""))
        options.setdefault("options", f"-c lock_timeout={WAIT_S * 1000} {given}".strip())
        super().__init__(url, prefer_psycopg3=True, **options)

    def enter_store(self) -> int:
        """Find the store's id by its code (in the ``store`` table, which migration 0022
        makes) and work in it from now on: this thread's connection and every one made
        after carry it (see the module). Refuses a code missing or unknown."""
        rows = super().execute_sql('SELECT "id", "code" FROM "store" ORDER BY "code"').fetchall()
        found = [store_id for store_id, code in rows if code == self.store_code]
        if not found:
            raise stores.not_found(self.store_code, [code for _, code in rows])
        self.store_id = found[0]
        self.write_lock = write_lock(self.store_id)
        given = self.connect_params.get("options", "")
        self.connect_params["options"] = f"{given} -c {STORE_SETTING}={self.store_id}".strip()
        self.close_idle()  # a connection made before now has no store: made anew when needed
        if not self.is_closed():
            super().execute_sql(
                "SELECT set_config(%s, %s, false)", (STORE_SETTING, str(self.store_id))
            )
        return self.store_id

    def guard(self) -> WriteRefused | None:
        """Turn the write gate on and decide whether this store takes saves: not when a
        newer frontdesk upgraded its schema (``store.guard``: the same rule as on SQLite;
        a damaged file is the server's own, not this gate's). Returns the refusal."""
        self.guarded = True
        self.refusal = self._too_new(migrated=False)
        return self.refusal

    def _too_new(self, *, migrated: bool = True) -> StoreTooNew | None:
        """The refusal when the schema is newer than this program (``migrated=False``: the
        database may not have the migrations' table yet)."""
        if not migrated:
            ledger = super().execute_sql(
                "SELECT 1 FROM pg_tables WHERE schemaname = current_schema() AND tablename = %s",
                (MIGRATIONS_TABLE,),
            )
            if not ledger.fetchall():
                return None  # not yet migrated (its first migration makes the table)
            self._ledger = True
        rows = super().execute_sql(f'SELECT "name" FROM "{MIGRATIONS_TABLE}"').fetchall()
        version = max((migration_number(name) for (name,) in rows), default=0)
        known = newest_known()
        return StoreTooNew(version, known) if version > known else None

    def begin(self, isolation_level=None, *, locked: bool = True) -> None:
        """Begin a transaction, holding the store's write lock from its first statement:
        every write transaction waits for the one before it (SQLite's IMMEDIATE). Under
        the lock the gate looks again, as on SQLite: a desk left open all day stops saving
        once a newer program has upgraded the store beside it.
        ``locked=False``: a transaction that writes nothing of the store's
        (``snapshot``)."""
        if self.refusal is not None:
            raise self.refusal
        super().begin(isolation_level)
        if not locked:
            return
        try:
            super().execute_sql("SELECT pg_advisory_xact_lock(%s, %s)", self.write_lock)
            refusal = self._too_new(migrated=self._ledger) if self.guarded else None
        except BaseException:  # waited past lock_timeout: no transaction left open
            with contextlib.suppress(Exception):  # a connection lost: nothing to end
                self.rollback()
            raise
        if refusal is not None:
            self.refusal = refusal
            self.rollback()
            raise refusal

    def lock_group(self) -> None:
        """Take, in the transaction begun, the write lock of the group's defaults (the key
        of no store: ``NO_STORE``), after the store's own (``dialect.group_write``)."""
        super().execute_sql("SELECT pg_advisory_xact_lock(%s, %s)", write_lock(NO_STORE))

    def snapshot(self):
        """A transaction that reads one snapshot of the store (REPEATABLE READ) and takes
        no write lock, so it waits for no writer and no writer waits for it: for a job
        that writes only its own temporary tables (an import's rehearsal,
        ``store.shadow``), which makes it READ ONLY once they exist (PostgreSQL then
        refuses any write to the store's tables). SQLite's deferred transaction."""
        return self.atomic(SNAPSHOT, locked=False)

    def listen(self, channel: str) -> psycopg.Connection:
        """A connection of its own, outside the pool, in autocommit, listening for the
        notices on ``channel`` (``store.watch``); the caller closes it."""
        import psycopg
        from psycopg import sql

        conn = psycopg.connect(self.database, autocommit=True, **self.connect_params)
        try:
            conn.execute(sql.SQL("LISTEN {}").format(sql.Identifier(channel)))
        except BaseException:
            conn.close()
            raise
        return conn

    def execute_sql(self, sql, params=None):
        return super().execute_sql(dialect.raw_sql_for_postgres(sql), params)

    def _initialize_connection(self, conn) -> None:
        super()._initialize_connection(conn)
        conn.adapters.register_dumper(bool, _yes_no_dumper())


@functools.cache
def _driver_for_peewee() -> None:
    """Hand psycopg to Peewee, which did not look for it at its own import (``frontdesk``:
    an SQLite desk does not pay for loading a driver it never uses)."""
    import peewee
    import psycopg
    from psycopg.pq import TransactionStatus
    from psycopg.types.json import Json, Jsonb

    if vars(peewee).get("psycopg") is not None:  # Peewee was imported before frontdesk
        return
    vars(peewee).update(
        psycopg=psycopg, TransactionStatus=TransactionStatus, Json_pg3=Json, Jsonb_pg3=Jsonb
    )
    for name, status in (
        ("txn_idle", "IDLE"),
        ("txn_inerror", "INERROR"),
        ("txn_unknown", "UNKNOWN"),
    ):
        setattr(peewee.Psycopg3Adapter, name, getattr(TransactionStatus, status))


@functools.cache
def _yes_no_dumper():
    """psycopg's dumper for ``bool`` into the integer columns: 1 or 0."""
    from psycopg.adapt import Dumper
    from psycopg.postgres import types

    class YesNoAsNumber(Dumper):
        oid = types["int4"].oid

        def dump(self, obj: Any) -> bytes:
            return b"1" if obj else b"0"

    return YesNoAsNumber
