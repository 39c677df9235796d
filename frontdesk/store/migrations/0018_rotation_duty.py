# ruff: noqa: E501
"""A fair up rotation (接待顺序): the skips with their reasons, and the spells on duty.

- ``rotation_skip``: each consultant passed over at the head of the rotation, with the
  reason (busy 接待中 / away 不在展厅 / declined 放弃), who skipped them and when. New: the
  skips before it are only in the audit log, without a reason, and stay there.
- ``duty_period``: each spell on duty (当班) of a consultant, ``ended_at`` empty while it
  lasts. The consultants in the rotation when the store is upgraded (active, consultant,
  on duty) get an open spell from the moment of the upgrade — not from the day's start:
  nothing says when they came in, and the hours on duty should not count time nobody saw.

No row is changed. It depends on no migration but 0001 (the staff table), so it applies
in numeric order whatever came between; frozen SQL, like every migration.
"""

import datetime as dt

from frontdesk.store import dialect

STATEMENTS = [
    'CREATE TABLE "rotation_skip" ("id" INTEGER NOT NULL PRIMARY KEY, "staff_id" INTEGER NOT NULL, "reason" VARCHAR(255) NOT NULL, "at" DATETIME NOT NULL, "skipped_by_id" INTEGER, FOREIGN KEY ("staff_id") REFERENCES "staff" ("id") ON DELETE CASCADE, FOREIGN KEY ("skipped_by_id") REFERENCES "staff" ("id") ON DELETE SET NULL)',
    'CREATE INDEX "rotation_skip_at" ON "rotation_skip" ("at")',
    'CREATE INDEX "rotation_skip_staff_id_at" ON "rotation_skip" ("staff_id", "at")',
    'CREATE TABLE "duty_period" ("id" INTEGER NOT NULL PRIMARY KEY, "staff_id" INTEGER NOT NULL, "started_at" DATETIME NOT NULL, "ended_at" DATETIME, FOREIGN KEY ("staff_id") REFERENCES "staff" ("id") ON DELETE CASCADE)',
    'CREATE INDEX "duty_period_started_at" ON "duty_period" ("started_at")',
    'CREATE INDEX "duty_period_staff_id_started_at" ON "duty_period" ("staff_id", "started_at")',
]

OPEN_SPELLS = """INSERT INTO "duty_period" ("staff_id", "started_at", "ended_at")
    SELECT "id", ?, NULL FROM "staff"
     WHERE "active" = 1 AND "on_duty" = 1 AND "role" = 'consultant'
     ORDER BY "id\""""


def up(migrator, db):
    dialect.run(db, STATEMENTS)
    # The local time to the second, as frontdesk.clock keeps it (a test's frozen clock too).
    now = dt.datetime.now().replace(microsecond=0)
    dialect.run(db, OPEN_SPELLS, (now.strftime("%Y-%m-%d %H:%M:%S"),))
