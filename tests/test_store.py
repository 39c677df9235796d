"""The store: pragmas, write locks, migrations (against the models) and backups."""

from __future__ import annotations

import multiprocessing
import sqlite3
from pathlib import Path

import pytest
from peewee import IntegrityError, SqliteDatabase
from playhouse.migrations import Runner

from frontdesk import store
from frontdesk.desk.registration import RegistrationInput, register
from frontdesk.people.actor import DESK, OPERATOR
from frontdesk.store import backups, stores
from frontdesk.store.models import ALL_MODELS, database

# 0001_initial, 0002_default_channels, 0003_follow_up, …: every migration file shipped.
LATEST_VERSION = max(int(path.name[:4]) for path in store.MIGRATIONS_DIR.glob("[0-9]*.py"))
# Numbers are an order, not a count: migrations written in parallel may leave one free.
MIGRATION_COUNT = len(list(store.MIGRATIONS_DIR.glob("[0-9]*.py")))


def _pragma(db, name):
    return db.execute_sql(f"PRAGMA {name}").fetchone()[0]


def _user_tables(conn) -> list[str]:
    rows = conn.execute(
        "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' "
        "ORDER BY name"
    ).fetchall()
    return [name for (name,) in rows]


# ---------------------------------------------------------------- pragmas and locks


def test_open_store_creates_the_file_with_the_pragmas(db_path, frozen_clock):
    db = store.open_store(db_path)
    try:
        assert Path(db_path).is_file()
        assert _pragma(db, "journal_mode") == "wal"
        assert _pragma(db, "foreign_keys") == 1
        assert _pragma(db, "synchronous") == 2  # FULL
        assert _pragma(db, "busy_timeout") >= 10_000
    finally:
        store.close_store()


def test_open_store_creates_missing_folders(tmp_path, frozen_clock):
    path = tmp_path / "新店" / "data" / "frontdesk.db"
    store.open_store(str(path))
    try:
        assert path.is_file()
    finally:
        store.close_store()


def test_writes_lock_the_file_as_soon_as_the_transaction_begins(db, db_path):
    assert database.obj._lock_type == "IMMEDIATE"
    other = sqlite3.connect(db_path, timeout=0, isolation_level=None)
    try:
        # Nothing is written in the block: a deferred BEGIN would not hold the lock yet.
        with db.atomic(), pytest.raises(sqlite3.OperationalError, match="locked"):
            other.execute("BEGIN IMMEDIATE")
        other.execute("BEGIN IMMEDIATE")  # free again once the block is over
        other.execute("ROLLBACK")
    finally:
        other.close()


def test_foreign_keys_are_enforced(db):
    with pytest.raises(Exception, match="FOREIGN KEY"):
        db.execute_sql(
            "INSERT INTO contact (customer_id, at, method, account, created_at) "
            "VALUES (9999, '2026-11-25 10:30:00', 'call', '', '2026-11-25 10:30:00')"
        )


def test_a_sqlite_url_works(tmp_path, frozen_clock):
    path = tmp_path / "url.db"
    db = store.make_database(f"sqlite:///{path}")
    assert isinstance(db, SqliteDatabase)
    assert db._lock_type == "IMMEDIATE"
    db.connect()
    try:
        assert _pragma(db, "journal_mode") == "wal"
        assert _pragma(db, "foreign_keys") == 1
        assert _pragma(db, "busy_timeout") >= 10_000
    finally:
        db.close()
    store.open_store(f"sqlite:///{path}")
    try:
        assert store.schema_version(database.obj) == LATEST_VERSION
        assert path.is_file()
    finally:
        store.close_store()


# ---------------------------------------------------------------- migrations


def test_migrations_are_idempotent(db_path, frozen_clock):
    db = store.open_store(db_path)
    assert store.schema_version(db) == LATEST_VERSION
    store.close_store()
    db = store.open_store(db_path)
    try:
        assert store.migrate(db) == []
        assert store.schema_version(db) == LATEST_VERSION
        channels = db.execute_sql("SELECT COUNT(*) FROM code_item WHERE kind = 'channel'")
        assert channels.fetchone()[0] == 10  # the default channels went in once
    finally:
        store.close_store()


def test_an_empty_database_is_version_zero(tmp_path):
    db = store.make_database(str(tmp_path / "empty.db"))
    db.connect()
    try:
        assert store.schema_version(db) == 0
    finally:
        db.close()


