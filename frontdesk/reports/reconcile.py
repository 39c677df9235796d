"""Reconciling the consultants' reports with the registration log (日报与登记表对账).

Seed 000 asks the showroom manager to check every day that "《日报表》新增意向客户与《来店(电)
客户登记表》记录的是否相符". For a store day D this finds, from the records themselves:

- **untaken leads** (登记未跟进): registrations of D that left a phone and a level whose
  customer got no contact (``Contact``) from the registration's consultant (接待顾问) from
  the registration's time in to the end of D+1. The registration itself, or a second one the
  next day, is a reception by the desk, not a contact by the consultant; a registration
  nobody received (no consultant) was taken up by nobody. Until D+1 is over the list can
  still shrink: ``final`` says so.
- **intents not through the desk** (未经前台的意向): intent cycles (``followup.cycles``)
  opened on D by a consultant's contact with a level, whose customer has no registration at
  or before that contact — a lead that never came through the desk. The consultant is who
  made the contact.
- **new intents, report against log** (新增意向核对), per consultant: on their reports, the
  cycles met face to face on D (``IntentCycle.met_at``: 本日新增意向) through a walk-in they
  received or a walk-in or visit contact they made — the event that met the cycle, a
  registration before a contact at the same moment, as the cycles order them; in the log,
  the registrations of D with a level whose customer became a new intent that day, by the
  registration's consultant (each customer once). Both counts, and every record on one side
  with no record of the same customer and consultant on the other.

Every line names its records — the registration (its id, the day's 序号, time in) or the
contact (its id, time, method), the customer (name, phone) and the consultant — so the
manager can act from it. Every figure and list is one SQL statement over indexed columns
(registration and contact times, the cycles' opening and meeting); a manager and the store
machine's operator see every consultant's lines, a consultant their own, the desk nothing
(``roles.RECONCILE_VIEW``).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from frontdesk import clock
from frontdesk.people import roles
from frontdesk.people.actor import Actor
from frontdesk.store import dialect
from frontdesk.store.models import database
from frontdesk.store.rows import moment as stored_moment

REGISTRATION, CONTACT = "registration", "contact"
REPORT_ONLY, LOG_ONLY = "report_only", "log_only"

# The day's registrations numbered as the log numbers them (序号: by time in, then id).
_DAY_LOG = """day_log AS (
    SELECT r."id", ROW_NUMBER() OVER (ORDER BY r."time_in", r."id") AS "number"
      FROM "registration" r
     WHERE {r_store} AND r."time_in" >= :start AND r."time_in" < :end)"""

# The contacts looked at are the customer's (a few), not the consultant's (thousands): the
# ``+`` keeps SQLite off the staff index.
_UNTAKEN_SQL = f"""
WITH {_DAY_LOG}
SELECT r."id", d."number", r."time_in", r."kind", cu."id", cu."name", cu."phone", r."level",
       r."consultant_id", s."name"
  FROM "registration" r
  JOIN day_log d ON d."id" = r."id"
  JOIN "customer" cu ON cu."id" = r."customer_id"
  LEFT JOIN "staff" s ON s."id" = r."consultant_id"
 WHERE {{r_store}} AND r."time_in" >= :start AND r."time_in" < :end
   AND r."phone" IS NOT NULL AND COALESCE(r."level", '') != ''
   AND NOT EXISTS (
       SELECT 1 FROM "contact" c
        WHERE c."customer_id" = r."customer_id" AND +c."staff_id" = r."consultant_id"
          AND c."at" >= r."time_in" AND c."at" < :next_end)
   AND (CAST(:scope AS INTEGER) IS NULL OR r."consultant_id" = :scope)
 ORDER BY r."time_in", r."id"
"""

# The contact that opened a cycle: at its opening moment, with a level (the first saved).
_NOT_VIA_DESK_SQL = """
SELECT c."id", c."at", c."method", cu."id", cu."name", cu."phone", ic."opened_level",
       COALESCE(c."staff_id", cu."consultant_id") AS "consultant_id", s."name"
  FROM "intent_cycle" ic
  JOIN "customer" cu ON cu."id" = ic."customer_id"
  JOIN "contact" c ON c."id" = (
       SELECT c2."id" FROM "contact" c2
        WHERE c2."customer_id" = ic."customer_id" AND c2."at" = ic."opened_at"
          AND COALESCE(c2."level_after", '') != ''
        ORDER BY c2."id" LIMIT 1)
  LEFT JOIN "staff" s ON s."id" = COALESCE(c."staff_id", cu."consultant_id")
 WHERE {ic_store} AND ic."opened_at" >= :start AND ic."opened_at" < :end
   AND NOT EXISTS (
       SELECT 1 FROM "registration" r
        WHERE r."customer_id" = ic."customer_id" AND r."time_in" <= ic."opened_at")
   AND (CAST(:scope AS INTEGER) IS NULL OR COALESCE(c."staff_id", cu."consultant_id") = :scope)
 ORDER BY c."at", c."id"
