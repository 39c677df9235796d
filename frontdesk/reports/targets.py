"""营业目标计划与实际比较表 — the consultants' monthly targets against what they did.

A manager sets, for a month and a consultant, four targets; the report sets each against
the month's actual and the month's pace:

- **walk-ins received** (接待来店): walk-in parties registered with the consultant as the
  one who received them (``registration.consultant``), by time in — the statistics' parties
  per consultant (``stats.statistics``, by_consultant ``parties``);
- **test drives** (试乘试驾) and **orders** (订车): those walk-ins marked so on the log, as
  the statistics count them (by_consultant ``test_drives`` and ``orders``);
- **deliveries** (交车): what the store records is the close of an intent customer as a
  deal (成交, ``contacts.close_customer``: a level change to none marked ``deal``), dated by
  the close. It is the consultant's who closed it when a consultant did (they may close
  only their own customers, so this is the customer's consultant then, kept by the record);
  a manager's close (or the operator's) is the customer's consultant's. The order-taking
  level O (订单, not yet delivered) is not a delivery: it ends in that close.

A target row with a **model** (车型) counts only that model's actuals: the registration's
model for the walk-ins, test drives and orders, the customer's model for the deliveries; a
row without a model counts every model. Every consultant with a target or an actual in the
month has a row over every model (its targets None when none was set), then their model
rows; the total (合计) sums the rows over every model, never the model rows (they are
counted in those already).

**Pace** (进度): expected by today = target × days elapsed ÷ days in the month, where the
days elapsed are today's day of the month (today counts: the figure is read during the
day), every day for a past month and none for a future one. A figure is on track (正常)
when its actual ≥ expected, else behind (落后). The percentage (达成率) is actual ÷ target,
None for a target of 0 or none.

History is history: every actual is counted from the record's own date (time in, the
close's moment) within the month, so a finished month's figures change only when a record
of that month does. (Two names are read as they are now: the customer's model of a
delivery, and the customer's consultant of a manager's close — a later edit of the
customer or a reassignment moves it.)

Every figure is an SQL aggregate: two GROUP BY queries over the month's range (the
registrations by consultant and model on the (kind, time_in) index, the closes on
``level_change.at``); Python only adds a consultant's model groups into their row over
every model, and the rows into the total, as the month sheet adds its days.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from peewee import JOIN, SQL, Case, fn

from frontdesk import bounds, clock, months, rules
from frontdesk.errors import ValidationError
from frontdesk.i18n import t
from frontdesk.people import roles, team
from frontdesk.people.actor import Actor
from frontdesk.stats.statistics import WALKIN
from frontdesk.store import audit, codes, dialect
from frontdesk.store.models import Customer, LevelChange, Registration, SalesTarget, Staff, database
from frontdesk.store.rows import dicts as row_dicts
from frontdesk.store.rows import tuples as row_tuples

FIGURES = ("walkins", "test_drives", "orders", "deliveries")
MAX_TARGET = 99_999  # a month's target: more is a slip of the keyboard
ALL_MODELS = ""  # the model of a row over every model
RATE_PLACES = 4
PACE_PLACES = 2


@dataclass(frozen=True)
class Figure:
    """One figure of a row: its target (None: none set), actual and the pace."""

    target: int | None
    actual: int
    expected: float | None  # target × elapsed ÷ days; None without a target

    @property
    def percent(self) -> float | None:
        """达成率: actual ÷ target; None without a target, or for a target of 0."""
        return self.actual / self.target if self.target else None

    @property
    def on_track(self) -> bool | None:
        """正常 (True) when actual ≥ expected, 落后 (False) otherwise; None without a target."""
        return None if self.expected is None else self.actual >= self.expected

    def to_json(self) -> dict[str, Any]:
        return {
            "target": self.target,
            "actual": self.actual,
            "percent": None if self.percent is None else round(self.percent, RATE_PLACES),
            "expected": None if self.expected is None else round(self.expected, PACE_PLACES),
            "on_track": self.on_track,
        }


@dataclass(frozen=True)
class TargetRow:
    """A consultant's targets and actuals, over every model (``model`` "") or one."""

    consultant_id: int | None  # None: the total
    consultant: str
    model: str
    figures: dict[str, Figure]  # each of FIGURES

    def to_json(self) -> dict[str, Any]:
        return {
            "consultant": self.consultant,
            "model": self.model,
            **{name: self.figures[name].to_json() for name in FIGURES},
        }


