"""An index of the audit log by what it speaks of (entity, entity id).

The customer card reads a customer's closes and reassignments (结案 / 转交) from the audit
log, and the conflict check reads a registration's changes there; the log grows with every
save, so without it each card would read the whole log. Only an index: every row is kept.
Written as SQL so that it stays exactly what it was when it shipped.
"""

from frontdesk.store import dialect

STATEMENTS = [
    'CREATE INDEX IF NOT EXISTS "audit_entry_entity_entity_id" '
    'ON "audit_entry" ("entity", "entity_id")',
]


def up(migrator, db):
    dialect.run(db, STATEMENTS)
