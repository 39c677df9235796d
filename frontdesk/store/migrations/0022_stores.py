# ruff: noqa: E501
"""Stores (门店): a table of them, every store-owned row carrying its store, unique keys
led by it; on PostgreSQL, a store's rows shown and taken only by a connection working in
that store (row-level security, fail closed).

- ``store`` (id, code unique, name, created_at): one row, ``main``, id 1, named after the
  setting ``store_name`` (``main`` without one) — an SQLite file's own store, and on
  PostgreSQL the store of every row written before this migration. Group-wide: no
  ``store_id``, no policy (a terminal reads it to find its store by code).
- Every other table (``TABLES``: all but the migrations' ledger) gets ``store_id``
  ``INTEGER NOT NULL DEFAULT 1``: every row kept, as store 1's. Staff too, for now (one
  person across stores is a later step).
- Unique keys lead with the store: a phone, a login, a code-list entry, a draft's form … is
  unique per store. The setting's key is its primary key: the table is rebuilt on SQLite
  with the key (store, key); PostgreSQL changes its primary key in place. The customer's
  phone keeps an index of its own (not unique): an SQLite store's lookups by phone name no
  store. The counts of 0020 are kept per store: their triggers are written again with the
  store in the key they count under.
- PostgreSQL only: ``store_id`` references ``store``, and defaults to the connection's
  ``frontdesk.store_id`` (``current_setting``: an insert on a connection without it fails);
  each store-owned table has ROW LEVEL SECURITY enabled and forced (its owner too) and the
  policy ``<table>_store``: a row is seen, changed and written only where its ``store_id``
  is the connection's setting; a connection without the setting sees no row and can write
  none. A later migration's new store-owned table gets the same (``POSTGRES_STORE_OWNED``;
  ``tests/test_store_isolation.py`` fails without it). ``store`` gets 0021's notice trigger.

SQLite cannot add a column with a foreign key and a default to rows kept while foreign
keys are on, and an SQLite file holds one store: there the column references nothing.
On SQLite the schema is otherwise the models'; frozen SQL, like every migration.
"""

from frontdesk import clock
from frontdesk.store import dialect

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

_STORE = [
    'CREATE TABLE "store" ("id" INTEGER NOT NULL PRIMARY KEY, "code" VARCHAR(255) NOT NULL, "name" VARCHAR(255) NOT NULL, "created_at" DATETIME NOT NULL)',
    'CREATE UNIQUE INDEX "store_code" ON "store" ("code")',
]
_MAIN = """INSERT INTO "store" ("code", "name", "created_at")
  VALUES ('main', COALESCE((SELECT "value" FROM "setting" WHERE "key" = 'store_name' AND "value" <> ''), 'main'), ?)"""
_ADD = 'ALTER TABLE "{table}" ADD COLUMN "store_id" INTEGER NOT NULL DEFAULT 1'

# The setting's primary key (store, key): SQLite rebuilds the table (it has no trigger).
_SQLITE_SETTING = [
    'ALTER TABLE "setting" RENAME TO "setting_before_stores"',
    'CREATE TABLE "setting" ("store_id" INTEGER NOT NULL DEFAULT 1, "key" VARCHAR(255) NOT NULL, "value" TEXT NOT NULL, PRIMARY KEY ("store_id", "key"))',
    'INSERT INTO "setting" ("store_id", "key", "value") SELECT 1, "key", "value" FROM "setting_before_stores"',
    'DROP TABLE "setting_before_stores"',
]
_POSTGRES_SETTING = [
    'ALTER TABLE "setting" DROP CONSTRAINT "setting_pkey"',
    'ALTER TABLE "setting" ADD PRIMARY KEY ("store_id", "key")',
]