def _affinity(declared: str) -> str:
    """SQLite's type affinity of a declared column type (section 3.1 of datatype3)."""
    declared = declared.upper()
    if "INT" in declared:
        return "INTEGER"
    if any(word in declared for word in ("CHAR", "CLOB", "TEXT")):
        return "TEXT"
    if not declared or "BLOB" in declared:
        return "BLOB"
    if any(word in declared for word in ("REAL", "FLOA", "DOUB")):
        return "REAL"
    return "NUMERIC"


def _schema(conn, table: str) -> dict:
    columns = {
        name: (_affinity(kind), bool(notnull), bool(pk))
        for (_, name, kind, notnull, _, pk) in conn.execute(f'PRAGMA table_info("{table}")')
    }
    indexes = {}
    for _, name, unique, origin, _ in conn.execute(f'PRAGMA index_list("{table}")'):
        cols = tuple(row[2] for row in conn.execute(f'PRAGMA index_info("{name}")'))
        indexes[name] = (bool(unique), origin, cols)
    foreign_keys = sorted(
        (row[3], row[2], row[4], row[6])  # from, table, to, on_delete
        for row in conn.execute(f'PRAGMA foreign_key_list("{table}")')
    )
    return {"columns": columns, "indexes": indexes, "foreign_keys": foreign_keys}


def test_the_migrated_schema_equals_the_models(db):
    scratch = SqliteDatabase(":memory:")
    with scratch.bind_ctx(ALL_MODELS):
        scratch.create_tables(ALL_MODELS)
    migrated = db.connection()
    expected = scratch.connection()
    tables = [model._meta.table_name for model in ALL_MODELS]
    assert set(_user_tables(migrated)) == {*tables, store.MIGRATIONS_TABLE}
    for table in tables:
        assert _schema(migrated, table) == _schema(expected, table), table


def test_a_store_at_the_first_migration_upgrades_keeping_every_row(db_path, frozen_clock):
    old = store.make_database(db_path)
    old.connect()
    runner = Runner(old, str(store.MIGRATIONS_DIR), table_name=store.MIGRATIONS_TABLE)
    assert runner.up(target="0001_initial") == ["0001_initial"]
    assert store.schema_version(old) == 1
    now = "2026-11-20 09:00:00"
    statements = [
        (
            "INSERT INTO staff (id, name, login, role, active, on_duty, rotation_order, "
            "created_at) VALUES (1, '王磊', 'wanglei', 'consultant', 1, 1, 1, ?)",
            (now,),
        ),
        (
            "INSERT INTO customer (id, name, phone, initials, gender, region, customer_class, "
            "level, model, channel, source, consultant_id, first_contact, notes, created_at, "
            "updated_at, version) VALUES (1, '张三', '13812345678', 'zs', 'M', '', 'intent', "
            "'H', '凯美瑞', '网络', 4, 1, '2026-11-20', '', ?, ?, 1)",
            (now, now),
        ),
        (
            "INSERT INTO registration (id, kind, time_in, customer_id, name, phone, gender, "
            "party_size, visit, model, colour, channel, level, consultant_id, test_drive, quote, "
            "ordered, notes, created_at, updated_at, version) VALUES (1, 'walkin', ?, 1, '张三', "
            "'13812345678', 'M', 2, 'first', '凯美瑞', '', '网络', 'H', 1, 1, 0, 0, '', ?, ?, 1)",
            (now, now, now),
        ),
        # A store that already had its own 网络 channel, at its own position.
        (
            "INSERT INTO code_item (kind, name, position, active) VALUES ('channel', '网络', 7, 1)",
            (),
        ),
    ]
    for sql, params in statements:
        old.execute_sql(sql, params)
    before = {
        table: old.execute_sql(f'SELECT * FROM "{table}" ORDER BY rowid').fetchall()
        for table in ("staff", "customer", "registration")
    }
    old.close()

    db = store.open_store(db_path)
    try:
        assert store.schema_version(db) == LATEST_VERSION
        for table, rows in before.items():
            after = db.execute_sql(f'SELECT * FROM "{table}" ORDER BY rowid').fetchall()
            assert [row[: len(rows[0])] for row in after] == rows  # added columns come last
        own = db.execute_sql(
            "SELECT position FROM code_item WHERE kind = 'channel' AND name = '网络'"
        ).fetchall()
        assert own == [(7,)]
        count = db.execute_sql("SELECT COUNT(*) FROM code_item WHERE kind = 'channel'")
        assert count.fetchone()[0] == 10
    finally:
        store.close_store()


