"""The consultant's daily business report (营业日报表) of one day, built from what was recorded.

Seed 000 slides 54–56: each consultant's report of the day, checked and signed by the
showroom manager (签核). Nothing on it is typed twice: every line and figure is read from
the contacts, the registrations and the intent cycles.

- **rows** (序号, in time order): the contacts the consultant made that day, and the desk's
  receptions (来店 / 来电 registrations) of a customer on file they were given — customer,
  model, phone, the level (开拓/确度), how (电话 / 拜访 / 来店 / 来电 / 短信·微信), what for
  (访问目的: 促进 / 手续 / 管理 / 开拓) and the account of it (访问经过); a reception a
  contact was recorded with is that contact's row;
- **the summary**: customers contacted that day (本日访问客户数) and in the month up to it
  (本月访问累计: a customer counts once a day); the mix of purposes; the intent customers at
  the day's end by level (本日止意向客户数), carried over from last month (上月留存: met face
  to face before the month) or new in it (本月新生), the phone leads (来电意向) apart —
  counted as the contact table's foot counts them (``followup.contact_table.totals``), but
  at the end of the report's day rather than of the month; the owners on file (本日止保有
  客户数: 自销 / 他销); every level change of the day (原来 → 现在), closes included;
- **tomorrow's plan** (次日计划): the customers due on or before the next day, as planned at
  the day's end (``contact_table.planned_for``);
- the manager's instructions (主管指示事项) and signature, once signed
  (``reports.daily_signoff``): a signed report is shown as it was signed, and what has
  changed in the day's records since as amendments after the signature.

Every figure is an SQL aggregate (``reports.daily_queries``); the consultant is the
customers' consultant now.
"""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import asdict, dataclass, field, replace
from typing import Any

from frontdesk import bounds, clock, rules
from frontdesk.errors import ValidationError
from frontdesk.followup import contact_table
from frontdesk.i18n import t
from frontdesk.people import roles, team
from frontdesk.people.actor import Actor
from frontdesk.reports import daily_queries as queries
from frontdesk.store.models import ReportSignoff, Staff

CONTACT, RECEPTION = "contact", "reception"  # a row's record: a contact, or a registration
SPELLS = ("carried", "new", "leads")  # 上月留存 / 本月新生 / 来电意向
OWNER_CLASSES = ("own_sold", "other_sold")  # 自销 / 他销保有客户
NO_PURPOSE = ""  # a contact whose purpose was not stated (every one before it was asked)
# The fields of a row that are the day's records: a change of one after the signature is an
# amendment. (The customer's name and model are the customer's, which later days correct.)
RECORD_FIELDS = ("at", "customer_id", "level", "from_level", "method", "purpose", "account")


@dataclass(frozen=True)
class ReportRow:
    """One line of the report: a contact, or a reception at the desk."""

    number: int  # 序号
    kind: str  # CONTACT | RECEPTION
    id: int  # the contact's, or the registration's
    at: str  # "YYYY-MM-DD HH:MM:SS"
    customer_id: int
    name: str
    phone: str
    model: str
    level: str  # 开拓/确度: the level after it ("" none)
    from_level: str  # the level before, when it changed ("" none)
    method: str  # call | visit | walkin | message; a reception: walkin | phone
    purpose: str  # rules.CONTACT_PURPOSES, or NO_PURPOSE
    account: str  # 访问经过 (a reception: its notes)

    @property
    def key(self) -> tuple[str, int]:
        return (self.kind, self.id)

    @property
    def method_label(self) -> str:
        key = f"contacts.method.{self.method}" if self.kind == CONTACT else f"kind.{self.method}"
        return t(key)

    @property
    def purpose_label(self) -> str:
        return t(f"contacts.purpose.{self.purpose}") if self.purpose else ""


@dataclass(frozen=True)
class LevelMove:
    """A level change of the day (原来 → 现在): through a row, or a close."""

    id: int  # the level change's
    at: str
    name: str
    phone: str
    from_level: str
    to_level: str  # "" for a close
    closed_as: str  # deal | defeat | lost for a close, else ""

    @property
    def to_text(self) -> str:
        return t(f"contacts.outcome.{self.closed_as}") if self.closed_as else self.to_level


@dataclass(frozen=True)
class PlanItem:
    """A customer due on or before the next day (次日计划)."""

    name: str
    phone: str
    level: str
    model: str
    due: str  # "YYYY-MM-DD"
    overdue_days: int


