"""The ups report (接待统计): for a day or a month, per consultant, the ups taken against the
hours on duty, and the skips of the up rotation with their reasons.

- **ups** (接待批次): the walk-in parties received as that consultant (来店批次, first and
  returning), and of them the first visits (首次) — the ones the rotation hands out —
  counted by the statistics (``stats.statistics``' split by consultant, the same SQL), so
  the two reports never disagree;
- **hours on duty** (当班小时): the consultant's spells on duty (``DutyPeriod``) clipped to the
  range — a spell still open counts to now — summed in SQL (whole seconds, ``strftime('%s')``);
- **ups per hour**: ups ÷ hours (None when no hour on duty);
- **skips** (跳过): counted per reason (with a customer, off the floor, declined), and the
  list of them, oldest first, with who skipped.

A consultant is listed when they are one now (active) or had an up, an hour or a skip in
the range. Walk-ins with no consultant are no one's ups and are left out. Managers read
every consultant's line, a consultant only their own (``roles.UPS_VIEW``).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import cast

from frontdesk import clock, months
from frontdesk.errors import Forbidden
from frontdesk.i18n import t
from frontdesk.people import roles, team
from frontdesk.people.actor import Actor
from frontdesk.stats import statistics
from frontdesk.store import dialect
from frontdesk.store.models import Staff, database, is_yes

HOURS_PLACES = 2  # hours and ups per hour in JSON (7.25)

_STAMP = "%Y-%m-%d %H:%M:%S"  # how the store keeps a moment (frontdesk.clock: to the second)

# Each spell's part in [start, end): the later of its start and the range's, to the earlier
# of its end (now, while open) and the range's; a spell outside the range adds nothing.
_HOURS_SQL = """
SELECT "staff_id", SUM({seconds}) / 3600.0
  FROM "duty_period"
 WHERE "started_at" < :end AND ("ended_at" IS NULL OR "ended_at" > :start)
   AND (CAST(:consultant AS INTEGER) IS NULL OR "staff_id" = :consultant)
 GROUP BY "staff_id"
"""


def _hours_sql() -> str:
    """The spells' hours, in the store's engine's words (``frontdesk.store.dialect``)."""
    db = database
    until = dialect.epoch_sql(db, dialect.least_sql(db, 'COALESCE("ended_at", :now)', ":end"))
    since = dialect.epoch_sql(db, dialect.greatest_sql(db, '"started_at"', ":start"))
    return _HOURS_SQL.format(seconds=dialect.greatest_sql(db, "0", f"{until} - {since}"))


_SKIP_COUNTS_SQL = """
SELECT "staff_id", "reason", COUNT(*)
  FROM "rotation_skip"
 WHERE "at" >= :start AND "at" < :end
   AND (CAST(:consultant AS INTEGER) IS NULL OR "staff_id" = :consultant)
 GROUP BY "staff_id", "reason"
"""
_SKIPS_SQL = """
SELECT s."at", c."name", s."reason", b."name"
  FROM "rotation_skip" s
  JOIN "staff" c ON c."id" = s."staff_id"
  LEFT JOIN "staff" b ON b."id" = s."skipped_by_id"
 WHERE s."at" >= :start AND s."at" < :end
   AND (CAST(:consultant AS INTEGER) IS NULL OR s."staff_id" = :consultant)
 ORDER BY s."at", s."id"
"""


@dataclass
class UpsLine:
    """One consultant's line (or the total's, ``name`` None)."""

    name: str | None
    ups: int = 0
    first: int = 0
    hours: float = 0.0
    skips: dict[str, int] = field(default_factory=lambda: dict.fromkeys(team.SKIP_REASONS, 0))

    @property
    def ups_per_hour(self) -> float | None:
        return self.ups / self.hours if self.hours > 0 else None

    @property
    def skipped(self) -> int:
        return sum(self.skips.values())

    def add(self, other: UpsLine) -> None:
        self.ups += other.ups
        self.first += other.first
        self.hours += other.hours
        for reason, n in other.skips.items():
            self.skips[reason] += n

    def as_json(self) -> dict:
        per_hour = self.ups_per_hour
        return {
            **({} if self.name is None else {"consultant": self.name}),
            "ups": self.ups,
            "first": self.first,
            "hours": round(self.hours, HOURS_PLACES),
            "ups_per_hour": None if per_hour is None else round(per_hour, HOURS_PLACES),
            "skips": dict(self.skips),
        }


@dataclass(frozen=True)
class Skip:
    """One skip: when, whom, why, who skipped (None: the desk or the operator)."""

    at: dt.datetime
    consultant: str
    reason: str
    skipped_by: str | None

    def as_json(self) -> dict:
        return {
            "at": self.at.strftime(_STAMP),
            "consultant": self.consultant,
            "reason": self.reason,
            "skipped_by": self.skipped_by,
        }


@dataclass
class UpsReport:
    """The ups of ``first_day`` … ``last_day`` (a day, or a month: ``month`` its first day)."""

    first_day: dt.date
    last_day: dt.date
    month: dt.date | None
    lines: list[UpsLine]
    total: UpsLine
    skips: list[Skip]

    @property
    def label(self) -> str:
        if self.month is not None:
            return self.month.strftime("%Y-%m")
        return self.first_day.isoformat()

    def as_json(self) -> dict:
        period = {"month": self.label} if self.month is not None else {"date": self.label}
        return {
            **period,
            "consultants": [line.as_json() for line in self.lines],
            "total": self.total.as_json(),
            "skips": [skip.as_json() for skip in self.skips],
        }