"""

# The two sides of the new intents. ``met``: the cycles met on D and the event that met them
# (a walk-in registration ranks before a contact at the same moment, as in the cycles; kept
# once, MATERIALIZED, as the CASE below reads it thrice);
# ``report``: each with the consultant of that event; ``log``: the registrations of D with a
# level whose customer was met that day.
_SIDES = f"""
WITH {_DAY_LOG},
met AS MATERIALIZED (
    SELECT ic."customer_id", ic."met_at", ic."met_level",
           (SELECT r."id" FROM "registration" r
             WHERE r."customer_id" = ic."customer_id" AND r."kind" = 'walkin'
               AND r."time_in" = ic."met_at"
             ORDER BY r."id" LIMIT 1) AS "registration_id",
           (SELECT c."id" FROM "contact" c
             WHERE c."customer_id" = ic."customer_id" AND c."at" = ic."met_at"
               AND c."method" IN ('walkin', 'visit')
             ORDER BY c."id" LIMIT 1) AS "contact_id"
      FROM "intent_cycle" ic
     WHERE {{ic_store}} AND ic."met_at" >= :start AND ic."met_at" < :end),
report AS (
    SELECT m."customer_id", m."met_level" AS "level", m."registration_id", m."contact_id",
           CASE WHEN m."registration_id" IS NOT NULL THEN r."consultant_id"
                WHEN m."contact_id" IS NOT NULL THEN c."staff_id"
                ELSE cu."consultant_id" END AS "consultant_id"
      FROM met m
      JOIN "customer" cu ON cu."id" = m."customer_id"
      LEFT JOIN "registration" r ON r."id" = m."registration_id"
      LEFT JOIN "contact" c ON c."id" = m."contact_id"),
log AS (
    SELECT r."id" AS "registration_id", r."customer_id", r."consultant_id", r."level"
      FROM "registration" r
     WHERE r."time_in" >= :start AND r."time_in" < :end
       AND r."customer_id" IS NOT NULL AND COALESCE(r."level", '') != ''
       AND EXISTS (SELECT 1 FROM "intent_cycle" ic
                    WHERE ic."customer_id" = r."customer_id"
                      AND ic."met_at" >= :start AND ic."met_at" < :end))
"""

_TALLY_SQL = f"""{_SIDES}
SELECT t."consultant_id", s."name", SUM(t."on_report"), SUM(t."in_log")
  FROM (SELECT "consultant_id", COUNT(*) AS "on_report", 0 AS "in_log"
          FROM report GROUP BY "consultant_id"
        UNION ALL
        SELECT "consultant_id", 0, COUNT(DISTINCT "customer_id") FROM log
         GROUP BY "consultant_id") t
  LEFT JOIN "staff" s ON s."id" = t."consultant_id"
 WHERE CAST(:scope AS INTEGER) IS NULL OR t."consultant_id" = :scope
 GROUP BY t."consultant_id", s."name"
 ORDER BY t."consultant_id" IS NULL, s."name", t."consultant_id"
"""

# The records of one side with no record of the same customer and consultant on the other.
_DIFFERENCES_SQL = f"""{_SIDES},
differing AS (
    SELECT '{REPORT_ONLY}' AS "side", p."customer_id", p."consultant_id", p."level",
           p."registration_id", p."contact_id"
      FROM report p
     WHERE NOT EXISTS (SELECT 1 FROM log l WHERE l."customer_id" = p."customer_id"
                                             AND l."consultant_id" IS p."consultant_id")
    UNION ALL
    SELECT '{LOG_ONLY}', l."customer_id", l."consultant_id", l."level",
           l."registration_id", NULL
      FROM log l
     WHERE NOT EXISTS (SELECT 1 FROM report p WHERE p."customer_id" = l."customer_id"
                                                AND p."consultant_id" IS l."consultant_id"))
SELECT x."side", x."consultant_id", s."name", cu."id", cu."name", cu."phone", x."level",
       r."id", d."number", r."time_in", r."kind", c."id", c."at", c."method"
  FROM differing x
  JOIN "customer" cu ON cu."id" = x."customer_id"
  LEFT JOIN "staff" s ON s."id" = x."consultant_id"
  LEFT JOIN "registration" r ON r."id" = x."registration_id"
  LEFT JOIN day_log d ON d."id" = r."id"
  LEFT JOIN "contact" c ON c."id" = x."contact_id"
 WHERE CAST(:scope AS INTEGER) IS NULL OR x."consultant_id" = :scope
 ORDER BY x."consultant_id" IS NULL, s."name", x."consultant_id", x."side" DESC,
          COALESCE(r."time_in", c."at"), cu."id"