# Unique keys led by the store: (old index, new index, table, columns).
_UNIQUE = [
    ("staff_name", "staff", '"store_id", "name"'),
    ("staff_login", "staff", '"store_id", "login"'),
    ("code_item_kind_name", "code_item", '"store_id", "kind", "name"'),
    ("customer_phone", "customer", '"store_id", "phone"'),
    ("draft_owner_form", "draft", '"store_id", "owner", "form"'),
    ("staff_key_fingerprint", "staff_key", '"store_id", "fingerprint"'),
    ("pin_lockout_staff_id_terminal", "pin_lockout", '"store_id", "staff_id", "terminal"'),
    (
        "sales_target_month_consultant_id_model",
        "sales_target",
        '"store_id", "month", "consultant_id", "model"',
    ),
    (
        "open_by_met_consultant_id_level_met_month",
        "open_by_met",
        '"store_id", "consultant_id", "level", "met_month"',
    ),
    (
        "open_by_due_consultant_id_level_next_due",
        "open_by_due",
        '"store_id", "consultant_id", "level", "next_due"',
    ),
]


def _index_name(table: str, columns: str) -> str:
    return "_".join([table, *(column.strip(' "') for column in columns.split(","))])


def _unique_keys() -> list[str]:
    statements = []
    for old, table, columns in _UNIQUE:
        statements.append(f'DROP INDEX "{old}"')
        statements.append(
            f'CREATE UNIQUE INDEX "{_index_name(table, columns)}" ON "{table}" ({columns})'
        )
    statements.append('CREATE INDEX "customer_phone" ON "customer" ("phone")')
    return statements


# The counts of 0020, by store: a cycle's figures are added under its store and taken from it.
def _counting(met: str, qualified: bool = False) -> tuple[str, str]:
    by_met, by_due = ('"open_by_met".', '"open_by_due".') if qualified else ("", "")
    add = f"""INSERT INTO "open_by_met" ("store_id", "consultant_id", "level", "met_month", "number")
  VALUES (NEW."store_id", NEW."open_consultant_id", NEW."open_level", {met.format(row="NEW")}, 1)
  ON CONFLICT ("store_id", "consultant_id", "level", "met_month") DO UPDATE SET "number" = {by_met}"number" + 1;
INSERT INTO "open_by_due" ("store_id", "consultant_id", "level", "next_due", "number")
  VALUES (NEW."store_id", NEW."open_consultant_id", NEW."open_level", NEW."open_due", 1)
  ON CONFLICT ("store_id", "consultant_id", "level", "next_due") DO UPDATE SET "number" = {by_due}"number" + 1;"""
    met_key = f"""WHERE "store_id" = OLD."store_id" AND "consultant_id" = OLD."open_consultant_id"
    AND "level" = OLD."open_level" AND "met_month" = {met.format(row="OLD")}"""
    due_key = """WHERE "store_id" = OLD."store_id" AND "consultant_id" = OLD."open_consultant_id"
    AND "level" = OLD."open_level" AND "next_due" = OLD."open_due\""""
    take = f"""UPDATE "open_by_met" SET "number" = "number" - 1 {met_key};
DELETE FROM "open_by_met" {met_key} AND "number" = 0;
UPDATE "open_by_due" SET "number" = "number" - 1 {due_key};
DELETE FROM "open_by_due" {due_key} AND "number" = 0;"""
    return add, take


_MET = "COALESCE(substr({row}.\"met_at\", 1, 7), '')"
_SQLITE_ADD, _SQLITE_TAKE = _counting(_MET)
_CHANGED = """OLD."open_level" IS NOT NEW."open_level" OR OLD."open_due" IS NOT NEW."open_due"
    OR OLD."open_consultant_id" IS NOT NEW."open_consultant_id" OR OLD."met_at" IS NOT NEW."met_at\""""
