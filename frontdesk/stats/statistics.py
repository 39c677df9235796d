"""Showroom statistics (展厅来店(电)统计表): one day, or a month sheet of days.

For the store's local day D, counted from the registration log (来店(电)客户登记表):

- parties (来店批次): walk-in registrations with time in on D; people (人数): their party sizes.
- returning (再次): walk-ins whose customer walked in before (by time in, then by order of
  saving); every other walk-in, anonymous ones included, is first (首次).
- first_on_file (首次留档): first walk-ins that left a valid phone; on_file_rate (留档率) =
  first_on_file / first.
- invited (邀约到店): first walk-ins of customers known before — from an earlier call (a phone
  registration) or an earlier follow-up contact; invited_rate = invited / calls_on_file.
- test_drives (试驾), quotes (报价) and orders (订车), with test_drive_rate, quote_rate and
  order_rate (订车率) over the KPI base, a store setting (``RATE_BASE``): first visits
  (首次来店批次, the OEM convention and the default) or all walk-in parties (来店批次).
- avg_stay_min: mean minutes from time in to time out over the walk-ins of D that have
  left; open: the walk-ins of D still in the showroom (no time out, and not marked as left
  unrecorded at the close-out, 离店未登记 — such a party is still one of the parties).
- calls (来电): phone registrations on D; repeat calls (再次来电): those of a customer with an
  earlier registration (walk-in or call); every other call, anonymous ones included, is a
  first call (首次来电). calls_on_file (来电留档): the calls that put a new customer on file —
  the customer's first registration of any kind; a repeat call is not a new lead.
- leads (新增留档客户): the customers whose first registration (a call or a walk-in) is on D,
  each once; a caller's first walk-in is a first visit on file but not a second lead.
- new_intent (新增意向客户): customers who became intent customers on D — met face to face
  with a level (seed: 面对面接触一次以上): a walk-in or visit that opened a cycle, or a phone
  lead's first walk-in or visit; a defeated or lost customer who comes back is new again
  (``followup.cycles``) — by the level then; ``new_intent_by_origin``: the same split by
  where they were met (``walkin`` 来店, ``visit`` 拜访), to reconcile with the log.
- phone ``new_leads`` (来电意向): cycles opened on D by a level given on a call or a
  message, by that level; they count in new_intent only when met.
- the splits: by hour of time in, by channel and by model (walk-ins and calls apart), and
  by consultant (parties, first visits, first_on_file, test_drives, orders; walk-ins only).

A rate whose denominator is zero is None (shown "—"). In the splits, a blank channel or
model and a walk-in without a consultant are all keyed ``UNASSIGNED`` (the empty string:
no code-list entry or staff name can be empty).

"Earlier" is by time in, then by order of saving (the id), for a customer's registrations;
a contact is earlier when its time is before the walk-in's time in.

Returning is decided here by its definition, not read from ``registration.visit``: the
registration service stamps that column by the same rule on every save of the customer's
rows (a late entry from paper restamps the later ones), and the two are tested to agree.

Every figure is an SQL aggregate: a handful of GROUP BY queries over a range of
``time_in`` (the index), bucketed by day with ``substr(time_in, 1, 10)`` of the stored text
``YYYY-MM-DD HH:MM:SS``. A day and a month run the same queries (``_collect``), so a month
sheet's days are exactly the daily statistics, and its total is summed from the days' counts
(rates from the sums, never an average of daily rates).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import cache, partial
from typing import cast

from peewee import SQL, Case, Select, fn

from frontdesk import clock, months, rules
from frontdesk.followup import cycles
from frontdesk.people import roles
from frontdesk.people.actor import Actor
from frontdesk.store import dialect, layers, settings
from frontdesk.store.models import (
    Contact,
    GroupSetting,
    IntentCycle,
    Registration,
    Setting,
    Staff,
    Store,
    database,
)

WALKIN, PHONE = "walkin", "phone"
UNASSIGNED = ""  # the split key of a blank channel or model, or of no consultant
RATE_PLACES = 4
STAY_PLACES = 1
CONSULTANT_FIGURES = ("parties", "first", "first_on_file", "test_drives", "orders")

# What the test-drive, quote and order rates divide by (a store setting, 考核口径): the
# first-visit parties (首次来店批次, the common OEM convention, the default) or all walk-in
# parties (来店批次).
RATE_BASE = settings.RATE_BASE
FIRST_VISITS, ALL_PARTIES = settings.RATE_BASES

Split = dict[str, dict[str, int]]


def rate(numerator: int, denominator: int) -> float | None:
    """A fraction, or None when it is undefined (nothing to divide by)."""
    return numerator / denominator if denominator else None


def _busiest_first(item: tuple[str, dict[str, int]]) -> tuple:
    key, counts = item
    return (key == UNASSIGNED, *(-count for count in counts.values()), key)


def _rounded(value: float | None, places: int) -> float | None:
    return None if value is None else round(value, places)


@dataclass
class Statistics:
    """The figures of the statistics sheet over some days (one day, or a month's total)."""

    parties: int = 0
    people: int = 0
    returning: int = 0
    first_on_file: int = 0
    test_drives: int = 0
    quotes: int = 0
    orders: int = 0
    invited: int = 0
    stay_seconds: int = 0  # summed over the walk-ins that have left
    left: int = 0  # walk-ins with a time out
    open: int = 0
    calls: int = 0
    repeat_calls: int = 0
    calls_on_file: int = 0
    leads: int = 0
    new_intent: dict[str, int] = field(default_factory=lambda: dict.fromkeys(rules.LEVELS, 0))
    new_intent_by_origin: dict[str, int] = field(
        default_factory=lambda: dict.fromkeys(cycles.FACE_TO_FACE, 0)
    )
    new_leads: dict[str, int] = field(default_factory=lambda: dict.fromkeys(rules.LEVELS, 0))
    by_hour: Split = field(default_factory=dict)  # "09" → {"walkin": n, "phone": n}
    by_channel: Split = field(default_factory=dict)  # name → {"walkin": n, "phone": n}
    by_model: Split = field(default_factory=dict)
    by_consultant: Split = field(default_factory=dict)  # name → CONSULTANT_FIGURES
    rate_base: str = FIRST_VISITS  # what the KPI rates divide by, as the store set it

    @property
    def first(self) -> int:
        return self.parties - self.returning

    @property
    def first_calls(self) -> int:
        return self.calls - self.repeat_calls

    @property
    def rate_parties(self) -> int:
        """The KPI rates' denominator: first-visit parties, or all parties."""
        return self.parties if self.rate_base == ALL_PARTIES else self.first

    @property
    def on_file_rate(self) -> float | None:
        return rate(self.first_on_file, self.first)

    @property
    def invited_rate(self) -> float | None:
        return rate(self.invited, self.calls_on_file)

    @property
    def test_drive_rate(self) -> float | None:
        return rate(self.test_drives, self.rate_parties)

    @property
    def quote_rate(self) -> float | None:
        return rate(self.quotes, self.rate_parties)

    @property
    def order_rate(self) -> float | None:
        return rate(self.orders, self.rate_parties)

    @property
    def avg_stay_min(self) -> float | None:
        return rate(self.stay_seconds, self.left * 60)

    def add(self, other: Statistics) -> None:
        """Add another span's counts to these (rates follow from the sums); call
        ``sort_splits`` when done adding."""
        for name in (
            "parties",
            "people",
            "returning",
            "first_on_file",
            "test_drives",
            "quotes",
            "orders",
            "invited",
            "stay_seconds",
            "left",
            "open",
            "calls",
            "repeat_calls",
            "calls_on_file",
            "leads",
        ):
            setattr(self, name, getattr(self, name) + getattr(other, name))
        for mine_counts, theirs_counts in (
            (self.new_intent, other.new_intent),
            (self.new_intent_by_origin, other.new_intent_by_origin),
            (self.new_leads, other.new_leads),
        ):
            for key, count in theirs_counts.items():
                mine_counts[key] += count
        for mine, theirs in (
            (self.by_hour, other.by_hour),
            (self.by_channel, other.by_channel),
            (self.by_model, other.by_model),
            (self.by_consultant, other.by_consultant),
        ):
            for key, counts in theirs.items():
                row = mine.setdefault(key, dict.fromkeys(counts, 0))
                for name, count in counts.items():
                    row[name] += count

    def sort_splits(self) -> None:
        """Hours in order; the other splits busiest first, then by name, unassigned last."""
        self.by_hour = dict(sorted(self.by_hour.items()))
        for name in ("by_channel", "by_model", "by_consultant"):
            split = getattr(self, name)
            setattr(self, name, dict(sorted(split.items(), key=_busiest_first)))

    def figures_json(self) -> dict:
        """The figures as plain JSON types: rates rounded to 4 places, minutes to 1."""
        return {
            "rate_base": self.rate_base,
            "leads": self.leads,
            "walkin": {
                "parties": self.parties,
                "people": self.people,
                "first": self.first,
                "returning": self.returning,
                "first_on_file": self.first_on_file,
                "on_file_rate": _rounded(self.on_file_rate, RATE_PLACES),
                "invited": self.invited,
                "invited_rate": _rounded(self.invited_rate, RATE_PLACES),
                "test_drives": self.test_drives,
                "test_drive_rate": _rounded(self.test_drive_rate, RATE_PLACES),
                "quotes": self.quotes,
                "quote_rate": _rounded(self.quote_rate, RATE_PLACES),
                "orders": self.orders,
                "order_rate": _rounded(self.order_rate, RATE_PLACES),
                "avg_stay_min": _rounded(self.avg_stay_min, STAY_PLACES),
                "open": self.open,
            },
            "phone": {
                "calls": self.calls,
                "first": self.first_calls,
                "repeat": self.repeat_calls,
                "on_file": self.calls_on_file,
                "new_leads": dict(self.new_leads),
            },
            "new_intent": dict(self.new_intent),
            "new_intent_by_origin": dict(self.new_intent_by_origin),
            "by_hour": {key: dict(value) for key, value in self.by_hour.items()},
            "by_channel": {key: dict(value) for key, value in self.by_channel.items()},
            "by_model": {key: dict(value) for key, value in self.by_model.items()},
            "by_consultant": {key: dict(value) for key, value in self.by_consultant.items()},
        }


@dataclass
class DayStatistics(Statistics):
    """The statistics of one store day."""

    day: dt.date = field(kw_only=True)

    def to_json(self) -> dict:
        return {"date": self.day.isoformat(), **self.figures_json()}


@dataclass
class MonthSheet:
    """The month sheet: one row per day 1..last, and the month's total."""

    year: int
    month: int
    days: list[DayStatistics]
    total: Statistics

    @property
    def label(self) -> str:
        return f"{self.year:04d}-{self.month:02d}"

    def to_json(self) -> dict:
        """``{"month", "days": [day…], "total": {figures}}`` (the total has no "date")."""
        return {
            "month": self.label,
            "days": [day.to_json() for day in self.days],
            "total": self.total.figures_json(),
        }


# -- the queries --------------------------------------------------------------------------
#
# Each query is built by peewee once, for a placeholder range, and its SQL kept: a call only
# binds the real range (building the SQL of these correlated queries costs as much as
# running them on a day). The rows come back raw, as SQLite computed them.

_START, _END = dt.datetime(1, 1, 1), dt.datetime(1, 1, 2)  # the placeholder range
_Earlier = Registration.alias("earlier")


def _day_of(column):
    """``YYYY-MM-DD`` of a stored moment, as text (not a parsed date)."""
    return dialect.day_of(column)


def _bucket(moment, by_store: bool):
    """What the figures are grouped by, as the column ``day``: the day of ``moment`` (a
    day, a month's days), or the row's store (``group_month``: the stores side by side)."""
    return (moment.model.store_id if by_store else _day_of(moment)).alias("day")


def _earlier(kind: str):
    """EXISTS a registration of ``kind`` of the same customer before this one (time in,
    then id): one search of the (customer, kind, time_in) index."""
    R, E = Registration, _Earlier
    return fn.EXISTS(
        E.select(SQL("1")).where(
            (E.customer == R.customer)
            & (E.kind == kind)
            & (E.time_in <= R.time_in)  # a range on the index; the tie is broken by id
            & ((E.time_in < R.time_in) | (E.id < R.id))
        )
    )


def _contacted_before():
    """EXISTS a follow-up contact with this registration's customer before its time in
    (not a contact made at this registration itself)."""
    R, C = Registration, Contact
    return fn.EXISTS(
        C.select(SQL("1")).where(
            (C.customer == R.customer)
            & (C.at < R.time_in)
            & (C.registration.is_null() | (C.registration != R.id))
        )
    )


def _of_a_customer():
    return Registration.customer.is_null(False)


def _flag(condition):
    return Case(None, [(condition, 1)], 0)


def _is_returning():
    """1 for a walk-in whose customer walked in before it (time in, then id), else 0."""
    return _flag((Registration.kind == WALKIN) & _of_a_customer() & _earlier(WALKIN))


def _is_repeat():
    """1 for a registration whose customer has an earlier one, walk-in or call, else 0."""
    return _flag(_of_a_customer() & (_earlier(WALKIN) | _earlier(PHONE)))


def _count_if(condition):
    return fn.SUM(_flag(condition))


def _stores(model, by_store: bool):
    """The stores whose rows are counted: the connection's (``seek_this_store``), or in a
    group read every store, store by store (``group_month``). Said either way, it lets
    PostgreSQL seek the (store, moment) indexes of 0025, where row-level security alone (an
    OR) would have the whole group's rows read. On SQLite (one store, no index led by it)
    nothing: its moment's index answers as before."""
    if by_store:
        return dialect.seek_every_store(model.store_id, Store.select(Store.id))
    return dialect.seek_this_store(model.store_id)


def _in_range(by_store: bool = False):
    R = Registration
    return _stores(R, by_store) & (R.time_in >= _START) & (R.time_in < _END)


def _totals(by_store: bool = False):
    """(day, kind, is_returning, is_repeat, count, people, on file, of a customer, test
    drives, quotes, orders, invited, stay seconds, left, open).

    ``is_repeat``: the customer has an earlier registration, walk-in or call; a row of a
    customer that is no repeat is the customer's first registration, a new lead.
    ``invited``: first walk-ins (not returning) of customers known before, from an earlier
    call or an earlier contact."""
    R = Registration
    stay = Case(
        None,
        [(R.time_out.is_null(False), dialect.seconds_between(R.time_in, R.time_out))],
    )
    first_walkin_of_a_customer = (
        (R.kind == WALKIN) & _of_a_customer() & ~_earlier(WALKIN)  # not returning
    )
    invited = first_walkin_of_a_customer & (_earlier(PHONE) | _contacted_before())
    return (
        R.select(
            _bucket(R.time_in, by_store),
            R.kind,
            _is_returning().alias("is_returning"),
            _is_repeat().alias("is_repeat"),
            fn.COUNT(SQL("*")),
            fn.SUM(R.party_size),
            _count_if(R.phone.is_null(False)),
            _count_if(_of_a_customer()),
            fn.SUM(R.test_drive),
            fn.SUM(R.quote),
            fn.SUM(R.ordered),
            _count_if(invited),
            fn.SUM(stay),
            fn.COUNT(R.time_out),
            _count_if(R.time_out.is_null() & R.left_unrecorded_at.is_null()),
        )
        .where(_in_range(by_store))
        .group_by(SQL("day"), R.kind, SQL("is_returning"), SQL("is_repeat"))
    )


def _by_kind(key, by_store: bool = False):
    """(day, key, kind, count): a split of walk-ins and calls. ``kind IN (…)`` lets the
    (kind, time_in) index answer the hour split alone."""
    R = Registration
    return (
        R.select(_bucket(R.time_in, by_store), key.alias("key"), R.kind, fn.COUNT(SQL("*")))
        .where(R.kind.in_([WALKIN, PHONE]) & _in_range(by_store))
        .group_by(SQL("day"), SQL("key"), R.kind)
    )


def _by_hour(by_store: bool = False):
    return _by_kind(dialect.hour_of(Registration.time_in), by_store)


def _by_channel(by_store: bool = False):
    return _by_kind(Registration.channel, by_store)


def _by_model(by_store: bool = False):
    return _by_kind(Registration.model, by_store)


def _by_consultant(by_store: bool = False):
    """(day, consultant id, is_returning, parties, on file, test drives, orders); the
    parties not returning are the consultant's first visits. By id, the names read after
    (``_names``): joined to the staff, PostgreSQL under row-level security misjudged both
    sides of a group's month and chose a nested loop (27 s against 1.2 s, bench group)."""
    R = Registration
    return (
        R.select(
            _bucket(R.time_in, by_store),
            R.consultant,
            _is_returning().alias("is_returning"),
            fn.COUNT(SQL("*")),
            _count_if(R.phone.is_null(False)),
            fn.SUM(R.test_drive),
            fn.SUM(R.ordered),
        )
        .where((R.kind == WALKIN) & _in_range(by_store))
        .group_by(SQL("day"), R.consultant, SQL("is_returning"))
    )


def _new_intent(by_store: bool = False):
    """(day, level, origin, customers): cycles met face to face on the day (新增意向客户)."""
    C = IntentCycle
    return (
        C.select(_bucket(C.met_at, by_store), C.met_level, C.origin, fn.COUNT(SQL("*")))
        .where(_stores(C, by_store) & (C.met_at >= _START) & (C.met_at < _END))
        .group_by(SQL("day"), C.met_level, C.origin)
    )


def _new_leads(by_store: bool = False):
    """(day, level, customers): cycles opened on the day by a call or message (来电意向)."""
    C = IntentCycle
    return (
        C.select(_bucket(C.opened_at, by_store), C.opened_level, fn.COUNT(SQL("*")))
        .where(_stores(C, by_store) & (C.opened_at >= _START) & (C.opened_at < _END))
        .where(C.opened_by.not_in(cycles.FACE_TO_FACE))
        .group_by(SQL("day"), C.opened_level)
    )


def _compiled(build: Callable[[], Select]) -> tuple[str, list]:
    """A query's SQL and parameters for the store's engine, built once for each."""
    return _compiled_for(build, dialect.engine(database))


@cache
def _compiled_for(build: Callable[[], Select], engine: str) -> tuple[str, list]:
    return build().sql()


def _rows(build: Callable[[], Select], start: dt.datetime, end: dt.datetime) -> list[tuple]:
    """The rows of a query for the range [start, end)."""
    sql, params = _compiled(build)
    bound = [start if p == _START else end if p == _END else p for p in params]
    return database.execute_sql(sql, bound).fetchall()


def _names(staff_ids: set[int]) -> dict[int, str]:
    """The names of these staff members (the consultants of a range's walk-ins: a few)."""
    if not staff_ids:
        return {}
    query = Staff.select(Staff.id, Staff.name).where(Staff.id.in_(sorted(staff_ids)))
    return dict(cast(list[tuple[int, str]], list(query.tuples())))


def _collect(first_day: dt.date, last_day: dt.date) -> list[DayStatistics]:
    """The statistics of every day from ``first_day`` to ``last_day`` included."""
    start = clock.day_bounds(first_day)[0]
    end = clock.day_bounds(last_day)[1]
    count = (last_day - first_day).days + 1
    base = rate_base()
    days = {
        (first_day + dt.timedelta(days=n)).isoformat(): DayStatistics(
            day=first_day + dt.timedelta(days=n), rate_base=base
        )
        for n in range(count)
    }
    _fill(days, _DAY_QUERIES, start, end)
    return list(days.values())


# The same queries grouped by day, or by store (``group_month``); each built once.
_DAY_QUERIES = (_totals, _by_hour, _by_channel, _by_model, _by_consultant, _new_intent, _new_leads)
_STORE_QUERIES = tuple(partial(query, by_store=True) for query in _DAY_QUERIES)


def _fill(buckets: dict, queries: tuple, start: dt.datetime, end: dt.datetime) -> None:
    """Add the figures of [start, end) to ``buckets`` (each a ``Statistics``, by the key the
    queries group by: a day's text, or a store's id) from the queries' aggregate rows."""
    totals_q, by_hour_q, by_channel_q, by_model_q, by_consultant_q, intent_q, leads_q = queries
    days = buckets
    for totals in _rows(totals_q, start, end):
        day, kind, is_returning, is_repeat, n, people, on_file, customers = totals[:8]
        drives, quotes, orders, invited, stay, left, open_ = totals[8:]
        stats = days[day]
        # A customer's first registration (no earlier one): the customer is a new lead.
        new_leads = 0 if is_repeat else customers or 0
        stats.leads += new_leads
        if kind == WALKIN:
            stats.parties += n
            stats.people += people or 0
            stats.test_drives += drives or 0
            stats.quotes += quotes or 0
            stats.orders += orders or 0
            stats.invited += invited or 0
            stats.stay_seconds += int(stay or 0)  # PostgreSQL's seconds are NUMERIC
            stats.left += left
            stats.open += open_ or 0
            if is_returning:
                stats.returning += n
            else:
                stats.first_on_file += on_file or 0
        elif kind == PHONE:
            stats.calls += n
            stats.repeat_calls += n if is_repeat else 0
            stats.calls_on_file += new_leads

    for split, query in (
        ("by_hour", by_hour_q),
        ("by_channel", by_channel_q),
        ("by_model", by_model_q),
    ):
        for day, name, kind, n in _rows(query, start, end):
            row = getattr(days[day], split).setdefault(name or UNASSIGNED, {WALKIN: 0, PHONE: 0})
            row[kind] += n

    consultant_rows = _rows(by_consultant_q, start, end)
    names = _names({row[1] for row in consultant_rows if row[1] is not None})
    for day, consultant_id, is_returning, parties, on_file, drives, orders in consultant_rows:
        row = days[day].by_consultant.setdefault(
            names.get(consultant_id) or UNASSIGNED, dict.fromkeys(CONSULTANT_FIGURES, 0)
        )
        row["parties"] += parties
        row["test_drives"] += drives or 0
        row["orders"] += orders or 0
        if not is_returning:
            row["first"] += parties
            row["first_on_file"] += on_file or 0

    for day, level, origin, n in _rows(intent_q, start, end):
        if level in rules.LEVELS:
            days[day].new_intent[level] += n
        if origin in cycles.FACE_TO_FACE:
            days[day].new_intent_by_origin[origin] += n
    for day, level, n in _rows(leads_q, start, end):
        if level in rules.LEVELS:
            days[day].new_leads[level] += n

    for stats in days.values():
        stats.sort_splits()


def _rate_base_setting():
    """The store's rate base: its own, else the group's default (``store.layers``)."""
    return layers.SETTINGS.rows("value", holder=RATE_BASE)


def rate_base() -> str:
    """What the test-drive, quote and order rates divide by now: ``FIRST_VISITS`` or
    ``ALL_PARTIES``, the store setting ``RATE_BASE`` — its default when unset or when the
    stored text is neither (written by hand). Read with its SQL kept, as the queries are:
    it runs with every day's figures."""
    sql, params = _compiled(_rate_base_setting)
    row = database.execute_sql(sql, params).fetchone()
    if row and row[0] in settings.RATE_BASES:
        return row[0]
    return settings.known_setting(RATE_BASE).default


def daily_statistics(day: dt.date) -> DayStatistics:
    """The statistics of one store day."""
    return _collect(day, day)[0]


def month_sheet(year: int, month: int) -> MonthSheet:
    """The month sheet: every day 1..last, and the total summed from the days' counts."""
    dates = months.month_days(dt.date(year, month, 1))
    days = _collect(dates[0], dates[-1])
    total = Statistics(rate_base=days[0].rate_base)
    for stats in days:
        total.add(stats)
    total.sort_splits()
    return MonthSheet(year=year, month=month, days=days, total=total)


# -- the group: every store side by side ------------------------------------------------------


@dataclass
class StoreFigures:
    """One store's figures over a span: its code (``--store``), its name, the figures."""

    code: str
    name: str
    figures: Statistics

    def to_json(self) -> dict:
        return {"store": self.code, "name": self.name, **self.figures.figures_json()}


@dataclass
class GroupMonth:
    """A month of a dealer group (集团月度汇总): each store's figures, and the group's total
    summed from them (rates from the sums, as the month sheet's total)."""

    year: int
    month: int
    stores: list[StoreFigures]
    total: Statistics

    @property
    def label(self) -> str:
        return f"{self.year:04d}-{self.month:02d}"

    def to_json(self) -> dict:
        """``{"month", "stores": [{"store", "name", figures…}], "total": {figures}}``."""
        return {
            "month": self.label,
            "stores": [row.to_json() for row in self.stores],
            "total": self.total.figures_json(),
        }


def _known_base(value: str | None) -> str:
    return value if value in settings.RATE_BASES else settings.known_setting(RATE_BASE).default


def group_month(year: int, month: int, *, by: Actor) -> GroupMonth:
    """Every store's figures for the month, side by side, and the group's total: a group
    manager's (or the operator's) roll-up, refused to a store's own roles.

    The same aggregate queries as a month sheet's, grouped by the rows' store instead of
    their day, in one read-only transaction that sees every store (``dialect.group_read``);
    each store's rates divide by its own setting (else the group's default), the total's
    by the stores' common one (the group's default, else the built-in one, when they
    differ). A consultant is one store's: the total has no split by
    consultant. On SQLite, the file's one store and the total."""
    roles.require(by, roles.GROUP_VIEW)
    dates = months.month_days(dt.date(year, month, 1))
    start, end = clock.day_bounds(dates[0])[0], clock.day_bounds(dates[-1])[1]
    with dialect.group_read(database):
        query = Store.select(Store.id, Store.code, Store.name).order_by(Store.code).tuples()
        stores = cast(list[tuple[int, str, str]], list(query))
        by_store = Setting.select(Setting.store_id, Setting.value).where(Setting.key == RATE_BASE)
        bases = dict(cast(list[tuple[int, str]], list(by_store.tuples())))
        group = GroupSetting.select(GroupSetting.value).where(GroupSetting.key == RATE_BASE)
        group_base = group.scalar()  # a store without its own: the group's default
        figures = {
            store_id: Statistics(rate_base=_known_base(bases.get(store_id, group_base)))
            for store_id, _, _ in stores
        }
        _fill(figures, _STORE_QUERIES, start, end)
    common = {stats.rate_base for stats in figures.values()}
    total = Statistics(rate_base=common.pop() if len(common) == 1 else _known_base(group_base))
    for stats in figures.values():
        total.add(stats)
    total.by_consultant = {}
    total.sort_splits()
    rows = [StoreFigures(code, name, figures[store_id]) for store_id, code, name in stores]
    return GroupMonth(year=year, month=month, stores=rows, total=total)
