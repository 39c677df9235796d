"""One writer at a time on PostgreSQL, as SQLite's ``BEGIN IMMEDIATE`` gives it: desks that
save at the same moment each read what the one before them wrote (``store.postgres``).

The desks here are threads, each with its own pooled connection, as a terminal's workers
and the other terminals are. These need a PostgreSQL server (``tests.postgres``); without
one they are skipped and the run's summary says so.
"""

from __future__ import annotations

import threading
import time

import psycopg
import pytest
from peewee import OperationalError

from frontdesk import clock, store
from frontdesk.desk import day_log, registration
from frontdesk.desk.registration import RegistrationInput
from frontdesk.people import team
from frontdesk.people.actor import OPERATOR
from frontdesk.store import failures
from frontdesk.store import guard as store_guard
from frontdesk.store.models import Registration, Staff, database
from frontdesk.store.postgres import WAIT_S, write_lock
from tests.actors import as_member

pytestmark = pytest.mark.parametrize("engine", ["postgresql"], indirect=True)

DESKS = 4
GIVE_UP_S = 60  # only a broken store takes this long: four saves take milliseconds


class Gate:
    """Holds each desk just after it has read the head of the rotation, until every other
    desk still saving has either read it too or waits for a lock on the server: then all
    the desks held go on at once.

    Without the store's write lock all four read the same head before any writes, and all
    four take the same consultant; with it, the desks behind the first wait for its
    commit, so the first goes on alone and each next one reads the head it left. Nothing
    is timed: what decides is what the server says each desk is doing."""

    def __init__(self, observer: psycopg.Connection) -> None:
        self.observer = observer
        self.lock = threading.Lock()
        self.pids: dict[int, int] = {}  # desk → its connection's server process
        self.held: dict[int, threading.Event] = {}  # desks that read the head, held
        self.done: set[int] = set()
        self.desk = threading.local()

    def wrap(self, read_head):
        def head_then_wait(*args, **kwargs):
            found = read_head(*args, **kwargs)
            go_on = threading.Event()
            with self.lock:
                self.held[self.desk.number] = go_on
            assert go_on.wait(GIVE_UP_S)
            return found

        return head_then_wait

    def _waiting_for_a_lock(self) -> set[int]:
        rows = self.observer.execute("SELECT pid FROM pg_locks WHERE NOT granted").fetchall()
        return {pid for (pid,) in rows}

    def run(self, desks: list[threading.Thread]) -> None:
        deadline = time.monotonic() + GIVE_UP_S
        while any(desk.is_alive() for desk in desks):
            assert time.monotonic() < deadline, "the desks neither saved nor waited"
            waiting = self._waiting_for_a_lock()
            with self.lock:
                saving = [n for n in range(len(desks)) if n not in self.done]
                ready = len(self.pids) == len(desks) and self.held
                if ready and all(n in self.held or self.pids[n] in waiting for n in saving):
                    for go_on in self.held.values():
                        go_on.set()
                    self.held.clear()
            time.sleep(0.002)


def test_desks_saving_at_once_each_give_the_next_consultant_up(db, showroom, monkeypatch):
    team.add_staff("赵强", "consultant", by=OPERATOR)
    team.add_staff("孙丽", "consultant", by=OPERATOR)
    in_turn = [member.name for member in team.rotation()]
    assert len(in_turn) == DESKS
    receptionist = as_member(showroom["zhaomin"])
    failed: list[BaseException] = []
    with psycopg.connect(database.obj.database, autocommit=True) as observer:
        gate = Gate(observer)
        monkeypatch.setattr(team, "proposed_consultant", gate.wrap(team.proposed_consultant))

        def desk(number: int) -> None:
            gate.desk.number = number
            try:
                with store.connection():
                    (pid,) = database.execute_sql("SELECT pg_backend_pid()").fetchone()
                    with gate.lock:
                        gate.pids[number] = pid
                    registration.register(RegistrationInput(time_in="10:05"), by=receptionist)
            except BaseException as error:  # shown by the assertion below
                failed.append(error)
            finally:
                with gate.lock:
                    gate.done.add(number)

        desks = [threading.Thread(target=desk, args=(n,)) for n in range(DESKS)]
        for thread in desks:
            thread.start()
        gate.run(desks)
        for thread in desks:
            thread.join()
    assert failed == []
    ups = [row.consultant.name for row in Registration.select().order_by(Registration.id)]
    assert ups == in_turn  # each consultant up once, in the rotation's order
    assert [member.name for member in team.rotation()] == in_turn  # all round once: as before
    places = [member.rotation_order for member in Staff.select()]
    assert len(set(places)) == len(places)  # no two consultants share a place
    assert [row.number for row in day_log.day_log(clock.today())] == [1, 2, 3, 4]


def test_a_save_waits_for_the_write_lock_and_a_read_does_not(db, showroom):
    with psycopg.connect(database.obj.database) as other:  # another desk, in a save
        other.execute("SELECT pg_advisory_xact_lock(%s, %s)", write_lock(database.obj.store_id))
        assert Registration.select().count() == 0  # a read outside a transaction goes on
        database.execute_sql("SET lock_timeout = '50ms'")  # not the desk's 15 s
        with pytest.raises(OperationalError) as refused, database.atomic():
            Registration.select().count()
        assert failures.kind(refused.value) == failures.LOCKED  # "another program holds …"
        assert not database.in_transaction()
        assert database.execute_sql("SELECT 1").fetchone() == (1,)  # not left aborted
    # The other desk's transaction has ended: the lock is free again.
    with database.atomic():
        assert Registration.select().count() == 0


def test_a_desk_waits_for_a_lock_as_long_as_sqlite_waits_for_its_store(db):
    (timeout,) = database.execute_sql("SHOW lock_timeout").fetchone()
    assert timeout == f"{WAIT_S}s"


def test_a_url_s_own_connection_options_are_kept_and_win(db):
    url = db.database + "&options=-c%20lock_timeout%3D2s%20-c%20application_name%3Ddesk1"
    other = store.make_database(url)
    other.connect()
    try:
        assert other.execute_sql("SHOW lock_timeout").fetchone() == ("2s",)
        assert other.execute_sql("SHOW application_name").fetchone() == ("desk1",)
    finally:
        other.close_all()


def test_a_desk_left_open_stops_saving_when_a_newer_program_upgrades_the_store(db, showroom):
    """The write gate of a newer schema, as on SQLite (``test_backup_upgrade``): looked at
    again under each save's lock, and at every open (then not migrated)."""
    walkin = RegistrationInput(time_in="10:00", phone="13812345678")
    registration.register(walkin, by=OPERATOR)
    newer = store_guard.newest_known() + 100
    with psycopg.connect(db.database, autocommit=True) as other:  # another program's upgrade
        other.execute(
            f'INSERT INTO "{store.MIGRATIONS_TABLE}" ("name", "applied") VALUES (%s, %s)',
            (f"{newer}_from_a_newer_program", clock.now()),
        )
    later = RegistrationInput(time_in="10:05", phone="13900001111")
    with pytest.raises(store_guard.StoreTooNew) as refused:
        registration.register(later, by=OPERATOR)
    assert (refused.value.version, refused.value.known) == (newer, store_guard.newest_known())
    assert not database.in_transaction()
    assert [r.phone for r in day_log.day_log(clock.today())] == ["13812345678"]  # reads go on
    target = db.database
    store.close_store()
    store.open_store(target, "main")  # opened again: refused from the start, not migrated
    with pytest.raises(store_guard.StoreTooNew):
        registration.register(later, by=OPERATOR)
    assert Registration.select().count() == 1
    assert store.schema_version(store.database.obj) == newer