_SQLITE_COUNTS = [
    'DROP TRIGGER "open_counts_on_insert"',
    'DROP TRIGGER "open_counts_on_delete"',
    'DROP TRIGGER "open_counts_take_on_update"',
    'DROP TRIGGER "open_counts_add_on_update"',
    f"""CREATE TRIGGER "open_counts_on_insert" AFTER INSERT ON "intent_cycle"
        WHEN NEW."open_level" IS NOT NULL BEGIN {_SQLITE_ADD} END""",
    f"""CREATE TRIGGER "open_counts_on_delete" AFTER DELETE ON "intent_cycle"
        WHEN OLD."open_level" IS NOT NULL BEGIN {_SQLITE_TAKE} END""",
    f"""CREATE TRIGGER "open_counts_take_on_update"
        AFTER UPDATE OF "open_level", "open_due", "open_consultant_id", "met_at" ON "intent_cycle"
        WHEN OLD."open_level" IS NOT NULL AND ({_CHANGED}) BEGIN {_SQLITE_TAKE} END""",
    f"""CREATE TRIGGER "open_counts_add_on_update"
        AFTER UPDATE OF "open_level", "open_due", "open_consultant_id", "met_at" ON "intent_cycle"
        WHEN NEW."open_level" IS NOT NULL AND ({_CHANGED}) BEGIN {_SQLITE_ADD} END""",
]

_PG_MET = "COALESCE(to_char({row}.\"met_at\", 'YYYY-MM'), '')"
_PG_ADD, _PG_TAKE = _counting(_PG_MET, qualified=True)
_PG_CHANGED = """(OLD."open_level", OLD."open_due", OLD."open_consultant_id", OLD."met_at", OLD."store_id")
         IS DISTINCT FROM (NEW."open_level", NEW."open_due", NEW."open_consultant_id", NEW."met_at", NEW."store_id")"""
_PG_COUNTS = f"""CREATE OR REPLACE FUNCTION "open_counts"() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP <> 'INSERT' AND OLD."open_level" IS NOT NULL AND (TG_OP = 'DELETE' OR {_PG_CHANGED}) THEN
    {_PG_TAKE}
  END IF;
  IF TG_OP <> 'DELETE' AND NEW."open_level" IS NOT NULL AND (TG_OP = 'INSERT' OR {_PG_CHANGED}) THEN
    {_PG_ADD}
  END IF;
  RETURN NULL;
END $$"""

# PostgreSQL: the store's own rows only, for every store-owned table.
SETTING = "NULLIF(current_setting('frontdesk.store_id', true), '')::int"
POSTGRES_STORE_OWNED = [
    'ALTER TABLE "{table}" ADD FOREIGN KEY ("store_id") REFERENCES "store" ("id")',
    """ALTER TABLE "{table}" ALTER COLUMN "store_id" SET DEFAULT current_setting('frontdesk.store_id')::int""",
    'ALTER TABLE "{table}" ENABLE ROW LEVEL SECURITY',
    'ALTER TABLE "{table}" FORCE ROW LEVEL SECURITY',
    f'CREATE POLICY "{{table}}_store" ON "{{table}}" USING ("store_id" = {SETTING}) WITH CHECK ("store_id" = {SETTING})',
]
_POSTGRES_NOTICE = """CREATE TRIGGER "store_notify_change"
    AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON "store"
    FOR EACH STATEMENT EXECUTE FUNCTION "frontdesk_notify_change"()"""


def up(migrator, db):
    dialect.run(db, _STORE)
    dialect.run(db, _MAIN, (clock.now().strftime("%Y-%m-%d %H:%M:%S"),))
    postgres = dialect.is_postgres(db)
    for table in TABLES:
        if table != "setting" or postgres:
            dialect.run(db, _ADD.format(table=table))
    dialect.run(db, _POSTGRES_SETTING if postgres else _SQLITE_SETTING)
    dialect.run(db, _unique_keys())
    if not postgres:
        dialect.run(db, _SQLITE_COUNTS)
        return
    dialect.run(db, _PG_COUNTS)
    for table in TABLES:
        dialect.run(db, [statement.format(table=table) for statement in POSTGRES_STORE_OWNED])
    dialect.run(db, _POSTGRES_NOTICE)
