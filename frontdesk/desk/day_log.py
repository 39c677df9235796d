"""Today's registration log (the paper form on screen): one query, a row per registration,
and one aggregate for the line under it (parties in, people, still in the showroom, calls).

Each row carries the day's 序号 as the paper form numbers it: 1, 2, 3 … in order of time
in, whatever order the rows were typed in (a back-dated entry takes its place by its time).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from peewee import JOIN, Case, fn

from frontdesk import clock, rules
from frontdesk.store import rows
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

    @property
    def is_open(self) -> bool:
        """A walk-in party still in the showroom."""
        return self.kind == "walkin" and self.time_out is None

    def stay_minutes(self, now: dt.datetime) -> int | None:
        if self.kind != "walkin":
            return None
        return rules.stay_minutes(self.time_in, self.time_out, now)


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
        )
        .join(Staff, on=(Registration.consultant == Staff.id), join_type=JOIN.LEFT_OUTER)
        .where((Registration.time_in >= start) & (Registration.time_in < end))
        .order_by(*arrival)
    )
    return [
        LogRow(
            **{k: v for k, v in row.items() if k != "consultant_name"},
            consultant=row["consultant_name"] or "",
        )
        for row in rows.dicts(query)
    ]


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

    (walkins, people, still_in, calls), *_ = rows.tuples(
        Registration.select(
            total(1, walkin),
            total(Registration.party_size, walkin),
            total(1, walkin & Registration.time_out.is_null()),
            total(1, Registration.kind == "phone"),
        ).where((Registration.time_in >= start) & (Registration.time_in < end))
    )
    return DaySummary(walkins=walkins, people=people, open=still_in, calls=calls)
