"""The intent-customer contact table (意向客户接触状况表) of a month, as it was.

A month's table has a row for every cycle (``followup.cycles``) of a customer as an open
intent customer at any time in the month — including those closed in it, marked on the
day of the close (成交 / 战败 / 失控) — in the order they entered the table (序号: the
moment the cycle opened, so rows never renumber). Each row: number, name, phone, model,
first contact (初洽日期), 来源区分, consultant, the level as it stood at the month's end
(or when closed; today for the current month), the next due date; a phone lead (来电意向,
never met face to face) is marked. Then the days: each day with a contact or registration
shows the level at it; a day on which the follow-up then planned fell (by the rule and the
interval in force that day, ``followup.due``) shows ``*``, missed if nobody came.

A finished month is rebuilt from its own records only: closing a customer, a new interval
or a contact today change nothing in it.

Built for 100 000 rows: rows come a page at a time by keyset (``ORDER BY opened_at, id`` of
the cycle, over its index), the month's events only for the customers of one page, in one
query. The foot (per level, 上月留存 / 本月新生 / phone leads, the closes, overdue, due
today) of the month in progress reads the counts the store keeps of its open rows
(migration 0020), not the rows.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Container, Iterable, Iterator
from dataclasses import dataclass, field, replace
from typing import NamedTuple, cast

from peewee import JOIN, SQL, Case, Tuple, fn

from frontdesk import bounds, clock
from frontdesk.followup import due as due_rules
from frontdesk.followup.contacts import overdue_days
from frontdesk.followup.due import Event
from frontdesk.i18n import t
from frontdesk.months import month_end, month_of
from frontdesk.people import roles
from frontdesk.people.actor import Actor
from frontdesk.store import dialect
from frontdesk.store.models import (
    Customer,
    IntentCycle,
    LevelChange,
    OpenByDue,
    OpenByMet,
    Staff,
    database,
)
from frontdesk.store.rows import day as stored_day
from frontdesk.store.rows import moment as stored_moment

log = logging.getLogger("frontdesk.followup.contacts")

PAGE_SIZE = 64  # rows per keyset page: a screen or two
DUE_MODES = (None, "overdue", "today")
OUTCOMES = ("deal", "defeat", "lost")

__all__ = ["Event"]


# -- what the table shows ------------------------------------------------------------------


@dataclass(frozen=True)
class TableFilter:
    """Which rows of a month's table, as ``viewer`` may see them.

    ``viewer`` is who reads the table: every query narrows the rows to the customers they
    may see (``roles.customer_scope``: a consultant their own only), whatever else the
    filter says, so no screen filter, search or Esc widens it. ``due`` filters on today's
    due dates of the customers open now.
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

    @property
    def start(self) -> dt.datetime:
        return dt.datetime.combine(self.month, dt.time())

    @property
    def end(self) -> dt.datetime:
        return dt.datetime.combine(month_end(self.month), dt.time())


def current_filter(viewer: Actor, **changes) -> TableFilter:
    """Today's month as ``viewer`` may see it."""
    today = clock.today()
    return TableFilter(month=month_of(today), today=today, viewer=viewer).with_(**changes)


@dataclass(frozen=True)
class TableRow:
    """One row of a month's table: a customer's cycle as it stood then."""

    id: int  # the customer
    cycle_id: int
    name: str
    phone: str
    model: str
    first_contact: dt.date | None
    source: int
    consultant: str
    level: str
    last_contact: dt.date | None
    next_due: dt.date | None  # open now: today's due date; None once closed
    opened_at: dt.datetime
    met_at: dt.datetime | None = None
    closed_at: dt.datetime | None = None
    closed_as: str | None = None
    number: int = 0  # 序号 in the month's whole table (0: count it from the page)

    @property
    def key(self) -> Key:
        return (self.opened_at, self.cycle_id)

    @property
    def is_lead(self) -> bool:
        """A phone lead (来电意向) all through the row's month: never met face to face."""
        return self.met_at is None

    @property
    def due(self) -> dt.date:
        """The next due date of a row open now (a closed row has none: refused)."""
        if self.next_due is None:
            raise ValueError(f"cycle #{self.cycle_id} is closed")
        return self.next_due

    def overdue_days(self, today: dt.date) -> int:
        return overdue_days(self.next_due, today)


