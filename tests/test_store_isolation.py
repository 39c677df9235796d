"""A dealer group's stores in one PostgreSQL database: every store-owned table is kept to
the connection's store by a forced row-level security policy (migration 0022), so a
terminal of one store never sees nor writes another's rows, and a connection that names no
store sees nothing (fail closed).

The terminals connect as a role that does not own the tables (as the README sets the app
up); the tests' own server user is a superuser, which row-level security never binds.
These need a PostgreSQL server (``tests.postgres``); without one they are skipped.
"""

from __future__ import annotations

import contextlib
import uuid

import psycopg
import pytest

from frontdesk import clock, store
from frontdesk.desk import day_log, registration
from frontdesk.followup import contact_table
from frontdesk.people import team
from frontdesk.people.actor import OPERATOR, Actor
from frontdesk.stats import statistics
from frontdesk.store import MIGRATIONS_TABLE, row_security, stores
from frontdesk.store.models import GROUP_WIDE_TABLES, Store, database

PHONE = "13800138000"


@pytest.fixture
def group(pg_cluster, pg_url, frozen_clock):
    """A group's database with the stores A and B: the URL as the desks' role, which owns
    no table (``tests.postgres.Cluster.as_desk``)."""
    db = store.open_store(pg_url, any_store=True)
    stores.add_store("A", "A店", by=OPERATOR)
    stores.add_store("B", "B店", by=OPERATOR)
    store.close_store()
    db.close_all()
    return pg_cluster.as_desk(pg_url)


@contextlib.contextmanager
def working_in(url: str, code: str):
    """A terminal of the store ``code``, for a block."""
    db = store.open_store(url, code)
    try:
        yield db
    finally:
        store.close_store()
        db.close_all()


def _tables(url: str) -> list[row_security.TableSecurity]:
    """Each table: its row-level security, store_id and policies (``store.row_security``,
    the query doctor asks too)."""
    db = store.open_store(url, "main")
    try:
        return row_security.tables(db)
    finally:
        store.close_store()
        db.close_all()


def test_every_table_with_a_store_has_its_policy_and_row_level_security_forced(pg_url):
    owned = [table for table in _tables(pg_url) if table.has_store]
    assert len(owned) >= 21
    assert [table.name for table in owned] == row_security.store_owned_tables()  # the models'
    for table in owned:
        assert table.enabled and table.forced, f"{table.name}: not enabled and forced"
        expression = row_security.POLICY_EXPRESSION
        assert table.policies == (f"{table.name}_store:{expression}:{expression}",), table.name
        assert table.guarded


def test_every_table_but_the_group_wide_ones_has_a_store(pg_url):
    without = {table.name for table in _tables(pg_url) if not table.has_store}
    assert without == {MIGRATIONS_TABLE, *GROUP_WIDE_TABLES}  # every other table is a store's


def _a_customer_at(desk: Actor, name: str) -> None:
    registration.register(
        registration.RegistrationInput(
            kind="walkin", phone=PHONE, name=name, level="H", party_size=2, time_in="09:05"
        ),
        by=desk,
    )


def _what_the_terminal_sees() -> tuple:
    today = clock.today()
    log = [(row.phone, row.name) for row in day_log.day_log(today)]
    day = statistics.daily_statistics(today)
    f = contact_table.current_filter(OPERATOR)
    contacts = [row.name for row in contact_table.page(f)]
    return log, day.parties, contacts, contact_table.count(f)


def test_each_store_sees_its_own_rows_only_the_same_phone_in_each(group):
    for code, name in (("A", "王先生"), ("B", "李女士")):
        with working_in(group, code):
            team.add_staff("王磊", "consultant", by=OPERATOR)  # the same name in each store
            desk = Actor.member(team.add_staff("赵敏", "receptionist", by=OPERATOR))
            _a_customer_at(desk, name)
    with working_in(group, "A"):
        assert _what_the_terminal_sees() == ([(PHONE, "王先生")], 1, ["王先生"], 1)
        assert [member.name for member in team.list_staff()] == ["王磊", "赵敏"]
    with working_in(group, "B"):
        assert _what_the_terminal_sees() == ([(PHONE, "李女士")], 1, ["李女士"], 1)


