"""The desk's end-of-day close-out (日终结账 / 交班): the day's log made whole, then signed.

At the end of the day the receptionist closes the registration log (来店(电)客户登记表):

1. **the parties still in the showroom** (``open_parties``: walk-ins with no time out) each
   get a time out (``set_time_out``: HH:MM, not before their time in, not in the future) or
   are marked as left unrecorded (``mark_left``, 离店未登记): such a party no longer counts
   as in the showroom — on the log, in the statistics — and is still a party received;
2. **the registrations missing what the form asks** (``missing_fields``, the rules in
   ``MISSING``) are listed, so that the receptionist corrects them (they do not stop the
   close: the list is what is left to fix);
3. **the receptionist signs the close** (``close_day``): who, when, and the day's
   registrations as they stood (a JSON snapshot), stored and audited. Refused while a party
   is still in the showroom. A manager then **confirms** the closed day (``confirm_day``).
   Closing today also ends the day's duty (交班): every consultant on duty goes off it, so
   their spells on duty (the ups report's hours) end at the close rather than running on
   through the night; the next morning's roster (``d``) opens new ones.

A closed day is frozen as the daily report's sign-off is (``reports.daily_signoff``): a
registration of that day corrected or added after the close shows in ``closeout`` as an
amendment after the close, never silently; the day may then be closed again (重新结账), a
new close over the log as it stands, the earlier close kept under it, and a manager
confirms the new one. ``unclosed`` lists for the manager the past days with registrations
and no close.

Every count is an SQL aggregate (``_COUNTS_SQL``, ``_UNCLOSED_SQL``).
"""

from __future__ import annotations

import datetime as dt
import json
import operator
from dataclasses import asdict, dataclass
from functools import reduce
from typing import Any

from peewee import JOIN, Case, fn

from frontdesk import bounds, clock
from frontdesk.desk import day_log, fields
from frontdesk.errors import ConflictError, NotFound, ValidationError
from frontdesk.i18n import t
from frontdesk.people import roles, team
from frontdesk.people.actor import Actor, ActorKind
from frontdesk.store import audit, dialect, rows
from frontdesk.store.models import DayClose, Registration, Staff, database

LOOK_BACK = dt.timedelta(days=31)  # how far back the days not closed are looked for
OPEN, CLOSED, AMENDED, CONFIRMED = "open", "closed", "amended", "confirmed"
# The fields of a registration a close freezes: a change of one after it is an amendment.
RECORD_FIELDS = (
    "kind",
    "time_in",
    "time_out",
    "left_unrecorded",
    "name",
    "phone",
    "party_size",
    "model",
    "channel",
    "level",
    "consultant",
    "test_drive",
    "quote",
    "ordered",
    "notes",
)


# -- what the form asks -----------------------------------------------------------------------


@dataclass(frozen=True)
class MissingRule:
    """A thing the paper form asks that a registration lacks: the field (its label is the
    field table's) and the rule's sentence (catalogue key ``close.rule.<field>``)."""

    field: str

    @property
    def label(self) -> str:
        return fields.named(self.field).label_text()

    @property
    def rule(self) -> str:
        return t(f"close.rule.{self.field}")


R = Registration
_HAS_LEVEL = R.level.is_null(False)
# What the close-out lists as missing, each with its condition in SQL (seed 000: an intent
# customer has a definite model and left contact details; every party, and every call with
# a level, is received by a consultant).
MISSING: tuple[tuple[MissingRule, Any], ...] = (
    (MissingRule("phone"), _HAS_LEVEL & R.phone.is_null()),  # a level, and no way to call back
    (MissingRule("model"), _HAS_LEVEL & (R.model == "")),  # a level, and no model
    (MissingRule("consultant"), R.consultant.is_null() & ((R.kind == "walkin") | _HAS_LEVEL)),
    # A new customer on file (a first visit or call with a phone) asked how they heard of
    # the store (信息来源), which the statistics split by.
    (MissingRule("channel"), (R.visit == "first") & R.phone.is_null(False) & (R.channel == "")),
)


def _flag(condition):
    return Case(None, [(condition, 1)], 0)