@dataclass(frozen=True)
class TargetsReport:
    """The month's 营业目标计划与实际比较表 as of ``as_of``."""

    month: dt.date
    as_of: dt.date
    elapsed: int  # the days of the month the pace counts (0 … days)
    days: int  # the days in the month
    rows: tuple[TargetRow, ...]
    total: TargetRow

    @property
    def label(self) -> str:
        return self.month.strftime("%Y-%m")

    def to_json(self) -> dict[str, Any]:
        return {
            "month": self.label,
            "as_of": self.as_of.isoformat(),
            "days_elapsed": self.elapsed,
            "days_in_month": self.days,
            "rows": [row.to_json() for row in self.rows],
            "total": self.total.to_json(),
        }


@dataclass(frozen=True)
class TargetEntry:
    """A target row as set: who set it and when (``targets list``)."""

    consultant: str
    model: str
    targets: dict[str, int]
    set_by: str  # "" when the store machine's operator set it
    set_at: dt.datetime

    def to_json(self) -> dict[str, Any]:
        return {
            "consultant": self.consultant,
            "model": self.model,
            **self.targets,
            "set_by": self.set_by,
            "set_at": self.set_at.isoformat(sep=" "),
        }


# -- the pace --------------------------------------------------------------------------------


def days_elapsed(month: dt.date, today: dt.date) -> int:
    """The days of ``month`` the pace counts on ``today``: today's day of the month, every
    day of a past month, none of a future one."""
    if month > today:
        return 0
    if months.month_of(today) == month:
        return today.day
    return months.days_in_month(month)


def expected(target: int, elapsed: int, days: int) -> float:
    """应完成: what the target asks for by the days elapsed (target × elapsed ÷ days)."""
    return target * elapsed / days


# -- the actuals -----------------------------------------------------------------------------

Key = tuple[int, str]  # (consultant id, model)


def _month_range(month: dt.date) -> tuple[dt.datetime, dt.datetime]:
    return clock.day_bounds(month)[0], clock.day_bounds(months.month_end(month))[1]


def _walkin_actuals(month: dt.date, consultant_id: int | None) -> dict[Key, dict[str, int]]:
    """(consultant, model) → walk-ins, test drives, orders: the month's walk-in parties by
    time in, as the statistics count them per consultant."""
    R = Registration
    start, end = _month_range(month)
    query = (
        R.select(R.consultant, R.model, fn.COUNT(SQL("*")), fn.SUM(R.test_drive),
                 fn.SUM(R.ordered))
        .where(dialect.seek_this_store(R.store_id))  # (store, kind, time in) on PostgreSQL
        .where((R.kind == WALKIN) & (R.time_in >= start) & (R.time_in < end))
        .where(R.consultant.is_null(False))
        .group_by(R.consultant, R.model)
    )  # fmt: skip
    if consultant_id is not None:
        query = query.where(R.consultant == consultant_id)
    return {
        (int(who), model or ""): {
            "walkins": int(parties),
            "test_drives": int(drives or 0),
            "orders": int(orders or 0),
        }
        for who, model, parties, drives, orders in row_tuples(query)
    }


def _delivery_actuals(month: dt.date, consultant_id: int | None) -> dict[Key, int]:
    """(consultant, model) → deliveries: the month's closes as a deal, credited to the
    consultant who closed, else to the customer's consultant."""
    LC, Closer = LevelChange, Staff.alias("closer")
    start, end = _month_range(month)
    # Written out, not bound: PostgreSQL groups by the same words as selected.
    credited = fn.COALESCE(
        Case(None, [(Closer.role == SQL("'consultant'"), LC.staff)], None), Customer.consultant
    )
    query = (
        LC.select(credited.alias("who"), Customer.model, fn.COUNT(SQL("*")))
        .join(Customer, on=(Customer.id == LC.customer))
        .join_from(LC, Closer, JOIN.LEFT_OUTER, on=(Closer.id == LC.staff))
        .where(dialect.seek_this_store(LC.store_id))  # (store, at) on PostgreSQL
        .where((LC.at >= start) & (LC.at < end) & (LC.closed_as == "deal"))
        .where(LC.to_level.is_null() & LC.contact.is_null() & LC.registration.is_null())
        .group_by(credited, Customer.model)
    )
    if consultant_id is not None:
        query = query.having(credited == consultant_id)
    return {
        (int(who), model or ""): int(count)
        for who, model, count in row_tuples(query)
        if who is not None
    }