@dataclass(frozen=True)
class Signoff:
    """The manager's signature under the report: who, when, their instructions."""

    signed_by: str  # the manager's name ("" the store machine's operator)
    signed_at: str  # "YYYY-MM-DD HH:MM:SS"
    instructions: str  # 主管指示事项
    earlier: tuple[Signoff, ...] = ()  # signed before, after which corrections came (oldest first)

    @property
    def signer(self) -> str:
        return self.signed_by or t("cli.role_operator")


@dataclass(frozen=True)
class Amendment:
    """A change of the day's records since the signature: a row added, removed or changed
    (``changes``: field, as signed, now), or a level change added or removed."""

    what: str  # added | removed | changed
    row: ReportRow | None = None
    move: LevelMove | None = None
    changes: tuple[tuple[str, str, str], ...] = ()


@dataclass(frozen=True)
class DailyReport:
    """One consultant's report of one day; ``signoff`` and ``amendments`` once signed."""

    consultant_id: int
    consultant: str
    day: dt.date
    rows: tuple[ReportRow, ...]
    visits_today: int  # 本日访问客户数
    visits_month: int  # 本月访问累计
    purposes: dict[str, int]  # purpose (NO_PURPOSE too) → contacts of the day
    intent: dict[str, dict[str, int]]  # level → spell (SPELLS) → customers at the day's end
    owners: dict[str, int]  # OWNER_CLASSES → customers on file at the day's end
    moves: tuple[LevelMove, ...]
    plan: tuple[PlanItem, ...]
    signoff: Signoff | None = None
    amendments: tuple[Amendment, ...] = field(default_factory=tuple)

    @property
    def intent_total(self) -> dict[str, int]:
        """Intent customers (met face to face) per spell over the levels, and ``all``."""
        carried = sum(by.get("carried", 0) for by in self.intent.values())
        new = sum(by.get("new", 0) for by in self.intent.values())
        return {"carried": carried, "new": new, "all": carried + new}

    @property
    def owners_total(self) -> int:
        return sum(self.owners.values())

    def snapshot(self) -> dict[str, Any]:
        """The report as it stands, without its signature: what a signature freezes."""
        data = asdict(self)
        data["day"] = self.day.isoformat()
        for key in ("signoff", "amendments"):
            data.pop(key)
        return data

    def to_json(self) -> dict[str, Any]:
        data = self.snapshot()
        data["signoff"] = asdict(self.signoff) if self.signoff else None
        data["amendments"] = [asdict(amendment) for amendment in self.amendments]
        return data

    @classmethod
    def from_snapshot(cls, data: dict[str, Any]) -> DailyReport:
        return cls(
            consultant_id=data["consultant_id"],
            consultant=data["consultant"],
            day=dt.date.fromisoformat(data["day"]),
            rows=tuple(ReportRow(**row) for row in data["rows"]),
            visits_today=data["visits_today"],
            visits_month=data["visits_month"],
            purposes=dict(data["purposes"]),
            intent={level: dict(by) for level, by in data["intent"].items()},
            owners=dict(data["owners"]),
            moves=tuple(LevelMove(**move) for move in data["moves"]),
            plan=tuple(PlanItem(**item) for item in data["plan"]),
        )


# -- who and which day ------------------------------------------------------------------------


def report_member(consultant_id: int) -> Staff:
    """The consultant (or manager) whose report it is; a sentence on ``consultant`` if the
    member receives no customers."""
    member = Staff.get_or_none(Staff.id == consultant_id)
    if member is None or member.role not in team.RECEIVING_ROLES:
        name = member.name if member else f"#{consultant_id}"
        raise ValidationError({"consultant": t("daily.error.not_consultant", name=name)})
    return member


def check_report_day(day: dt.date) -> dt.date:
    """A day that has a report: up to today; a sentence on ``date`` otherwise."""
    bounds.check_day(day)
    if day > clock.today():
        raise ValidationError({"date": t("daily.error.future", today=clock.today().isoformat())})
    return day


def _text(value: object) -> str:
    return str(value)[:19]


