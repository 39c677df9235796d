# ruff: noqa: E501
"""SSH keys of the staff (``frontdesk staff key add``), for the built-in SSH server.

A new table only: every existing row is kept as it is. Written as SQL so that it stays
exactly what it was when it shipped, whatever the models become later.
"""

from frontdesk.store import dialect

STATEMENTS = [
    'CREATE TABLE "staff_key" ("id" INTEGER NOT NULL PRIMARY KEY, "staff_id" INTEGER NOT NULL, "algorithm" VARCHAR(255) NOT NULL, "public_key" TEXT NOT NULL, "fingerprint" VARCHAR(255) NOT NULL, "comment" VARCHAR(255) NOT NULL, "created_at" DATETIME NOT NULL, "last_used_at" DATETIME, FOREIGN KEY ("staff_id") REFERENCES "staff" ("id") ON DELETE CASCADE)',
    'CREATE INDEX "staff_key_staff_id" ON "staff_key" ("staff_id")',
    'CREATE UNIQUE INDEX "staff_key_fingerprint" ON "staff_key" ("fingerprint")',
]


def up(migrator, db):
    dialect.run(db, STATEMENTS)
