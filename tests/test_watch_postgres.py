"""Live refresh on PostgreSQL: the store's tables notify at each commit (migration 0021)
and the change watcher hears it (``frontdesk.store.watch``), as SQLite's
``data_version`` tells a terminal of others' commits.

These need a PostgreSQL server (``tests.postgres``); without one they are skipped and the
run's summary says so.
"""

from __future__ import annotations

import time

import psycopg
import pytest

from frontdesk.desk import registration
from frontdesk.desk.registration import RegistrationInput
from frontdesk.people.actor import DESK
from frontdesk.store import settings, watch
from frontdesk.store.guard import MIGRATIONS_TABLE
from frontdesk.store.models import ALL_MODELS, Registration, database
from tests.conftest import settle, settle_until

pytestmark = pytest.mark.parametrize("engine", ["postgresql"], indirect=True)

GIVE_UP_S = 30  # a notice arrives within milliseconds of its commit; only a broken one waits

# Each table's triggers: (name, function, type bits) — PostgreSQL's ``tgtype``: 1 for each
# row (else each statement), 2 before (else after), 4 insert, 8 delete, 16 update, 32 truncate.
_TRIGGERS = """
SELECT c.relname, t.tgname, p.proname, t.tgtype
  FROM pg_class c
  JOIN pg_namespace ns ON ns.oid = c.relnamespace
  LEFT JOIN pg_trigger t ON t.tgrelid = c.oid AND NOT t.tgisinternal
  LEFT JOIN pg_proc p ON p.oid = t.tgfoid
 WHERE ns.nspname = 'public' AND c.relkind = 'r'
"""
AFTER_EACH_STATEMENT_OF_EVERY_WRITE = 4 | 8 | 16 | 32


def becomes_true(check) -> bool:
    """Whether ``check()`` answers True before long (a notice travels after its commit)."""
    deadline = time.monotonic() + GIVE_UP_S
    while time.monotonic() < deadline:
        if check():
            return True
        time.sleep(0.01)
    return False


def walkin(name: str = "") -> Registration:
    return registration.register(RegistrationInput(time_in="10:05", name=name), by=DESK)


def test_every_table_of_the_store_notifies_its_changes(db):
    """A table added later without the trigger would leave the screens showing it stale
    on PostgreSQL: this lists the tables the server has, not a list kept by hand."""
    notifying: dict[str, bool] = {}
    for table, _name, function, kind in db.execute_sql(_TRIGGERS).fetchall():
        notifies = function == "frontdesk_notify_change" and kind == (
            AFTER_EACH_STATEMENT_OF_EVERY_WRITE
        )
        notifying[table] = notifying.get(table, False) or notifies
    assert {model._meta.table_name for model in ALL_MODELS} <= set(notifying)
    assert notifying.pop(MIGRATIONS_TABLE) is False  # the migrations' ledger: no screen shows it
    assert [table for table, notifies in notifying.items() if not notifies] == []


def test_a_commit_notifies_once_per_table_written_and_a_rollback_not_at_all(db, showroom):
    listener = db.listen(watch.CHANNEL)
    try:
        with database.atomic() as transaction:
            walkin("没留下")
            transaction.rollback()
        settings.put(settings.STORE_NAME, "新店名")  # committed after the rollback
        heard = []
        for notice in listener.notifies(timeout=GIVE_UP_S):
            heard.append(notice.payload)
            if notice.payload == "setting":  # notices come in the order of their commits
                break
        assert heard == ["setting"]  # nothing of the registration rolled back
        walkin("留下")
        heard = []
        for notice in listener.notifies(timeout=GIVE_UP_S):
            heard.append(notice.payload)
            if "registration" in heard and "audit_entry" in heard:
                break
        assert len(heard) == len(set(heard))  # one notice a table, however many statements
    finally:
        listener.close()


def test_the_watcher_sees_a_commit_made_on_another_connection(db, showroom):
    watcher = watch.watcher_for_store()
    assert isinstance(watcher, watch.PostgresChangeWatcher)
    assert watcher.changed() is True  # the first call: it starts listening
    assert watcher.changed() is False  # nothing committed since
    walkin("另一台终端")  # committed on this thread's pooled connection, not the watcher's
    assert becomes_true(watcher.changed)
    assert watcher.changed() is False  # seen once
    watcher.close()
    walkin("关闭之后")
    assert watcher.changed() is False  # closed: it listens no more
    assert watcher._conn is None


def test_the_watcher_listens_again_after_losing_its_connection(db, showroom):
    watcher = watch.PostgresChangeWatcher()
    assert watcher.changed() is True
    conn = watcher._conn
    assert conn is not None
    (pid,) = conn.execute("SELECT pg_backend_pid()").fetchone()
    with psycopg.connect(db.database, autocommit=True) as admin:  # the server drops it
        admin.execute("SELECT pg_terminate_backend(%s)", (pid,))
    # Notices sent while nobody listened are lost: the poll that listens again says so.
    assert becomes_true(watcher.changed)
    assert watcher._conn is not None and watcher._conn is not conn
    assert watcher.changed() is False
    walkin("重新收听")
    assert becomes_true(watcher.changed)
    watcher.close()


async def test_a_registration_from_another_desk_appears_by_itself(showroom, make_app):
    from screens.desk.log_table import LogGrid

    app = make_app(watch_interval=0.1)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot, 0.3)
        log = app.screen.query_one("#log-table", LogGrid)
        assert log.row_count == 0
        walkin("另一台终端")
        await settle_until(pilot, lambda: log.row_count == 1)
