"""Follow-up compliance (跟进达成): of the follow-ups planned in a month, how many were made
on time — per consultant (销售顾问) and level — and the late ones with how late.

The figure a manager otherwise counts by hand on the contact table (意向客户接触状况表):

- a **planned contact** (计划跟进) is a day a customer's follow-up was due — the plan in
  force at the start of that day (the rule and the interval then, ``followup.due``) fell on
  it: exactly the days the month's table plans (``contact_table.planned_days``: the `*`
  days, and the planned days someone came). Counted at the level of that plan, for the
  customer's consultant; the month in progress through today;
- **on time** (按时): a contact or walk-in on the due day. One on an earlier day moves the
  plan, so that day was never planned — except an agreed date (约定日期), which an earlier
  contact does not undo: it stays due, as the table marks it;
- **late** (逾期): the first contact or walk-in after the due day, within the cycle, however
  much later (in a later month too), with the days between;
- **open** (未跟进): none yet (or none before the customer was closed): overdue by the days
  from the due day to today (or to the close).

The table's rows come a keyset page at a time with one events query per page, as
``contact_table.with_marks`` does; the pass over each page's events is Python because a
due day depends on each customer's sequence of events (an agreement holds until a later
contact passes it, a cadence counts from the last one, each interval from its change on),
which no aggregate expresses.

A dealer group's roll-up (``group_compliance``, ``report compliance --group``): each store's
planned contacts counted as its own report counts them, store by store in one read of the
group, and the group's total summed from the stores' counts (its rate from the sums).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, replace
from typing import cast

from frontdesk import clock, rules
from frontdesk.errors import Forbidden
from frontdesk.followup import contact_table
from frontdesk.followup import due as due_rules
from frontdesk.followup.contact_table import Event, TableFilter, TableRow
from frontdesk.i18n import t
from frontdesk.months import month_end
from frontdesk.people import roles
from frontdesk.people.actor import Actor
from frontdesk.store import dialect
from frontdesk.store.models import IntentCycle, Store, database

BATCH = 500  # the table's rows per page (and per events query)
RATE_PLACES = 4  # a rate's places in JSON (0.8333), as the statistics give theirs

ON_TIME, LATE, OPEN = "on_time", "late", "open"
STATUSES = (ON_TIME, LATE, OPEN)


@dataclass(frozen=True)
class PlannedContact:
    """One planned contact (计划跟进): a customer's follow-up due on ``due`` at ``level``,
    and whether and when it was made."""

    customer_id: int
    name: str
    phone: str
    consultant: str  # "" when the customer has none
    level: str  # the level of the plan that day ("" when it had none)
    due: dt.date
    made_on: dt.date | None  # the first contact or walk-in on or after the due day
    days_late: int  # late: made_on − due; open: today (or the close) − due; on time: 0

    @property
    def status(self) -> str:
        if self.made_on is None:
            return OPEN
        return ON_TIME if self.made_on == self.due else LATE

    def as_json(self) -> dict:
        return {
            "name": self.name,
            "phone": self.phone,
            "consultant": self.consultant,
            "level": self.level,
            "due": self.due.isoformat(),
            "status": self.status,
            "made_on": self.made_on.isoformat() if self.made_on else None,
            "days_late": self.days_late,
        }


@dataclass(frozen=True)
class Tally:
    """The planned contacts of one consultant at one level (``level`` "" for all levels;
    ``consultant`` None for everyone), by what became of them."""

    consultant: str | None
    level: str
    planned: int = 0
    on_time: int = 0
    late: int = 0
    open: int = 0

    @property
    def rate(self) -> float | None:
        """On time ÷ planned (达成率); None when nothing was planned."""
        return self.on_time / self.planned if self.planned else None

    def as_json(self) -> dict:
        return {
            "consultant": self.consultant,
            "level": self.level or None,
            "planned": self.planned,
            "on_time": self.on_time,
            "late": self.late,
            "open": self.open,
            "rate": None if self.rate is None else round(self.rate, RATE_PLACES),
        }


@dataclass(frozen=True)
class Compliance:
    """A month's follow-up compliance, as a screen or the CLI shows it.

    ``lines``: one ``Tally`` per consultant and level (consultants by name, the unassigned
    last; levels O H A B C); ``consultants``: each consultant's over all levels, in the same
    order; ``total``: everyone's; ``missed``: the late and open contacts, by consultant, due
    day and name. ``as_of`` is the last day counted (today in the month in progress)."""

    month: dt.date
    as_of: dt.date
    lines: tuple[Tally, ...]
    consultants: tuple[Tally, ...]
    total: Tally
    missed: tuple[PlannedContact, ...]

    def as_json(self) -> dict:
        return {
            "month": self.month.strftime("%Y-%m"),
            "as_of": self.as_of.isoformat(),
            "lines": [line.as_json() for line in self.lines],
            "consultants": [line.as_json() for line in self.consultants],
            "total": self.total.as_json(),
            "missed": [contact.as_json() for contact in self.missed],
        }


def compliance(month: dt.date, *, by: Actor, consultant_id: int | None = None) -> Compliance:
    """The follow-up compliance of ``month`` (its first day) as ``by`` may see it: a manager
    or the operator everyone's (or ``consultant_id``'s), a consultant their own only (asking
    for another's is refused); the desk and the admin may not read it."""
    roles.require(by, roles.CONTACTS_VIEW)
    if roles.own_customers_only(by, roles.CONTACTS_VIEW):
        if consultant_id not in (None, by.staff_id):
            raise Forbidden(t("compliance.not_own"))
        consultant_id = by.staff_id
    today = clock.today()
    f = TableFilter(month=month, today=today, viewer=by, consultant_id=consultant_id)
    return _tallied(month, _as_of(month, today), list(planned_contacts(f)))


def _as_of(month: dt.date, today: dt.date) -> dt.date:
    """The last day counted: today in the month in progress, else the month's last."""
    return min(today, month_end(month) - dt.timedelta(days=1))


def planned_contacts(f: TableFilter) -> Iterator[PlannedContact]:
    """Every planned contact of the month's table under ``f``, through today, in table order."""
    intervals = due_rules.Intervals()
    tomorrow = f.today + dt.timedelta(days=1)
    until = dt.datetime.combine(tomorrow, dt.time())
    finished = month_end(f.month) <= f.today
    after: contact_table.Key | None = None
    while True:
        rows = contact_table.page(f, after, BATCH, numbered=False)
        if not rows:
            return
        # One query for the page's events up to now (a late contact may come in a later
        # month), one for the cycles closed after the month (a row shows only a close
        # within it): the contact that answers a due day lies before the cycle's close.
        events = contact_table.month_events([row.id for row in rows], until)
        closes = _closes([row.cycle_id for row in rows], f.end) if finished else {}
        for row in rows:
            later = closes.get(row.cycle_id)
            whole = row if later is None else replace(row, closed_at=later)
            mine = contact_table._of_cycle(events[row.id], whole)
            for day, plan in contact_table.planned_days(mine, f.month, row, tomorrow, intervals):
                yield _planned(row, day, plan, mine, whole, f.today)
        if len(rows) < BATCH:
            return
        after = rows[-1].key


def _closes(cycle_ids: list[int], since: dt.datetime) -> dict[int, dt.datetime]:
    """When each of these cycles closed, for those closed ``since``."""
    query = IntentCycle.select(IntentCycle.id, IntentCycle.closed_at).where(
        IntentCycle.id.in_(cycle_ids), IntentCycle.closed_at >= since
    )
    return dict(cast("Iterable[tuple[int, dt.datetime]]", query.tuples()))


def _planned(
    row: TableRow,
    day: dt.date,
    plan: due_rules.Plan,
    events: list[Event],
    whole: TableRow,
    today: dt.date,
) -> PlannedContact:
    made = next((event.at.date() for event in events if event.at.date() >= day), None)
    if made is not None:
        late = (made - day).days
    else:
        stopped = whole.closed_at.date() if whole.closed_at else today
        late = max(0, (stopped - day).days)
    return PlannedContact(
        row.id, row.name, row.phone, row.consultant or "", plan.level or "", day, made, late
    )


def _level_order(level: str | None) -> int:
    return rules.LEVELS.index(level) if level in rules.LEVELS else len(rules.LEVELS)


def _tallied(month: dt.date, as_of: dt.date, planned: list[PlannedContact]) -> Compliance:
    """The planned contacts counted per consultant and level, per consultant, in all."""
    # (consultant, level): a consultant's at all levels has level None, everyone's is (None, None).
    counts: dict[tuple[str | None, str | None], list[int]] = {}
    for contact in planned:
        column = 1 + STATUSES.index(contact.status)
        for key in ((contact.consultant, contact.level), (contact.consultant, None), (None, None)):
            found = counts.setdefault(key, [0, 0, 0, 0])
            found[0] += 1
            found[column] += 1

    def tally(key: tuple[str | None, str | None]) -> Tally:
        consultant, level = key
        return Tally(consultant, level or "", *counts.get(key, (0, 0, 0, 0)))

    def order(key: tuple[str | None, str | None]) -> tuple:
        consultant, level = key
        return (consultant is None, consultant == "", consultant or "", _level_order(level))

    keys = sorted((key for key in counts if key[0] is not None), key=order)
    missed = sorted(
        (contact for contact in planned if contact.status != ON_TIME),
        key=lambda c: (order((c.consultant, None)), c.due, c.name, c.customer_id),
    )
    return Compliance(
        month,
        as_of,
        tuple(tally(key) for key in keys if key[1] is not None),
        tuple(tally(key) for key in keys if key[1] is None),
        tally((None, None)),
        tuple(missed),
    )


# -- the group: every store's compliance side by side -----------------------------------------


@dataclass(frozen=True)
class StoreCompliance:
    """One store's planned contacts of the month, by what became of them (its code, name)."""

    code: str
    name: str
    tally: Tally

    def as_json(self) -> dict:
        figures = self.tally.as_json()
        del figures["consultant"], figures["level"]
        return {"store": self.code, "name": self.name, **figures}


@dataclass(frozen=True)
class GroupCompliance:
    """A month's follow-up compliance of a dealer group: each store's, and the group's
    total summed from the stores' counts (the rate from the sums, not a mean of rates)."""

    month: dt.date
    as_of: dt.date
    stores: tuple[StoreCompliance, ...]
    total: Tally

    def as_json(self) -> dict:
        total = self.total.as_json()
        del total["consultant"], total["level"]
        return {
            "month": self.month.strftime("%Y-%m"),
            "as_of": self.as_of.isoformat(),
            "stores": [row.as_json() for row in self.stores],
            "total": total,
        }


def group_compliance(month: dt.date, *, by: Actor) -> GroupCompliance:
    """Every store's follow-up compliance of ``month`` (its first day), and the group's
    total: a group manager's (or the operator's) roll-up, refused to a store's roles.

    In one read-only transaction that sees every store (``dialect.group_read``), each
    store's part sees that store alone (``dialect.one_store_of_group_read``) and counts its
    planned contacts as the store's own report does — a due day is no aggregate (see the
    module) — and the total adds the stores' counts. On SQLite, the file's one store."""
    roles.require(by, roles.GROUP_VIEW)
    today = clock.today()
    as_of = _as_of(month, today)
    rows: list[StoreCompliance] = []
    with dialect.group_read(database):
        query = Store.select(Store.id, Store.code, Store.name).order_by(Store.code).tuples()
        for store_id, code, name in cast("list[tuple[int, str, str]]", list(query)):
            with dialect.one_store_of_group_read(database, store_id):
                f = TableFilter(month=month, today=today, viewer=by)
                tally = _tallied(month, as_of, list(planned_contacts(f))).total
            rows.append(StoreCompliance(code, name, tally))
    sums = [sum(getattr(row.tally, status) for row in rows) for status in ("planned", *STATUSES)]
    return GroupCompliance(month, as_of, tuple(rows), Tally(None, "", *sums))
