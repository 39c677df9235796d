"""When an intent customer's next follow-up is due (下次跟进), on any day, by the rule then.

The rule, the same for today's stored ``customer.next_due`` (``contacts.recompute_follow_up``
in SQL) and for a past day's plan (here, for the contact table's past months and
``followups --date``):

- an **agreed date** (约定日期) holds: the date agreed at the latest contact that agreed one
  in the cycle, as long as it lies after the last contact (or nothing came after the
  agreement) — the latest agreement in time
  wins, whatever the order of typing, and a walk-in before the agreed day does not undo it;
- else the **cadence**: the last contact (registration or contact) plus the interval of the
  level then (O 7, H 2, A 3, B 7, C 14 days by default).

The intervals are store settings; each change is kept (``IntervalChange``), so a past day
is planned with the interval then in force: a new interval applies from its change on.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from typing import NamedTuple

from frontdesk.store import settings
from frontdesk.store.models import IntervalChange

AGREED, CADENCE = "agreed", "cadence"


class Event(NamedTuple):
    """A registration or contact of a customer: when, the level at it, any agreed date."""

    at: dt.datetime
    level: str | None
    next_date: dt.date | None
    kind: str  # contact | registration


@dataclass(frozen=True)
class Plan:
    """A due date and the rule that set it: ``agreed`` (at ``agreed_at``) or ``cadence``
    (``days`` after ``last_contact`` for ``level``)."""

    due: dt.date
    rule: str
    level: str | None
    days: int | None
    last_contact: dt.date
    agreed_at: dt.datetime | None = None


class Intervals:
    """The follow-up intervals in force at any moment: today's settings, and before each
    kept change the days it replaced (read once, a handful of rows)."""

    def __init__(self) -> None:
        self.current = settings.follow_up_days()
        self.changes = [
            (change.at, change.level, change.days_before)
            for change in IntervalChange.select().order_by(IntervalChange.at, IntervalChange.id)
        ]

    def at(self, moment: dt.datetime) -> dict[str, int]:
        """Each level's interval at ``moment``: the days before the first change after it."""
        days = dict(self.current)
        seen: set[str] = set()
        for changed_at, level, before in self.changes:
            if changed_at > moment and level not in seen and level in days:
                days[level] = before
                seen.add(level)
        return days


def plan(events: Sequence[Event], intervals: dict[str, int]) -> Plan | None:
    """The due date after these events (a customer's, in time order, in one cycle)."""
    if not events:
        return None
    last = events[-1].at.date()
    level = next((event.level for event in reversed(events) if event.level), None)
    agreed = next((event for event in reversed(events) if event.next_date), None)
    if (
        agreed is not None
        and agreed.next_date is not None
        and (agreed.next_date > last or agreed is events[-1])
    ):
        return Plan(agreed.next_date, AGREED, level, None, last, agreed.at)
    if level not in intervals:
        return None
    days = intervals[level]
    return Plan(last + dt.timedelta(days=days), CADENCE, level, days, last)


def plan_on(events: Sequence[Event], day: dt.date, intervals: Intervals) -> Plan | None:
    """The plan in force at the start of ``day``: the events before it, the intervals then."""
    start = dt.datetime.combine(day, dt.time())
    return plan([event for event in events if event.at < start], intervals.at(start))
