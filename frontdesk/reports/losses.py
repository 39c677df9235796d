"""销售促成失控(败)分析表 — the month's lost and defeated customers, analysed.

What the seed's form asks a showroom manager to read each month: why customers were lost
(失控: contact lost) or defeated (战败: bought a competitor), to whom, on which model, with
which consultant and at what level, and how long each had been followed up.

- **A loss** is a close of the month as a defeat or lost: the level change to no level that
  ``contacts.close_customer`` records (a manager's own close, or the approval of an
  application, ``followup.close_review``), with its reason and, for a defeat, competitor.
- Counted **by** reason, competitor (defeats only), model (the customer's), consultant (the
  customer's when the application was made, else the customer's) and the level at the loss
  (the close's from-level); each row splits 战败 / 失控.
- **Days to loss**: from the first contact of the intent cycle that the loss ended (its
  opening day, ``followup.cycles``; else the customer's first contact) to the day of the
  close; the mean of each row.
- **战败明确率**: of the applications filed in the month (战败申请 and 失控申请, the store's
  automatic ones too), the share a manager approved: approved ÷ applied; rejected and still
  pending are given beside it, in all and by consultant.

Every figure is an SQL aggregate over indexed columns (the closes by ``level_change.at``,
the applications by ``applied_at``).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from frontdesk import months, rules
from frontdesk.people import roles
from frontdesk.people.actor import Actor
from frontdesk.store import dialect
from frontdesk.store.models import database

DIMENSIONS = ("reason", "competitor", "model", "consultant", "level")
OUTCOMES = ("defeat", "lost")

# Every loss of the month, one row each: the close, what the customer and the application
# say of it, and the days from the cycle's first contact to it.
_LOSS_ROWS = """
WITH "loss" AS (
  SELECT lc."store_id" AS "store_id",
         lc."closed_as" AS "outcome",
         lc."close_reason" AS "reason",
         lc."competitor" AS "competitor",
         cu."model" AS "model",
         COALESCE(s."name", '') AS "consultant",
         COALESCE(lc."from_level", '') AS "level",
         {days} AS "days"
    FROM "level_change" lc
    JOIN "customer" cu ON cu."id" = lc."customer_id"
    LEFT JOIN "close_application" ca ON ca."close_id" = lc."id"
    LEFT JOIN "staff" s ON s."id" = COALESCE(ca."consultant_id", cu."consultant_id")
   WHERE {stores} AND lc."at" >= ? AND lc."at" < ?
     AND lc."to_level" IS NULL AND lc."contact_id" IS NULL AND lc."registration_id" IS NULL
     AND lc."closed_as" IN ('defeat', 'lost'))
"""
_LOSSES = (
    _LOSS_ROWS
    + """SELECT {key}, SUM(CASE WHEN "outcome" = 'defeat' THEN 1 ELSE 0 END),
       SUM(CASE WHEN "outcome" = 'lost' THEN 1 ELSE 0 END), AVG(CAST("days" AS DOUBLE PRECISION))
  FROM "loss" {where} {group}
"""
)
# By store, for the group (``group_losses``): the days summed and counted, not averaged, so
# that the group's mean is taken from the sums.
_GROUP_LOSSES = (
    _LOSS_ROWS
    + """SELECT "store_id", SUM(CASE WHEN "outcome" = 'defeat' THEN 1 ELSE 0 END),
       SUM(CASE WHEN "outcome" = 'lost' THEN 1 ELSE 0 END),
       SUM(CAST("days" AS DOUBLE PRECISION)), COUNT("days")
  FROM "loss" GROUP BY "store_id"