Key = tuple[dt.datetime, int]
"""A row's place in the table: (cycle opened at, cycle id)."""


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


_LevelThen = LevelChange.alias("level_then")


def _level(f: TableFilter):
    """The row's level as it stood at the month's end, or at the close: the latest level
    change of the cycle before then (a close keeps the level it closed from). A cycle open
    now, in the month in progress, has the customer's level (no subquery)."""
    L, C = _LevelThen, IntentCycle
    then = (
        L.select(fn.COALESCE(L.to_level, L.from_level))
        .where(
            (L.customer == C.customer)
            & (L.at < f.end)
            & (C.closed_at.is_null() | (L.at <= C.closed_at))
        )
        .order_by(L.at.desc(), L.id.desc())
        .limit(1)
    )
    stood = fn.COALESCE(then, Customer.level)
    if month_end(f.month) > f.today:
        return Case(None, [(C.closed_at.is_null(), Customer.level)], stood)
    return stood


def _scope(viewer: Actor) -> list:
    """The customers ``viewer`` may see, as clauses (none: all of them)."""
    scope = roles.customer_scope(viewer, roles.CONTACTS_VIEW)
    return [] if scope is None else [scope]


def _in_month(f: TableFilter) -> list:
    C = IntentCycle
    return [
        dialect.seek_this_store(C.store_id),  # the (store, opened at) index on PostgreSQL (0025)
        C.opened_at < f.end,
        C.closed_at.is_null() | (C.closed_at >= f.start),
        *_scope(f.viewer),
    ]


def _where(f: TableFilter) -> list:
    return _in_month(f) + _filters(f)


def _filters(f: TableFilter) -> list:
    """The filter's own clauses (consultant, level, due, search), beyond the month's rows."""
    clauses = []
    open_now = IntentCycle.closed_at.is_null()
    if f.consultant_id:
        clauses.append(Customer.consultant == f.consultant_id)
    if f.level:
        clauses.append(_level(f) == f.level)
    if f.due == "overdue":
        clauses.append(open_now & (Customer.next_due < f.today))
    elif f.due == "today":
        clauses.append(open_now & (Customer.next_due == f.today))
    if f.search.strip():
        clauses.append(search_clause(f.search))
    return clauses


def _needs_customer(f: TableFilter) -> bool:
    """Whether the filter reads the customer's columns (else the cycles' index answers)."""
    return bool(_scope(f.viewer)) or f.is_filtered


def _select(f: TableFilter, *columns, customer: bool = True, staff: bool = False):
    """The month's cycles, joined to their customers (and consultants) when asked."""
    query = IntentCycle.select(*columns)
    if customer or _needs_customer(f):
        query = query.join(Customer, on=(IntentCycle.customer == Customer.id))
        if staff:
            query = query.join(Staff, JOIN.LEFT_OUTER, on=(Customer.consultant == Staff.id))
    return query


def _rows_query(f: TableFilter):
    C = IntentCycle
    due_now = Case(None, [(C.closed_at.is_null(), Customer.next_due)], None)
    return (
        _select(
            f,
            Customer.id,
            C.id,
            Customer.name,
            Customer.phone,
            Customer.model,
            Customer.first_contact,
            Customer.source,
            Staff.name,
            _level(f),
            Customer.last_contact,
            due_now,
            C.opened_at,
            # A cycle first met after the month's end was still a phone lead in it.
            Case(None, [(C.met_at < f.end, C.met_at)], None),
            Case(None, [(C.closed_at < f.end, C.closed_at)], None),
            Case(None, [(C.closed_at < f.end, C.closed_as)], None),
            staff=True,
        )
        .where(*_where(f))
        .order_by(C.opened_at, C.id)
    )


