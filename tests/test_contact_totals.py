"""The contact table's foot (``contact_table.totals``): what it counts in the month in
progress, for a manager, a consultant and under each filter, and in a finished month; and
the counts the store keeps for it (migration 0020) — always equal to a recount of the rows,
whatever wrote them.

The clock stands at Wednesday 2026-11-25 10:30 (conftest.FROZEN_NOW).
"""

from __future__ import annotations

import datetime as dt
import random

import pytest
from playhouse.migrations import Runner

from frontdesk import store
from frontdesk.desk import registration
from frontdesk.followup import contact_table, contacts, cycles
from frontdesk.followup.contact_table import Totals
from frontdesk.people.actor import DESK, OPERATOR
from frontdesk.store import settings
from frontdesk.store.models import Customer, database
from tests import reliability
from tests.actors import as_member

D = dt.date


def on(day: int, month: int = 11, hour: int = 10) -> dt.datetime:
    return dt.datetime(2026, month, day, hour, 0)


def register(phone: str, name: str = "", level: str = "", at=None, kind="walkin", **more):
    data = registration.RegistrationInput(
        kind=kind, time_in=at or on(25), phone=phone, name=name, level=level, **more
    )
    return Customer.get_by_id(registration.register(data, by=DESK).customer_id)


@pytest.fixture
def month(showroom):
    """November so far (intervals: H 2 days, A 3, B and O 7, C 14):

    - 张三 H, 王磊's, met in October, back on the 20th: carried over, due the 22nd (overdue);
    - 李四 A, 李娜's, met on the 22nd: new, due today (the 25th);
    - 王五 C, 王磊's, met on the 24th: new, due 12-08;
    - 赵六 B, 李娜's, a phone lead (called on the 10th, never came): due the 17th (overdue);
    - 孙七 A, 王磊's, met on the 5th, defeated on the 15th: new, closed;
    - 周八 B, 李娜's, met in October, lost on the 12th: carried over, closed.
    """
    register("13800000001", "张三", "H", at=on(20, month=10), consultant="王磊")
    register("13800000001", at=on(20))
    register("13800000002", "李四", "A", at=on(22), consultant="李娜")
    register("13800000003", "王五", "C", at=on(24), consultant="王磊")
    register("13800000004", "赵六", "B", at=on(10), kind="phone", consultant="李娜")
    sun = register("13800000005", "孙七", "A", at=on(5), consultant="王磊")
    zhou = register("13800000006", "周八", "B", at=on(5, month=10), consultant="李娜")
    contacts.close_customer(
        sun.id, "defeat", reason="价格", competitor="本田雅阁", by=OPERATOR, at=on(15)
    )
    contacts.close_customer(zhou.id, "lost", reason="联系不上", by=OPERATOR, at=on(12))
    return showroom


def foot(**values) -> Totals:
    return Totals(**values)


def test_the_month_in_progress_as_a_manager_sees_it(month):
    f = contact_table.current_filter(as_member(month["chenjing"]))
    assert contact_table.totals(f) == foot(
        by_level={"H": 1, "A": 1, "C": 1, "B": 1},
        closed={"defeat": 1, "lost": 1},
        carried=2,  # 张三, 周八
        carried_closed={"lost": 1},
        new=3,  # 李四, 王五, 孙七
        leads=1,  # 赵六
        overdue=2,  # 张三, 赵六
        due_today=1,  # 李四
    )


def test_a_consultant_counts_their_own_customers_only(month):
    f = contact_table.current_filter(as_member(month["wanglei"]))
    expected = foot(
        by_level={"H": 1, "C": 1},
        closed={"defeat": 1},
        carried=1,
        new=2,
        overdue=1,
    )
    assert contact_table.totals(f) == expected
    # Their own filter as the screen sets it changes nothing; another's leaves nothing.
    assert contact_table.totals(f.with_(consultant_id=month["wanglei"].id)) == expected
    assert contact_table.totals(f.with_(consultant_id=month["lina"].id)) == foot()


def test_the_desk_counts_nobody(month):
    assert contact_table.totals(contact_table.current_filter(DESK)) == foot()


