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
import datetime as dt
import uuid

import psycopg
import pytest

from frontdesk import clock, store
from frontdesk.desk import day_log, registration
from frontdesk.errors import Forbidden, NotFound, ValidationError
from frontdesk.followup import close_review, contact_table, contacts
from frontdesk.people import pins, team
from frontdesk.people.actor import OPERATOR, Actor
from frontdesk.reports import compliance, losses
from frontdesk.stats import statistics
from frontdesk.store import MIGRATIONS_TABLE, codes, dialect, layers, row_security, settings, stores
from frontdesk.store.models import (
    GROUP_DEFAULT_TABLES,
    GROUP_WIDE_TABLES,
    Customer,
    GroupCodeItem,
    Person,
    Setting,
    Store,
    database,
)
from screens.app import FrontdeskApp
from tests.conftest import settle
from tests.test_statistics_screen import open_statistics

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
    setting = "(NULLIF(current_setting('frontdesk.store_id'::text, true), ''::text))::integer"
    group = "(COALESCE(current_setting('frontdesk.group_read'::text, true), ''::text) = 'on'::text)"
    seen = f"((store_id = {setting}) OR {group})"  # a group read sees every store (0023)
    written = f"(store_id = {setting})"  # but writes only into its own, always
    for table in owned:
        assert table.enabled and table.forced, f"{table.name}: not enabled and forced"
        assert table.policies == (f"{table.name}_store:{seen}:{written}",), table.name
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


# -- staff across stores, and the group manager's read (migration 0023) ------------------------


def test_one_person_is_on_two_stores_staff_with_a_role_and_the_same_pin_in_each(group):
    with working_in(group, "A"):
        member = team.add_staff("王磊", "consultant", by=OPERATOR)
        pins.set_pin(member, "2468", by=OPERATOR)
    with working_in(group, "B"):
        with pytest.raises(ValidationError):  # B's own new member may not take the login
            team.add_staff("王磊二", "consultant", login="wanglei", by=OPERATOR)
        joined = team.add_to_store("wanglei", "manager", by=OPERATOR)
        assert (joined.login, joined.name, joined.person_id) == ("wanglei", "王磊", member.id)
        here = team.find_staff("wanglei")
        assert here is not None and Actor.member(here).role == "manager"
        assert pins.verify_pin("2468", here.pin_hash)  # one PIN for the group
        with pytest.raises(ValidationError):  # on B's staff once
            team.add_to_store("wanglei", "consultant", by=OPERATOR)
    with working_in(group, "A"):
        here = team.find_staff("wanglei")
        assert here is not None and Actor.member(here).role == "consultant"
        assert [row.login for row in team.list_staff()] == ["wanglei"]
    with working_in(group, "main"):  # not on main's staff: refused, and told why
        assert team.find_staff("wanglei") is None
        with pytest.raises(NotFound, match="main") as refused:
            team.require_staff("wanglei")
        assert "wanglei" in str(refused.value)
        assert Person.select().count() == 1


def _customers_in_a_group_read() -> tuple[int, int]:
    with dialect.group_read(database):
        every = Customer.select().count()
    return every, Customer.select().count()


def test_a_group_read_sees_every_store_and_writes_none_and_ends_with_its_transaction(group):
    for code, name in (("A", "王先生"), ("B", "李女士")):
        with working_in(group, code):
            desk = Actor.member(team.add_staff("赵敏", "receptionist", by=OPERATOR))
            _a_customer_at(desk, name)
    with working_in(group, "A"):
        ids = {row.code: row.id for row in Store.select()}
        assert Customer.select().count() == 1
        assert _customers_in_a_group_read() == (2, 1)  # both stores, then A's alone again
        with pytest.raises(Exception, match="read-only"), dialect.group_read(database):
            Setting.create(key="x", value="y")
        never_inside_another = (database.atomic(), pytest.raises(RuntimeError))
        with never_inside_another[0], never_inside_another[1], dialect.group_read(database):
            pass
    with psycopg.connect(group) as bare:  # by hand: the group read never widens a write
        bare.execute("SELECT set_config('frontdesk.group_read', 'on', false)")
        bare.execute("SELECT set_config('frontdesk.store_id', %s, false)", (str(ids["A"]),))
        assert bare.execute("SELECT count(*) FROM customer").fetchone() == (2,)
        with pytest.raises(psycopg.errors.InsufficientPrivilege, match="row-level security"):
            bare.execute(
                "INSERT INTO setting (store_id, key, value) VALUES (%s, 'x', 'y')", (ids["B"],)
            )


