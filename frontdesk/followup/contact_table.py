"""The intent-customer contact table (意向客户接触状况表) as queries.

One row per open intent customer (a customer with a level), in due order: number, name,
phone, model, first contact (初洽日期), source (来源区分 1–7), consultant, level, next due;
then the days of a month, each day with a contact (or registration) marked with the level
at it, days planned by the cadence marked ``*``.

Built for 100 000 open intent customers: rows come a page at a time by keyset
(``ORDER BY next_due, id`` after the last key of the page before, over the index on
``customer.next_due``), never all at once, and the month's contacts only for the customers
of one page, in one query. Totals (per level, carried over from last month / new this
month, overdue, due today) are one aggregate query.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field, replace
from itertools import pairwise
from typing import NamedTuple, cast

from peewee import JOIN, SQL, Tuple, fn

from frontdesk import bounds, clock
from frontdesk.followup.contacts import overdue_days
from frontdesk.months import month_end, month_of
from frontdesk.people import roles
from frontdesk.people.actor import Actor
from frontdesk.store import settings
from frontdesk.store.models import Customer, Staff, database

log = logging.getLogger("frontdesk.followup.contacts")

PAGE_SIZE = 64  # rows per keyset page: a screen or two
DUE_MODES = (None, "overdue", "today")


# -- what the table shows ------------------------------------------------------------------


@dataclass(frozen=True)
class TableFilter:
    """Which open intent customers the table shows, and which month's days.

    ``viewer`` is who reads the table: every query narrows the rows to the customers they
    may see (``roles.customer_scope``: a consultant their own only), whatever else the
    filter says, so no screen filter, search or Esc widens it.
    """

    month: dt.date  # first day of the month shown
    today: dt.date
    viewer: Actor
    consultant_id: int | None = None
    level: str | None = None
    due: str | None = None  # None | "overdue" | "today"
    search: str = ""  # name, phone digits or pinyin initials

    def with_(self, **changes) -> TableFilter:
        return replace(self, **changes)

    @property
    def is_filtered(self) -> bool:
        return bool(self.consultant_id or self.level or self.due or self.search.strip())


def current_filter(viewer: Actor, **changes) -> TableFilter:
    """Today's month as ``viewer`` may see it."""
    today = clock.today()
    return TableFilter(month=month_of(today), today=today, viewer=viewer).with_(**changes)


@dataclass(frozen=True)
class TableRow:
    """One open intent customer as the table shows it."""

    id: int
    name: str
    phone: str
    model: str
    first_contact: dt.date | None
    source: int
    consultant: str
    level: str
    last_contact: dt.date | None
    next_due: dt.date

    @property
    def key(self) -> Key:
        return (self.next_due, self.id)

    def overdue_days(self, today: dt.date) -> int:
        return overdue_days(self.next_due, today)


Key = tuple[dt.date, int]
"""A row's place in due order: (next_due, id)."""


def search_clause(text: str):
    """Name, phone digits or pinyin initials, as typed into a search (`/`, the palette)."""
    query = text.strip()
    digits = "".join(ch for ch in query if ch.isdigit())
    if digits and digits == query.replace(" ", "").replace("-", ""):
        return Customer.phone.contains(digits)
    clause = Customer.name.contains(query)
    if query.isascii() and query.isalpha():
        clause |= Customer.initials.startswith(query.lower())
    return clause


def _where(f: TableFilter) -> list:
    clauses = [Customer.next_due.is_null(False)]  # exactly the open intent customers
    scope = roles.customer_scope(f.viewer, roles.CONTACTS_VIEW)
    if scope is not None:
        clauses.append(scope)
    if f.consultant_id:
        clauses.append(Customer.consultant == f.consultant_id)
    if f.level:
        clauses.append(Customer.level == f.level)
    if f.due == "overdue":
        clauses.append(Customer.next_due < f.today)
    elif f.due == "today":
        clauses.append(Customer.next_due == f.today)
    if f.search.strip():
        clauses.append(search_clause(f.search))
    end = month_end(f.month)
    if end <= f.today:  # an earlier month: only those already met by its end
        clauses.append(Customer.first_contact.is_null() | (Customer.first_contact < end))
    return clauses


def _rows_query(f: TableFilter):
    return (
        Customer.select(
            Customer.id,
            Customer.name,
            Customer.phone,
            Customer.model,
            Customer.first_contact,
            Customer.source,
            Staff.name,
            Customer.level,
            Customer.last_contact,
            Customer.next_due,
        )
        .join(Staff, JOIN.LEFT_OUTER, on=(Customer.consultant == Staff.id))
        .where(*_where(f))
        .order_by(Customer.next_due, Customer.id)
    )


def count(f: TableFilter) -> int:
    """How many rows the table has under this filter."""
    return Customer.select(fn.COUNT(SQL("*"))).where(*_where(f)).scalar() or 0


def page(f: TableFilter, after: Key | None = None, limit: int = PAGE_SIZE) -> list[TableRow]:
    """The next ``limit`` rows in due order after the row with key ``after`` (keyset)."""
    query = _rows_query(f)
    if after is not None:
        due, ident = after
        query = query.where(Tuple(Customer.next_due, Customer.id) > Tuple(due.isoformat(), ident))
    return [TableRow(*row) for row in query.limit(limit).tuples()]