@pytest.mark.parametrize(
    ("changes", "expected"),
    [
        (
            {"consultant": "lina"},
            foot(by_level={"A": 1, "B": 1}, closed={"lost": 1}, carried=1,
                 carried_closed={"lost": 1}, new=1, leads=1, overdue=1, due_today=1),
        ),
        ({"level": "A"}, foot(by_level={"A": 1}, closed={"defeat": 1}, new=2, due_today=1)),
        ({"level": "O"}, foot()),
        ({"due": "overdue"}, foot(by_level={"H": 1, "B": 1}, carried=1, leads=1, overdue=2)),
        ({"due": "today"}, foot(by_level={"A": 1}, new=1, due_today=1)),
        ({"search": "zs"}, foot(by_level={"H": 1}, carried=1, overdue=1)),
        ({"consultant": "lina", "level": "B"},
         foot(by_level={"B": 1}, closed={"lost": 1}, carried=1, carried_closed={"lost": 1},
              leads=1, overdue=1)),
    ],
)  # fmt: skip
def test_each_filter_counts_its_own_rows(month, changes, expected):
    if "consultant" in changes:
        changes["consultant_id"] = month[changes.pop("consultant")].id
    f = contact_table.current_filter(as_member(month["chenjing"]), **changes)
    assert contact_table.totals(f) == expected


def test_a_finished_month_counts_its_rows_as_they_stood_at_its_end(month):
    october = contact_table.current_filter(OPERATOR, month=D(2026, 10, 1))
    # 张三 and 周八, both met in October and open at its end; nothing overdue is counted.
    assert contact_table.totals(october) == foot(by_level={"H": 1, "B": 1}, new=2)
    mine = contact_table.current_filter(as_member(month["lina"]), month=D(2026, 10, 1))
    assert contact_table.totals(mine) == foot(by_level={"B": 1}, new=1)


def test_a_new_due_date_or_level_moves_the_foot_at_once(month):
    f = contact_table.current_filter(OPERATOR)
    zhang = Customer.get(Customer.phone == "13800000001")
    contacts.record_contact(
        zhang.id,
        contacts.ContactInput(method="call", at=on(25, hour=9), level="A", next_date="2026-11-25"),
        by=OPERATOR,
    )
    totals = contact_table.totals(f)
    assert totals.by_level == {"A": 2, "C": 1, "B": 1}
    assert (totals.overdue, totals.due_today, totals.carried) == (1, 2, 2)
    contacts.reassign(zhang.id, "lina", by=as_member(month["chenjing"]))
    assert contact_table.totals(f.with_(consultant_id=month["lina"].id)).by_level == {
        "A": 2,
        "B": 1,
    }


# ---------------------------------------------------------------- the counts kept


RECOUNT_BY_MET = """
SELECT COALESCE(c.consultant_id, 0), c.level, COALESCE(substr(ic.met_at, 1, 7), ''), COUNT(*)
  FROM intent_cycle ic JOIN customer c ON c.id = ic.customer_id
 WHERE ic.closed_at IS NULL AND c.level IS NOT NULL AND c.next_due IS NOT NULL
 GROUP BY 1, 2, 3"""
RECOUNT_BY_DUE = """
SELECT COALESCE(c.consultant_id, 0), c.level, c.next_due, COUNT(*)
  FROM intent_cycle ic JOIN customer c ON c.id = ic.customer_id
 WHERE ic.closed_at IS NULL AND c.level IS NOT NULL AND c.next_due IS NOT NULL
 GROUP BY 1, 2, 3"""


def kept_and_recounted() -> tuple[tuple[set, set], tuple[set, set]]:
    def rows(sql: str) -> set:
        return {tuple(row) for row in database.execute_sql(sql).fetchall()}

    kept = (
        rows("SELECT consultant_id, level, met_month, number FROM open_by_met"),
        rows("SELECT consultant_id, level, next_due, number FROM open_by_due"),
    )
    return kept, (rows(RECOUNT_BY_MET), rows(RECOUNT_BY_DUE))


PHONES = [f"1390000{n:04d}" for n in range(40)]
LEVELS = ["H", "A", "B", "C", "O"]


