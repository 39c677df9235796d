"""A daily report may be signed again after a correction (营业日报表的重新签核).

A signed report shows the corrections of its day made after the signature as amendments.
Once the manager has read them, they sign again: a new ``report_signoff`` row, with its own
snapshot and instructions; the earlier signatures stay, each with the report as it stood
then, and the report shows the latest with the earlier ones under it. So the index of
(consultant, day) is no longer unique.

No row is changed. It depends on no migration but 0010 (the table), so it applies in
numeric order whatever came between; frozen SQL, like every migration.
"""

from frontdesk.store import dialect

STATEMENTS = [
    'DROP INDEX "report_signoff_consultant_id_day"',
    'CREATE INDEX "report_signoff_consultant_id_day" ON "report_signoff" ("consultant_id", "day")',
]


def up(migrator, db):
    dialect.run(db, STATEMENTS)
