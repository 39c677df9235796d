"""The queries behind a daily report (营业日报表): one consultant's records of one day, and
the figures at its end — every figure an SQL aggregate (``reports.daily_report`` lays them
out). Times are compared as the store writes them, ``YYYY-MM-DD HH:MM:SS``."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from frontdesk.months import month_of
from frontdesk.store import dialect
from frontdesk.store.models import database


@dataclass(frozen=True)
class Window:
    """Whose day: the member, the day's start and end, and its month's first moment."""

    member: int
    start: str
    end: str
    month: str

    @classmethod
    def of(cls, member: int, day: dt.date) -> Window:
        start = dt.datetime.combine(day, dt.time())
        month = dt.datetime.combine(month_of(day), dt.time())
        end = start + dt.timedelta(days=1)
        return cls(member, start.isoformat(" "), end.isoformat(" "), month.isoformat(" "))


# The day's contacts by the member, and the receptions they were given (those a contact was
# recorded with are the contact's row): parameters member, start, end, member, start, end.
_ROWS_SQL = """
SELECT 'contact', c."id", c."at", c."customer_id", cu."name", cu."phone", cu."model",
       COALESCE(c."level_after", ''),
       COALESCE((SELECT lc."from_level" FROM "level_change" lc WHERE lc."contact_id" = c."id"
                 ORDER BY lc."id" LIMIT 1), ''),
       c."method", c."purpose", c."account"
  FROM "contact" c JOIN "customer" cu ON cu."id" = c."customer_id"
 WHERE c."staff_id" = ? AND c."at" >= ? AND c."at" < ?
UNION ALL
SELECT 'reception', r."id", r."time_in", r."customer_id", cu."name", cu."phone",
       COALESCE(NULLIF(r."model", ''), cu."model"),
       COALESCE(r."level", (SELECT lc."to_level" FROM "level_change" lc
                             WHERE lc."customer_id" = r."customer_id" AND lc."at" <= r."time_in"
                             ORDER BY lc."at" DESC, lc."id" DESC LIMIT 1), ''),
       COALESCE((SELECT lc."from_level" FROM "level_change" lc
                  WHERE lc."registration_id" = r."id" ORDER BY lc."id" LIMIT 1), ''),
       r."kind", '', r."notes"
  FROM "registration" r JOIN "customer" cu ON cu."id" = r."customer_id"
 WHERE r."consultant_id" = ? AND r."time_in" >= ? AND r."time_in" < ?
   AND NOT EXISTS (SELECT 1 FROM "contact" k WHERE k."registration_id" = r."id")
 ORDER BY 3, 1, 2
"""

# The same records' (customer, moment) from the month's first day to the day's end:
# customers contacted on the day, and customer-days in the month (a customer once a day).
_VISITS_SQL = """
SELECT COUNT(DISTINCT CASE WHEN "moment" >= ? THEN "customer_id" END),
       COUNT(DISTINCT "customer_id" || ' ' || date("moment"))
  FROM (SELECT c."customer_id", c."at" AS "moment" FROM "contact" c
         WHERE c."staff_id" = ? AND c."at" >= ? AND c."at" < ?
        UNION ALL
        SELECT r."customer_id", r."time_in" FROM "registration" r
         WHERE r."consultant_id" = ? AND r."time_in" >= ? AND r."time_in" < ?
           AND r."customer_id" IS NOT NULL
           AND NOT EXISTS (SELECT 1 FROM "contact" k WHERE k."registration_id" = r."id")) AS "seen"
"""

_PURPOSES_SQL = """
SELECT c."purpose", COUNT(*) FROM "contact" c
 WHERE c."staff_id" = ? AND c."at" >= ? AND c."at" < ?
 GROUP BY 1