def one_operation(rng: random.Random, members: dict) -> str:
    """A random change through the services, or by hand in SQL (as a repair would)."""
    customers = [c.id for c in Customer.select(Customer.id)]
    open_ones = [c.id for c in Customer.select(Customer.id).where(Customer.level.is_null(False))]
    moment = dt.datetime(2026, rng.choice([9, 10, 11]), rng.randint(1, 24), rng.randint(9, 18))
    choice = rng.randrange(12)
    if choice <= 2 or not customers:
        kind = rng.choice(["walkin", "walkin", "phone"])
        register(
            rng.choice(PHONES),
            level=rng.choice(["", *LEVELS]),
            at=moment,
            kind=kind,
            consultant=rng.choice(["王磊", "李娜", ""]),
        )
        return "register"
    customer = rng.choice(customers)
    if choice == 3:
        contacts.record_contact(
            customer,
            contacts.ContactInput(
                method=rng.choice(["call", "visit", "message"]),
                at=moment,
                level=rng.choice(LEVELS),
                next_date=rng.choice(["", "2026-11-25", "2026-12-02", "+1"]),
            ),
            by=OPERATOR,
        )
        return "contact"
    if choice == 4 and open_ones:
        outcome = rng.choice(["deal", "defeat", "lost"])
        contacts.close_customer(
            rng.choice(open_ones),
            outcome,
            reason="" if outcome == "deal" else "价格",
            competitor="本田雅阁" if outcome == "defeat" else "",
            by=OPERATOR,
        )
        return "close"
    if choice == 5:
        contacts.reassign(customer, rng.choice(["wanglei", "lina"]), by=OPERATOR)
        return "reassign"
    if choice == 6:
        settings.put(settings.FOLLOW_UP_DAYS + rng.choice(LEVELS), str(rng.randint(1, 20)))
        contacts.recompute_follow_up()  # every due date at once
        return "interval"
    with database.atomic():
        if choice == 7:  # a level typed by hand, with no cycle or close behind it
            level = rng.choice([None, *LEVELS])
            database.execute_sql("UPDATE customer SET level = ? WHERE id = ?", (level, customer))
        elif choice == 8:  # a due date cleared or moved by hand
            due = rng.choice([None, "2026-11-20", "2026-11-25", "2026-12-31"])
            database.execute_sql("UPDATE customer SET next_due = ? WHERE id = ?", (due, customer))
        elif choice == 9:  # a second open cycle, or a cycle reopened, met or moved by hand
            cycle = database.execute_sql(
                "SELECT id FROM intent_cycle ORDER BY random() LIMIT 1"
            ).fetchone()
            if cycle is None or rng.random() < 0.4:
                database.execute_sql(
                    "INSERT INTO intent_cycle (customer_id, opened_at, opened_by, opened_level,"
                    " met_at) VALUES (?, ?, 'walkin', 'H', ?)",
                    (customer, moment, rng.choice([None, moment])),
                )
            else:
                column, value = rng.choice(
                    [("closed_at", None), ("closed_at", moment), ("met_at", moment),
                     ("met_at", None), ("customer_id", customer)]
                )  # fmt: skip
                database.execute_sql(
                    f"UPDATE intent_cycle SET {column} = ? WHERE id = ?", (value, cycle[0])
                )
        elif choice == 10:  # the cycles derived again, some or all
            cycles.rebuild(customer_ids=None if rng.random() < 0.3 else [customer])
        else:  # a customer removed with their history (foreign keys cascade)
            for table in ("contact", "level_change", "close_application", "registration"):
                column = "customer_id"
                database.execute_sql(f"DELETE FROM {table} WHERE {column} = ?", (customer,))
            database.execute_sql("DELETE FROM customer WHERE id = ?", (customer,))
    return "by hand"


def test_the_kept_counts_equal_a_recount_after_random_changes(showroom):
    rng = random.Random(16)
    done: list[str] = []
    for step in range(300):
        done.append(one_operation(rng, showroom))
        if step % 10 == 9:
            kept, recounted = kept_and_recounted()
            assert kept == recounted, (step, done[-10:])
    assert {"register", "contact", "close", "reassign", "interval", "by hand"} <= set(done)
    kept, _ = kept_and_recounted()
    assert sum(row[3] for row in kept[0]) > 0  # the run left open rows to count


def test_the_foot_from_the_kept_counts_equals_the_foot_counted_row_by_row(showroom, monkeypatch):
    rng = random.Random(6)
    for _ in range(120):
        one_operation(rng, showroom)
    manager = contact_table.current_filter(as_member(showroom["chenjing"]))
    filters = [
        manager,
        contact_table.current_filter(as_member(showroom["wanglei"])),
        contact_table.current_filter(as_member(showroom["lina"])),
        *(manager.with_(level=level) for level in LEVELS),
        *(manager.with_(consultant_id=showroom[who].id) for who in ("wanglei", "lina")),
        manager.with_(consultant_id=showroom["lina"].id, level="B"),
    ]
    kept = [contact_table.totals(f) for f in filters]
    assert all(contact_table._kept_open_rows(f) is not None for f in filters)
    monkeypatch.setattr(contact_table, "_kept_open_rows", lambda f: None)
    assert [contact_table.totals(f) for f in filters] == kept
    assert sum(totals.open for totals in kept) > 0


def test_the_foot_of_the_month_in_progress_reads_no_customer_and_no_cycle(month):
    f = contact_table.current_filter(as_member(month["wanglei"]), level="A")
    for query in contact_table._kept_open_rows(f) or []:
        sql, params = query.sql()
        plan = database.execute_sql("EXPLAIN QUERY PLAN " + sql, params).fetchall()
        read = " ".join(row[-1] for row in plan)
        assert "open_by_" in read
        assert "customer" not in read.replace("open_by_", "") and "intent_cycle" not in read