def _walkin(desk: Actor, phone: str, time_in: str, **figures) -> None:
    registration.register(
        registration.RegistrationInput(
            kind="walkin", phone=phone, name="客户", level="H", time_in=time_in, **figures
        ),
        by=desk,
    )


def test_the_group_month_gives_each_store_and_the_total_summed_from_them(group):
    """Store A: two first walk-ins (one test drive and order) and a call; store B: one
    walk-in with a quote; main: nothing. Counted by hand."""
    with working_in(group, "A"):
        desk = Actor.member(team.add_staff("赵敏", "receptionist", by=OPERATOR))
        _walkin(desk, "13800138001", "09:05", test_drive=True, ordered=True)
        _walkin(desk, "13800138002", "09:40")
        registration.register(
            registration.RegistrationInput(kind="phone", phone="13800138003", time_in="10:00"),
            by=desk,
        )
        boss = team.add_staff("周总", "group_manager", by=OPERATOR)
        manager = team.add_staff("陈静", "manager", by=OPERATOR)
    with working_in(group, "B"):
        desk = Actor.member(team.add_staff("赵敏", "receptionist", by=OPERATOR))
        _walkin(desk, "13800138001", "10:10", quote=True)  # the same phone: B's own customer
    with working_in(group, "A"):
        with pytest.raises(Forbidden):  # a store's manager reads their own store only
            statistics.group_month(2026, 11, by=Actor.member(manager))
        sheet = statistics.group_month(2026, 11, by=Actor.member(boss))
        assert statistics.daily_statistics(clock.today()).parties == 2  # A's own, after it
    rows = {row.code: row.figures for row in sheet.stores}
    assert list(rows) == ["A", "B", "main"]
    figures = [
        (code, s.parties, s.first, s.test_drives, s.quotes, s.orders, s.calls, s.leads)
        for code, s in (*rows.items(), ("total", sheet.total))
    ]
    assert figures == [
        ("A", 2, 2, 1, 0, 1, 1, 3),
        ("B", 1, 1, 0, 1, 0, 0, 1),
        ("main", 0, 0, 0, 0, 0, 0, 0),
        ("total", 3, 3, 1, 1, 1, 1, 4),
    ]
    assert sheet.total.test_drive_rate == pytest.approx(1 / 3)  # from the sums, not 1/2 + 0
    assert rows["A"].order_rate == pytest.approx(1 / 2)
    assert sheet.to_json()["stores"][1]["store"] == "B"


def test_the_group_losses_give_each_store_and_the_total_summed_from_them(group):
    """A: a customer defeated, another applied for as lost (pending); B: one lost; main:
    none. Counted by hand; all met and closed today, so 0 days followed."""
    closes = {"A": ("defeat", "价格", "大众帕萨特"), "B": ("lost", "电话停机", "")}
    for code, (outcome, reason, competitor) in closes.items():
        with working_in(group, code):
            desk = Actor.member(team.add_staff("赵敏", "receptionist", by=OPERATOR))
            boss = Actor.member(team.add_staff("陈静", "manager", by=OPERATOR))
            _walkin(desk, "13800138001", "09:05")
            customer = Customer.get(Customer.phone == "13800138001")
            contacts.close_customer(customer.id, outcome, reason, competitor, by=boss)
            if code == "A":
                wang = team.add_staff("王磊", "consultant", by=OPERATOR)
                _walkin(desk, "13800138002", "09:30", consultant="王磊")
                other = Customer.get(Customer.phone == "13800138002")
                close_review.apply(other.id, "lost", "联系不上", by=Actor.member(wang))
                group_boss = Actor.member(team.add_staff("周总", "group_manager", by=OPERATOR))
    with working_in(group, "A"):
        with pytest.raises(Forbidden):
            losses.group_losses(clock.today(), by=boss)
        rolled = losses.group_losses(clock.today(), by=group_boss)
    figures = [
        (row.code, row.losses.defeat, row.losses.lost, row.applications.applied,
         row.applications.pending)
        for row in rolled.stores
    ]  # fmt: skip
    assert figures == [("A", 1, 0, 1, 1), ("B", 0, 1, 0, 0), ("main", 0, 0, 0, 0)]
    assert (rolled.losses.defeat, rolled.losses.lost, rolled.losses.mean_days) == (1, 1, 0.0)
    assert (rolled.applications.applied, rolled.applications.rate) == (1, 0.0)


