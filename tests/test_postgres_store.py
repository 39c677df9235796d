"""A dealer group's store on PostgreSQL: the migrations build the SQLite store's schema
there, and the counts the store keeps (migration 0020) follow the rows on both engines.

These need a PostgreSQL server (``tests.postgres``); without one they are skipped and the
run's summary says so.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from contextlib import contextmanager

import pytest

from frontdesk import store
from frontdesk.store import dialect, row_security
from frontdesk.store.models import Customer, IntentCycle, Person, Staff, database

# SQLite's declared types, as PostgreSQL's information_schema names them.
PG_TYPES = {
    "INTEGER": "integer",
    "VARCHAR(255)": "character varying",
    "TEXT": "text",
    "DATE": "date",
    "DATETIME": "timestamp without time zone",
}

_PG_INDEXES = """
SELECT i.relname, t.relname, ix.indisunique, array_agg(a.attname ORDER BY k.n)
  FROM pg_index ix
  JOIN pg_class i ON i.oid = ix.indexrelid
  JOIN pg_class t ON t.oid = ix.indrelid
  JOIN pg_namespace ns ON ns.oid = t.relnamespace
 CROSS JOIN LATERAL unnest(ix.indkey) WITH ORDINALITY AS k(attnum, n)
  JOIN pg_attribute a ON a.attrelid = t.oid AND a.attnum = k.attnum
 WHERE ns.nspname = 'public' AND NOT ix.indisprimary
 GROUP BY 1, 2, 3
"""


@contextmanager
def bound(target: str):
    """The models bound to a migrated store at ``target`` (either engine), for a block."""
    db = store.make_database(target, "main")
    database.initialize(db)
    db.connect()
    try:
        store.migrate(db)
        if dialect.is_postgres(db):
            db.enter_store()
        yield db
    finally:
        db.close()


def sqlite_schema(db) -> tuple[dict, dict]:
    tables = {}
    for (name,) in db.execute_sql(
        "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'"
    ).fetchall():
        rows = db.execute_sql(f'PRAGMA table_info("{name}")').fetchall()
        tables[name] = {
            column: (PG_TYPES[kind.upper()], bool(notnull or primary))
            for _, column, kind, notnull, _, primary in rows
        }
    indexes = {}
    for name, table in db.execute_sql(
        "SELECT name, tbl_name FROM sqlite_master WHERE type = 'index' AND sql IS NOT NULL"
    ).fetchall():
        columns = [row[2] for row in db.execute_sql(f'PRAGMA index_info("{name}")').fetchall()]
        unique = (
            "UNIQUE"
            in db.execute_sql("SELECT sql FROM sqlite_master WHERE name = ?", (name,))
            .fetchone()[0]
            .upper()
            .split("INDEX")[0]
        )
        indexes[name] = (table, unique, columns)
    return tables, indexes


def postgres_schema(db) -> tuple[dict, dict]:
    tables: dict[str, dict] = {}
    for table, column, kind, nullable in db.execute_sql(
        "SELECT table_name, column_name, data_type, is_nullable FROM information_schema.columns"
        " WHERE table_schema = 'public'"
    ).fetchall():
        tables.setdefault(table, {})[column] = (kind, nullable == "NO")
    indexes = {
        name: (table, unique, list(columns))
        for name, table, unique, columns in db.execute_sql(_PG_INDEXES).fetchall()
    }
    return tables, indexes


def test_the_migrations_build_the_same_schema_on_postgresql(tmp_path, pg_url, frozen_clock):
    with bound(str(tmp_path / "store.db")) as db:
        on_sqlite = sqlite_schema(db)
        sqlite_version = store.schema_version(db)
    with bound(pg_url) as db:
        assert dialect.is_postgres(database)
        on_postgres = postgres_schema(db)
        assert store.schema_version(db) == sqlite_version
    assert set(on_postgres[0]) == set(on_sqlite[0])  # the same tables
    for table, columns in on_sqlite[0].items():
        assert on_postgres[0][table] == columns, table
    # The same indexes, by name, columns and uniqueness, but those PostgreSQL leads with the
    # store (0025), written here by hand.
    expected = dict(on_sqlite[1])
    for gone in ["customer_phone", *STORE_LED]:
        del expected[gone]
    for table, columns in STORE_LED.values():
        expected["_".join([table, *columns])] = (table, False, list(columns))
    assert on_postgres[1] == expected


# The indexes 0025 leads with the store on PostgreSQL: (table, new columns), by old name.
STORE_LED = {
    "audit_entry_at": ("audit_entry", ("store_id", "at")),
    "audit_entry_entity_entity_id": ("audit_entry", ("store_id", "entity", "entity_id")),
    "close_application_applied_at": ("close_application", ("store_id", "applied_at")),
    "close_application_status_applied_at": (
        "close_application",
        ("store_id", "status", "applied_at"),
    ),
    "contact_at": ("contact", ("store_id", "at")),
    "customer_initials": ("customer", ("store_id", "initials")),
    "customer_level": ("customer", ("store_id", "level")),
    "customer_level_next_due": ("customer", ("store_id", "level", "next_due")),
    "customer_level_next_due_first_contact": (
        "customer",
        ("store_id", "level", "next_due", "first_contact"),
    ),
    "customer_next_due": ("customer", ("store_id", "next_due")),
    "day_close_day": ("day_close", ("store_id", "day")),
    "duty_period_started_at": ("duty_period", ("store_id", "started_at")),
    "intent_cycle_closed_at": ("intent_cycle", ("store_id", "closed_at")),
    "intent_cycle_met_at": ("intent_cycle", ("store_id", "met_at")),
    "intent_cycle_opened_at_id_closed_at_customer_id": (
        "intent_cycle",
        ("store_id", "opened_at", "id", "closed_at", "customer_id"),
    ),
    "interval_change_at": ("interval_change", ("store_id", "at")),
    "level_change_at": ("level_change", ("store_id", "at")),
    "registration_kind_time_in": ("registration", ("store_id", "kind", "time_in")),
    "registration_phone": ("registration", ("store_id", "phone")),
    "registration_time_in": ("registration", ("store_id", "time_in")),
    "report_signoff_day": ("report_signoff", ("store_id", "day")),
    "rotation_skip_at": ("rotation_skip", ("store_id", "at")),
}


def test_every_index_of_a_store_owned_table_on_postgresql_leads_with_the_store(
    pg_url, frozen_clock
):
    """A group's database holds every store's rows and row-level security's OR is no index
    condition: an index that a filter or a range is sought by leads with ``store_id``, or
    with a referencing id (a customer's, a staff member's …: unique across the group). A
    later migration's new index that forgets it fails here."""
    with bound(pg_url) as db:
        indexes = postgres_schema(db)[1]
    owned = set(row_security.store_owned_tables())
    astray = sorted(
        name
        for name, (table, unique, columns) in indexes.items()
        if table in owned
        and not unique
        and columns[0] != "store_id"
        and not columns[0].endswith("_id")
    )
    assert astray == []


