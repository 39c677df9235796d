"""The contact table's foot summed from the kept counts' indexes alone (F6 的合计).

The foot of the month in progress sums the counts the store keeps of the open intent
cycles (0020): by (consultant, level, month met) and by (consultant, level, due date).
Their keys lead with the consultant, for a consultant's own table; a manager's foot sums
every consultant's, and found each count's ``number`` in the table row by row — on the
benchmarks' large store (100 000 open customers) 12 440 due-date counts, 7.8 ms of the
foot's 12 ms. Here each gets an index in the order a whole store's foot reads it, with
the number in it, so that sum reads the index alone:

- ``open_by_met``: (store, level, month met, number): the levels and the kinds (上月留存,
  本月新生, leads);
- ``open_by_due``: (store, due date, number): overdue and due today.

Both lead with the store (0025's rule on PostgreSQL, where a group's stores share them).
No row is changed; frozen SQL, like every migration; the same on both engines.
"""

from frontdesk.store import dialect

STATEMENTS = [
    'CREATE INDEX "open_by_met_store_id_level_met_month_number"'
    ' ON "open_by_met" ("store_id", "level", "met_month", "number")',
    'CREATE INDEX "open_by_due_store_id_next_due_number"'
    ' ON "open_by_due" ("store_id", "next_due", "number")',
]


def up(migrator, db):
    dialect.run(db, STATEMENTS)
