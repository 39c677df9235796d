# ruff: noqa: E501
"""The purpose of each contact (访问目的) and the manager's sign-off of the daily report
(营业日报表的签核).

- ``contact.purpose``: promotion | procedure | maintenance | prospecting (促进 / 手续 / 管理 /
  开拓), the mix the manager reads on the daily report; every contact stored before keeps
  no purpose (''), which is what it had: none was asked.
- ``report_signoff``: one row per consultant and day a manager has signed — who signed,
  when, the instructions (主管指示事项) and the report as it stood then (JSON), so that a
  later correction of that day shows as an amendment after the signature.

No row is changed. It depends on no other migration but the first, so it applies in
numeric order whatever came between; frozen SQL, like every migration.
"""

from frontdesk.store import dialect

STATEMENTS = [
    'ALTER TABLE "contact" ADD COLUMN "purpose" VARCHAR(255) NOT NULL DEFAULT \'\'',
    'CREATE TABLE "report_signoff" ("id" INTEGER NOT NULL PRIMARY KEY, "consultant_id" INTEGER NOT NULL, "day" DATE NOT NULL, "signed_by_id" INTEGER, "signed_at" DATETIME NOT NULL, "instructions" TEXT NOT NULL, "snapshot" TEXT NOT NULL, FOREIGN KEY ("consultant_id") REFERENCES "staff" ("id") ON DELETE CASCADE, FOREIGN KEY ("signed_by_id") REFERENCES "staff" ("id") ON DELETE SET NULL)',
    'CREATE UNIQUE INDEX "report_signoff_consultant_id_day" ON "report_signoff" ("consultant_id", "day")',
    # The manager's list of reports not yet signed: the signed days, by day.
    'CREATE INDEX "report_signoff_day" ON "report_signoff" ("day")',
]


def up(migrator, db):
    dialect.run(db, STATEMENTS)