def _numbered(day: dt.date, *columns):
    """The day's registrations with their 序号 (as the log numbers them) and ``columns``,
    as a subquery: the number is over every row of the day, whatever the outer filter."""
    start, end = clock.day_bounds(day)
    return (
        R.select(
            R.id,
            fn.ROW_NUMBER().over(order_by=(R.time_in, R.id)).alias("number"),
            R.kind,
            R.time_in,
            R.time_out,
            R.left_unrecorded_at,
            R.name,
            R.phone,
            R.party_size,
            R.version,
            Staff.name.alias("consultant_name"),
            *columns,
        )
        .join(Staff, JOIN.LEFT_OUTER, on=(R.consultant == Staff.id))
        .where(dialect.seek_this_store(R.store_id) & (R.time_in >= start) & (R.time_in < end))
        .alias("day_rows")
    )


def _moment(value) -> dt.datetime:
    """A subquery's column as SQLite stored it, read as the model's field reads it."""
    return R.time_in.python_value(value)


@dataclass(frozen=True)
class OpenParty:
    """A walk-in party still in the showroom at the close-out."""

    id: int
    number: int  # the day's 序号
    time_in: dt.datetime
    name: str
    phone: str | None
    party_size: int
    consultant: str
    version: int

    def as_json(self) -> dict[str, Any]:
        data = asdict(self)
        data["time_in"] = self.time_in.isoformat(" ")
        return data


def open_parties(day: dt.date) -> list[OpenParty]:
    """The walk-in parties of ``day`` still in the showroom (no time out, not marked as
    left), in order of arrival, each with the day's 序号."""
    sub = _numbered(day)
    query = (
        R.select(
            sub.c.id,
            sub.c.number,
            sub.c.time_in,
            sub.c.name,
            sub.c.phone,
            sub.c.party_size,
            sub.c.consultant_name,
            sub.c.version,
        )
        .from_(sub)
        .where(
            (sub.c.kind == "walkin") & sub.c.time_out.is_null() & sub.c.left_unrecorded_at.is_null()
        )
        .order_by(sub.c.number)
    )
    return [
        OpenParty(ident, number, _moment(time_in), name, phone, size, consultant or "", version)
        for ident, number, time_in, name, phone, size, consultant, version in rows.tuples(query)
    ]


@dataclass(frozen=True)
class Incomplete:
    """A registration of the day missing what the form asks: which fields."""

    id: int
    number: int
    kind: str
    time_in: dt.datetime
    name: str
    missing: tuple[str, ...]  # field names (``MISSING``), in the rules' order

    @property
    def missing_labels(self) -> str:
        """The missing fields as the user reads them: 电话、意向车型."""
        return t("close.list_sep").join(fields.named(name).label_text() for name in self.missing)

    def as_json(self) -> dict[str, Any]:
        data = asdict(self)
        data["time_in"] = self.time_in.isoformat(" ")
        data["missing"] = list(self.missing)
        return data


def missing_fields(day: dt.date) -> list[Incomplete]:
    """The registrations of ``day`` missing what the form asks (``MISSING``), in order of
    arrival, each with the fields it lacks."""
    flags = [_flag(condition).alias(f"lacks_{rule.field}") for rule, condition in MISSING]
    sub = _numbered(day, *flags)
    lacks = [getattr(sub.c, f"lacks_{rule.field}") for rule, _ in MISSING]
    query = (
        R.select(sub.c.id, sub.c.number, sub.c.kind, sub.c.time_in, sub.c.name, *lacks)
        .from_(sub)
        .where(reduce(operator.or_, [column == 1 for column in lacks]))
        .order_by(sub.c.number)
    )
    found = []
    for ident, number, kind, time_in, name, *marks in rows.tuples(query):
        missing = tuple(rule.field for (rule, _), mark in zip(MISSING, marks, strict=True) if mark)
        found.append(Incomplete(ident, number, kind, _moment(time_in), name, missing))
    return found


# -- the day's figures ------------------------------------------------------------------------


@dataclass(frozen=True)
class CloseCounts:
    """The figures of the close-out: walk-in parties, calls, parties still in the showroom,
    parties marked left unrecorded, and registrations missing what the form asks."""

    walkins: int
    calls: int
    open: int
    left_unrecorded: int
    incomplete: int


