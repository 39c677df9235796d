# ruff: noqa: E501
"""The desk's end-of-day close-out (日终结账 / 交班).

- ``registration.left_unrecorded_at``: a walk-in party whose time out nobody recorded,
  marked so at the close-out (离店未登记): it no longer counts as in the showroom, and is
  still a party received. Every row stored before keeps none (NULL): nothing was marked.
- ``day_close``: one row per close of a day — who closed it (a member, or the desk / the
  operator as ``closed_as``), when, the day's registrations as they stood (JSON), against
  which a later correction shows as an amendment after the close, and a manager's
  confirmation. A day closed again after corrections gets a new row; the earlier stay.

No row is changed. It depends on no migration but the first, so it applies in numeric
order whatever came between; frozen SQL, like every migration.
"""

from frontdesk.store import dialect

STATEMENTS = [
    'ALTER TABLE "registration" ADD COLUMN "left_unrecorded_at" DATETIME',
    'CREATE TABLE "day_close" ("id" INTEGER NOT NULL PRIMARY KEY, "day" DATE NOT NULL, "closed_by_id" INTEGER, "closed_as" VARCHAR(255) NOT NULL, "closed_at" DATETIME NOT NULL, "snapshot" TEXT NOT NULL, "confirmed_by_id" INTEGER, "confirmed_as" VARCHAR(255), "confirmed_at" DATETIME, FOREIGN KEY ("closed_by_id") REFERENCES "staff" ("id") ON DELETE SET NULL, FOREIGN KEY ("confirmed_by_id") REFERENCES "staff" ("id") ON DELETE SET NULL)',
    # A day's closes, and the manager's list of days not closed: by day.
    'CREATE INDEX "day_close_day" ON "day_close" ("day")',
]


def up(migrator, db):
    dialect.run(db, STATEMENTS)
