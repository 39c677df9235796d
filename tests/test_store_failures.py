"""When the store fails: a sentence the user can act on, and a form that can try again.

Real failures where SQLite can make them on demand — a write lock held by another
connection, a page limit reached (SQLITE_FULL, with the rollback error that hides it), a
read-only connection, a file that is not a database — and a patched save where it cannot
(a full disk in the middle of the form's save).
"""

from __future__ import annotations

import errno
import sqlite3

import peewee
import pytest
from textual.widgets import Input, Static

from frontdesk import i18n, store
from frontdesk.desk import registration
from frontdesk.store import drafts, failures
from frontdesk.store.models import Registration
from screens.desk.registration_form import RegistrationScreen
from tests.conftest import screen_text, settle

LOCK_WAIT_MS = 200  # the store's busy timeout in these tests, instead of 15 s


@pytest.fixture
def english():
    i18n.set_language("en")


def caught(action) -> BaseException:
    with pytest.raises(Exception) as info:
        action()
    return info.value


def held(path: str) -> sqlite3.Connection:
    """Another program holding the store's write lock (as a long import would)."""
    holder = sqlite3.connect(path, isolation_level=None)
    holder.execute("BEGIN IMMEDIATE")
    return holder


@pytest.fixture
def short_lock_wait(showroom, db_path, monkeypatch):
    """Reopen the test's store with a busy timeout of LOCK_WAIT_MS: a lock test stays fast."""
    monkeypatch.setitem(store.SQLITE_PRAGMAS, "busy_timeout", LOCK_WAIT_MS)
    monkeypatch.setattr(store, "BUSY_TIMEOUT_S", LOCK_WAIT_MS / 1000)
    store.close_store()
    store.open_store(db_path)
    return showroom


# -- the sentences ---------------------------------------------------------------------


def test_a_full_disk_is_named_even_behind_the_failed_rollback(tmp_path, english):
    db = store.open_store(str(tmp_path / "full.db"))
    (pages,) = db.execute_sql("PRAGMA page_count").fetchone()
    db.execute_sql(f"PRAGMA max_page_count = {pages}")  # no room for one more page

    def fill() -> None:
        for n in range(1000):
            drafts.save_draft(f"owner{n}", "walkin", {"notes": "x" * 900})

    error = caught(fill)
    store.close_store()
    assert "cannot rollback" in str(error)  # what SQLite says last: the real error is under it
    assert failures.kind(error) == failures.FULL
    assert failures.explain(error).startswith("The disk is full")


def test_a_lock_held_by_another_program_says_try_again(tmp_path, english):
    path = str(tmp_path / "locked.db")
    sqlite3.connect(path).close()
    holder = held(path)
    try:
        waiting = sqlite3.connect(path, timeout=0.05, isolation_level=None)
        error = caught(lambda: waiting.execute("BEGIN IMMEDIATE"))
    finally:
        holder.rollback()
        holder.close()
    assert failures.explain(error) == "Another program is holding the store: try again in a moment."


def test_read_only_damaged_and_unknown_failures(tmp_path, english):
    path = tmp_path / "store.db"
    with sqlite3.connect(path) as conn:
        conn.execute("CREATE TABLE t (x)")
    read_only = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    error = caught(lambda: read_only.execute("INSERT INTO t VALUES (1)"))
    read_only.close()
    assert failures.explain(error).startswith("The store or its disk is read-only")

    scribbled = tmp_path / "scribbled.db"
    scribbled.write_bytes(b"not a store at all, " * 400)
    error = caught(lambda: sqlite3.connect(scribbled).execute("SELECT * FROM sqlite_master"))
    assert failures.explain(error).startswith("The store is damaged")

    assert failures.kind(OSError(errno.ENOSPC, "No space left on device")) == failures.FULL
    assert failures.kind(OSError(errno.EIO, "Input/output error")) == failures.DISK
    assert failures.kind(OSError(errno.EACCES, "Permission denied")) == failures.UNKNOWN

    odd = peewee.InterfaceError("Error binding parameter 3 - probably unsupported type")
    sentence = failures.explain(odd)
    assert sentence.startswith("The store could not do this: try again")
    assert "binding" not in sentence and "parameter" not in sentence


# -- the form: it can always try again -------------------------------------------------


def status_line(app) -> str:
    status = app.screen.query_one("#form-status", Static)
    return str(status.render()) if status.display else ""


async def test_a_locked_store_keeps_the_form_able_to_save(short_lock_wait, make_app, db_path):
    i18n.set_language("en")
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press("f2")
        await settle(pilot)
        await pilot.press(*"13812345678", "enter", *"张三")
        holder = held(db_path)
        try:
            await pilot.press("ctrl+s")
            await settle(pilot)
            assert isinstance(app.screen, RegistrationScreen)
            assert status_line(app) == (
                "Another program is holding the store: try again in a moment."
            )
            assert "locked" not in screen_text(app)
            assert app.screen.query_one("#phone", Input).value == "13812345678"
            assert app.screen.query_one("#name", Input).value == "张三"
        finally:
            holder.rollback()  # the other program is done
            holder.close()
        await pilot.press(*"丰")
        await settle(pilot)  # the draft is written as the keys come: no pause needed
        payload, _ = drafts.load_draft("", "walkin")
        assert payload["name"] == "张三丰"
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert not isinstance(app.screen, RegistrationScreen)
    saved = Registration.get()
    assert (saved.phone, saved.name) == ("13812345678", "张三丰")
    assert drafts.load_draft("", "walkin") is None


async def test_a_full_disk_says_so_and_the_next_save_works(showroom, make_app, monkeypatch):
    real_register = registration.register
    attempts = []

    def register_on_a_full_disk(*args, **kwargs):
        attempts.append(1)
        if len(attempts) == 1:  # what peewee raised: the rollback error, the real one under it
            try:
                raise sqlite3.OperationalError("database or disk is full")
            except sqlite3.OperationalError:
                raise peewee.OperationalError("cannot rollback - no transaction is active")  # noqa: B904
        return real_register(*args, **kwargs)

    monkeypatch.setattr(registration, "register", register_on_a_full_disk)
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press("f2")
        await settle(pilot)
        await pilot.press(*"13812345678", "ctrl+s")
        await settle(pilot)
        assert isinstance(app.screen, RegistrationScreen)
        assert status_line(app).startswith("磁盘已满")
        assert "rollback" not in screen_text(app)
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert not isinstance(app.screen, RegistrationScreen)
    assert len(attempts) == 2
    assert Registration.get().phone == "13812345678"


# -- the command line ------------------------------------------------------------------


def test_the_cli_names_a_locked_store_without_sqlite_words(run_cli, cli_store, monkeypatch):
    assert run_cli("staff", "add", "王磊", "--role", "consultant")[0] == 0
    monkeypatch.setitem(store.SQLITE_PRAGMAS, "busy_timeout", LOCK_WAIT_MS)
    monkeypatch.setattr(store, "BUSY_TIMEOUT_S", LOCK_WAIT_MS / 1000)
    holder = held(cli_store)
    try:
        status, out, err = run_cli(
            "--lang", "en", "register", "--kind", "walkin", "--at", "2026-11-25 09:15"
        )
    finally:
        holder.rollback()
        holder.close()
    assert status == 1
    assert out == ""
    assert err == "Another program is holding the store: try again in a moment.\n"
