"""An index for first-or-returning (首次/再次): a customer's walk-ins by time in.

The statistics decide for every walk-in of a day or a month whether its customer walked
in before; with (customer_id, kind, time_in) that is one search of the index alone. It
starts with customer_id, so it replaces the plain index on that column (foreign-key checks
and the form's look-up of a customer's registrations use it just as well).
"""

from frontdesk.store import dialect

STATEMENTS = [
    'CREATE INDEX IF NOT EXISTS "registration_customer_id_kind_time_in" '
    'ON "registration" ("customer_id", "kind", "time_in")',
    'DROP INDEX IF EXISTS "registration_customer_id"',
]


def up(migrator, db):
    dialect.run(db, STATEMENTS)