"""
)
_CYCLE_OPENED = """COALESCE(
             (SELECT ic."opened_at" FROM "intent_cycle" ic
               WHERE ic."customer_id" = lc."customer_id" AND ic."closed_at" = lc."at"
               ORDER BY ic."opened_at" DESC LIMIT 1),
             cu."first_contact", cu."created_at")"""


def _days() -> str:
    """SQL for the days from the cycle's first contact to the loss, in the store's words."""
    return dialect.days_between_sql(database, 'lc."at"', _CYCLE_OPENED)


# The level at the loss in the form's order (O H A B C), then none; the others by count.
_LEVEL_ORDER = " ".join(f"WHEN '{level}' THEN {n}" for n, level in enumerate(rules.LEVELS))
_ORDER = {
    "level": f'ORDER BY CASE "level" {_LEVEL_ORDER} ELSE {len(rules.LEVELS)} END',
}
_DEFAULT_ORDER = 'ORDER BY COUNT(*) DESC, "key"'

# The applications filed in the month, by the consultant of the customer then.
_APPLICATIONS = """
SELECT {key}, COUNT(*), SUM(CASE WHEN ca."status" = 'approved' THEN 1 ELSE 0 END),
       SUM(CASE WHEN ca."status" = 'rejected' THEN 1 ELSE 0 END),
       SUM(CASE WHEN ca."status" = 'pending' THEN 1 ELSE 0 END)
  FROM "close_application" ca
  JOIN "customer" cu ON cu."id" = ca."customer_id"
  LEFT JOIN "staff" s ON s."id" = COALESCE(ca."consultant_id", cu."consultant_id")
 WHERE ca."applied_at" >= ? AND ca."applied_at" < ?
 {group}
"""


@dataclass(frozen=True)
class LossCount:
    """Losses of one kind (a reason, a model …; ``key`` "" where none was written)."""

    key: str
    defeat: int
    lost: int
    mean_days: float | None  # from the cycle's first contact to the loss; None: no loss

    @property
    def total(self) -> int:
        return self.defeat + self.lost

    def to_json(self) -> dict[str, Any]:
        return {
            "key": self.key,
            "defeat": self.defeat,
            "lost": self.lost,
            "total": self.total,
            "mean_days": None if self.mean_days is None else round(self.mean_days, 1),
        }


@dataclass(frozen=True)
class ApplicationCount:
    """Applications filed (in all, or a consultant's customers'): 战败明确率 is ``rate``."""

    key: str
    applied: int
    approved: int
    rejected: int
    pending: int

    @property
    def rate(self) -> float | None:
        """战败明确率: approved ÷ applied (None when nothing was applied for)."""
        return self.approved / self.applied if self.applied else None

    def to_json(self) -> dict[str, Any]:
        return {
            "key": self.key,
            "applied": self.applied,
            "approved": self.approved,
            "rejected": self.rejected,
            "pending": self.pending,
            "rate": None if self.rate is None else round(self.rate, 4),
        }


@dataclass(frozen=True)
class LossAnalysis:
    """The month's 销售促成失控(败)分析表."""

    month: dt.date
    total: LossCount
    by: dict[str, tuple[LossCount, ...]]  # each of DIMENSIONS → its rows
    applications: ApplicationCount
    applications_by_consultant: tuple[ApplicationCount, ...]

    @property
    def label(self) -> str:
        return self.month.strftime("%Y-%m")

    def to_json(self) -> dict[str, Any]:
        return {
            "month": self.label,
            "total": self.total.to_json(),
            **{f"by_{name}": [row.to_json() for row in self.by[name]] for name in DIMENSIONS},
            "applications": self.applications.to_json(),
            "applications_by_consultant": [
                row.to_json() for row in self.applications_by_consultant
            ],
        }


def _this_store() -> str:
    """The closes of the connection's store, sought on the (store, at) index on PostgreSQL
    (migration 0025); the group's roll-up seeks every store's instead."""
    return dialect.seek_this_store_sql(database, 'lc."store_id"')


def _bounds(month: dt.date) -> tuple[str, str]:
    return month.isoformat(), months.month_end(month).isoformat()


def _loss_rows(month: dt.date, dimension: str | None) -> list[LossCount]:
    if dimension is None:
        sql = _LOSSES.format(key="''", where="", group="", days=_days(), stores=_this_store())
    else:
        where = "WHERE \"outcome\" = 'defeat'" if dimension == "competitor" else ""
        order = _ORDER.get(dimension, _DEFAULT_ORDER)
        sql = _LOSSES.format(
            key=f'"{dimension}" AS "key"',
            where=where,
            group=f'GROUP BY "key" {order}',
            days=_days(),
            stores=_this_store(),
        )
    found = database.execute_sql(sql, _bounds(month)).fetchall()
    return [
        LossCount(str(key or ""), int(defeat or 0), int(lost or 0), days)
        for key, defeat, lost, days in found
    ]


