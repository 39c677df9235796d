"""Live refresh on PostgreSQL: every write to the store's tables tells the terminals
(``LISTEN`` / ``NOTIFY``).

An SQLite terminal sees other connections' commits in ``PRAGMA data_version``; PostgreSQL
has no such counter, so each table gets a statement-level trigger, after every INSERT,
UPDATE, DELETE and TRUNCATE, that sends a notice on the channel ``frontdesk_changes``
with the table's name. PostgreSQL delivers a transaction's notices at its commit, once
per table however many rows and statements it wrote (a notice identical to one already
sent in the transaction is not sent again), and never those of a transaction rolled
back; a watcher (``frontdesk.store.watch``) listens on its own connection.

Every table but the migrations' own ledger: today's tables. A later migration that adds
a table gives it the same trigger (``TRIGGER``, on PostgreSQL);
``tests/test_watch_postgres.py`` fails when a table lacks it.

On SQLite nothing: its schema is unchanged, byte for byte. No row is changed; frozen SQL,
like every migration.
"""

from frontdesk.store import dialect

CHANNEL = "frontdesk_changes"
TABLES = [
    "audit_entry",
    "close_application",
    "code_item",
    "contact",
    "customer",
    "day_close",
    "draft",
    "duty_period",
    "intent_cycle",
    "interval_change",
    "level_change",
    "open_by_due",
    "open_by_met",
    "pin_lockout",
    "registration",
    "report_signoff",
    "rotation_skip",
    "sales_target",
    "setting",
    "staff",
    "staff_key",
]

FUNCTION = f"""CREATE FUNCTION "frontdesk_notify_change"() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  PERFORM pg_notify('{CHANNEL}', TG_TABLE_NAME);
  RETURN NULL;
END $$"""
TRIGGER = """CREATE TRIGGER "{table}_notify_change"
    AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON "{table}"
    FOR EACH STATEMENT EXECUTE FUNCTION "frontdesk_notify_change"()"""


def up(migrator, db):
    if dialect.is_postgres(db):
        dialect.run(db, [FUNCTION, *(TRIGGER.format(table=table) for table in TABLES)])