"""

# The member's customers in an intent cycle at the day's end (end, end, end, month, member,
# end, end): by the level then (the latest change before it) and by when they were first met
# face to face — before the month (上月留存), in it (本月新生), not yet (a phone lead).
_INTENT_SQL = """
SELECT COALESCE((SELECT lc."to_level" FROM "level_change" lc
                  WHERE lc."customer_id" = ic."customer_id" AND lc."at" < ?
                    AND lc."to_level" IS NOT NULL
                  ORDER BY lc."at" DESC, lc."id" DESC LIMIT 1), ic."opened_level"),
       CASE WHEN ic."met_at" IS NULL OR ic."met_at" >= ? THEN 'leads'
            WHEN ic."met_at" < ? THEN 'carried' ELSE 'new' END,
       COUNT(*)
  FROM "intent_cycle" ic JOIN "customer" cu ON cu."id" = ic."customer_id"
 WHERE cu."consultant_id" = ? AND ic."opened_at" < ?
   AND (ic."closed_at" IS NULL OR ic."closed_at" >= ?)
 GROUP BY 1, 2
"""

# Owners on file at the day's end: own-sold since their deal, other-sold since on file.
_OWNERS_SQL = """
SELECT cu."customer_class", COUNT(*) FROM "customer" cu
 WHERE cu."consultant_id" = ? AND cu."customer_class" IN ('own_sold', 'other_sold')
   AND COALESCE(cu."closed_at", cu."created_at") < ?
 GROUP BY 1
"""

# The day's level changes through the rows' records, and the closes of the member's
# customers (start, end, member, start, end, member, start, end, member); the store named
# ({store}: ``dialect.this_store_id``) for the (store, at) index on PostgreSQL (0025).
_MOVES_SQL = """
SELECT lc."id", lc."at", cu."name", cu."phone", COALESCE(lc."from_level", ''),
       COALESCE(lc."to_level", ''), COALESCE(lc."closed_as", '')
  FROM "level_change" lc JOIN "customer" cu ON cu."id" = lc."customer_id"
 WHERE lc."store_id" = {store} AND lc."at" >= ? AND lc."at" < ?
   AND (lc."contact_id" IN (SELECT c."id" FROM "contact" c
                             WHERE c."staff_id" = ? AND c."at" >= ? AND c."at" < ?)
        OR lc."registration_id" IN (SELECT r."id" FROM "registration" r
                                     WHERE r."consultant_id" = ? AND r."time_in" >= ?
                                       AND r."time_in" < ?)
        OR (lc."to_level" IS NULL AND lc."closed_as" IS NOT NULL AND cu."consultant_id" = ?))
 ORDER BY lc."at", lc."id"
"""


def _query(sql: str, *params: object) -> list[tuple]:
    return database.execute_sql(sql, params).fetchall()


def rows(w: Window) -> list[tuple]:
    """(kind, id, at, customer, name, phone, model, level, from level, method, purpose,
    account) of each row, in time order."""
    return _query(_ROWS_SQL, w.member, w.start, w.end, w.member, w.start, w.end)


def visits(w: Window) -> tuple[int, int]:
    """Customers contacted on the day, and customer-days in the month up to its end."""
    today, month = _query(_VISITS_SQL, w.start, w.member, w.month, w.end, w.member, w.month, w.end)[
        0
    ]
    return today or 0, month or 0


def purposes(w: Window) -> dict[str, int]:
    """The day's contacts by purpose ("" not stated)."""
    return dict(_query(_PURPOSES_SQL, w.member, w.start, w.end))


def intent(w: Window) -> list[tuple[str, str, int]]:
    """(level, spell, customers) of the member's intent cycles open at the day's end."""
    return _query(_INTENT_SQL, w.end, w.end, w.month, w.member, w.end, w.end)


def owners(w: Window) -> dict[str, int]:
    """Owners on file at the day's end by class (own_sold / other_sold)."""
    return dict(_query(_OWNERS_SQL, w.member, w.end))


def moves(w: Window) -> list[tuple]:
    """(id, at, name, phone, from, to, closed as) of the day's level changes."""
    s, e, me = w.start, w.end, w.member
    sql = _MOVES_SQL.format(store=dialect.this_store_id(database))
    return _query(sql, s, e, me, s, e, me, s, e, me)
