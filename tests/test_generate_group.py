"""The benchmarks' group generator (``bench.generate_group``) on a tiny group: each store's
rows counted, every row in its store with what it names, first or returning stamped by the
app's rule, and row-level security keeping a desk to its store's rows. Needs a PostgreSQL
server (``tests.postgres``); skipped without one."""

from __future__ import annotations

import psycopg
import pytest

from bench.generate_group import GROUP_MANAGER, GroupSize, build_group, customer_phone
from frontdesk import store
from frontdesk.desk import registration
from frontdesk.store.models import Customer, Registration, Staff, database

# Two stores, 10 days, 300 registrations each: 70 customers (300 × 7 // 30) of whom 30
# (a tenth of the registrations) are open intent customers, 3 contacts each.
TINY = GroupSize(stores=2, days=10, registrations_per_store=300)


@pytest.fixture
def tiny_group(pg_cluster, frozen_clock):
    """The tiny group's database: (superuser URL, desks' URL)."""
    url = pg_cluster.url(pg_cluster.new_database())
    build_group(url, TINY)
    return url, pg_cluster.as_desk(url)


def _per_store(conn, table: str) -> dict[int, int]:
    return dict(
        conn.execute(f'SELECT store_id, COUNT(*) FROM "{table}" GROUP BY store_id').fetchall()
    )


def test_each_store_has_its_rows(tiny_group):
    url, _ = tiny_group
    with psycopg.connect(url) as conn:
        assert conn.execute("SELECT id, code FROM store ORDER BY id").fetchall() == [
            (1, "main"),
            (2, "S001"),
            (3, "S002"),
        ]
        assert _per_store(conn, "registration") == {2: 300, 3: 300}
        assert _per_store(conn, "customer") == {2: 70, 3: 70}
        assert _per_store(conn, "intent_cycle") == {2: 30, 3: 30}
        assert _per_store(conn, "level_change") == {2: 30, 3: 30}
        assert _per_store(conn, "contact") == {2: 90, 3: 90}
        assert _per_store(conn, "staff") == {2: 26, 3: 25}  # and the group manager in S001
        assert conn.execute("SELECT COUNT(*) FROM person").fetchone() == (51,)


def test_every_row_names_rows_of_its_own_store(tiny_group):
    url, _ = tiny_group
    crossings = {
        "a registration's customer": "registration r JOIN customer x ON x.id = r.customer_id",
        "a registration's consultant": "registration r JOIN staff x ON x.id = r.consultant_id",
        "a registration's desk": "registration r JOIN staff x ON x.id = r.registered_by_id",
        "a customer's consultant": "customer r JOIN staff x ON x.id = r.consultant_id",
        "a contact's customer": "contact r JOIN customer x ON x.id = r.customer_id",
        "a cycle's customer": "intent_cycle r JOIN customer x ON x.id = r.customer_id",
        "a level change's customer": "level_change r JOIN customer x ON x.id = r.customer_id",
    }
    with psycopg.connect(url) as conn:
        for what, joined in crossings.items():
            (n,) = conn.execute(
                f"SELECT COUNT(*) FROM {joined} WHERE x.store_id <> r.store_id"
            ).fetchone()
            assert n == 0, what
        (dangling,) = conn.execute(
            "SELECT COUNT(*) FROM registration r WHERE r.customer_id IS NOT NULL"
            " AND NOT EXISTS (SELECT 1 FROM customer c WHERE c.id = r.customer_id)"
        ).fetchone()
        assert dangling == 0


def test_a_desk_sees_only_its_store_and_the_visits_are_stamped_by_the_rule(tiny_group):
    _, desk = tiny_group
    db = store.open_store(desk, "S002")
    try:
        assert {r.store_id for r in Registration.select(Registration.store_id)} == {3}
        assert Registration.select().count() == 300
        found = registration.lookup(customer_phone(1))  # the same number in both stores
        assert found is not None and found.id == 71  # S002's first customer, not S001's 1
        assert not Staff.select().where(Staff.login == GROUP_MANAGER).exists()  # S001's
        before = list(Registration.select(Registration.id, Registration.visit).tuples())
        with database.atomic():
            registration.stamp_visits([c.id for c in Customer.select(Customer.id)])
        after = list(Registration.select(Registration.id, Registration.visit).tuples())
        assert sorted(after) == sorted(before)
        assert {visit for _, visit in before} == {"first", "returning"}
    finally:
        store.close_store()
        db.close_all()