# -- the report ------------------------------------------------------------------------------


def _scope(by: Actor, action: str) -> int | None:
    """The one consultant ``by`` may see (a consultant: themself), or None: everyone."""
    roles.require(by, action)
    return by.staff_id if roles.own_work_only(by, action) else None


def _targets(month: dt.date, consultant_id: int | None) -> list[SalesTarget]:
    query = SalesTarget.select().where(SalesTarget.month == month)
    if consultant_id is not None:
        query = query.where(SalesTarget.consultant == consultant_id)
    return list(query)


def _row(
    key: Key,
    name: str,
    target: SalesTarget | None,
    actual: dict[str, int],
    elapsed: int,
    days: int,
) -> TargetRow:
    figures = {}
    for figure in FIGURES:
        goal = None if target is None else int(getattr(target, figure))
        pace = None if goal is None else expected(goal, elapsed, days)
        figures[figure] = Figure(goal, actual.get(figure, 0), pace)
    return TargetRow(key[0], name, key[1], figures)


def _total(rows: list[TargetRow], elapsed: int, days: int) -> TargetRow:
    """合计: the sums of the rows over every model (a target None when none was set)."""
    whole = [row for row in rows if row.model == ALL_MODELS]
    figures = {}
    for figure in FIGURES:
        goals = [row.figures[figure].target for row in whole]
        set_ = [goal for goal in goals if goal is not None]
        goal = sum(set_) if set_ else None
        actual = sum(row.figures[figure].actual for row in whole)
        figures[figure] = Figure(
            goal, actual, None if goal is None else expected(goal, elapsed, days)
        )
    return TargetRow(None, t("targets.total"), ALL_MODELS, figures)


def targets_report(month: dt.date, *, by: Actor, today: dt.date | None = None) -> TargetsReport:
    """The month's targets against its actuals, as of today: a manager everyone's, a
    consultant their own rows only."""
    consultant_id = _scope(by, roles.TARGETS_VIEW)
    month = bounds.check_month(month)
    today = today or clock.today()
    days = months.days_in_month(month)
    elapsed = days_elapsed(month, today)
    walkins = _walkin_actuals(month, consultant_id)
    deliveries = _delivery_actuals(month, consultant_id)
    targets = {(row.consultant_id, row.model): row for row in _targets(month, consultant_id)}

    # What each (consultant, model) did: the model's own, or summed over models.
    actual: dict[Key, dict[str, int]] = {}

    def add(who: int, model: str, figure: str, count: int) -> None:
        for key in {(who, model), (who, ALL_MODELS)}:
            row = actual.setdefault(key, {})
            row[figure] = row.get(figure, 0) + count

    for (who, model), counts in walkins.items():
        for figure, count in counts.items():
            add(who, model, figure, count)
    for (who, model), count in deliveries.items():
        add(who, model, "deliveries", count)

    people = {who for who, _ in targets} | {who for who, _ in actual}
    staff = {
        member.id: member
        for member in Staff.select(Staff.id, Staff.name, Staff.role).where(
            Staff.id.in_(list(people))
        )
    }

    def in_staff_order(ident: int) -> tuple:
        """The consultants, then managers who received walk-ins, each in the order they
        joined (not the up rotation's, which every walk-in turns)."""
        return (staff[ident].role != "consultant", ident)

    rows: list[TargetRow] = []
    for who in sorted(people, key=in_staff_order):
        name = staff[who].name
        models = sorted({model for w, model in targets if w == who and model})
        for model in [ALL_MODELS, *models]:
            key = (who, model)
            rows.append(_row(key, name, targets.get(key), actual.get(key, {}), elapsed, days))
    return TargetsReport(month, today, elapsed, days, tuple(rows), _total(rows, elapsed, days))