def test_a_store_before_stores_becomes_its_own_store_main_keeping_every_row(db_path, frozen_clock):
    old = store.make_database(db_path)
    old.connect()
    Runner(old, str(store.MIGRATIONS_DIR), table_name=store.MIGRATIONS_TABLE).up(
        target="0021_change_notices"
    )
    now = "2026-11-20 09:00:00"
    old.execute_sql("INSERT INTO setting (key, value) VALUES ('store_name', '丰田4S店')")
    old.execute_sql(
        "INSERT INTO staff (id, name, login, role, active, on_duty, rotation_order, created_at) "
        "VALUES (1, '王磊', 'wanglei', 'consultant', 1, 1, 1, ?)",
        (now,),
    )
    settings_before = old.execute_sql("SELECT key, value FROM setting ORDER BY key").fetchall()
    old.close()

    db = store.open_store(db_path, "main")  # its own code: accepted
    try:
        assert db.execute_sql("SELECT id, code, name FROM store").fetchall() == [
            (1, "main", "丰田4S店")
        ]
        after = db.execute_sql("SELECT key, value, store_id FROM setting ORDER BY key").fetchall()
        assert after == [(key, value, 1) for key, value in settings_before]
        assert db.execute_sql("SELECT store_id FROM staff").fetchall() == [(1,)]
        with pytest.raises(IntegrityError, match="UNIQUE"):  # still one login per store
            db.execute_sql(
                "INSERT INTO staff (name, login, role, active, on_duty, rotation_order, "
                "created_at) VALUES ('王磊二', 'wanglei', 'consultant', 1, 1, 2, ?)",
                (now,),
            )
        with pytest.raises(stores.StoreNotFound):
            stores.check_own(db, "north")
    finally:
        store.close_store()


def _open_fresh_stores(paths, barrier, results):
    """Child process: open each new store at the same moment as the other child."""
    outcome = []
    for path in paths:
        barrier.wait(timeout=30)
        try:
            db = store.open_store(path)
            outcome.append((store.schema_version(db), _pragma(db, "journal_mode")))
        except Exception as error:  # reported to the parent, which fails the test
            outcome.append(repr(error))
        finally:
            store.close_store()
    results.put(outcome)


def test_two_processes_creating_the_same_store_both_succeed(tmp_path):
    context = multiprocessing.get_context("spawn")
    paths = [str(tmp_path / f"race{i}.db") for i in range(12)]
    barrier = context.Barrier(2)
    results = context.Queue()
    children = [
        context.Process(target=_open_fresh_stores, args=(paths, barrier, results)) for _ in range(2)
    ]
    for child in children:
        child.start()
    try:
        outcomes = [results.get(timeout=60) for _ in children]
    finally:
        for child in children:
            child.join(timeout=30)
    assert outcomes == [[(LATEST_VERSION, "wal")] * len(paths)] * 2
    for path in paths:
        conn = sqlite3.connect(path)
        try:
            applied = conn.execute(f"SELECT COUNT(*) FROM {store.MIGRATIONS_TABLE}").fetchone()
            channels = conn.execute("SELECT COUNT(*) FROM code_item").fetchone()
        finally:
            conn.close()
        assert applied == (MIGRATION_COUNT,)
        assert channels == (10,)


# ---------------------------------------------------------------- backup


def test_backup_copies_every_row_and_is_sound(showroom, db, tmp_path):
    register(
        RegistrationInput(time_in="10:00", phone="13812345678", name="张三", level="H"), by=DESK
    )
    register(RegistrationInput(kind="phone", time_in="10:10", phone="010-12345678"), by=DESK)
    target = backups.backup(tmp_path / "backups" / "frontdesk-20261125.db", by=OPERATOR)
    assert target.is_file()
    source = db.connection()
    copy = sqlite3.connect(target)
    try:
        assert copy.execute("PRAGMA integrity_check").fetchone() == ("ok",)
        tables = _user_tables(source)
        assert _user_tables(copy) == tables
        for table in tables:
            query = f'SELECT * FROM "{table}" ORDER BY rowid'
            assert copy.execute(query).fetchall() == source.execute(query).fetchall(), table
        registrations = copy.execute("SELECT COUNT(*) FROM registration").fetchone()
        assert registrations == (2,)
    finally:
        copy.close()