def test_the_group_compliance_counts_each_store_alone_and_sums_the_total(group):
    """A: 王磊's H walk-in of 11-20 is due 11-22, called then (on time), due 11-24, not yet
    (open). B: 李娜's A walk-in of 11-10 is due 11-13, called 11-15 (late), due 11-18,
    called then (on time), due 11-21, not yet (open). main: nothing. Counted by hand
    (H every 2 days, A every 3); today is 11-25."""
    calls = {"A": ("王磊", "H", (20,), (22,)), "B": ("李娜", "A", (10,), (15, 18))}
    for code, (name, level, (day,), called) in calls.items():
        with working_in(group, code):
            team.add_staff(name, "consultant", by=OPERATOR)
            data = registration.RegistrationInput(
                kind="walkin", phone=PHONE, name="客户", level=level, consultant=name,
                time_in=dt.datetime(2026, 11, day, 10, 0),
            )  # fmt: skip
            customer_id = registration.register(data, by=OPERATOR).customer_id
            for when in called:
                contact = contacts.ContactInput(method="call", at=f"2026-11-{when} 10:00")
                contacts.record_contact(customer_id, contact, by=OPERATOR)
            if code == "A":
                boss = Actor.member(team.add_staff("周总", "group_manager", by=OPERATOR))
                manager = Actor.member(team.add_staff("陈静", "manager", by=OPERATOR))
    november = dt.date(2026, 11, 1)
    with working_in(group, "A"):
        with pytest.raises(Forbidden, match="展厅主管无权查看各门店及集团汇总"):
            compliance.group_compliance(november, by=manager)
        rolled = compliance.group_compliance(november, by=boss)
        own = compliance.compliance(november, by=manager).total  # A's own, after it
    counts = [
        (row.code, row.tally.planned, row.tally.on_time, row.tally.late, row.tally.open)
        for row in rolled.stores
    ]
    assert counts == [("A", 2, 1, 0, 1), ("B", 3, 1, 1, 1), ("main", 0, 0, 0, 0)]
    total = rolled.total
    assert (total.planned, total.on_time, total.late, total.open) == (5, 2, 1, 2)
    assert total.rate == 0.4  # 2 / 5 from the sums, not the mean of 1/2 and 1/3
    assert (own.planned, own.on_time, own.open) == (2, 1, 1)
    assert rolled.as_json()["stores"][1] == {
        "store": "B", "name": "B店", "planned": 3, "on_time": 1, "late": 1, "open": 1,
        "rate": 0.3333,
    }  # fmt: skip


async def test_f5_of_a_group_manager_shows_each_store_and_the_total_by_keys(group):
    """The desk of store A, a group manager signed in: F5, g. A: two first walk-ins, one
    with a test drive; B: one with a quote; main: none. Counted by hand."""
    with working_in(group, "A"):
        desk = Actor.member(team.add_staff("赵敏", "receptionist", by=OPERATOR))
        _walkin(desk, "13800138001", "09:05", test_drive=True)
        _walkin(desk, "13800138002", "09:40")
        boss = team.add_staff("周总", "group_manager", by=OPERATOR)
    with working_in(group, "B"):
        desk = Actor.member(team.add_staff("赵敏", "receptionist", by=OPERATOR))
        _walkin(desk, "13800138001", "10:10", quote=True)
    with working_in(group, "A"):
        app = FrontdeskApp(staff=boss, store_name="A店", show_welcome=False, watch_interval=None)
        async with app.run_test(size=(80, 24)) as pilot:
            await open_statistics(pilot)
            await pilot.press("g")
            await settle(pilot)
            table = app.screen.query_one("#month-table")
            rows = [[str(cell) for cell in table.get_row_at(i)] for i in range(table.row_count)]
            # store, name, parties, people, first, returning, first on file, on-file rate
            assert [row[:8] for row in rows] == [
                ["A", "A店", "2", "2", "2", "0", "2", "100.0%"],
                ["B", "B店", "1", "1", "1", "0", "1", "100.0%"],
                ["main", "main", "0", "0", "0", "0", "0", "—"],
                ["集团合计", "", "3", "3", "3", "0", "3", "100.0%"],
            ]
            await pilot.press("g")  # this store's days: A's alone
            await settle(pilot)
            assert [str(cell) for cell in table.get_row_at(24)][:3] == ["25", "三", "2"]


