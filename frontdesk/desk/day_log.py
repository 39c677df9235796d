"""Today's registration log (the paper form on screen): one query, a row per registration,
and one aggregate for the line under it (parties in, people, still in the showroom, calls).
A party marked as left unrecorded at the close-out (离店未登记, ``desk.day_close``) is no
longer in the showroom, and still a party received.

Each row carries the day's 序号 as the paper form numbers it: 1, 2, 3 … in order of time
in, whatever order the rows were typed in (a back-dated entry takes its place by its time).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from peewee import JOIN, Case, fn

from frontdesk import clock, rules
from frontdesk.store import dialect, rows
from frontdesk.store.models import Registration, Staff


@dataclass(frozen=True)
class LogRow:
    """One row of the day's log, with the consultant's name already joined.

    ``number`` is the day's 序号 (1 for the first arrival); ``id`` names the registration.
    """

    id: int
    number: int
    kind: str
    time_in: dt.datetime
    time_out: dt.datetime | None
    name: str
    phone: str | None
    party_size: int
    visit: str
    model: str
    channel: str
    level: str | None
    consultant: str
    test_drive: bool
    quote: bool
    ordered: bool
    notes: str
    version: int
    left_unrecorded_at: dt.datetime | None = None  # 离店未登记, marked at the close-out

    @property
    def is_open(self) -> bool:
        """A walk-in party still in the showroom: no time out, and not marked as left
        unrecorded (离店未登记) at the day's close-out."""
        return self.kind == "walkin" and self.time_out is None and not self.left_unrecorded

    @property
    def left_unrecorded(self) -> bool:
        """Left without a time out recorded (marked at the close-out)."""
        return self.time_out is None and self.left_unrecorded_at is not None

    def stay_minutes(self, now: dt.datetime) -> int | None:
        if self.kind != "walkin":
            return None
        return rules.stay_minutes(self.time_in, self.time_out, now)


def _of_the_day(start: dt.datetime, end: dt.datetime):
    """The store's registrations with time in in [start, end): named by their store, which
    lets PostgreSQL seek the (store, time in) index (migration 0025) rather than read the
    whole group's day and leave it to row-level security."""
    R = Registration
    return dialect.seek_this_store(R.store_id) & (R.time_in >= start) & (R.time_in < end)


def day_log(day: dt.date) -> list[LogRow]:
    """Every registration whose time in falls on ``day``, in order of arrival, numbered."""
    start, end = clock.day_bounds(day)
    arrival = (Registration.time_in, Registration.id)  # one order for the rows and the 序号
    query = (
        Registration.select(
            Registration.id,
            fn.ROW_NUMBER().over(order_by=arrival).alias("number"),
            Registration.kind,
            Registration.time_in,
            Registration.time_out,
            Registration.name,
            Registration.phone,
            Registration.party_size,
            Registration.visit,
            Registration.model,
            Registration.channel,
            Registration.level,
            Staff.name.alias("consultant_name"),
            Registration.test_drive,
            Registration.quote,
            Registration.ordered,
            Registration.notes,
            Registration.version,
            Registration.left_unrecorded_at,
        )
        .join(Staff, on=(Registration.consultant == Staff.id), join_type=JOIN.LEFT_OUTER)
        .where(_of_the_day(start, end))
        .order_by(*arrival)
    )
    return [
        LogRow(
            **{k: v for k, v in row.items() if k != "consultant_name"},
            consultant=row["consultant_name"] or "",
        )
        for row in rows.dicts(query)
    ]


def still_in():
    """The condition of a walk-in party still in the showroom (在店): no time out, and not
    marked as left unrecorded (离店未登记) at the close-out. (With ``kind`` = walkin.)"""
    return Registration.time_out.is_null() & Registration.left_unrecorded_at.is_null()


@dataclass(frozen=True)
class DaySummary:
    """The line under the log: walk-in parties (批), their people (人), the parties still in
    the showroom (在店), and phone calls (来电)."""

    walkins: int
    people: int
    open: int
    calls: int


def day_summary(day: dt.date) -> DaySummary:
    """The day's counts, from one SQL aggregate over the same rows as ``day_log``."""
    start, end = clock.day_bounds(day)
    walkin = Registration.kind == "walkin"

    def total(value, condition):
        return fn.COALESCE(fn.SUM(Case(None, [(condition, value)], 0)), 0)

    (walkins, people, in_showroom, calls), *_ = rows.tuples(
        Registration.select(
            total(1, walkin),
            total(Registration.party_size, walkin),
            total(1, walkin & still_in()),
            total(1, Registration.kind == "phone"),
        ).where(_of_the_day(start, end))
    )
    return DaySummary(walkins=walkins, people=people, open=in_showroom, calls=calls)
