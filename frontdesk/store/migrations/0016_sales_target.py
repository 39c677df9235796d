# ruff: noqa: E501
"""The consultants' monthly targets (营业目标计划与实际比较表).

- ``sales_target``: a consultant's targets for a month — walk-ins received, test drives,
  orders, deliveries — over every model (``model`` "") or for one model, set by a manager
  (``frontdesk.reports.targets``). One row per (month, consultant, model). New: no row before.

No row of another table is changed. It depends on no migration but the first (the staff
table), so it applies in numeric order whatever came between; frozen SQL, like every
migration.
"""

from frontdesk.store import dialect

STATEMENTS = [
    'CREATE TABLE "sales_target" ("id" INTEGER NOT NULL PRIMARY KEY, "consultant_id" INTEGER NOT NULL, "month" DATE NOT NULL, "model" VARCHAR(255) NOT NULL, "walkins" INTEGER NOT NULL, "test_drives" INTEGER NOT NULL, "orders" INTEGER NOT NULL, "deliveries" INTEGER NOT NULL, "set_by_id" INTEGER, "set_at" DATETIME NOT NULL, FOREIGN KEY ("consultant_id") REFERENCES "staff" ("id") ON DELETE CASCADE, FOREIGN KEY ("set_by_id") REFERENCES "staff" ("id") ON DELETE SET NULL)',
    'CREATE UNIQUE INDEX "sales_target_month_consultant_id_model" ON "sales_target" ("month", "consultant_id", "model")',
]


def up(migrator, db):
    dialect.run(db, STATEMENTS)