def _application_rows(month: dt.date, by_consultant: bool) -> list[ApplicationCount]:
    sql = _APPLICATIONS.format(key="''", group="")
    if by_consultant:
        sql = _APPLICATIONS.format(
            key='COALESCE(s."name", \'\') AS "key"',
            group='GROUP BY "key" ORDER BY COUNT(*) DESC, "key"',
        )
    found = database.execute_sql(sql, _bounds(month)).fetchall()
    return [
        ApplicationCount(str(name or ""), int(applied), int(approved or 0), int(rejected or 0),
                         int(pending or 0))
        for name, applied, approved, rejected, pending in found
    ]  # fmt: skip


def loss_analysis(month: dt.date, *, by: Actor) -> LossAnalysis:
    """The analysis of ``month`` (its first day), for a manager."""
    roles.require(by, roles.LOSSES_VIEW)
    month = months.month_of(month)
    total = _loss_rows(month, None)[0]
    by_dimension = {name: tuple(_loss_rows(month, name)) for name in DIMENSIONS}
    applications = _application_rows(month, False)[0]
    per_consultant = tuple(_application_rows(month, True))
    return LossAnalysis(month, total, by_dimension, applications, per_consultant)


# -- the group: every store's losses side by side ---------------------------------------------


@dataclass(frozen=True)
class StoreLosses:
    """One store's losses and applications of the month (``key``: the store's code)."""

    code: str
    name: str
    losses: LossCount
    applications: ApplicationCount

    def to_json(self) -> dict[str, Any]:
        return {
            "store": self.code,
            "name": self.name,
            "losses": self.losses.to_json(),
            "applications": self.applications.to_json(),
        }


@dataclass(frozen=True)
class GroupLosses:
    """The month's losses of a dealer group: each store's, and the group's total summed
    from them (the mean days from the summed days and losses, the rate from the sums)."""

    month: dt.date
    stores: tuple[StoreLosses, ...]
    losses: LossCount
    applications: ApplicationCount

    @property
    def label(self) -> str:
        return self.month.strftime("%Y-%m")

    def to_json(self) -> dict[str, Any]:
        return {
            "month": self.label,
            "stores": [row.to_json() for row in self.stores],
            "total": {"losses": self.losses.to_json(), "applications": self.applications.to_json()},
        }


def _mean(days: float, counted: int) -> float | None:
    return days / counted if counted else None


def group_losses(month: dt.date, *, by: Actor) -> GroupLosses:
    """Every store's losses and applications of ``month``, and the group's total: a group
    manager's (or the operator's) roll-up, refused to a store's roles. The same rows as the
    analysis, grouped by store, in a read-only transaction that sees every store
    (``dialect.group_read``)."""
    roles.require(by, roles.GROUP_VIEW)
    month = months.month_of(month)
    applications_sql = _APPLICATIONS.format(
        key='ca."store_id" AS "key"', group='GROUP BY ca."store_id"'
    )
    with dialect.group_read(database):
        stores = database.execute_sql(
            'SELECT "id", "code", "name" FROM "store" ORDER BY "code"'
        ).fetchall()
        every_store = dialect.seek_every_store_sql(database, 'lc."store_id"')
        lost = database.execute_sql(
            _GROUP_LOSSES.format(days=_days(), stores=every_store), _bounds(month)
        )
        loss_by_store = {row[0]: row[1:] for row in lost.fetchall()}
        applied = database.execute_sql(applications_sql, _bounds(month)).fetchall()
        applied_by_store = {row[0]: row[1:] for row in applied}
    rows = []
    sums = [0, 0, 0.0, 0]  # defeats, lost, days, losses with days
    applications = [0, 0, 0, 0]
    for store_id, code, name in stores:
        defeat, lost_count, days, counted = loss_by_store.get(store_id, (0, 0, 0.0, 0))
        figures = (int(defeat or 0), int(lost_count or 0), float(days or 0), int(counted or 0))
        apps = tuple(int(n or 0) for n in applied_by_store.get(store_id, (0, 0, 0, 0)))
        sums = [total + value for total, value in zip(sums, figures, strict=True)]
        applications = [total + n for total, n in zip(applications, apps, strict=True)]
        rows.append(
            StoreLosses(
                str(code),
                str(name),
                LossCount(code, figures[0], figures[1], _mean(figures[2], figures[3])),
                ApplicationCount(code, *apps),
            )
        )
    total = LossCount("", int(sums[0]), int(sums[1]), _mean(sums[2], int(sums[3])))
    return GroupLosses(month, tuple(rows), total, ApplicationCount("", *applications))
