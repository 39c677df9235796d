"""The manager's sign-off of a daily report (营业日报表的签核), and the reports still unsigned.

Seed 000 slide 55: the showroom manager or sales manager checks each consultant's report
every day and signs it (销售经理每日签核并提供支持), writing instructions (主管指示事项).

- ``sign``: a manager signs a consultant's report of a day, with instructions; the signature
  (who, when) is stored with the report as it stood (its snapshot, JSON) and audited. The
  signed report is frozen: ``daily_report.daily_report`` shows it as signed, and what the
  day's records say differently since as amendments after the signature — never silently.
  Once the manager has read the amendments they sign again (重新签核): a new signature with
  the report as it stands then; the earlier one stays, listed under it. A report with
  nothing corrected since its signature is not signed twice.
- ``unsigned``: the reports of the last weeks with something on them and no signature a day
  after their day (the next day is when a manager signs), and the signed ones corrected since
  their last signature (to be signed again): the manager's list of what waits.
"""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass

from frontdesk import clock, rules
from frontdesk.errors import ConflictError, ValidationError
from frontdesk.i18n import t
from frontdesk.people import roles
from frontdesk.people.actor import Actor
from frontdesk.reports import daily_report
from frontdesk.store import audit, dialect
from frontdesk.store.models import ReportSignoff, database
from frontdesk.store.rows import day as stored_day

SIGN_WITHIN = dt.timedelta(days=1)  # a day's report is signed by the end of the next day
LOOK_BACK = dt.timedelta(days=31)  # how far back the unsigned reports are looked for


def sign(
    consultant_id: int, day: dt.date, instructions: str = "", *, by: Actor
) -> daily_report.DailyReport:
    """Sign ``consultant_id``'s report of ``day`` with the manager's ``instructions``; the
    report as signed. Refused for a role that may not sign, for a day to come, and for a
    report signed already with nothing corrected since (who signed it and when). A report
    corrected after its signature is signed again: the earlier signature stays under it."""
    roles.require(by, roles.REPORT_SIGN)
    daily_report.check_report_day(day)
    text = _instructions(instructions)
    with database.atomic():
        member = daily_report.report_member(consultant_id)
        report = daily_report.build(member, day, by)
        earlier = daily_report.signatures(member.id, day)
        if earlier and not daily_report.signed_version(earlier, report).amendments:
            last = earlier[-1]
            signer = last.signed_by.name if last.signed_by is not None else ""
            raise ConflictError(
                t(
                    "daily.error.signed",
                    name=member.name,
                    day=day.isoformat(),
                    signer=signer or t("cli.role_operator"),
                    at=last.signed_at.strftime("%Y-%m-%d %H:%M"),
                )
            )
        record = ReportSignoff.create(
            consultant=member,
            day=day,
            signed_by=by.staff,
            signed_at=clock.now(),
            instructions=text,
            snapshot=json.dumps(report.snapshot(), ensure_ascii=False),
        )
        audit.record(
            "resign" if earlier else "sign",
            "report_signoff",
            record.id,
            by,
            consultant=member.id,
            day=day,
            rows=len(report.rows),
            instructions=text,
            after=earlier[-1].id if earlier else None,  # the signature this one follows
        )
        return daily_report.signed_version([*earlier, record], report)


def _instructions(raw: str) -> str:
    """主管指示事项 as stored; a sentence on ``instructions`` when too long."""
    try:
        return rules.clean_text(raw, rules.MAX_NOTES)
    except ValueError:
        raise ValidationError(
            {"instructions": t("error.too_long", limit=rules.MAX_NOTES)}
        ) from None


@dataclass(frozen=True)
class Unsigned:
    """A report waiting for its signature: whose, which day, how many rows it has, and
    whether it was signed and corrected since (``amended``: to be signed again)."""

    consultant_id: int
    consultant: str
    day: dt.date
    rows: int
    amended: bool = False

    def as_json(self) -> dict:
        return {
            "consultant": self.consultant,
            "consultant_id": self.consultant_id,
            "date": self.day.isoformat(),
            "rows": self.rows,
            "amended": self.amended,
        }