def day_ups(day: dt.date, *, by: Actor, consultant_id: int | None = None) -> UpsReport:
    """The ups of one store day, as ``by`` may see them."""
    consultant_id = _whose(by, consultant_id)
    split = statistics.daily_statistics(day).by_consultant
    return _report(day, day, None, split, consultant_id)


def month_ups(month: dt.date, *, by: Actor, consultant_id: int | None = None) -> UpsReport:
    """The ups of a month (``month`` any day of it), as ``by`` may see them."""
    consultant_id = _whose(by, consultant_id)
    month = months.month_of(month)
    sheet = statistics.month_sheet(month.year, month.month)
    last = months.month_end(month) - dt.timedelta(days=1)
    return _report(month, last, month, sheet.total.by_consultant, consultant_id)


def _whose(by: Actor, consultant_id: int | None) -> int | None:
    """Everyone's (None) or one consultant's: a consultant only ever their own."""
    roles.require(by, roles.UPS_VIEW)
    if roles.own_work_only(by, roles.UPS_VIEW):
        if consultant_id not in (None, by.staff_id):
            raise Forbidden(t("access.not_own_work", action=roles.action_label(roles.UPS_VIEW)))
        return by.staff_id
    return consultant_id


def _report(
    first_day: dt.date,
    last_day: dt.date,
    month: dt.date | None,
    split: statistics.Split,
    consultant_id: int | None,
) -> UpsReport:
    start = clock.day_bounds(first_day)[0]
    end = clock.day_bounds(last_day)[1]
    params = {
        "start": start.strftime(_STAMP),
        "end": end.strftime(_STAMP),
        "now": clock.now().strftime(_STAMP),
        "consultant": consultant_id,
    }
    hours = dict(database.execute_sql(_hours_sql(), params).fetchall())
    skip_counts = database.execute_sql(_SKIP_COUNTS_SQL, params).fetchall()
    skipped = {staff_id for staff_id, _, _ in skip_counts}
    ups_names = {name for name, figures in split.items() if name and figures["parties"]}

    members = Staff.select(Staff.id, Staff.name).order_by(Staff.rotation_order, Staff.id)
    listed = (
        (is_yes(Staff.active) & (Staff.role == "consultant"))
        | Staff.id.in_(list(hours) + list(skipped))
        | Staff.name.in_(list(ups_names))
    )
    members = members.where(listed)
    if consultant_id is not None:
        members = members.where(Staff.id == consultant_id)
    lines: dict[int, UpsLine] = {}
    for staff_id, name in cast("Iterable[tuple[int, str]]", members.tuples()):
        figures = split.get(name, {})
        lines[staff_id] = UpsLine(
            name=name,
            ups=figures.get("parties", 0),
            first=figures.get("first", 0),
            hours=float(hours.get(staff_id) or 0.0),
        )
    for staff_id, reason, n in skip_counts:
        if staff_id in lines and reason in lines[staff_id].skips:
            lines[staff_id].skips[reason] += n
    total = UpsLine(name=None)
    for line in lines.values():
        total.add(line)
    skips = [
        Skip(dt.datetime.strptime(str(at)[:19], _STAMP), name, reason, skipped_by)
        for at, name, reason, skipped_by in database.execute_sql(_SKIPS_SQL, params).fetchall()
    ]
    return UpsReport(first_day, last_day, month, list(lines.values()), total, skips)


# -- the report as lines of cells: the CLI's text and the F7 page show the same ---------------

NO_VALUE = "—"
COLUMNS = ("consultant", "ups", "first", "hours", "per_hour", *team.SKIP_REASONS)


def _number(value: float | None) -> str:
    return NO_VALUE if value is None else f"{value:.1f}"


def _cells(line: UpsLine) -> list[str]:
    return [
        line.name if line.name is not None else t("ups.total"),
        str(line.ups),
        str(line.first),
        _number(line.hours),
        _number(line.ups_per_hour),
        *(str(line.skips[reason]) for reason in team.SKIP_REASONS),
    ]


def header() -> list[str]:
    return [t(f"ups.col.{key}") for key in COLUMNS]


def figure_rows(report: UpsReport) -> list[list[str]]:
    """The consultants' lines, then the total's (when more than one is listed)."""
    rows = [_cells(line) for line in report.lines]
    if len(report.lines) > 1:
        rows.append(_cells(report.total))
    return rows


def skip_header() -> list[str]:
    return [t(f"ups.skip_col.{key}") for key in ("at", "consultant", "reason", "by")]


def skip_rows(report: UpsReport) -> list[list[str]]:
    """The skips, oldest first: when (the time alone on a day's report), whom, why, who."""
    stamp = "%H:%M" if report.month is None else "%m-%d %H:%M"
    return [
        [
            skip.at.strftime(stamp),
            skip.consultant,
            t(f"rotation.reason.{skip.reason}"),
            skip.skipped_by or t("ups.by_desk"),
        ]
        for skip in report.skips
    ]


def title(report: UpsReport) -> str:
    if report.month is not None:
        return t("ups.title_month", month=report.label)
    return t("ups.title_day", date=report.label)