def test_migrating_again_changes_nothing_on_postgresql(pg_url, frozen_clock):
    with bound(pg_url) as db:
        first = postgres_schema(db)
        assert store.migrate(db) == []
        assert postgres_schema(db) == first


def _person(login: str, name: str) -> int:
    """A person of the group, for a member written by hand (``team`` adds both)."""
    return Person.create(login=login, name=name).id


def test_yes_no_columns_hold_the_numbers_1_and_0_on_postgresql(pg_url, frozen_clock):
    with bound(pg_url) as db:
        Staff.create(
            person_id=_person("wanglei", "王磊"),
            name="王磊",
            login="wanglei",
            role="consultant",
            active=True,
            on_duty=False,
        )
        assert db.execute_sql('SELECT "active", "on_duty" FROM "staff"').fetchone() == (1, 0)
        member = Staff.get(Staff.login == "wanglei")
        assert member.active is True and member.on_duty is False
        assert Staff.select().where(Staff.active == True).count() == 1  # noqa: E712


def _recount() -> tuple[Counter, Counter]:
    """The foot's counts from the rows, in Python: every open cycle of a customer with a
    level and a due date, by (consultant, level, month met) and (consultant, level, due)."""
    query = (
        IntentCycle.select(
            Customer.consultant, Customer.level, Customer.next_due, IntentCycle.met_at
        )
        .join(Customer)
        .where(
            IntentCycle.closed_at.is_null()
            & Customer.level.is_null(False)
            & Customer.next_due.is_null(False)
        )
        .tuples()
    )
    by_met: Counter = Counter()
    by_due: Counter = Counter()
    for consultant, level, due, met_at in query:
        met_month = met_at.strftime("%Y-%m") if met_at else ""
        by_met[consultant or 0, level, met_month] += 1
        by_due[consultant or 0, level, due] += 1
    return by_met, by_due


def _kept(db) -> tuple[Counter, Counter]:
    met = db.execute_sql(
        'SELECT "consultant_id", "level", "met_month", "number" FROM "open_by_met"'
    ).fetchall()
    due = db.execute_sql(
        'SELECT "consultant_id", "level", "next_due", "number" FROM "open_by_due"'
    ).fetchall()
    as_date = dt.date.fromisoformat
    return (
        Counter({(c, lv, m): n for c, lv, m, n in met}),
        Counter({(c, lv, d if isinstance(d, dt.date) else as_date(d)): n for c, lv, d, n in due}),
    )


