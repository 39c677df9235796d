"""A store's own rows found by their store on PostgreSQL (门店索引): the store-owned
tables' indexes for filters and ranges lead with ``store_id`` there.

A dealer group's database holds every store's rows; row-level security (0022, 0023)
keeps a connection to its store's, but its USING (the store's rows, or every store's in a
group manager's read) is an OR the planner cannot seek an index by. A day's registrations
were read from the index on ``time_in`` for all the group's stores, and the policy threw
away all but the store's (9,192 read, 89 kept, on the benchmarks' group of 100 stores).
Here each such index is replaced by one led by the store (``REPLACED``: old index, table,
new columns); a query that names its store (``dialect.this_store``) seeks the store's part
of it alone. The customer's own index on the phone goes: its key (store, phone), unique
since 0022, finds a phone in a store.

Kept as they are: the primary keys, the unique keys (led by the store since 0022), and
the indexes led by a referencing id (a customer, a staff member, a registration …): an id
is unique across the group, its rows one store's. ``tests/test_postgres_store.py`` fails
when a store-owned table on PostgreSQL has another index that does not lead with the store.

On SQLite nothing (its row in the ledger only): a file is one store, its queries name no
store, and its indexes stay byte for byte. No row is changed; frozen SQL, like every
migration.
"""

from frontdesk.store import dialect

# (old index, table, new columns): the new index is named after its table and columns.
REPLACED = [
    ("audit_entry_at", "audit_entry", ("store_id", "at")),
    ("audit_entry_entity_entity_id", "audit_entry", ("store_id", "entity", "entity_id")),
    ("close_application_applied_at", "close_application", ("store_id", "applied_at")),
    (
        "close_application_status_applied_at",
        "close_application",
        ("store_id", "status", "applied_at"),
    ),
    ("contact_at", "contact", ("store_id", "at")),
    ("customer_initials", "customer", ("store_id", "initials")),
    ("customer_level", "customer", ("store_id", "level")),
    ("customer_level_next_due", "customer", ("store_id", "level", "next_due")),
    (
        "customer_level_next_due_first_contact",
        "customer",
        ("store_id", "level", "next_due", "first_contact"),
    ),
    ("customer_next_due", "customer", ("store_id", "next_due")),
    ("day_close_day", "day_close", ("store_id", "day")),
    ("duty_period_started_at", "duty_period", ("store_id", "started_at")),
    ("intent_cycle_closed_at", "intent_cycle", ("store_id", "closed_at")),
    ("intent_cycle_met_at", "intent_cycle", ("store_id", "met_at")),
    (
        "intent_cycle_opened_at_id_closed_at_customer_id",
        "intent_cycle",
        ("store_id", "opened_at", "id", "closed_at", "customer_id"),
    ),
    ("interval_change_at", "interval_change", ("store_id", "at")),
    ("level_change_at", "level_change", ("store_id", "at")),
    ("registration_kind_time_in", "registration", ("store_id", "kind", "time_in")),
    ("registration_phone", "registration", ("store_id", "phone")),
    ("registration_time_in", "registration", ("store_id", "time_in")),
    ("report_signoff_day", "report_signoff", ("store_id", "day")),
    ("rotation_skip_at", "rotation_skip", ("store_id", "at")),
]
# Gone without a new one: the unique key ("store_id", "phone") of 0022 serves.
DROPPED = ["customer_phone"]


def index_name(table: str, columns: tuple[str, ...]) -> str:
    return "_".join([table, *columns])


def _statements() -> list[str]:
    statements = [f'DROP INDEX "{name}"' for name in DROPPED]
    for old, table, columns in REPLACED:
        listed = ", ".join(f'"{column}"' for column in columns)
        statements.append(f'DROP INDEX "{old}"')
        statements.append(f'CREATE INDEX "{index_name(table, columns)}" ON "{table}" ({listed})')
    return statements


def up(migrator, db):
    if dialect.is_postgres(db):
        dialect.run(db, _statements())