def test_a_connection_without_a_store_sees_and_writes_nothing(group):
    with working_in(group, "A"):
        desk = Actor.member(team.add_staff("赵敏", "receptionist", by=OPERATOR))
        _a_customer_at(desk, "王先生")
    with psycopg.connect(group) as bare:  # the role's own connection, naming no store
        assert bare.execute("SELECT * FROM registration").fetchall() == []
        assert bare.execute("SELECT count(*) FROM customer").fetchone() == (0,)
        with pytest.raises(psycopg.errors.UndefinedObject):  # no store: no default store_id
            bare.execute("INSERT INTO setting (key, value) VALUES ('x', 'y')")


def test_a_store_cannot_write_a_row_of_another_store(group):
    with working_in(group, "A") as db:
        team.add_staff("王磊", "consultant", by=OPERATOR)
        other = Store.get(Store.code == "B").id
        with pytest.raises(Exception, match="row-level security"), database.atomic():
            db.execute_sql(
                "INSERT INTO setting (store_id, key, value) VALUES (%s, 'store_name', 'x')",
                (other,),
            )
        own = Store.get(Store.code == "A").id
        with pytest.raises(Exception, match="row-level security"), database.atomic():
            db.execute_sql("UPDATE staff SET store_id = %s WHERE store_id = %s", (other, own))


def test_the_policies_bind_the_tables_owner_too(pg_cluster, frozen_clock):
    """A database owned by a role that is no superuser, migrated by it: it owns the tables,
    and without a store sees none of their rows (FORCE ROW LEVEL SECURITY)."""
    owner = "frontdesk_owner"
    with psycopg.connect(
        host=str(pg_cluster.socket), user="frontdesk", dbname="postgres", autocommit=True
    ) as admin:
        if admin.execute("SELECT 1 FROM pg_roles WHERE rolname = %s", (owner,)).fetchone() is None:
            admin.execute(f'CREATE ROLE "{owner}" LOGIN')
        name = f"owned_{uuid.uuid4().hex[:12]}"
        admin.execute(f'CREATE DATABASE "{name}" OWNER "{owner}"')
    url = pg_cluster.url(name).replace("postgresql://frontdesk@", f"postgresql://{owner}@")
    db = store.open_store(url, "main")  # migrated by the owner, then in the store main
    try:
        assert Store.select().count() == 1
        seen = db.execute_sql("SELECT count(*) FROM code_item").fetchone()[0]
        assert seen > 0  # the default channels, main's
        table_owner = db.execute_sql(
            "SELECT tableowner FROM pg_tables WHERE tablename = 'code_item'"
        ).fetchone()
        assert table_owner == (owner,)
    finally:
        store.close_store()
        db.close_all()
    with psycopg.connect(url) as bare:
        assert bare.execute("SELECT count(*) FROM code_item").fetchone() == (0,)


def test_a_terminal_naming_no_store_or_an_unknown_one_is_told_the_codes(group):
    with pytest.raises(stores.StoreNotFound) as missing:
        store.open_store(group)
    assert "A, B, main" in str(missing.value)
    with pytest.raises(stores.StoreNotFound) as unknown:
        store.open_store(group, "C")
    assert "C" in str(unknown.value) and "A, B, main" in str(unknown.value)
    store.close_store()
    database.obj.close_all()


def test_each_store_writes_under_its_own_lock(group):
    with working_in(group, "A") as db:
        assert db.write_lock[1] == Store.get(Store.code == "A").id
        with database.atomic():
            (held,) = db.execute_sql(
                "SELECT objid FROM pg_locks WHERE locktype = 'advisory' AND pid = pg_backend_pid()"
            ).fetchone()
        assert held == db.store_id
