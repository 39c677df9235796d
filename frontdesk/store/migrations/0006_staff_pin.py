# ruff: noqa: E501
"""A PIN for the desk's sign-in (frontdesk.people.pins), and the wrong PINs typed at each terminal.

A new nullable column and a new table: every existing row is kept as it is, and nobody
has a PIN until an admin sets one (``frontdesk staff pin NAME``). Written as SQL so that it
stays exactly what it was when it shipped, whatever the models become later.
"""

from frontdesk.store import dialect

STATEMENTS = [
    'ALTER TABLE "staff" ADD COLUMN "pin_hash" VARCHAR(255)',
    'CREATE TABLE "pin_lockout" ("id" INTEGER NOT NULL PRIMARY KEY, "staff_id" INTEGER NOT NULL, "terminal" VARCHAR(255) NOT NULL, "failures" INTEGER NOT NULL, "lockouts" INTEGER NOT NULL, "locked_until" DATETIME, "updated_at" DATETIME NOT NULL, FOREIGN KEY ("staff_id") REFERENCES "staff" ("id") ON DELETE CASCADE)',
    'CREATE UNIQUE INDEX "pin_lockout_staff_id_terminal" ON "pin_lockout" ("staff_id", "terminal")',
]


def up(migrator, db):
    dialect.run(db, STATEMENTS)