def _row(values: tuple) -> TableRow:
    (ident, cycle, name, phone, model, first, source, consultant, level, last, due, opened,
     met, closed, outcome) = values  # fmt: skip
    return TableRow(
        ident,
        cycle,
        name,
        phone,
        model,
        _as_date(first),
        source,
        consultant,
        level or "",
        _as_date(last),
        _as_date(due),
        stored_moment(opened),
        stored_moment(met) if met else None,
        stored_moment(closed) if closed else None,
        outcome,
    )


def count(f: TableFilter) -> int:
    """How many rows the table has under this filter."""
    return _select(f, fn.COUNT(SQL("*")), customer=False).where(*_where(f)).scalar() or 0


def page(
    f: TableFilter, after: Key | None = None, limit: int = PAGE_SIZE, numbered: bool = True
) -> list[TableRow]:
    """The next ``limit`` rows in table order after the row with key ``after`` (keyset);
    without ``numbered``, a filtered page's rows keep 序号 0 (figures over the month need
    none, and numbering reads the whole table's keys)."""
    query = _rows_query(f)
    if after is not None:
        opened, ident = after
        query = query.where(
            Tuple(IntentCycle.opened_at, IntentCycle.id) > Tuple(opened.isoformat(" "), ident)
        )
    rows = [_row(row) for row in query.limit(limit).tuples()]
    return _numbered(f, rows) if numbered else rows


def _numbered(f: TableFilter, rows: list[TableRow]) -> list[TableRow]:
    """A filtered page's rows with their 序号 in the month's whole table (a filter does not
    renumber); an unfiltered page is numbered by its place."""
    if not rows or not f.is_filtered:
        return rows
    whole = f.with_(consultant_id=None, level=None, due=None, search="")
    first = rows[0].key
    before = (
        _select(whole, fn.COUNT(SQL("*")), customer=False)
        .where(
            *_where(whole),
            Tuple(IntentCycle.opened_at, IntentCycle.id) < Tuple(first[0].isoformat(" "), first[1]),
        )
        .scalar()
        or 0
    )
    wanted = {row.cycle_id for row in rows}
    numbers: dict[int, int] = {}
    query = (
        _select(whole, IntentCycle.id, customer=False)
        .where(
            *_where(whole),
            Tuple(IntentCycle.opened_at, IntentCycle.id)
            >= Tuple(first[0].isoformat(" "), first[1]),
        )
        .order_by(IntentCycle.opened_at, IntentCycle.id)
        .tuples()
    )
    for place, (cycle,) in enumerate(query, start=before + 1):
        if cycle in wanted:
            numbers[cycle] = place
            if len(numbers) == len(wanted):
                break
    return [replace(row, number=numbers.get(row.cycle_id, 0)) for row in rows]


def key_at(f: TableFilter, offset: int) -> Key | None:
    """The key of the row at ``offset`` (0-based), to start a keyset page anywhere."""
    row = (
        _select(f, IntentCycle.opened_at, IntentCycle.id, customer=False)
        .where(*_where(f))
        .order_by(IntentCycle.opened_at, IntentCycle.id)
        .limit(1)
        .offset(offset)
        .tuples()
        .first()
    )
    return (stored_moment(row[0]), row[1]) if row else None


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
        query = _rows_query(f).order_by(IntentCycle.opened_at.desc(), IntentCycle.id.desc())
        rows = query.limit(limit).offset(total - offset - limit).tuples()
        return _numbered(f, [_row(row) for row in reversed(list(rows))])
    after = key_at(f, offset - 1)
    return [] if after is None else page(f, after, limit)