def counts(day: dt.date) -> CloseCounts:
    """The close-out's figures of ``day``, from one SQL aggregate."""
    start, end = clock.day_bounds(day)
    walkin = R.kind == "walkin"
    incomplete = reduce(operator.or_, [condition for _, condition in MISSING])

    def total(condition):
        return fn.COALESCE(fn.SUM(_flag(condition)), 0)

    (walkins, calls, still_in, left, lacking), *_ = rows.tuples(
        R.select(
            total(walkin),
            total(R.kind == "phone"),
            total(walkin & day_log.still_in()),
            total(walkin & R.time_out.is_null() & R.left_unrecorded_at.is_null(False)),
            total(incomplete),
        ).where((R.time_in >= start) & (R.time_in < end))
    )
    return CloseCounts(walkins, calls, still_in, left, lacking)


# -- the parties still in ---------------------------------------------------------------------


def _registration(registration_id: int) -> Registration:
    bounds.check_id(registration_id)
    found = Registration.get_or_none(Registration.id == registration_id)
    if found is None:
        raise NotFound(t("error.no_registration", id=registration_id))
    return found


def set_time_out(registration_id: int, at: str, *, by: Actor) -> Registration:
    """Give a party still in the showroom its time out at the close-out (HH:MM on its day,
    or a date and time): not before its time in, not in the future (``registration.
    checkout`` says so beside the field). A time must be typed: the close-out asks."""
    from frontdesk.desk import registration  # with the contacts: not for today's log's title

    roles.require(by, roles.DAY_CLOSE)
    if not (at or "").strip():
        raise ValidationError(
            {"time_out": t("close.error.no_time")}, labels=fields.labels(["time_out"])
        )
    return registration.checkout(registration_id, at.strip(), by=by)


def mark_left(registration_id: int, *, by: Actor) -> Registration:
    """Mark a walk-in party with no time out as left unrecorded (离店未登记): no longer in
    the showroom, still a party received. Refused for a call, a party whose time out is
    recorded, and one marked already."""
    roles.require(by, roles.DAY_CLOSE)
    with database.atomic():
        found = _registration(registration_id)
        if found.kind != "walkin":
            raise ValidationError({"time_out": t("error.phone_no_time_out")})
        if found.time_out is not None:
            raise ConflictError(
                t("close.error.left_already", time=found.time_out.strftime("%H:%M"))
            )
        if found.left_unrecorded_at is not None:
            raise ConflictError(t("close.error.marked_already"))
        now = clock.now()
        (
            Registration.update(
                left_unrecorded_at=now, updated_at=now, version=Registration.version + 1
            )
            .where(Registration.id == registration_id)
            .execute()
        )
        audit.record("left_unrecorded", "registration", registration_id, by)
    return Registration.get_by_id(registration_id)


# -- the close, its amendments, the confirmation ----------------------------------------------


def _text(value: object) -> str:
    return "" if value is None else str(value)[:19]


def _record(row: day_log.LogRow) -> dict[str, Any]:
    """One registration as a close freezes it."""
    return {
        "id": row.id,
        "number": row.number,
        "kind": row.kind,
        "time_in": _text(row.time_in),
        "time_out": _text(row.time_out),
        "left_unrecorded": row.left_unrecorded,
        "name": row.name,
        "phone": row.phone or "",
        "party_size": row.party_size,
        "model": row.model,
        "channel": row.channel,
        "level": row.level or "",
        "consultant": row.consultant,
        "test_drive": row.test_drive,
        "quote": row.quote,
        "ordered": row.ordered,
        "notes": row.notes,
    }


def snapshot(log: list[day_log.LogRow]) -> list[dict[str, Any]]:
    """The day's registrations (``day_log.day_log``) as a close freezes them."""
    return [_record(row) for row in log]


@dataclass(frozen=True)
class Amendment:
    """A registration of a closed day added, removed or changed since the close
    (``changes``: field, as closed, now)."""

    what: str  # added | removed | changed
    id: int
    number: int
    time_in: str
    name: str
    changes: tuple[tuple[str, str, str], ...] = ()

    def as_json(self) -> dict[str, Any]:
        data = asdict(self)
        data["changes"] = [list(change) for change in self.changes]
        return data