def _story(db) -> list[tuple[Counter, Counter]]:
    """Customers and cycles written, changed, closed, reopened, moved and deleted; after
    each step the kept counts must equal the recount. Returns the kept counts of each."""
    day = dt.date(2026, 11, 25)
    wang = Staff.create(
        person_id=_person("wanglei", "王磊"),
        name="王磊",
        login="wanglei",
        role="consultant",
        active=True,
    )
    li = Staff.create(
        person_id=_person("lina", "李娜"), name="李娜", login="lina", role="consultant", active=True
    )
    first = Customer.create(phone="13800000001", level="H", next_due=day, consultant=wang)
    second = Customer.create(phone="13800000002", level="A", next_due=day + dt.timedelta(3))
    third = Customer.create(phone="13800000003")
    opened = dt.datetime(2026, 11, 3, 10)
    kept = []

    def check() -> None:
        found = _kept(db)
        assert found == _recount()
        kept.append(found)

    cycle = {"opened_at": opened, "opened_by": "walkin"}
    IntentCycle.create(customer=first, opened_level="H", met_at=opened, **cycle)
    earlier = {"opened_at": opened - dt.timedelta(60), "closed_at": opened - dt.timedelta(30)}
    IntentCycle.create(
        customer=first, opened_by="call", opened_level="B", closed_as="lost", **earlier
    )
    late = IntentCycle.create(customer=second, opened_at=opened, opened_by="call", opened_level="A")
    stray = IntentCycle.create(
        customer=third, opened_at=opened, opened_by="walkin", opened_level="C"
    )
    check()
    Customer.update(level="B", next_due=day + dt.timedelta(7), consultant=li).where(
        Customer.id == second.id
    ).execute()
    check()
    IntentCycle.update(met_at=opened + dt.timedelta(20)).where(IntentCycle.id == late.id).execute()
    check()
    IntentCycle.update(closed_at=opened + dt.timedelta(21), closed_as="defeat").where(
        IntentCycle.id == late.id
    ).execute()
    check()
    IntentCycle.update(closed_at=None, closed_as=None).where(IntentCycle.id == late.id).execute()
    check()
    IntentCycle.update(customer=first.id).where(IntentCycle.id == stray.id).execute()
    check()
    Customer.delete().where(Customer.id == second.id).execute()
    check()
    Customer.update(level=None, next_due=None).where(Customer.id == first.id).execute()
    check()
    return kept


def test_the_kept_counts_follow_the_rows_alike_on_both_engines(tmp_path, pg_url, frozen_clock):
    with bound(str(tmp_path / "store.db")) as db:
        on_sqlite = _story(db)
    with bound(pg_url) as db:
        on_postgres = _story(db)
    assert on_postgres == on_sqlite
    assert on_sqlite[0][0] and not on_sqlite[-1][0]  # counted, then nothing left open to count


# -- the project's own SQL in PostgreSQL's words (no server needed) ---------------------------


@pytest.mark.parametrize(
    ("written", "on_postgres"),
    [
        ('SELECT 1 FROM "t" WHERE "a" = ? AND "b" IN (?, ?)',
         'SELECT 1 FROM "t" WHERE "a" = %s AND "b" IN (%s, %s)'),
        ('UPDATE "t" SET "v" = ? WHERE "v" IS NOT (SELECT 2)',
         'UPDATE "t" SET "v" = %s WHERE "v" IS DISTINCT FROM (SELECT 2)'),
        ('SELECT 1 WHERE "a" IS ? AND "b" IS NULL AND "c" IS NOT NULL',
         'SELECT 1 WHERE "a" IS NOT DISTINCT FROM %s AND "b" IS NULL AND "c" IS NOT NULL'),
        # a quoted text or name is kept, but for psycopg's doubled percent sign
        ("""SELECT 'why? IS NOT it' AS "is ? x" WHERE "n" LIKE '%?' AND "m" = ?""",
         """SELECT 'why? IS NOT it' AS "is ? x" WHERE "n" LIKE '%%?' AND "m" = %s"""),
        ("SELECT 'it''s ?' WHERE \"a\" = ?", "SELECT 'it''s ?' WHERE \"a\" = %s"),
        # Peewee's own SQL for PostgreSQL: unchanged
        ('SELECT "t1"."id" FROM "staff" AS "t1" WHERE ("t1"."name" = %s)',
         'SELECT "t1"."id" FROM "staff" AS "t1" WHERE ("t1"."name" = %s)'),
    ],
)  # fmt: skip
def test_the_projects_sql_is_put_in_postgresqls_words(written, on_postgres):
    assert dialect.raw_sql_for_postgres(written) == on_postgres