def all_rows(f: TableFilter, batch: int = 500) -> Iterator[TableRow]:
    """Every row in table order, a keyset page at a time (for exports and the CLI)."""
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
    """The foot of the table.

    - ``by_level``: the rows still open at the month's end (today), by their level then;
    - ``closed``: the rows closed in the month, by outcome (成交 / 战败 / 失控);
    - ``carried`` (上月留存): intent customers open on the month's first day;
      ``carried_closed``: how many of them were closed in it, by outcome;
    - ``new`` (本月新生): those who became intent customers in the month (met face to face:
      a new cycle, or a phone lead's first walk-in or visit);
    - ``leads``: phone leads (来电意向) not met by the month's end;
    - ``overdue`` / ``due_today``: of those open now, by today's due dates.
    """

    by_level: dict[str, int] = field(default_factory=dict)
    closed: dict[str, int] = field(default_factory=dict)
    carried: int = 0
    carried_closed: dict[str, int] = field(default_factory=dict)
    new: int = 0
    leads: int = 0
    overdue: int = 0
    due_today: int = 0

    @property
    def open(self) -> int:
        return sum(self.by_level.values())

    @property
    def total(self) -> int:
        return self.open + sum(self.closed.values())


def totals(f: TableFilter) -> Totals:
    """The foot of the rows under this filter.

    The month in progress counts its open rows — each open cycle whose customer has a
    level and a due date — from the counts the store keeps of them (``OpenByMet``,
    ``OpenByDue``: a few hundred rows, whatever the number of customers), or, under a due
    filter or a search (which those counts do not keep), from the customers' index on
    (level, next_due) with each open cycle found by its own index; and its closed rows
    apart, from the cycles closed since the month began. A finished month counts its
    cycles as they were.
    """
    C = IntentCycle
    kind = Case(None, [(C.met_at < f.start, "carried"), (C.met_at < f.end, "new")], "lead")
    if month_end(f.month) > f.today:
        open_rows = _kept_open_rows(f)
        if open_rows is None:
            open_rows = _counted_open_rows(f, kind)
        closed_rows = _select(
            f,
            SQL("NULL"),
            C.closed_as,
            kind,
            fn.COUNT(SQL("*")),
            SQL("0"),
            SQL("0"),
            customer=False,
        ).where(C.closed_at >= f.start, C.closed_at < f.end, *_where(f))
        queries = [*open_rows, closed_rows.group_by(SQL("2"), SQL("3"))]
    else:
        closed_in = C.closed_at < f.end
        queries = [
            _select(
                f,
                Case(None, [(closed_in, None)], _level(f)),
                Case(None, [(closed_in, C.closed_as)], None),
                kind,
                fn.COUNT(SQL("*")),
                SQL("0"),
                SQL("0"),
            )
            .where(*_where(f))
            .group_by(SQL("1"), SQL("2"), SQL("3"))
        ]
    groups = [
        row
        for query in queries
        for row in cast(
            "Iterable[tuple[str | None, str | None, str | None, int, int | None, int | None]]",
            query.tuples(),
        )
    ]
    return _summed(groups)


def _counted_open_rows(f: TableFilter, kind) -> list:
    """The open rows of the month in progress counted row by row: (level, -, kind, rows,
    overdue, due today) groups."""
    C = IntentCycle
    return [
        Customer.select(
            Customer.level,
            SQL("NULL"),
            kind,
            fn.COUNT(SQL("*")),
            fn.SUM(Customer.next_due < f.today),
            fn.SUM(Customer.next_due == f.today),
        )
        # The customers' index drives (a level and a due date: exactly the open ones),
        # each open cycle found by its own index: neither table's rows are read.
        .join(C, JOIN.CROSS)
        .where(
            (C.customer == Customer.id) & C.closed_at.is_null(),
            dialect.seek_this_store(Customer.store_id),  # (store, level, next due) on PostgreSQL
            Customer.level.is_null(False),
            Customer.next_due.is_null(False),
            *_scope(f.viewer),
            *_filters(f),
        )
        .group_by(SQL("1"), SQL("3"))
    ]