def build(member: Staff, day: dt.date, viewer: Actor) -> DailyReport:
    """The report of ``member``'s ``day`` from the records as they are now (no rights
    checked: ``daily_report`` and the sign-off check them)."""
    window = queries.Window.of(member.id, day)
    rows = tuple(
        ReportRow(number, kind, ident, _text(at), customer, name, phone, model or "", level,
                  from_level, method, purpose or NO_PURPOSE, account or "")
        for number, (kind, ident, at, customer, name, phone, model, level, from_level, method,
                     purpose, account) in enumerate(queries.rows(window), 1)
    )  # fmt: skip
    today, month_days = queries.visits(window)
    intent: dict[str, dict[str, int]] = {level: dict.fromkeys(SPELLS, 0) for level in rules.LEVELS}
    for level, spell, count in queries.intent(window):
        intent.setdefault(level, dict.fromkeys(SPELLS, 0))[spell] = count
    moves = tuple(
        LevelMove(ident, _text(at), name, phone, old, new, outcome)
        for ident, at, name, phone, old, new, outcome in queries.moves(window)
    )
    tomorrow = day + dt.timedelta(days=1)
    plan = tuple(
        PlanItem(item.name, item.phone, item.level, item.model, item.next_due.isoformat(),
                 item.overdue_days)
        for item in contact_table.planned_for(viewer, tomorrow, member.id)
    )  # fmt: skip
    return DailyReport(
        consultant_id=member.id,
        consultant=member.name,
        day=day,
        rows=rows,
        visits_today=today,
        visits_month=month_days,
        purposes=queries.purposes(window),
        intent=intent,
        owners=dict.fromkeys(OWNER_CLASSES, 0) | queries.owners(window),
        moves=moves,
        plan=plan,
    )


# -- as signed, and what changed since ---------------------------------------------------------


def amendments(signed: DailyReport, live: DailyReport) -> tuple[Amendment, ...]:
    """What the day's records say now that they did not when the report was signed: rows
    added, removed or changed in a record's field, level changes added or removed."""
    found: list[Amendment] = []
    then = {row.key: row for row in signed.rows}
    now = {row.key: row for row in live.rows}
    for key, row in now.items():
        before = then.get(key)
        if before is None:
            found.append(Amendment("added", row=row))
            continue
        changes = tuple(
            (name, str(getattr(before, name)), str(getattr(row, name)))
            for name in RECORD_FIELDS
            if getattr(before, name) != getattr(row, name)
        )
        if changes:
            found.append(Amendment("changed", row=row, changes=changes))
    found += [Amendment("removed", row=row) for key, row in then.items() if key not in now]
    moves_then = {move.id for move in signed.moves}
    moves_now = {move.id for move in live.moves}
    found += [Amendment("added", move=move) for move in live.moves if move.id not in moves_then]
    found += [Amendment("removed", move=move) for move in signed.moves if move.id not in moves_now]
    return tuple(found)


def _signoff(record: ReportSignoff, earlier: tuple[Signoff, ...] = ()) -> Signoff:
    signer = record.signed_by.name if record.signed_by is not None else ""
    return Signoff(signer, _text(record.signed_at), record.instructions, earlier)


def signatures(consultant_id: int, day: dt.date) -> list[ReportSignoff]:
    """The signatures under a consultant's report of a day, oldest first (none: unsigned)."""
    return list(
        ReportSignoff.select()
        .where((ReportSignoff.consultant == consultant_id) & (ReportSignoff.day == day))
        .order_by(ReportSignoff.id)
    )


def signed_version(records: list[ReportSignoff], live: DailyReport) -> DailyReport:
    """The report as it was last signed (``records``: its signatures, oldest first), with
    that signature, the earlier ones, and the amendments since the last."""
    latest = records[-1]
    signoff = _signoff(latest, tuple(_signoff(record) for record in records[:-1]))
    signed = DailyReport.from_snapshot(json.loads(latest.snapshot))
    return replace(signed, signoff=signoff, amendments=amendments(signed, live))


def daily_report(consultant_id: int, day: dt.date, *, by: Actor) -> DailyReport:
    """The daily report of a consultant's day as ``by`` may read it: a consultant their own,
    a manager anyone's. Once signed, as it was last signed, with the amendments since."""
    roles.require_for_member(by, roles.REPORT_VIEW, consultant_id)
    check_report_day(day)
    member = report_member(consultant_id)
    live = build(member, day, by)
    records = signatures(member.id, day)
    return signed_version(records, live) if records else live