def test_a_migrations_sql_is_unchanged_on_sqlite_and_translated_for_postgresql():
    sqlite_db = store.make_database(":memory:")
    pg_db = store.make_database("postgresql://frontdesk@db.example/group")  # not connected
    table = 'CREATE TABLE "x" ("id" INTEGER NOT NULL PRIMARY KEY, "at" DATETIME NOT NULL)'
    assert dialect.sql(sqlite_db, table) == table
    assert dialect.sql(pg_db, table) == (
        'CREATE TABLE "x" ("id" INTEGER GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY,'
        ' "at" TIMESTAMP NOT NULL)'
    )
    insert = 'INSERT OR IGNORE INTO "x" ("at") VALUES (?)'
    assert dialect.sql(sqlite_db, insert) == insert
    assert dialect.sql(pg_db, insert) == 'INSERT INTO "x" ("at") VALUES (?) ON CONFLICT DO NOTHING'


def _settings_staff_and_codes() -> tuple:
    from frontdesk.people import team
    from frontdesk.people.actor import OPERATOR
    from frontdesk.store import codes, settings

    settings.put(settings.STORE_NAME, "丰田4S店")
    settings.put(settings.STORE_NAME, "丰田4S店（东区）")  # the same key again: replaced
    team.add_staff("王磊", "consultant", by=OPERATOR)
    team.add_staff("李娜", "consultant", by=OPERATOR)
    team.add_staff("赵敏", "receptionist", by=OPERATOR)
    codes.add(codes.MODEL, "凯美瑞", "卡罗拉")
    return (
        settings.store_name(),
        [(m.name, m.role, m.active) for m in team.list_staff(active_only=True)],
        codes.names(codes.MODEL),
        codes.names(codes.CHANNEL),
    )


def test_settings_staff_and_code_lists_read_back_alike_on_both_engines(
    tmp_path, pg_url, frozen_clock
):
    with bound(str(tmp_path / "store.db")):
        on_sqlite = _settings_staff_and_codes()
    with bound(pg_url):
        on_postgres = _settings_staff_and_codes()
    assert on_postgres == on_sqlite
    assert on_sqlite[0] == "丰田4S店（东区）" and "凯美瑞" in on_sqlite[2] and on_sqlite[3]


def _a_morning_at_the_desk() -> tuple:
    """Walk-ins and calls registered through the desk's own service, then the day's log,
    its statistics and the month sheet as the core reads them."""
    from frontdesk import clock
    from frontdesk.desk import day_log, registration
    from frontdesk.people import team
    from frontdesk.people.actor import OPERATOR, Actor
    from frontdesk.stats import statistics
    from frontdesk.store import codes

    team.add_staff("王磊", "consultant", by=OPERATOR)
    desk = Actor.member(team.add_staff("赵敏", "receptionist", by=OPERATOR))
    codes.add(codes.MODEL, "凯美瑞")
    today = clock.today()
    entries = [
        {"kind": "walkin", "phone": "13800138000", "name": "王先生", "model": "凯美瑞",
         "level": "H", "party_size": 2, "time_in": "09:05", "test_drive": True},
        {"kind": "phone", "phone": "13900139000", "name": "李女士", "level": "A",
         "time_in": "09:40"},
        {"kind": "walkin", "phone": "13800138000", "party_size": 1, "time_in": "10:10",
         "time_out": "10:25"},
        {"kind": "walkin", "phone": "13900139000", "party_size": 3, "time_in": "10:20"},
    ]  # fmt: skip
    for entry in entries:
        registration.register(registration.RegistrationInput(**entry), by=desk)
    log = [
        (row.kind, row.time_in, row.phone, row.name, row.visit, row.level, row.party_size)
        for row in day_log.day_log(today)
    ]
    return log, statistics.daily_statistics(today), statistics.month_sheet(today.year, today.month)


def test_a_morning_at_the_desk_reads_the_same_on_both_engines(tmp_path, pg_url, frozen_clock):
    with bound(str(tmp_path / "store.db")):
        on_sqlite = _a_morning_at_the_desk()
    with bound(pg_url):
        on_postgres = _a_morning_at_the_desk()
    assert on_postgres == on_sqlite
    log, day, _ = on_sqlite
    assert len(log) == 4 and day.parties == 3 and day.returning == 1  # a returning walk-in