def _kept_open_rows(f: TableFilter) -> list | None:
    """The same groups as ``_counted_open_rows`` from the counts the store keeps, or None
    when the filter asks what they do not keep (a due filter, a search).

    The kept counts are of the same rows (an open cycle, its customer's level and due
    date), under the figures the triggers copy to the cycle: the consultant (0: none) for
    the viewer's scope and the consultant filter, the level for the level filter, the
    month met face to face for the kinds (a moment before the month's first day is in an
    earlier ``YYYY-MM``), the due date for overdue and due today.

    Overdue is the open rows less those due today or later: the due dates from today on
    are at most the longest follow-up interval ahead, while those before it reach back
    as far as any customer was left overdue (on the benchmarks' large store 737 of the
    12 440 due-date counts are from today on). So the by-met groups carry their rows as
    overdue too, and the due-date group takes away the rows due from today on, read from
    the index of 0026 over that range alone.
    """
    if f.due or f.search.strip() or not roles.may(f.viewer, roles.CONTACTS_VIEW):
        return None
    consultants: list[int | None] = [f.consultant_id] if f.consultant_id else []
    if roles.own_customers_only(f.viewer, roles.CONTACTS_VIEW):  # as roles.customer_scope
        consultants.append(f.viewer.staff_id)

    def narrowed(query, kept):
        clauses = [dialect.this_store(kept.store_id)]  # the kept key leads with the store
        clauses += [kept.consultant_id == (consultant or 0) for consultant in consultants]
        clauses += [kept.level == f.level] if f.level else []
        return query.where(*clauses)

    M, D = OpenByMet, OpenByDue
    month = f.month.strftime("%Y-%m")
    kind = Case(
        None,
        [((M.met_month != "") & (M.met_month < month), "carried"), (M.met_month == month, "new")],
        "lead",
    )
    open_rows = fn.SUM(M.number)
    by_met = narrowed(
        M.select(M.level, SQL("NULL"), kind, open_rows, open_rows, SQL("0")), M
    ).group_by(SQL("1"), SQL("3"))
    from_today = narrowed(
        D.select(
            SQL("NULL"),
            SQL("NULL"),
            SQL("NULL"),
            SQL("0"),
            0 - fn.SUM(D.number),  # none from today on: NULL, read as 0
            fn.SUM(Case(None, [(D.next_due == f.today, D.number)], 0)),
        ),
        D,
    ).where(D.next_due >= f.today)
    return [by_met, from_today]


def _summed(groups: list[tuple]) -> Totals:
    """The foot from (level, outcome, kind, rows, overdue, due today) groups; a group with
    no kind adds only to overdue and due today."""
    by_level: dict[str, int] = {}
    closed: dict[str, int] = {}
    carried_closed: dict[str, int] = {}
    spells = {"carried": 0, "new": 0, "lead": 0}
    overdue = due_today = 0
    for level, outcome, spell, rows, late, due_now in groups:
        if spell:
            spells[spell] += rows
        if outcome:
            closed[outcome] = closed.get(outcome, 0) + rows
            if spell == "carried":
                carried_closed[outcome] = carried_closed.get(outcome, 0) + rows
        elif level:
            by_level[level] = by_level.get(level, 0) + rows
        overdue += late or 0
        due_today += due_now or 0
    return Totals(
        by_level,
        closed,
        spells["carried"],
        carried_closed,
        spells["new"],
        spells["lead"],
        overdue,
        due_today,
    )


def closes_text(counts: dict[str, int]) -> str:
    """``成交 1 战败 2`` — closes by outcome, or ``0``."""
    parts = [
        f"{t(f'contacts.outcome.{outcome}')} {counts[outcome]}"
        for outcome in OUTCOMES
        if counts.get(outcome)
    ]
    return " ".join(parts) or "0"


