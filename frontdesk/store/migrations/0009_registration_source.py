"""The 来源区分 (source 1–7) typed on a registration, as the registration form now asks it.

A new nullable column: every existing row is kept as it is, with no source typed (NULL),
which is what a registration saved before meant — the customer's own stayed. The
customers' source is untouched. It depends on no other migration but the first, so it
applies in numeric order whatever came between. Written as SQL so that it stays exactly
what it was when it shipped, whatever the models become later.
"""

from frontdesk.store import dialect

STATEMENTS = [
    'ALTER TABLE "registration" ADD COLUMN "source" INTEGER',
]


def up(migrator, db):
    dialect.run(db, STATEMENTS)