def key_at(f: TableFilter, offset: int) -> Key | None:
    """The key of the row at ``offset`` (0-based), to start a keyset page anywhere."""
    row = (
        Customer.select(Customer.next_due, Customer.id)
        .where(*_where(f))
        .order_by(Customer.next_due, Customer.id)
        .limit(1)
        .offset(offset)
        .tuples()
        .first()
    )
    return (row[0], row[1]) if row else None


def rows_from(
    f: TableFilter, offset: int, limit: int = PAGE_SIZE, total: int | None = None
) -> list[TableRow]:
    """``limit`` rows starting at ``offset``: a seek on the index, then a keyset page.

    Given the ``total``, a page in the second half is sought from the end (End, or the
    scroll bar dragged down, costs no more than Home).
    """
    if offset <= 0:
        return page(f, None, limit)
    if total is not None and offset > total // 2:
        limit = min(limit, total - offset)
        if limit <= 0:
            return []
        query = _rows_query(f).order_by(Customer.next_due.desc(), Customer.id.desc())
        rows = query.limit(limit).offset(total - offset - limit).tuples()
        return [TableRow(*row) for row in reversed(list(rows))]
    after = key_at(f, offset - 1)
    return [] if after is None else page(f, after, limit)


def all_rows(f: TableFilter, batch: int = 500) -> Iterator[TableRow]:
    """Every row in due order, a keyset page at a time (for exports and the CLI)."""
    after: Key | None = None
    while True:
        rows = page(f, after, batch)
        yield from rows
        if len(rows) < batch:
            return
        after = rows[-1].key


# -- totals ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Totals:
    """The foot of the table: per-level counts, carried over / new this month, due."""

    by_level: dict[str, int] = field(default_factory=dict)
    carried: int = 0  # 上月留存: first met before the month
    new: int = 0  # 本月新生: first met in the month
    overdue: int = 0
    due_today: int = 0

    @property
    def total(self) -> int:
        return sum(self.by_level.values())


def totals(f: TableFilter) -> Totals:
    """Per-level totals of the rows under this filter, in one aggregate query."""
    start, end = f.month.isoformat(), month_end(f.month).isoformat()
    today = f.today.isoformat()
    first = Customer.first_contact
    query = (
        Customer.select(
            Customer.level,
            fn.COUNT(SQL("*")),
            fn.SUM(first.is_null() | (first < start)),
            fn.SUM((first >= start) & (first < end)),
            fn.SUM(Customer.next_due < today),
            fn.SUM(Customer.next_due == today),
        )
        # A level goes with a due date: said too, SQLite walks the index that starts with it.
        .where(Customer.level.is_null(False), *_where(f))
        .group_by(Customer.level)
        .tuples()
    )
    # (level, rows, then four SUMs: NULL when every term is): peewee's stubs type .tuples()
    # as yielding the model itself.
    level_rows = cast(
        "Iterable[tuple[str, int, int | None, int | None, int | None, int | None]]", query
    )
    by_level: dict[str, int] = {}
    carried = new = overdue = due_today = 0
    for level, rows, old, fresh, late, due in level_rows:
        by_level[level] = rows
        carried += old or 0
        new += fresh or 0
        overdue += late or 0
        due_today += due or 0
    return Totals(by_level, carried, new, overdue, due_today)


# -- the month grid ------------------------------------------------------------------------------


class Event(NamedTuple):
    """A registration or contact of a customer: when, the level at it, any agreed date."""

    at: dt.datetime
    level: str | None
    next_date: dt.date | None
    kind: str  # contact | registration


class Mark(NamedTuple):
    """What one day of a row shows: a contact (its level), a planned day, a missed one."""

    kind: str  # contact | planned | missed
    level: str | None = None


_EVENTS_SQL = """
SELECT c."customer_id", c."at", c."level_after", c."next_date", 'contact'
  FROM "contact" c
 WHERE c."customer_id" IN ({ids}) AND c."at" >= ? AND c."at" < ?
UNION ALL
SELECT r."customer_id", r."time_in", COALESCE(r."level", (
           SELECT lc."to_level" FROM "level_change" lc
            WHERE lc."customer_id" = r."customer_id" AND lc."at" <= r."time_in"
            ORDER BY lc."at" DESC, lc."id" DESC LIMIT 1)),
       NULL, 'registration'
  FROM "registration" r
 WHERE r."customer_id" IN ({ids}) AND r."time_in" >= ? AND r."time_in" < ?
"""


def _as_datetime(value) -> dt.datetime:
    return value if isinstance(value, dt.datetime) else dt.datetime.fromisoformat(str(value))


def _as_date(value) -> dt.date | None:
    if value is None or isinstance(value, dt.date):
        return value
    return dt.date.fromisoformat(str(value)[:10])