# -- the month grid ------------------------------------------------------------------------------


class Mark(NamedTuple):
    """What one day of a row shows: a contact (its level), a planned day, a missed one, or
    the close (``level`` is the outcome: deal | defeat | lost)."""

    kind: str  # contact | planned | missed | closed
    level: str | None = None


_EVENTS_SQL = """
SELECT c."customer_id", c."at", c."level_after", c."next_date", 'contact'
  FROM "contact" c
 WHERE c."customer_id" IN ({ids}) AND c."at" < ?
UNION ALL
SELECT r."customer_id", r."time_in", COALESCE(r."level", (
           SELECT lc."to_level" FROM "level_change" lc
            WHERE lc."customer_id" = r."customer_id" AND lc."at" <= r."time_in"
            ORDER BY lc."at" DESC, lc."id" DESC LIMIT 1)),
       NULL, 'registration'
  FROM "registration" r
 WHERE r."customer_id" IN ({ids}) AND r."time_in" < ?
"""


def _as_date(value) -> dt.date | None:
    return None if value is None else stored_day(value)


def month_events(customer_ids: list[int], end: dt.datetime) -> dict[int, list[Event]]:
    """The contacts and registrations of these customers before ``end``, in one query."""
    if not customer_ids:
        return {}
    ids = ", ".join(str(int(i)) for i in customer_ids)
    window = (end.isoformat(" "),)
    cursor = database.execute_sql(_EVENTS_SQL.format(ids=ids), window + window)
    events: dict[int, list[Event]] = {int(i): [] for i in customer_ids}
    for customer_id, at, level, next_date, kind in cursor.fetchall():
        events[customer_id].append(Event(stored_moment(at), level, _as_date(next_date), kind))
    for found in events.values():
        found.sort()
    return events


def _of_cycle(events: list[Event], row: TableRow) -> list[Event]:
    return [
        event
        for event in events
        if event.at >= row.opened_at and (row.closed_at is None or event.at <= row.closed_at)
    ]


def month_marks(
    events: list[Event],
    month: dt.date,
    row: TableRow,
    today: dt.date,
    intervals: due_rules.Intervals,
) -> dict[int, Mark]:
    """Day of month → mark, for one row (its cycle's events, in time order).

    A contact day shows the level at the (last) contact that day; the close day shows the
    outcome. A past day shows ``missed`` when the follow-up planned then fell on it (by the
    rule and the interval in force that day) and nobody came. From today on, ``planned``:
    the next due date, and from it the current level's cadence through the month.
    """
    start, end = month, month_end(month)
    marks: dict[int, Mark] = {}
    for event in events:
        day = event.at.date()
        if start <= day < end:
            marks[day.day] = Mark("contact", event.level)
    if row.closed_at is not None and start <= row.closed_at.date() < end:
        marks[row.closed_at.date().day] = Mark("closed", row.closed_as)
    for day, _ in planned_days(events, month, row, today, intervals, skip=marks):
        marks[day.day] = Mark("missed")
    if row.next_due is not None and row.closed_at is None:
        _plan_ahead(marks, row, start, end, today, intervals.current)
    return marks


