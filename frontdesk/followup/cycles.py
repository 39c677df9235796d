"""Intent cycles (意向周期): when a customer was an open intent customer, and how it ended.

A customer's cycles follow from their registrations, contacts and closes, in time order
(the moment each happened, not the order of typing, so a contact entered late from paper
lands where it belongs):

- a cycle opens at the first level given (a walk-in or a contact with a level) while no
  cycle is open; given on a phone call or a message it is a **phone lead** (来电意向);
- it becomes an **intent customer** at the first face-to-face meeting in it — a walk-in or
  a visit (seed: 面对面接触一次以上) — ``met_at``, with ``origin`` walkin or visit and the
  level then (``met_level``): that day it is a new intent customer (本月新生 in its month);
- it closes as a deal (成交 / 交车), a defeat (战败) or lost (失控); a later level — the
  defeated customer who comes back — opens a new cycle, the old one kept as it was.

``rebuild`` derives the cycles of some customers (or all) again in the transaction of every
change of their history, as ``contacts.recompute_follow_up`` does for the due date; the
month's contact table and the statistics read them with SQL over indexed columns.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass
from itertools import groupby

from frontdesk.store import dialect

FACE_TO_FACE = ("walkin", "visit")
IDS_PER_STATEMENT = 500

# Every event of a customer's history that can open, meet or close a cycle, in time order;
# at one moment a registration, then a contact, then a close.
_EVENTS_SQL = """
SELECT "customer_id", "at", "rank", "id", "method", "level", "closed_as" FROM (
    SELECT r."customer_id", r."time_in" AS "at", 0 AS "rank", r."id",
           CASE r."kind" WHEN 'walkin' THEN 'walkin' ELSE 'call' END AS "method",
           r."level", NULL AS "closed_as"
      FROM "registration" r WHERE r."customer_id" IS NOT NULL {registrations}
    UNION ALL
    SELECT c."customer_id", c."at", 1, c."id", c."method", c."level_after", NULL
      FROM "contact" c WHERE TRUE {contacts}
    UNION ALL
    SELECT lc."customer_id", lc."at", 2, lc."id", 'close', NULL,
           COALESCE(lc."closed_as", 'lost')
      FROM "level_change" lc
     WHERE lc."to_level" IS NULL AND lc."contact_id" IS NULL
       AND lc."registration_id" IS NULL {closes}) AS "event"
 ORDER BY "customer_id", "at", "rank", "id"
"""

_INSERT_SQL = """INSERT INTO "intent_cycle" ("customer_id", "opened_at", "opened_by",
 "opened_level", "met_at", "origin", "met_level", "closed_at", "closed_as")
 VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)"""


@dataclass
class Cycle:
    """One cycle as derived (see the module's docstring)."""

    customer_id: int
    opened_at: str
    opened_by: str
    opened_level: str
    met_at: str | None = None
    origin: str | None = None
    met_level: str | None = None
    closed_at: str | None = None
    closed_as: str | None = None

    def row(self) -> tuple:
        return (
            self.customer_id,
            self.opened_at,
            self.opened_by,
            self.opened_level,
            self.met_at,
            self.origin,
            self.met_level,
            self.closed_at,
            self.closed_as,
        )


def _stored(moment) -> str:
    """A moment as SQLite stores it (``YYYY-MM-DD HH:MM:SS``), from either driver."""
    if isinstance(moment, dt.datetime):
        return moment.isoformat(" ")
    return str(moment)


def derive(events: Iterable[tuple]) -> list[Cycle]:
    """The cycles of one customer from their events ``(customer_id, at, rank, id, method,
    level, closed_as)`` in time order."""
    cycles: list[Cycle] = []
    current: Cycle | None = None
    level: str | None = None
    for customer_id, at, _rank, _id, method, given, closed_as in events:
        moment = _stored(at)
        if method == "close":
            if current is not None:
                current.closed_at, current.closed_as = moment, closed_as
                current = None
            level = None
            continue
        if current is None:
            if not given:
                continue  # a contact or walk-in with no level opens nothing
            current = Cycle(customer_id, moment, method, given)
            cycles.append(current)
        level = given or level
        if method in FACE_TO_FACE and current.met_at is None:
            current.met_at, current.origin, current.met_level = moment, method, level
    return cycles


def _events_sql(chunk: list[int] | None) -> tuple[str, list[int]]:
    if chunk is None:
        return _EVENTS_SQL.format(registrations="", contacts="", closes=""), []
    marks = ", ".join("?" * len(chunk))
    sql = _EVENTS_SQL.format(
        registrations=f'AND r."customer_id" IN ({marks})',
        contacts=f'AND c."customer_id" IN ({marks})',
        closes=f'AND lc."customer_id" IN ({marks})',
    )
    return sql, chunk * 3


def _customers_with_a_level(db, chunk: list[int] | None) -> list[tuple]:
    since = dialect.midnight_sql(db, '"first_contact"')
    sql = (
        f'SELECT "id", "level", COALESCE({since}, "created_at") FROM "customer"'
        ' WHERE "level" IS NOT NULL'
    )
    if chunk is None:
        return dialect.execute(db, sql + ' ORDER BY "id"')
    marks = ", ".join("?" * len(chunk))
    return dialect.execute(db, sql + f' AND "id" IN ({marks}) ORDER BY "id"', chunk)


def rebuild(db=None, customer_ids: Iterable[int | None] | None = None) -> None:
    """Derive the cycles of these customers (all by default) again, in the caller's
    transaction. ``db`` is a peewee database or a sqlite3 connection (default: the store)."""
    if db is None:
        from frontdesk.store.models import database

        db = database
    if customer_ids is None:
        chunks: list[list[int] | None] = [None]
    else:
        ids = sorted({int(i) for i in customer_ids if i is not None})
        chunks = [ids[i : i + IDS_PER_STATEMENT] for i in range(0, len(ids), IDS_PER_STATEMENT)]
    for chunk in chunks:
        sql, params = _events_sql(chunk)
        rows = dialect.execute(db, sql, params)
        if chunk is None:
            dialect.execute(db, 'DELETE FROM "intent_cycle"')
        else:
            marks = ", ".join("?" * len(chunk))
            dialect.execute(
                db, f'DELETE FROM "intent_cycle" WHERE "customer_id" IN ({marks})', chunk
            )
        derived = {
            customer: derive(events) for customer, events in groupby(rows, key=lambda row: row[0])
        }
        for customer, level, since in _customers_with_a_level(db, chunk):
            spells = derived.setdefault(customer, [])
            if not spells or spells[-1].closed_at is not None:
                # A level on file that no stored event gave (written before the events were
                # kept, or by hand): open since the customer was first met.
                spells.append(Cycle(customer, _stored(since), "walkin", level))
                spells[-1].met_at, spells[-1].origin = spells[-1].opened_at, "walkin"
                spells[-1].met_level = level
        # In the order the customers were filed, whatever order the engine read them in:
        # cycles opened at the same moment keep that order in the table (their ids).
        found = [cycle.row() for _, spells in sorted(derived.items()) for cycle in spells]
        if not found:
            continue
        dialect.execute_many(db, _INSERT_SQL, found)