def month_events(
    customer_ids: list[int], month: dt.date, intervals: dict[str, int] | None = None
) -> dict[int, list[Event]]:
    """The contacts and registrations of these customers in the month, in one query.

    The window opens one longest interval before the month, so that a due day planned by
    a contact late last month is still marked this month.
    """
    if not customer_ids:
        return {}
    intervals = intervals or settings.follow_up_days()
    start = dt.datetime.combine(month - dt.timedelta(days=max(intervals.values())), dt.time())
    end = dt.datetime.combine(month_end(month), dt.time())
    ids = ", ".join(str(int(i)) for i in customer_ids)
    window = (start.isoformat(" "), end.isoformat(" "))
    cursor = database.execute_sql(_EVENTS_SQL.format(ids=ids), window + window)
    events: dict[int, list[Event]] = {int(i): [] for i in customer_ids}
    for customer_id, at, level, next_date, kind in cursor.fetchall():
        events[customer_id].append(Event(_as_datetime(at), level, _as_date(next_date), kind))
    for found in events.values():
        found.sort()
    return events


def month_marks(
    events: list[Event],
    month: dt.date,
    level: str,
    next_due: dt.date | None,
    today: dt.date,
    intervals: dict[str, int],
) -> dict[int, Mark]:
    """Day of month → mark, for one customer.

    A contact day shows the level at the (last) contact that day. A day is planned when
    the cadence (or an agreed date) put the next follow-up on it: after each contact, and
    from the customer's next due date on by the current level's interval through the month.
    A planned day that passed with no contact is missed.
    """
    start, end = month, month_end(month)
    marks: dict[int, Mark] = {}
    contact_days = {event.at.date() for event in events}

    def plan(day: dt.date) -> None:
        if start <= day < end and day not in contact_days and day.day not in marks:
            marks[day.day] = Mark("missed" if day < today else "planned")

    for event in events:
        day = event.at.date()
        if start <= day < end:
            marks[day.day] = Mark("contact", event.level)
    for before, after in pairwise(events):
        due = before.next_date
        if due is None and before.level in intervals:
            due = before.at.date() + dt.timedelta(days=intervals[before.level])
        if due is not None and due < after.at.date():
            plan(due)  # the plan fell before the next contact came: missed
    if next_due is not None:
        plan(next_due)
        # The cadence goes on from a due day before the month's end; one beyond it plans
        # nothing here (and stepping on from a far one, 9999-12-31, would overflow).
        if today <= next_due < end and level in intervals:
            step = dt.timedelta(days=intervals[level])
            day = next_due + step
            while day < end:
                plan(day)
                day += step
    return marks


@dataclass(frozen=True)
class GridRow:
    """A table row with its month's marks (what the screen and the export draw)."""

    row: TableRow
    marks: dict[int, Mark]


def with_marks(rows: list[TableRow], f: TableFilter) -> list[GridRow]:
    """Rows of one page with their month's marks: one query for all their events."""
    intervals = settings.follow_up_days()
    events = month_events([row.id for row in rows], f.month, intervals)
    latest = bounds.last_day(f.today)
    for row in rows:
        if row.next_due > latest:  # stored before agreed dates were bounded, or by hand
            log.warning("customer #%s is due on %s, beyond %s", row.id, row.next_due, latest)
    return [
        GridRow(
            row,
            month_marks(events[row.id], f.month, row.level, row.next_due, f.today, intervals),
        )
        for row in rows
    ]


# -- follow-ups due (CLI) ----------------------------------------------------------------------


@dataclass(frozen=True)
class FollowUp:
    """An open intent customer whose follow-up is due (or overdue) on a day."""

    name: str
    phone: str
    level: str
    consultant: str
    model: str
    first_contact: dt.date | None
    source: int
    last_contact: dt.date | None
    next_due: dt.date
    overdue_days: int

    def as_json(self) -> dict:
        def day(value: dt.date | None) -> str | None:
            return value.isoformat() if value else None

        return {
            "name": self.name,
            "phone": self.phone,
            "level": self.level,
            "consultant": self.consultant,
            "model": self.model,
            "first_contact": day(self.first_contact),
            "source": self.source,
            "last_contact": day(self.last_contact),
            "next_due": day(self.next_due),
            "overdue_days": self.overdue_days,
        }


def followups(
    viewer: Actor,
    day: dt.date | None = None,
    consultant_id: int | None = None,
    include_later: bool = False,
) -> list[FollowUp]:
    """Open intent customers ``viewer`` may see, due on or before ``day`` (all of them with
    ``include_later``), sorted by next due date; overdue days counted on ``day`` (default
    today)."""
    roles.require(viewer, roles.CONTACTS_VIEW)
    day = day or clock.today()
    f = TableFilter(month=month_of(day), today=day, viewer=viewer, consultant_id=consultant_id)
    found = []
    for row in all_rows(f):
        if not include_later and row.next_due > day:
            break
        found.append(
            FollowUp(
                name=row.name,
                phone=row.phone,
                level=row.level,
                consultant=row.consultant or "",
                model=row.model,
                first_contact=row.first_contact,
                source=row.source,
                last_contact=row.last_contact,
                next_due=row.next_due,
                overdue_days=row.overdue_days(day),
            )
        )
    return found
