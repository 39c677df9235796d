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
"""

from __future__ import annotations

import functools
from typing import Any

from playhouse.pool import PooledPostgresqlDatabase

from frontdesk.store import dialect

MAX_CONNECTIONS = 20  # one terminal's threads (the screen's, its workers, the watcher)
STALE_S = 300  # an idle pooled connection older than this is closed, not reused
WAIT_S = 15  # a thread waits this long for a pooled connection (SQLite's busy timeout)


class PostgresStore(PooledPostgresqlDatabase):
    """The store's PostgreSQL database (see the module)."""

    refusal = None  # the SQLite store's write gate (``store.guard``): none here yet

    def __init__(self, url: str, **options: Any) -> None:
        _driver_for_peewee()
        options.setdefault("max_connections", MAX_CONNECTIONS)
        options.setdefault("stale_timeout", STALE_S)
        options.setdefault("timeout", WAIT_S)
        super().__init__(url, prefer_psycopg3=True, **options)

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