def planned_days(
    events: list[Event],
    month: dt.date,
    row: TableRow,
    until: dt.date,
    intervals: due_rules.Intervals,
    skip: Container[int] = (),
) -> Iterator[tuple[dt.date, due_rules.Plan]]:
    """The days of ``month`` before ``until`` on which a row's follow-up was due (计划跟进),
    with the plan that set each: the plan in force at the start of the day (the rule and
    the interval then, ``due.plan_on``) fell on it. From the day after the cycle opened to
    the month's end or the close; days of the month in ``skip`` are not asked about.

    The contact table marks those nobody came on ``*`` (missed); the follow-up compliance
    (``reports.compliance``) counts them all, for every row of a month: so the plan is
    asked once a stretch, not once a day — it changes only on the day after an event and
    on the first day a changed interval is in force, and a stretch's plan falls on at most
    one of its days.
    """
    end = month_end(month)
    first = max(month, row.opened_at.date() + dt.timedelta(days=1))
    last = min(end, until, row.closed_at.date() if row.closed_at else end)
    if first >= last:
        return
    one_day = dt.timedelta(days=1)
    changes = {event.at.date() + one_day for event in events}
    for changed_at, _, _ in intervals.changes:
        # In force from the first day that starts at or after it.
        midnight = changed_at.time() == dt.time()
        changes.add(changed_at.date() + (dt.timedelta() if midnight else one_day))
    starts = sorted({first} | {start for start in changes if first < start < last})
    for start, stop in zip(starts, [*starts[1:], last], strict=True):
        planned = due_rules.plan_on(events, start, intervals)
        if planned is not None and start <= planned.due < stop and planned.due.day not in skip:
            yield planned.due, planned


def _plan_ahead(marks, row: TableRow, start, end, today, intervals: dict[str, int]) -> None:
    """From today on: the next due date, then the current level's cadence to the month's end."""

    def plan(day: dt.date) -> None:
        if start <= day < end and day.day not in marks:
            marks[day.day] = Mark("missed" if day < today else "planned")

    next_due = cast(dt.date, row.next_due)
    plan(next_due)
    # The cadence goes on from a due day before the month's end; one beyond it plans
    # nothing here (and stepping on from a far one, 9999-12-31, would overflow).
    if today <= next_due < end and row.level in intervals:
        step = dt.timedelta(days=intervals[row.level])
        day = next_due + step
        while day < end:
            plan(day)
            day += step


@dataclass(frozen=True)
class GridRow:
    """A table row with its month's marks (what the screen and the export draw)."""

    row: TableRow
    marks: dict[int, Mark]


def with_marks(rows: list[TableRow], f: TableFilter) -> list[GridRow]:
    """Rows of one page with their month's marks: one query for all their events."""
    intervals = due_rules.Intervals()
    end = dt.datetime.combine(month_end(f.month), dt.time())
    events = month_events([row.id for row in rows], end)
    latest = bounds.last_day(f.today)
    finished = month_end(f.month) <= f.today
    grid = []
    for row in rows:
        if row.next_due is not None and row.next_due > latest:
            # Stored before agreed dates were bounded, or by hand.
            log.warning("customer #%s is due on %s, beyond %s", row.id, row.next_due, latest)
        mine = _of_cycle(events[row.id], row)
        if finished:
            row = _as_at_the_end(row, mine, month_end(f.month), intervals)
        grid.append(GridRow(row, month_marks(mine, f.month, row, f.today, intervals)))
    return grid


def _as_at_the_end(
    row: TableRow, events: list[Event], end: dt.date, intervals: due_rules.Intervals
) -> TableRow:
    """A finished month's row as it stood at its end: the last contact then, and the
    due date the rule and the intervals then gave (none once closed), not today's."""
    last = max((event.at.date() for event in events), default=row.last_contact)
    planned = None if row.closed_at else due_rules.plan_on(events, end, intervals)
    return replace(row, last_contact=last, next_due=planned.due if planned else None)


