# ruff: noqa: E501
"""History-true follow-up: intent cycles (意向周期), how each close ended, and the history
of the follow-up intervals.

- ``level_change.closed_as``: a close (to no level) says whether it was a deal, a defeat or
  lost. Closes already stored take the outcome the audit log recorded with them (the entry
  of that customer's close nearest in time), else the customer's last close, else lost.
- ``intent_cycle``: each spell of a customer as an open intent customer (opened, met face
  to face, closed), derived from the registrations, contacts and closes already stored, by
  ``frontdesk.followup.cycles.rebuild`` (the same derivation every later save runs).
- ``interval_change``: each change of a level's interval from now on, so that a past day's
  due dates keep the interval then in force. Before the first change, the stored setting
  is taken to have always held.

No row is changed but the new column filled.
"""

from frontdesk.store import dialect

TABLES = [
    'ALTER TABLE "level_change" ADD COLUMN "closed_as" VARCHAR(255)',
    'CREATE TABLE "intent_cycle" ("id" INTEGER NOT NULL PRIMARY KEY, "customer_id" INTEGER NOT NULL, "opened_at" DATETIME NOT NULL, "opened_by" VARCHAR(255) NOT NULL, "opened_level" VARCHAR(255) NOT NULL, "met_at" DATETIME, "origin" VARCHAR(255), "met_level" VARCHAR(255), "closed_at" DATETIME, "closed_as" VARCHAR(255), FOREIGN KEY ("customer_id") REFERENCES "customer" ("id") ON DELETE CASCADE)',
    'CREATE INDEX "intent_cycle_opened_at_id_closed_at_customer_id" ON "intent_cycle" ("opened_at", "id", "closed_at", "customer_id")',
    'CREATE INDEX "intent_cycle_customer_id_closed_at_met_at" ON "intent_cycle" ("customer_id", "closed_at", "met_at")',
    'CREATE INDEX "intent_cycle_met_at" ON "intent_cycle" ("met_at")',
    'CREATE INDEX "intent_cycle_closed_at" ON "intent_cycle" ("closed_at")',
    'CREATE TABLE "interval_change" ("id" INTEGER NOT NULL PRIMARY KEY, "level" VARCHAR(255) NOT NULL, "days_before" INTEGER NOT NULL, "days_after" INTEGER NOT NULL, "at" DATETIME NOT NULL)',
    'CREATE INDEX "interval_change_at" ON "interval_change" ("at")',
]

CLOSES = """SELECT lc."id", lc."customer_id", lc."at", c."closed_as" FROM "level_change" lc
  JOIN "customer" c ON c."id" = lc."customer_id"
 WHERE lc."to_level" IS NULL AND lc."contact_id" IS NULL AND lc."registration_id" IS NULL"""
AUDITED = """SELECT "entity_id", COALESCE(json_extract("detail", '$.at'), "at"),
       json_extract("detail", '$.outcome')
  FROM "audit_entry" WHERE "entity" = 'customer' AND "action" = 'close'"""


def _seconds(moment) -> float:
    import datetime as dt

    return dt.datetime.fromisoformat(str(moment)[:19]).timestamp()


def _fill_closed_as(db):
    audited: dict = {}
    for customer, moment, outcome in db.execute_sql(AUDITED).fetchall():
        if outcome:
            audited.setdefault(customer, []).append((_seconds(moment), outcome))
    for ident, customer, moment, last_outcome in db.execute_sql(CLOSES).fetchall():
        near = sorted(audited.get(customer, []), key=lambda e: abs(e[0] - _seconds(moment)))
        outcome = near[0][1] if near else last_outcome or "lost"
        db.execute_sql('UPDATE "level_change" SET "closed_as" = ? WHERE "id" = ?', (outcome, ident))


def up(migrator, db):
    dialect.run(db, TABLES)
    if not dialect.fills_old_rows(db):
        return
    _fill_closed_as(db)
    from frontdesk.followup import cycles

    cycles.rebuild(db)