def test_backup_replaces_an_older_backup(showroom, db, tmp_path):
    target = tmp_path / "frontdesk-backup.db"
    target.write_bytes(b"not a database")
    backups.backup(target, by=OPERATOR)
    copy = sqlite3.connect(target)
    try:
        assert copy.execute("SELECT COUNT(*) FROM staff").fetchone() == (4,)
    finally:
        copy.close()


def test_backup_into_a_folder_names_the_file_and_never_overwrites_the_store(db, db_path, tmp_path):
    from frontdesk.errors import FrontdeskError

    folder = tmp_path / "backups"
    folder.mkdir()
    made = backups.backup(folder, by=OPERATOR)
    assert made.parent == folder and made.name == "frontdesk-20261125-103000.db"
    with pytest.raises(FrontdeskError):
        backups.backup(db_path, by=OPERATOR)
    unmounted = backups.backup(f"{tmp_path}/usb/", by=OPERATOR)  # a folder that is not there yet
    assert unmounted.parent == tmp_path / "usb" and unmounted.suffix == ".db"


def test_backup_refuses_the_stores_files_by_any_name(db, db_path, tmp_path, monkeypatch):
    import os

    from frontdesk.store.backups import BackupError

    store_file = Path(db_path)
    monkeypatch.chdir(store_file.parent)
    hard = tmp_path / "hard-link.db"
    os.link(store_file, hard)
    shelf = tmp_path / "shelf"
    shelf.mkdir()
    (shelf / "store").symlink_to(store_file.parent, target_is_directory=True)
    for dest in (
        f"{store_file.name}-wal",  # relative to the folder the command runs in
        f"./sub/../{store_file.name}-shm",
        shelf / "store" / f"{store_file.name}-journal",  # through a linked folder
        hard,  # the store's own bytes under another name
    ):
        with pytest.raises(BackupError):
            backups.backup(dest, by=OPERATOR)
    assert hard.exists() and not (tmp_path / f"{store_file.name}-journal").exists()


def test_backup_into_the_stores_folder_refuses_a_name_that_is_the_store(tmp_path, frozen_clock):
    from frontdesk.store.backups import BackupError

    # A store named as backups are named, taken at this very second: the folder's
    # time-stamped file would be the store itself.
    named = tmp_path / "frontdesk-20261125-103000.db"
    store.open_store(str(named))
    try:
        with pytest.raises(BackupError):
            backups.backup(tmp_path, by=OPERATOR)
        assert database.execute_sql("PRAGMA integrity_check").fetchone() == ("ok",)
    finally:
        store.close_store()


# ---------------------------------------------------------------- the write gate


def test_damage_found_by_another_program_stops_the_next_save_of_an_open_desk(showroom, db_path):
    from frontdesk.store import guard as store_guard
    from frontdesk.store.models import Registration

    register(RegistrationInput(time_in="10:00", phone="13812345678"), by=DESK)
    store_guard.mark_damaged(db_path, "integrity_check in another terminal")  # doctor, elsewhere
    with pytest.raises(store_guard.StoreDamaged):
        register(RegistrationInput(time_in="10:05", phone="13900001111"), by=DESK)
    assert [r.phone for r in Registration.select()] == ["13812345678"]  # reading goes on


def test_a_refused_store_refuses_writes_outside_a_transaction_on_every_thread(showroom, db_path):
    from concurrent.futures import ThreadPoolExecutor

    from peewee import OperationalError

    from frontdesk.store import audit
    from frontdesk.store import guard as store_guard

    audited = database.execute_sql("SELECT COUNT(*) FROM audit_entry").fetchone()
    store_guard.mark_damaged(db_path, "integrity_check in another terminal")
    with pytest.raises(store_guard.StoreDamaged):
        register(RegistrationInput(time_in="10:05", phone="13900001111"), by=DESK)

    def audit_in_a_worker() -> None:  # as the SSH server records a refused login
        with store.connection():
            audit.record("refuse", "ssh", None, None)

    with ThreadPoolExecutor(1) as worker, pytest.raises(OperationalError, match="readonly"):
        worker.submit(audit_in_a_worker).result()
    with pytest.raises(OperationalError, match="readonly"):
        audit.record("refuse", "ssh", None, None)
    assert database.execute_sql("SELECT COUNT(*) FROM audit_entry").fetchone() == audited