def plan_now(customer_id: int) -> due_rules.Plan | None:
    """The plan behind a customer's due date now (which rule set it), from the events of
    their open cycle; None when they have none open."""
    cycle = (
        IntentCycle.select(IntentCycle.opened_at)
        .where((IntentCycle.customer == customer_id) & IntentCycle.closed_at.is_null())
        .scalar()
    )
    if cycle is None:
        return None
    opened = stored_moment(cycle)
    events = month_events([customer_id], dt.datetime.max)[customer_id]
    mine = [event for event in events if event.at >= opened]
    return due_rules.plan(mine, due_rules.Intervals().current)


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
    ``include_later``), sorted by due date; overdue days counted on ``day`` (default today).

    A past day is answered as it was planned that morning: the customers open then, with
    the due dates the rule and the intervals then in force gave (``followup.due``).
    """
    roles.require(viewer, roles.CONTACTS_VIEW)
    today = clock.today()
    day = day or today
    if day < today:
        found = _followups_then(viewer, day, consultant_id)
        if not include_later:
            found = [row for row in found if row.next_due <= day]
        return found
    clauses = [
        dialect.seek_this_store(Customer.store_id),  # (store, next due) on PostgreSQL
        Customer.next_due.is_null(False),
        *_scope(viewer),
    ]
    if consultant_id:
        clauses.append(Customer.consultant == consultant_id)
    if not include_later:
        clauses.append(Customer.next_due <= day)
    query = (
        Customer.select(
            Customer.name,
            Customer.phone,
            Customer.level,
            Staff.name,
            Customer.model,
            Customer.first_contact,
            Customer.source,
            Customer.last_contact,
            Customer.next_due,
        )
        .join(Staff, JOIN.LEFT_OUTER, on=(Customer.consultant == Staff.id))
        .where(*clauses)
        .order_by(Customer.next_due, Customer.id)
        .tuples()
    )
    due_rows = cast("Iterable[tuple]", query)
    return [
        FollowUp(
            name,
            phone,
            level,
            consultant or "",
            model,
            _as_date(first),
            source,
            _as_date(last),
            cast(dt.date, _as_date(due)),
            overdue_days(_as_date(due), day),
        )
        for name, phone, level, consultant, model, first, source, last, due in due_rows
    ]


def planned_for(viewer: Actor, day: dt.date, consultant_id: int | None = None) -> list[FollowUp]:
    """The follow-ups due on or before ``day`` as planned at its start, whatever was done
    since: the next day's plan of a daily report (次日的营业活动计划), the same tomorrow as
    when it is read a week later."""
    roles.require(viewer, roles.CONTACTS_VIEW)
    return [row for row in _followups_then(viewer, day, consultant_id) if row.next_due <= day]


def _followups_then(viewer: Actor, day: dt.date, consultant_id: int | None) -> list[FollowUp]:
    """Every customer open at the start of ``day``, with the plan then (due order)."""
    start = dt.datetime.combine(day, dt.time())
    f = TableFilter(month=month_of(day), today=day, viewer=viewer, consultant_id=consultant_id)
    C = IntentCycle
    query = (
        _select(
            f,
            Customer.id,
            C.opened_at,
            Customer.name,
            Customer.phone,
            Staff.name,
            Customer.model,
            Customer.first_contact,
            Customer.source,
            staff=True,
        )
        .where(
            dialect.seek_this_store(C.store_id),  # (store, opened at) on PostgreSQL
            C.opened_at < start,
            C.closed_at.is_null() | (C.closed_at >= start),
            *_scope(viewer),
            *([Customer.consultant == consultant_id] if consultant_id else []),
        )
        .order_by(C.opened_at, C.id)
        .tuples()
    )
    candidates = list(query)
    intervals = due_rules.Intervals()
    found: list[FollowUp] = []
    for batch in range(0, len(candidates), 500):
        chunk = candidates[batch : batch + 500]
        events = month_events([row[0] for row in chunk], start)
        for ident, opened, name, phone, consultant, model, first, source in chunk:
            opened_at = stored_moment(opened)
            mine = [event for event in events[ident] if event.at >= opened_at]
            planned = due_rules.plan(mine, intervals.at(start))
            if planned is None:
                continue
            found.append(
                FollowUp(
                    name,
                    phone,
                    planned.level or "",
                    consultant or "",
                    model,
                    _as_date(first),
                    source,
                    planned.last_contact,
                    planned.due,
                    overdue_days(planned.due, day),
                )
            )
    found.sort(key=lambda row: row.next_due)
    return found