def list_targets(month: dt.date, *, by: Actor) -> list[TargetEntry]:
    """The targets set for ``month``, as set (a consultant their own)."""
    consultant_id = _scope(by, roles.TARGETS_VIEW)
    month = bounds.check_month(month)
    Member, Setter = Staff.alias("member"), Staff.alias("setter")
    query = (
        SalesTarget.select(SalesTarget, Member.name.alias("member_name"),
                           Setter.name.alias("setter_name"))
        .join(Member, on=(Member.id == SalesTarget.consultant))
        .join_from(SalesTarget, Setter, JOIN.LEFT_OUTER, on=(Setter.id == SalesTarget.set_by))
        .where(SalesTarget.month == month)
        .order_by(Member.role != "consultant", Member.id, SalesTarget.model)
    )  # fmt: skip
    if consultant_id is not None:
        query = query.where(SalesTarget.consultant == consultant_id)
    return [
        TargetEntry(
            row["member_name"],
            row["model"],
            {figure: int(row[figure]) for figure in FIGURES},
            row["setter_name"] or "",
            row["set_at"],
        )
        for row in row_dicts(query)
    ]


# -- setting a target ------------------------------------------------------------------------


def _clean_count(raw: object, field: str, errors: dict[str, str]) -> int | None:
    """A target typed (``"12"``, full-width too) or given (12); None when left empty."""
    if raw is None:
        return None
    text = rules.fold_width(str(raw)).strip()
    if not text:
        return None
    if not text.isdigit() or int(text) > MAX_TARGET:
        errors[field] = t("targets.error.count", max=MAX_TARGET)
        return None
    return int(text)


def _clean_consultant(raw: object, errors: dict[str, str]) -> Staff | None:
    name = str(raw or "").strip()
    if not name:
        errors["consultant"] = t("targets.error.no_consultant")
        return None
    member = team.find_staff(name)
    if member is None or not member.active or member.role not in team.RECEIVING_ROLES:
        errors["consultant"] = t("targets.error.not_consultant", name=name)
        return None
    return member


def _clean_model(raw: object, errors: dict[str, str]) -> str:
    model = rules.fold_width(str(raw or "")).strip()
    if model and model not in codes.names(codes.MODEL):
        errors["model"] = t("targets.error.model", model=model)
    return model


def set_target(
    month: dt.date | str,
    consultant: str,
    *,
    walkins: object = None,
    test_drives: object = None,
    orders: object = None,
    deliveries: object = None,
    model: str = ALL_MODELS,
    by: Actor,
) -> SalesTarget:
    """Set ``consultant``'s targets for ``month`` (over every model, or ``model``'s): each
    figure given replaces the one set, each left None (or empty) keeps it (0 for a new row).
    A manager's; audited with the figures before and after."""
    roles.require(by, roles.TARGETS_SET)
    errors: dict[str, str] = {}
    if isinstance(month, str):
        try:
            month = bounds.parse_month(month)
        except ValidationError as error:
            errors.update(error.errors)
    elif not bounds.month_in_range(month):
        errors["month"] = bounds.month_range_message()
    member = _clean_consultant(consultant, errors)
    clean_model = _clean_model(model, errors)
    given = {
        figure: _clean_count(raw, figure, errors)
        for figure, raw in zip(FIGURES, (walkins, test_drives, orders, deliveries), strict=True)
    }
    if errors:
        raise ValidationError(errors, {name: t(f"targets.field.{name}") for name in errors})
    assert member is not None and isinstance(month, dt.date)
    month = months.month_of(month)
    with database.atomic():
        row = SalesTarget.get_or_none(
            (SalesTarget.month == month)
            & (SalesTarget.consultant == member.id)
            & (SalesTarget.model == clean_model)
        )
        before = None if row is None else {figure: getattr(row, figure) for figure in FIGURES}
        if row is None:
            row = SalesTarget(consultant=member, month=month, model=clean_model)
        for figure, value in given.items():
            if value is not None:
                setattr(row, figure, value)
        row.set_by = by.staff
        row.set_at = clock.now()
        row.save()
        audit.record(
            "set_target",
            "sales_target",
            row.id,
            by,
            consultant=member.name,
            month=month.strftime("%Y-%m"),
            model=clean_model,
            before=before,
            after={figure: getattr(row, figure) for figure in FIGURES},
        )
    return row