def test_the_migration_counts_the_rows_already_stored(db_path, frozen_clock):
    old = store.make_database(db_path)
    old.connect()
    Runner(old, str(store.MIGRATIONS_DIR), table_name=store.MIGRATIONS_TABLE).up(
        target="0018_rotation_duty"
    )
    now = "2026-11-20 09:00:00"
    customer = (
        "INSERT INTO customer (id, name, phone, initials, gender, region, customer_class, "
        "level, model, channel, source, consultant_id, first_contact, notes, created_at, "
        "updated_at, version, next_due) VALUES ({id}, '', '1380000000{id}', '', '', '', "
        "'intent', {level}, '', '', 4, {consultant}, '2026-11-01', '', '{now}', '{now}', 1, "
        "{due})"
    )
    cycle = (
        "INSERT INTO intent_cycle (customer_id, opened_at, opened_by, opened_level, met_at, "
        "closed_at) VALUES ({id}, '2026-10-01 10:00:00', 'walkin', 'H', {met}, {closed})"
    )
    for sql in (
        "INSERT INTO staff (id, name, login, role, active, on_duty, rotation_order, "
        "created_at) VALUES (1, '王磊', 'wanglei', 'consultant', 1, 1, 1, '{now}')",
        customer.format(id=1, level="'H'", consultant=1, due="'2026-11-22'", now=now),
        customer.format(id=2, level="'H'", consultant=1, due="'2026-11-22'", now=now),
        customer.format(id=3, level="'A'", consultant="NULL", due="'2026-11-30'", now=now),
        customer.format(id=4, level="NULL", consultant=1, due="NULL", now=now),
        customer.format(id=5, level="'B'", consultant=1, due="NULL", now=now),
        cycle.format(id=1, met="'2026-10-01 10:00:00'", closed="NULL"),
        cycle.format(id=2, met="'2026-10-02 10:00:00'", closed="NULL"),
        cycle.format(id=3, met="NULL", closed="NULL"),  # a phone lead
        cycle.format(id=3, met="'2026-10-01 10:00:00'", closed="'2026-10-09 10:00:00'"),
        cycle.format(id=4, met="'2026-10-01 10:00:00'", closed="NULL"),  # no level: not counted
        cycle.format(id=5, met="'2026-10-01 10:00:00'", closed="NULL"),  # no due date: neither
    ):
        old.execute_sql(sql.format(now=now))
    before = old.execute_sql("SELECT * FROM intent_cycle ORDER BY id").fetchall()
    old.close()
    db = store.open_store(db_path)
    try:
        after = db.execute_sql("SELECT * FROM intent_cycle ORDER BY id").fetchall()
        assert [row[: len(before[0])] for row in after] == before
        kept = {
            tuple(row)
            for row in db.execute_sql(
                "SELECT consultant_id, level, met_month, number FROM open_by_met"
            ).fetchall()
        }
        assert kept == {(1, "H", "2026-10", 2), (0, "A", "", 1)}
        due = db.execute_sql(
            "SELECT consultant_id, level, next_due, number FROM open_by_due ORDER BY 1"
        ).fetchall()
        assert [tuple(row) for row in due] == [(0, "A", "2026-11-30", 1), (1, "H", "2026-11-22", 2)]
        f = contact_table.current_filter(OPERATOR)
        assert contact_table.totals(f) == foot(
            by_level={"H": 2, "A": 1}, carried=2, leads=1, overdue=2
        )
    finally:
        store.close_store()


def test_a_customer_deleted_without_foreign_keys_stops_counting(month, db_path):
    """Another program may delete with foreign keys off: the cycles stay, orphaned, and the
    row-by-row foot (a join to the customer) no longer counts them; nor do the kept counts."""
    f = contact_table.current_filter(OPERATOR)
    assert contact_table.totals(f).by_level == {"H": 1, "A": 1, "C": 1, "B": 1}
    store.close_store()
    with reliability.raw(db_path) as conn, conn:
        conn.execute("PRAGMA foreign_keys = OFF")
        conn.execute("DELETE FROM customer WHERE phone = '13800000001'")  # 张三
        assert conn.execute("SELECT COUNT(*) FROM intent_cycle").fetchone()[0] == 6
    store.open_store(db_path)
    assert contact_table.totals(f) == foot(
        by_level={"A": 1, "C": 1, "B": 1},
        closed={"defeat": 1, "lost": 1},
        carried=1,
        carried_closed={"lost": 1},
        new=3,
        leads=1,
        overdue=1,
        due_today=1,
    )
    kept, recounted = kept_and_recounted()
    assert kept == recounted
