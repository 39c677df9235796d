"""Private copies of store tables (影子表): a long job rehearses its saves, then applies them.

A job that would hold the write lock for a long time (an import of 50 000 rows: over a
minute) rehearses instead. ``Shadow`` copies the rows the job can touch into TEMP tables of
the same name on this thread's connection — SQLite resolves an unqualified table name to
the TEMP one first, and PostgreSQL to its session's temporary schema (``pg_temp``, searched
before the path's schemas), so the project's own services (``registration.register``, its
SQL for first or returning, the intent cycles and the due dates) read and write the
copies, unchanged. The rehearsal runs in read transactions (``rehearsal``; the copies are
taken in the first): a snapshot of the store, no write lock — SQLite's deferred
transaction, PostgreSQL's REPEATABLE READ one without the store's advisory lock
(``PostgresStore.snapshot``) — and nothing any other connection can see (temporary tables
are the connection's own). No write to the store itself is possible while a rehearsal
transaction is open: an authorizer refuses it on SQLite; on PostgreSQL the transaction is
READ ONLY once the copies exist (which still lets it write temporary tables). The SQL
that differs between the two is ``store.dialect``'s.

``apply`` then brings what the rehearsal wrote into the store in one short write
transaction (``BEGIN IMMEDIATE``; PostgreSQL's takes the store's write lock), having first
told, from the copies alone and without the lock, which copied rows the rehearsal changed
or deleted (every copied row compared column by column: seconds for a large file): set-based
``INSERT … SELECT`` of the new rows and ``UPDATE … FROM`` of the changed ones (and on
PostgreSQL each table's id counter moved past the ids written). Another terminal's save
between the copy and the apply took ids the rehearsal also used: its new rows move up by
as many ids as others added meanwhile (and the ids that point at them with them), as if
the other save had come first. Whether that other save changed what the rehearsal read
is the caller's question (``changed_since`` answers it for new rows of given customers);
the caller rehearses again when it did.

A crash at any point leaves the store as it was: the copies die with the connection, and
``close`` (always called) drops them, so a later job or a desk query on this connection
never reads a stale copy.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

from peewee import Database, DatabaseError, DatabaseProxy

from frontdesk.store import dialect

# Authorizer action codes (sqlite3.h) that write a table or change the schema.
_WRITES = {
    sqlite3.SQLITE_INSERT,
    sqlite3.SQLITE_UPDATE,
    sqlite3.SQLITE_DELETE,
    sqlite3.SQLITE_CREATE_TABLE,
    sqlite3.SQLITE_CREATE_INDEX,
    sqlite3.SQLITE_DROP_TABLE,
    sqlite3.SQLITE_DROP_INDEX,
    sqlite3.SQLITE_ALTER_TABLE,
}
APPLY_CACHE_KIB = 256 * 1024  # the apply's page cache: index pages stay in memory
MAX_COLUMNS = 62  # a table's columns told apart in one integer, a bit each


@dataclass(frozen=True)
class Copied:
    """One table to copy: its name, which of its rows (a WHERE clause on ``main``; empty:
    all) and the columns holding ids of other copied tables (column → table).

    ``running``: columns holding "one more than the largest" (the up rotation's order): a
    value the rehearsal changed is stored moved up by as much as the largest grew since.

    ``owner``: the column naming the row's owner (a customer), for a table derived anew
    for an owner (the intent cycles): its rows are stored again, under fresh ids, for each
    owner whose rows the rehearsal changed, instead of row by row."""

    table: str
    rows: str = ""
    refers: dict[str, str | tuple[str, dict[str, str]]] = field(default_factory=dict)
    owner: str = ""
    running: tuple[str, ...] = ()


class Stale(Exception):
    """Others changed what the rehearsal read: nothing was stored, rehearse again."""


def _no_store_writes(action: int, arg1, arg2, schema, trigger) -> int:
    if action in _WRITES and schema == "main":
        return sqlite3.SQLITE_DENY
    return sqlite3.SQLITE_OK


def _before(table: str) -> str:
    return f"before_{table}"


def _gone(table: str) -> str:
    """The copied rows of ``table`` the rehearsal deleted (their ids)."""
    return f"gone_{table}"


def _changed(table: str) -> str:
    """The copied rows of ``table`` the rehearsal changed (their ids); of a derived table
    (``Copied.owner``), the owners whose rows it changed."""
    return f"changed_{table}"


class Shadow:
    """Private copies of ``tables`` on ``db``'s connection of this thread (see the module).

    Use as a context manager; inside it, ``rehearsal()`` is the read transaction in
    which ``copy()`` takes the copies and the job writes, ``apply(check)`` the short write
    transaction that stores the result. ``scratch``: the caller's own TEMP tables, dropped
    with the copies."""

    def __init__(
        self, db: Database | DatabaseProxy, tables: Iterable[Copied], scratch: Iterable[str] = ()
    ):
        self.db = db
        self.tables = {entry.table: entry for entry in tables}
        self.scratch = tuple(scratch)
        self.marks: dict[str, int] = {}  # each table's largest id in the store at the copy
        self.highest: dict[tuple[str, str], int] = {}  # each running column's, likewise
        self.columns: dict[str, list[str]] = {}
        # Each set of columns changed together in some rows: its bits, its names.
        self.changes: dict[str, list[tuple[int, list[str]]]] = {}
        self._foreign_keys = 1
        self.postgres = dialect.is_postgres(db)
        self.main = dialect.store_schema(db)  # the store's tables' schema: main, public
        self.temp = dialect.temp_schema(db)  # the copies': temp, pg_temp

    # -- the copies ------------------------------------------------------------------------

    def __enter__(self) -> Shadow:
        self._drop()  # copies left by a job that died with this connection still open
        if not self.postgres:  # PostgreSQL's copies have no foreign keys
            conn = self.conn
            self._foreign_keys = conn.execute("PRAGMA foreign_keys").fetchone()[0]
            conn.execute("PRAGMA foreign_keys = 0")  # the copies hold only some of the rows
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    @property
    def conn(self) -> sqlite3.Connection:
        """SQLite's connection of this thread (its authorizer, its pragmas)."""
        return self.db.connection()

    def run(self, sql: str, params: Iterable = ()) -> list[tuple]:
        """One statement of the copies' SQL (SQLite's words: ``?``, ``IS NOT`` between
        values), on this thread's connection; its rows."""
        return dialect.execute(self.db if self.postgres else self.conn, sql, params)

    def run_many(self, sql: str, rows: list) -> None:
        """One statement for each of ``rows``."""
        dialect.execute_many(self.db if self.postgres else self.conn, sql, rows)

    def value(self, sql: str, params: Iterable = ()) -> Any:
        """The first value of the first row of a statement."""
        return self.run(sql, params)[0][0]

    def copy(self) -> None:
        """Copy the rows (inside ``rehearsal``: the copies and the marks are one snapshot),
        and keep them as copied (``before_<table>``) to tell what the rehearsal changed.

        Each table gets its largest id's row too, so that the rehearsal's new rows take the
        ids the store would give them now."""
        main, temp = self.main, self.temp
        for table, entry in self.tables.items():
            self.columns[table] = dialect.table_columns(self.db, table)
            for statement in dialect.temp_copy_statements(self.db, table, _before(table)):
                self.run(statement)
            mark = self.value(f'SELECT MAX("id") FROM {main}."{table}"') or 0
            self.marks[table] = mark
            for column in entry.running:
                self.highest[table, column] = self._highest(table, column)
            where = f" WHERE ({entry.rows})" if entry.rows else ""
            if entry.rows and not entry.owner:  # a derived table's new rows take fresh ids
                where += f' OR "id" = {mark}'
            names = self._names(table)
            self.run(
                f'INSERT INTO {temp}."{table}" ({names})'
                f' SELECT {names} FROM {main}."{table}"{where}'
            )
            self.run(
                f'INSERT INTO {temp}."{_before(table)}" ({names})'
                f' SELECT {names} FROM {temp}."{table}"'
            )
            counter = dialect.ids_from_sql(self.db, table, mark)
            if counter:
                self.run(counter)
            # Filled by ``_diff`` once the rehearsal is done; made here, where the
            # transaction may still create tables (PostgreSQL's turns READ ONLY after).
            if entry.owner:
                self.run(
                    f'CREATE TEMP TABLE "{_changed(table)}" ("{entry.owner}" INTEGER PRIMARY KEY)'
                )
            else:  # each changed row, and which of its columns changed (bit i: column i)
                self.run(
                    f'CREATE TEMP TABLE "{_changed(table)}"'
                    ' ("id" INTEGER PRIMARY KEY, "columns" BIGINT NOT NULL)'
                )
            self.run(f'CREATE TEMP TABLE "{_gone(table)}" ("id" INTEGER PRIMARY KEY)')
        for statement in dialect.after_temp_tables_sql(self.db):
            self.run(statement)

    def rehearsal(self):
        """The read transaction the job rehearses in: no write lock, the store's writes
        refused, the copies' writes its own."""
        return _Rehearsal(self)

    def close(self) -> None:
        """Drop the copies and put the connection back as it was."""
        if self.db.is_closed():
            return
        try:
            if not self.postgres:
                self.conn.set_authorizer(None)
            self._drop()
            if not self.postgres:
                self.conn.execute(f"PRAGMA foreign_keys = {int(self._foreign_keys)}")
        except (sqlite3.Error, DatabaseError):
            # The copies die with the connection: none may outlive the job.
            dialect.drop_connection(self.db)
            raise

    def _drop(self) -> None:
        if self.db.in_transaction():
            self.db.rollback()
        temp = {name for (name,) in self.run(dialect.temp_tables_sql(self.db))}
        names = (_before, _gone, _changed)
        owned = [name(table) for table in self.tables for name in names]
        for table in (*self.tables, *owned, *self.scratch):
            if table in temp:
                self.run(f'DROP TABLE {self.temp}."{table}"')

    def _changeable(self, table: str) -> list[str]:
        """The columns of ``table`` a rehearsal may change: all but the id."""
        return [name for name in self.columns[table] if name != "id"]

    def _names(self, table: str, *, without: str = "") -> str:
        return ", ".join(f'"{name}"' for name in self.columns[table] if name != without)

    # -- storing what the rehearsal did ----------------------------------------------------

    def moved(self) -> dict[str, int]:
        """How many ids each table took in the store since the copy (others' saves)."""
        return {
            table: (self.value(f'SELECT MAX("id") FROM {self.main}."{table}"') or 0) - mark
            for table, mark in self.marks.items()
        }

    def _highest(self, table: str, column: str) -> int:
        return self.value(f'SELECT MAX("{column}") FROM {self.main}."{table}"') or 0

    def changed_by_others(self, table: str, ignored: Iterable[str] = ()) -> int:
        """How many copied rows of ``table`` others changed or deleted since the copy
        (changes of the ``ignored`` columns aside)."""
        columns = [name for name in self.columns[table] if name not in set(ignored)]
        differs = " OR ".join(f'm."{n}" IS NOT b."{n}"' for n in columns)
        # Not the largest id's row, unless it is one.
        rows = self.tables[table].rows or dialect.condition_sql(self.db, True)
        return self.value(
            f'SELECT COUNT(*) FROM (SELECT * FROM {self.temp}."{_before(table)}" WHERE {rows})'
            f' AS b LEFT JOIN {self.main}."{table}" AS m ON m."id" = b."id" WHERE {differs}'
        )

    def apply(self, check: Callable[[Shadow], bool]) -> bool:
        """Store what the rehearsal wrote, in one write transaction (``BEGIN IMMEDIATE``;
        on PostgreSQL one that takes the store's write lock).

        ``check(shadow)`` runs first, under the lock: False means others changed what the
        rehearsal read, and nothing is written (the caller rehearses again). The new rows
        (ids above the marks) are inserted with their ids moved up past the rows others
        added since the copy; of the copied rows, the columns the rehearsal changed are
        updated (others' changes to other columns kept), the rows it deleted deleted.
        Returns whether it stored."""
        with self.rehearsal():  # before the lock: only the copies are read
            self._diff()
        try:
            with dialect.page_cache(self.db, APPLY_CACHE_KIB), self.db.atomic():
                if not check(self):
                    raise Stale
                moved = self.moved()
                for table in self.tables:
                    self._apply_table(table, moved)
                    counter = dialect.ids_past_rows_sql(self.db, table)
                    if counter:  # the store's next id after those written here
                        self.run(counter)
        except Stale:
            return False
        return True

    def _value(self, column: str, table: str, moved: dict[str, int]) -> str:
        """SQL for a column as the store will hold it: an id of a new row moved up."""
        if column in self.tables[table].running:
            grown = self._highest(table, column) - self.highest[table, column]
            return f't."{column}" + {grown}'
        target = table if column == "id" else self.tables[table].refers.get(column)
        if isinstance(target, tuple):
            kind, targets = target
            cases = " ".join(
                f"WHEN '{value}' THEN {self._moved(column, name, moved)}"
                for value, name in targets.items()
            )
            return f't."{column}" + CASE t."{kind}" {cases} ELSE 0 END'
        if target is None:
            return f't."{column}"'
        return f't."{column}" + {self._moved(column, target, moved)}'

    def _moved(self, column: str, target: str, moved: dict[str, int]) -> str:
        if not moved.get(target):
            return "0"
        return f'CASE WHEN t."{column}" > {self.marks[target]} THEN {moved[target]} ELSE 0 END'

    def _diff(self) -> None:
        """What the rehearsal changed, from the copies alone (``gone_``, ``changed_``): the
        comparisons of every copied row are made before the apply, not under its lock."""
        temp = self.temp
        for table, entry in self.tables.items():
            before, changed, gone = _before(table), _changed(table), _gone(table)
            self.run(f'DELETE FROM {temp}."{changed}"')
            self.run(f'DELETE FROM {temp}."{gone}"')
            if entry.owner:
                content = self._names(table, without="id")
                owner = f'"{entry.owner}"'
                self.run(
                    f'INSERT INTO {temp}."{changed}" ({owner})'
                    f' SELECT {owner} FROM (SELECT {content} FROM {temp}."{table}"'
                    f' EXCEPT SELECT {content} FROM {temp}."{before}")'
                    f"{dialect.alias_sql(self.db, 'added')}"
                    f' UNION SELECT {owner} FROM (SELECT {content} FROM {temp}."{before}"'
                    f' EXCEPT SELECT {content} FROM {temp}."{table}")'
                    f"{dialect.alias_sql(self.db, 'removed')}"
                )
                continue
            self.run(
                f'INSERT INTO {temp}."{gone}" ("id") SELECT "id" FROM {temp}."{before}"'
                f' EXCEPT SELECT "id" FROM {temp}."{table}"'
            )
            others = self._changeable(table)
            if len(others) > MAX_COLUMNS:
                raise ValueError(f"{table}: more than {MAX_COLUMNS} columns to tell apart")
            differs = " OR ".join(f't."{n}" IS NOT b."{n}"' for n in others)
            bits = " + ".join(
                f'CASE WHEN t."{n}" IS NOT b."{n}" THEN {1 << bit} ELSE 0 END'
                for bit, n in enumerate(others)
            )
            self.run(
                f'INSERT INTO {temp}."{changed}" ("id", "columns") SELECT t."id", {bits}'
                f' FROM {temp}."{table}" AS t JOIN {temp}."{before}" AS b ON b."id" = t."id"'
                f" WHERE {differs}"
            )
            self.changes[table] = [
                (mask, [name for bit, name in enumerate(others) if mask >> bit & 1])
                for (mask,) in self.run(f'SELECT DISTINCT "columns" FROM {temp}."{changed}"')
            ]

    def _apply_table(self, table: str, moved: dict[str, int]) -> None:
        entry = self.tables[table]
        if entry.owner:
            self._apply_owned(table, moved)
            return
        main, temp = self.main, self.temp
        columns = self.columns[table]
        gone = f'SELECT "id" FROM {temp}."{_gone(table)}"'
        self.run(f'DELETE FROM {main}."{table}" WHERE "id" IN ({gone})')
        # The rows that changed the same columns at once, setting those alone: others'
        # changes to the other columns are kept, and no index or trigger of a column that
        # did not change is touched.
        for mask, names in self.changes.get(table, []):
            sets = ", ".join(f'"{n}" = {self._value(n, table, moved)}' for n in names)
            self.run(
                f'UPDATE {main}."{table}" SET {sets} FROM {temp}."{table}" AS t'
                # The ids named first: the copies have no statistics, and SQLite would
                # otherwise read the store's whole table, looking each row up in the copy.
                f' WHERE {main}."{table}"."id" IN'
                f' (SELECT "id" FROM {temp}."{_changed(table)}" WHERE "columns" = {mask})'
                f' AND t."id" = {main}."{table}"."id"'
            )
        values = ", ".join(self._value(n, table, moved) for n in columns)
        self.run(
            f'INSERT INTO {main}."{table}" ({self._names(table)}) SELECT {values}'
            f' FROM {temp}."{table}" AS t WHERE t."id" > {self.marks[table]} ORDER BY t."id"'
        )

    def _apply_owned(self, table: str, moved: dict[str, int]) -> None:
        """A derived table: each owner whose rows changed gets its rows again, fresh ids."""
        entry = self.tables[table]
        main, temp = self.main, self.temp
        content = self._names(table, without="id")
        owner = f'"{entry.owner}"'
        owners = f'(SELECT {owner} FROM {temp}."{_changed(table)}")'
        self.run(f'DELETE FROM {main}."{table}" WHERE {owner} IN {owners}')
        values = ", ".join(self._value(n, table, moved) for n in self.columns[table] if n != "id")
        self.run(
            f'INSERT INTO {main}."{table}" ({content}) SELECT {values} FROM {temp}."{table}"'
            f' AS t WHERE t.{owner} IN {owners} ORDER BY t."id"'
        )


class _Rehearsal:
    def __init__(self, shadow: Shadow) -> None:
        self.shadow = shadow
        self._atomic: Any = None

    def __enter__(self) -> Shadow:
        shadow = self.shadow
        self._atomic = dialect.read_transaction(shadow.db)
        self._atomic.__enter__()
        if not shadow.postgres:
            shadow.conn.set_authorizer(_no_store_writes)
        elif shadow.columns:  # the copies exist: read only (the copy makes it so after them)
            shadow.run(dialect.READ_ONLY)
        return shadow

    def __exit__(self, *exc) -> None:
        if not self.shadow.postgres:
            self.shadow.conn.set_authorizer(None)
        self._atomic.__exit__(*exc)