def amendments(closed: list[dict[str, Any]], live: list[dict[str, Any]]) -> tuple[Amendment, ...]:
    """What the day's registrations say now that they did not at the close: rows added
    (a late entry), removed, or changed in a field of ``RECORD_FIELDS``."""
    then = {row["id"]: row for row in closed}
    now = {row["id"]: row for row in live}
    found: list[Amendment] = []
    for ident, row in now.items():
        before = then.get(ident)
        if before is None:
            found.append(Amendment("added", ident, row["number"], row["time_in"], row["name"]))
            continue
        changes = tuple(
            (name, str(before.get(name, "")), str(row[name]))
            for name in RECORD_FIELDS
            if before.get(name) != row[name]
        )
        if changes:
            found.append(
                Amendment("changed", ident, row["number"], row["time_in"], row["name"], changes)
            )
    found += [
        Amendment("removed", ident, row["number"], row["time_in"], row["name"])
        for ident, row in then.items()
        if ident not in now
    ]
    return tuple(found)


def _who(member: Staff | None, kind: str | None) -> str:
    """Who closed or confirmed, as the user reads it: the member's name, the desk, the
    store machine's operator."""
    if member is not None:
        return member.name
    return t("cli.role_operator") if kind == ActorKind.OPERATOR else t("app.desk")


@dataclass(frozen=True)
class CloseRecord:
    """One close of the day: who signed it and when, and who confirmed it, if anyone."""

    id: int
    closed_by: str
    closed_at: str  # "YYYY-MM-DD HH:MM:SS"
    confirmed_by: str  # "" not confirmed
    confirmed_at: str

    @property
    def confirmed(self) -> bool:
        return bool(self.confirmed_at)

    @classmethod
    def of(cls, row: DayClose) -> CloseRecord:
        confirmed = row.confirmed_at is not None
        return cls(
            row.id,
            _who(row.closed_by, row.closed_as),
            _text(row.closed_at),
            _who(row.confirmed_by, row.confirmed_as) if confirmed else "",
            _text(row.confirmed_at) if confirmed else "",
        )


@dataclass(frozen=True)
class DayCloseout:
    """The close-out of a day: its figures, what is left to do, and its closes."""

    day: dt.date
    counts: CloseCounts
    open_parties: tuple[OpenParty, ...]
    missing: tuple[Incomplete, ...]
    close: CloseRecord | None = None  # the latest close
    earlier: tuple[CloseRecord, ...] = ()  # closes before it, oldest first
    amendments: tuple[Amendment, ...] = ()  # since the latest close

    @property
    def status(self) -> str:
        """open (not closed) | closed | amended (corrected since the close) | confirmed."""
        if self.close is None:
            return OPEN
        if self.amendments:
            return AMENDED
        return CONFIRMED if self.close.confirmed else CLOSED

    def to_json(self) -> dict[str, Any]:
        return {
            "date": self.day.isoformat(),
            "status": self.status,
            "counts": asdict(self.counts),
            "open_parties": [party.as_json() for party in self.open_parties],
            "missing": [item.as_json() for item in self.missing],
            "close": asdict(self.close) if self.close else None,
            "earlier": [asdict(record) for record in self.earlier],
            "amendments": [amendment.as_json() for amendment in self.amendments],
        }


def closes(day: dt.date) -> list[DayClose]:
    """The closes of ``day``, oldest first (none: not closed)."""
    return list(DayClose.select().where(DayClose.day == day).order_by(DayClose.id))


def _state(day: dt.date, log: list[day_log.LogRow] | None = None) -> DayCloseout:
    records = closes(day)
    found: tuple[Amendment, ...] = ()
    if records:
        live = snapshot(day_log.day_log(day) if log is None else log)
        found = amendments(json.loads(records[-1].snapshot), live)
    return DayCloseout(
        day=day,
        counts=counts(day),
        open_parties=tuple(open_parties(day)),
        missing=tuple(missing_fields(day)),
        close=CloseRecord.of(records[-1]) if records else None,
        earlier=tuple(CloseRecord.of(record) for record in records[:-1]),
        amendments=found,
    )


def check_close_day(day: dt.date) -> dt.date:
    """A day that can be closed: in range, up to today; a sentence on ``date`` otherwise."""
    bounds.check_day(day)
    if day > clock.today():
        raise ValidationError({"date": t("close.error.future", today=clock.today().isoformat())})
    return day


def closeout(day: dt.date, *, by: Actor) -> DayCloseout:
    """The close-out of ``day`` as it stands: who may read the log may read it."""
    roles.require(by, roles.LOG_VIEW)
    check_close_day(day)
    return _state(day)