# -- the group's defaults (0024): every store reads them, a group manager writes them ---------

GROUP_WRITE = (
    "(COALESCE(current_setting('frontdesk.group_write'::text, true), ''::text) = 'on'::text)"
)


def test_the_groups_defaults_are_read_by_every_store_and_written_by_a_group_write(pg_url):
    found = {table.name: table for table in _tables(pg_url)}
    for name in GROUP_DEFAULT_TABLES:
        table = found[name]
        assert table.enabled and table.forced and not table.has_store, name
        assert table.policies == (f"{name}_read:true:", f"{name}_write:{GROUP_WRITE}:{GROUP_WRITE}")
        assert table.guarded
    db = store.open_store(pg_url, "main")
    try:
        assert row_security.unguarded(db) == []
        db.execute_sql('DROP POLICY "group_setting_write" ON "group_setting"')
        assert row_security.unguarded(db) == ["group_setting"]  # doctor would say so
    finally:
        store.close_store()
        db.close_all()


def test_a_store_uses_the_defaults_a_group_manager_set_from_another_store(group):
    with working_in(group, "A"):
        boss = Actor.member(team.add_staff("周总", "group_manager", by=OPERATOR))
        settings.change(settings.ROTATION_OVERDUE_OUT, "3", by=boss, group=True)
        codes.add_code(codes.MODEL, "威兰达", by=boss, group=True)
        settings.change(settings.ROTATION_OVERDUE_OUT, "1", by=OPERATOR)  # A's own
        codes.add(codes.MODEL, "凯美瑞")  # A's own list: a copy of the group's, and its own
        codes.add_code(codes.MODEL, "别克君威", by=boss, group=True)  # reaches A no more
        assert team.overdue_out_threshold() == 1
        assert codes.names(codes.MODEL) == ["威兰达", "凯美瑞"]
    with working_in(group, "B"):  # added by store add: nothing of its own
        assert team.overdue_out_threshold() == 3
        held = {held.entry.key: (held.value, held.source) for held in settings.holding()}
        assert held[settings.ROTATION_OVERDUE_OUT] == ("3", layers.GROUP)
        assert codes.names(codes.MODEL) == ["威兰达", "别克君威"]
        assert codes.names(codes.CHANNEL)[:3] == ["网络", "电视", "广播"]  # the group's, 0024's
        assert Setting.select().count() == 0


def test_a_store_cannot_change_the_groups_defaults_outside_a_group_write(group):
    with working_in(group, "A") as db:
        with pytest.raises(Exception, match="row-level security"), database.atomic():
            db.execute_sql(
                "INSERT INTO group_setting (key, value) VALUES ('ssh.max_sessions', '1')"
            )
        with database.atomic():
            renamed = db.execute_sql("UPDATE group_code_item SET name = name || 'x'").rowcount
            deleted = db.execute_sql("DELETE FROM group_code_item").rowcount
        assert (renamed, deleted) == (0, 0)  # the write policy shows them no row
        assert GroupCodeItem.select().count() == 10  # 0024's channels, all there
        with dialect.group_write(database):
            db.execute_sql(
                "INSERT INTO group_setting (key, value) VALUES ('ssh.max_sessions', '9')"
            )
        assert settings.get("ssh.max_sessions") == "9"
        admin = Actor.member(team.add_staff("周杰", "admin", by=OPERATOR))
        with pytest.raises(Forbidden):  # a store's admin is refused before any SQL
            settings.change("ssh.max_sessions", "5", by=admin, group=True)