"""


@dataclass(frozen=True)
class Record:
    """The record a line names: a registration (its id, the day's 序号, time in, walkin or
    phone) or a contact (its id, time, call / visit / walkin / message)."""

    kind: str  # REGISTRATION | CONTACT
    id: int
    at: dt.datetime
    method: str  # a registration's kind, a contact's method
    number: int | None = None  # 序号 in the day's log, for a registration of the day

    def to_json(self) -> dict:
        found = {"id": self.id, "at": self.at.isoformat(" "), "method": self.method}
        if self.kind == REGISTRATION:
            found["number"] = self.number
        return {self.kind: found}


@dataclass(frozen=True)
class Line:
    """One line of the reconciliation: the record, its customer, the level, the consultant
    (None and "" when nobody received the customer)."""

    record: Record | None  # None only for a level on file that no stored event gave
    customer_id: int
    name: str
    phone: str
    level: str | None
    consultant_id: int | None
    consultant: str

    def to_json(self) -> dict:
        return {
            **(self.record.to_json() if self.record else {}),
            "customer": {"id": self.customer_id, "name": self.name, "phone": self.phone},
            "level": self.level,
            "consultant": self.consultant,
        }


@dataclass
class ConsultantTally:
    """One consultant's new intents of the day: on their reports and in the log, and the
    records that differ (``REPORT_ONLY``: met on the report, no such registration in the
    log; ``LOG_ONLY``: in the log, not met on this consultant's report)."""

    consultant_id: int | None
    consultant: str
    on_report: int
    in_log: int
    report_only: list[Line] = field(default_factory=list)
    log_only: list[Line] = field(default_factory=list)

    @property
    def agrees(self) -> bool:
        return not self.report_only and not self.log_only

    def to_json(self) -> dict:
        return {
            "consultant": self.consultant,
            "on_report": self.on_report,
            "in_log": self.in_log,
            REPORT_ONLY: [line.to_json() for line in self.report_only],
            LOG_ONLY: [line.to_json() for line in self.log_only],
        }


@dataclass
class Reconciliation:
    """The reconciliation of store day ``day`` (see the module's docstring)."""

    day: dt.date
    final: bool  # D+1 is over: no contact to come can take up an untaken lead any more
    untaken: list[Line]
    not_via_desk: list[Line]
    consultants: list[ConsultantTally]

    def to_json(self) -> dict:
        return {
            "date": self.day.isoformat(),
            "final": self.final,
            "untaken": [line.to_json() for line in self.untaken],
            "not_via_desk": [line.to_json() for line in self.not_via_desk],
            "consultants": [tally.to_json() for tally in self.consultants],
        }


def _line(record, customer_id, name, phone, level, consultant_id, consultant) -> Line:
    return Line(
        record, customer_id, name or "", phone or "", level, consultant_id, consultant or ""
    )


def _rows(sql: str, params: dict) -> list[tuple]:
    """The rows of one of the queries above, its store named (``{r_store}``, ``{ic_store}``:
    sought on the store's indexes on PostgreSQL, migration 0025; true on SQLite)."""
    stores = {
        "r_store": dialect.seek_this_store_sql(database, 'r."store_id"'),
        "ic_store": dialect.seek_this_store_sql(database, 'ic."store_id"'),
    }
    return database.execute_sql(sql.format(**stores), params).fetchall()


def is_final(day: dt.date, today: dt.date | None = None) -> bool:
    """Whether the untaken leads of ``day`` are settled: the next day is over."""
    return day + dt.timedelta(days=1) < (today or clock.today())


def reconcile(day: dt.date, *, by: Actor) -> Reconciliation:
    """The reconciliation of ``day``: a manager's (and the operator's) of every consultant,
    a consultant's of their own lines; refused to the desk."""
    roles.require(by, roles.RECONCILE_VIEW)
    start, end = clock.day_bounds(day)
    params = {
        "start": start.isoformat(" "),
        "end": end.isoformat(" "),
        "next_end": (end + dt.timedelta(days=1)).isoformat(" "),
        "scope": by.staff_id if roles.own_customers_only(by, roles.RECONCILE_VIEW) else None,
    }
    untaken = [
        _line(Record(REGISTRATION, rid, stored_moment(at), kind, number), *rest)
        for rid, number, at, kind, *rest in _rows(_UNTAKEN_SQL, params)
    ]
    not_via_desk = [
        _line(Record(CONTACT, cid, stored_moment(at), method), *rest)
        for cid, at, method, *rest in _rows(_NOT_VIA_DESK_SQL, params)
    ]
    tallies = {
        # int(): PostgreSQL sums counts as NUMERIC (a Decimal), SQLite as an integer
        consultant_id: ConsultantTally(consultant_id, name or "", int(on_report), int(in_log))
        for consultant_id, name, on_report, in_log in _rows(_TALLY_SQL, params)
    }
    for row in _rows(_DIFFERENCES_SQL, params):
        side, consultant_id, consultant, customer_id, name, phone, level = row[:7]
        rid, number, time_in, kind, cid, contact_at, method = row[7:]
        if rid is not None:
            record = Record(REGISTRATION, rid, stored_moment(time_in), kind, number)
        elif cid is not None:
            record = Record(CONTACT, cid, stored_moment(contact_at), method)
        else:
            record = None
        line = _line(record, customer_id, name, phone, level, consultant_id, consultant)
        tally = tallies[consultant_id]
        (tally.report_only if side == REPORT_ONLY else tally.log_only).append(line)
    return Reconciliation(
        day=day,
        final=is_final(day),
        untaken=untaken,
        not_via_desk=not_via_desk,
        consultants=list(tallies.values()),
    )