def close_day(day: dt.date, *, by: Actor) -> DayCloseout:
    """Sign the close of ``day`` (日终结账): the day's registrations frozen as they stand,
    who and when stored and audited. Refused while a party is still in the showroom, and
    for a day closed already with nothing corrected since (who closed it and when); a day
    corrected after its close is closed again, the earlier close kept under it."""
    roles.require(by, roles.DAY_CLOSE)
    check_close_day(day)
    with database.atomic():
        figures = counts(day)
        if figures.open:
            raise ConflictError(t("close.error.still_in", count=figures.open))
        log = day_log.day_log(day)
        earlier = closes(day)
        frozen = snapshot(log)
        if earlier and not amendments(json.loads(earlier[-1].snapshot), frozen):
            last = CloseRecord.of(earlier[-1])
            raise ConflictError(t("close.error.closed", who=last.closed_by, at=last.closed_at[:16]))
        record = DayClose.create(
            day=day,
            closed_by=by.staff,
            closed_as=str(by.kind),
            closed_at=clock.now(),
            snapshot=json.dumps(frozen, ensure_ascii=False),
        )
        audit.record(
            "reclose" if earlier else "close",
            "day_close",
            record.id,
            by,
            day=day,
            rows=len(frozen),
            incomplete=figures.incomplete,
            after=earlier[-1].id if earlier else None,  # the close this one follows
        )
        if day == clock.today():  # 交班: nobody stays on duty past today's close
            team.set_roster((), by=by)
        return _state(day, log)


def confirm_day(day: dt.date, *, by: Actor) -> DayCloseout:
    """A manager confirms the close of ``day`` (stored, audited). Refused for a day not
    closed, one corrected since its close (it is closed again first), and a close
    confirmed already."""
    roles.require(by, roles.DAY_CONFIRM)
    check_close_day(day)
    with database.atomic():
        state = _state(day)
        if state.close is None:
            raise ConflictError(t("close.error.not_closed", date=day.isoformat()))
        if state.amendments:
            raise ConflictError(t("close.error.amended", count=len(state.amendments)))
        if state.close.confirmed:
            raise ConflictError(
                t(
                    "close.error.confirmed",
                    who=state.close.confirmed_by,
                    at=state.close.confirmed_at[:16],
                )
            )
        now = clock.now()
        (
            DayClose.update(confirmed_by=by.staff, confirmed_as=str(by.kind), confirmed_at=now)
            .where(DayClose.id == state.close.id)
            .execute()
        )
        audit.record("confirm", "day_close", state.close.id, by, day=day)
        return _state(day)


def log_status(day: dt.date, log: list[day_log.LogRow]) -> DayCloseout | None:
    """The close of ``day`` for the log's title, compared with the rows the log read
    (``log``): None when the day is not closed. No rights: the log's reader sees it."""
    if not DayClose.select().where(DayClose.day == day).exists():
        return None
    return _state(day, log)


# -- the days not closed ----------------------------------------------------------------------


@dataclass(frozen=True)
class Unclosed:
    """A past day with registrations and no close: how many, and parties still in."""

    day: dt.date
    registrations: int
    open: int

    def as_json(self) -> dict[str, Any]:
        return {
            "date": self.day.isoformat(),
            "registrations": self.registrations,
            "open": self.open,
        }


_UNCLOSED_SQL = """
SELECT date(r."time_in") AS "day", COUNT(*),
       COALESCE(SUM(CASE WHEN r."kind" = 'walkin' AND r."time_out" IS NULL
                          AND r."left_unrecorded_at" IS NULL THEN 1 ELSE 0 END), 0)
  FROM "registration" r
 WHERE r."time_in" >= ? AND r."time_in" < ?
   AND NOT EXISTS (SELECT 1 FROM "day_close" c WHERE c."day" = date(r."time_in"))
 GROUP BY "day"
 ORDER BY "day"
"""


def unclosed(*, by: Actor, today: dt.date | None = None) -> list[Unclosed]:
    """The days before today, from the last weeks (``LOOK_BACK``), with registrations and
    no close, oldest first: a manager's list."""
    roles.require(by, roles.DAY_CONFIRM)
    today = today or clock.today()
    start = dt.datetime.combine(today - LOOK_BACK, dt.time())
    end = dt.datetime.combine(today, dt.time())
    found = database.execute_sql(_UNCLOSED_SQL, (start.isoformat(" "), end.isoformat(" ")))
    return [Unclosed(rows.day(day), count, still_in) for day, count, still_in in found.fetchall()]