# Each member's days with rows (as the report counts them) in the window, less the signed.
# Both queries name the store ({store}: ``dialect.this_store_id``): on PostgreSQL its part of
# the (store, moment) indexes is sought (migration 0025), not the whole group's window.
_UNSIGNED_SQL = """
SELECT s."id", s."name", w."day", COUNT(*)
  FROM (SELECT c."staff_id" AS "member", date(c."at") AS "day" FROM "contact" c
         WHERE c."store_id" = {store} AND c."at" >= ? AND c."at" < ? AND c."staff_id" IS NOT NULL
        UNION ALL
        SELECT r."consultant_id", date(r."time_in") FROM "registration" r
         WHERE r."store_id" = {store} AND r."time_in" >= ? AND r."time_in" < ?
           AND r."consultant_id" IS NOT NULL
           AND r."customer_id" IS NOT NULL
           AND NOT EXISTS (SELECT 1 FROM "contact" k WHERE k."registration_id" = r."id")) w
  JOIN "staff" s ON s."id" = w."member"
 WHERE NOT EXISTS (SELECT 1 FROM "report_signoff" so
                    WHERE so."consultant_id" = w."member" AND so."day" = w."day")
 GROUP BY s."id", s."name", w."day"
 ORDER BY w."day", s."name"
"""


# The signed reports of the window with a record of their day written at or after their last
# signature: a contact of that day, or a registration of that day edited (whoever's it is
# now: one moved to another consultant leaves this report). Only candidates — whether the
# report reads differently is decided by comparing it with its signed snapshot.
_TOUCHED_SQL = """
WITH "last" AS (SELECT so."consultant_id" AS "member", so."day", MAX(so."signed_at") AS "at"
                  FROM "report_signoff" so
                 WHERE so."store_id" = {store} AND so."day" >= ? AND so."day" <= ?
                 GROUP BY so."consultant_id", so."day")
SELECT l."member", l."day" FROM "last" l
 WHERE EXISTS (SELECT 1 FROM "contact" c
                WHERE c."staff_id" = l."member" AND date(c."at") = l."day"
                  AND c."created_at" >= l."at")
    OR EXISTS (SELECT 1 FROM "registration" r
                WHERE date(r."time_in") = l."day" AND r."updated_at" >= l."at")
"""


def unsigned(*, by: Actor, today: dt.date | None = None) -> list[Unsigned]:
    """The reports with rows and no signature a day after their day, and the signed ones
    whose records were corrected since their last signature, from the last weeks
    (``LOOK_BACK``), oldest first: a manager's list (everyone's)."""
    roles.require(by, roles.REPORT_SIGN)
    today = today or clock.today()
    start = dt.datetime.combine(today - LOOK_BACK, dt.time())
    end = dt.datetime.combine(today - SIGN_WITHIN, dt.time())  # days before yesterday
    window = (start.isoformat(" "), end.isoformat(" "))
    sql = _UNSIGNED_SQL.format(store=dialect.this_store_id(database))
    rows = database.execute_sql(sql, window + window).fetchall()
    waiting = [Unsigned(member, name, stored_day(day), count) for member, name, day, count in rows]
    waiting.extend(_amended(today - LOOK_BACK, today, by))
    return sorted(waiting, key=lambda item: (item.day, item.consultant))


def _amended(first: dt.date, last: dt.date, by: Actor) -> list[Unsigned]:
    """The signed reports of ``first`` … ``last`` that read differently now than when
    they were last signed: a manager signs them again (重新签核)."""
    sql = _TOUCHED_SQL.format(store=dialect.this_store_id(database))
    touched = database.execute_sql(sql, (first.isoformat(), last.isoformat()))
    found = []
    for member_id, day_text in touched.fetchall():
        day = stored_day(day_text)
        try:
            member = daily_report.report_member(member_id)
        except ValidationError:  # no longer receives customers: nobody signs theirs again
            continue
        live = daily_report.build(member, day, by)
        signed = daily_report.signed_version(daily_report.signatures(member_id, day), live)
        if signed.amendments:
            found.append(Unsigned(member.id, member.name, day, len(live.rows), amended=True))
    return found
