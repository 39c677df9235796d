"""Backup under load, and the upgrade of a store from every earlier schema version.

- A backup taken (``store.backup``, SQLite's online backup) while four writer processes
  register restores to a consistent store: ``integrity_check`` and ``foreign_key_check``
  clean, no more rows than the store had at the end, every registration complete and
  identical to the one in the store.
- A backup aimed at the store's own files (the store, its ``-wal``, ``-shm``, ``-journal``,
  or a link to one) while another connection reads is refused, and every saved row stays.
- A store a newer program upgraded (a migration this one does not know) refuses every save,
  on the command line and in the app, naming both versions; reading goes on.
- For each migration N, a store at N-1 filled with rows in every table upgrades to the
  newest schema keeping every row, every value of every column it had. The rows are made
  from the schema itself (column types, foreign keys, unique indexes), so a migration added
  later is covered without touching this test.
"""

from __future__ import annotations

import datetime as dt
import json
import re
import sqlite3
import time

import pytest
from playhouse.migrations import Runner

from frontdesk import store
from frontdesk.desk import day_log as daylog
from frontdesk.desk import registration
from frontdesk.desk.registration import RegistrationInput
from frontdesk.people.actor import DESK, OPERATOR
from frontdesk.store import backups
from frontdesk.store.guard import StoreTooNew
from tests import reliability
from tests.conftest import settle
from tests.workers import prepare_store

WRITERS = 4
BACKUPS = 3
PAUSE_S = 0.04

# ---------------------------------------------------------------- backup under load


def test_a_backup_taken_while_four_writers_run_restores_consistent(tmp_path):
    path = tmp_path / "store.db"
    prepare_store(str(path))
    stop = tmp_path / "stop"
    outputs = [tmp_path / f"writer{n}.out" for n in range(WRITERS)]
    # 100 saves a second between them: far beyond a showroom, yet each writer leaves the
    # lock free now and then (writers that never pause starve one another: RELIABILITY.md).
    writers = [
        reliability.spawn(
            "writer",
            path,
            *("--id", str(n), "--stop-file", str(stop), "--pause", str(PAUSE_S)),
            output=outputs[n],
        )
        for n in range(WRITERS)
    ]
    copies = []
    try:
        for output, process in zip(outputs, writers, strict=True):
            reliability.wait_for_line(output, "ack", process)
        store.open_store(str(path))
        try:
            for number in range(BACKUPS):
                copies.append(backups.backup(tmp_path / f"backup{number}.db", by=OPERATOR))
                time.sleep(0.1)
        finally:
            store.close_store()
    finally:
        stop.touch()
        codes = [process.wait(timeout=60) for process in writers]
    assert codes == [0] * WRITERS
    for output in outputs:
        assert reliability.errors(output) == []

    final = {}
    with reliability.raw(path) as conn:
        for ident, *row in conn.execute("SELECT * FROM registration"):
            final[ident] = tuple(row)
    counts = []
    for copy in copies:
        assert reliability.soundness(copy) == [], copy
        with reliability.raw(copy) as conn:
            rows = {ident: tuple(row) for ident, *row in conn.execute("SELECT * FROM registration")}
        assert len(rows) <= len(final)
        assert all(final.get(ident) == row for ident, row in rows.items())
        counts.append(len(rows))
    assert counts == sorted(counts)  # later backups hold at least what earlier ones did
    assert counts[-1] > 0

    # The backup is a store: it opens (no migration left to do) and shows its rows.
    db = store.open_store(str(copies[-1]))
    try:
        assert store.schema_version(db) == _latest()
        assert len(daylog.day_log(dt.date.today())) == counts[-1]
    finally:
        store.close_store()


# ---------------------------------------------------------------- backup onto the store's files

SAVED = 5


def _five_saved() -> None:
    for minute in range(SAVED):
        registration.register(
            RegistrationInput(time_in=f"10:0{minute}", phone=f"1381234567{minute}"), by=DESK
        )


def _still_whole(db_path: str) -> None:
    """Every saved row is there and the file is sound, seen by a fresh connection."""
    store.close_store()
    assert reliability.count(db_path, "SELECT COUNT(*) FROM registration") == SAVED
    assert reliability.soundness(db_path) == []


@pytest.mark.parametrize("suffix", ["", "-wal", "-shm", "-journal"])
def test_a_backup_onto_the_stores_own_files_is_refused_while_another_reads(
    showroom, db_path, suffix
):
    from frontdesk.store.backups import BackupError

    _five_saved()
    reader = sqlite3.connect(db_path, isolation_level=None)  # another terminal, mid-read
    try:
        reader.execute("BEGIN")
        assert reader.execute("SELECT COUNT(*) FROM registration").fetchone() == (SAVED,)
        with pytest.raises(BackupError, match="-wal"):
            backups.backup(f"{db_path}{suffix}", by=OPERATOR)
        assert reader.execute("SELECT COUNT(*) FROM registration").fetchone() == (SAVED,)
    finally:
        reader.close()
    _still_whole(db_path)


def test_a_link_to_the_wal_is_refused_as_the_wal(showroom, db_path, tmp_path):
    from frontdesk.store.backups import BackupError

    _five_saved()
    link = tmp_path / "usb" / "frontdesk-backup.db"
    link.parent.mkdir()
    link.symlink_to(f"{db_path}-wal")
    reader = sqlite3.connect(db_path, isolation_level=None)
    try:
        reader.execute("BEGIN")
        reader.execute("SELECT COUNT(*) FROM registration").fetchone()
        with pytest.raises(BackupError):
            backups.backup(link, by=OPERATOR)
    finally:
        reader.close()
    _still_whole(db_path)


# ---------------------------------------------------------------- upgrade from N-1

ROWS = 3
MOMENT = dt.datetime(2026, 11, 20, 9, 0)
# Values with a meaning to the rules, by column name, where a generic value would not do.
MEANINGFUL = {
    ("registration", "kind"): ("walkin", "phone", "walkin"),
    ("registration", "visit"): ("first", "returning", "first"),
    ("code_item", "kind"): ("channel", "model", "model"),
    ("staff", "role"): ("consultant", "receptionist", "manager"),
    ("contact", "method"): ("call", "visit", "walkin"),
    ("interval_change", "level"): ("H", "A", "B"),
    ("intent_cycle", "opened_by"): ("walkin", "call", "visit"),
    ("intent_cycle", "origin"): ("walkin", None, "visit"),
    ("intent_cycle", "closed_as"): (None, "deal", "defeat"),
    ("level_change", "closed_as"): (None, None, "lost"),
    ("open_by_met", "level"): ("H", "A", "B"),
    ("open_by_due", "level"): ("H", "A", "B"),
    "level": ("H", "A", None),
    "to_level": ("H", "A", "B"),
    "from_level": (None, "H", "A"),
    "level_after": ("H", "A", "B"),
    "gender": ("M", "F", ""),
    "customer_class": ("intent", "base", "intent"),
    "party_size": (2, 1, 4),
    "source": (4, 1, 7),
    "version": (1, 2, 1),
}


def _migrations() -> list[str]:
    return sorted(p.stem for p in store.MIGRATIONS_DIR.glob("[0-9][0-9][0-9][0-9]_*.py"))


def _latest() -> int:
    return int(_migrations()[-1][:4])


def _tables(conn: sqlite3.Connection) -> list[str]:
    names = conn.execute(
        "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'"
        " AND name != ?",
        (store.MIGRATIONS_TABLE,),
    )
    return [name for (name,) in names]


def _in_dependency_order(conn: sqlite3.Connection, tables: list[str]) -> list[str]:
    parents = {
        table: {row[2] for row in conn.execute(f'PRAGMA foreign_key_list("{table}")')} - {table}
        for table in tables
    }
    ordered: list[str] = []
    while len(ordered) < len(tables):
        ready = [t for t in tables if t not in ordered and parents[t] <= set(ordered)]
        assert ready, f"foreign keys in a cycle: {parents}"
        ordered += sorted(ready)
    return ordered


def _value(table: str, column: str, declared: str, number: int, foreign: dict):
    """A value for row ``number`` of ``table.column``: meaningful where the rules read it,
    unique where an index may ask for it, of the declared type elsewhere."""
    if column in foreign:
        return foreign[column][number % len(foreign[column])]
    for key in ((table, column), column):
        if key in MEANINGFUL:
            return MEANINGFUL[key][number % ROWS]
    declared = declared.upper()
    if column == "phone":
        return f"1381234{number:04d}"
    if "DATETIME" in declared:
        return f"{MOMENT + dt.timedelta(days=number, minutes=number):%Y-%m-%d %H:%M:%S}"
    if "DATE" in declared:
        return f"{MOMENT + dt.timedelta(days=number):%Y-%m-%d}"
    if "INT" in declared or "BOOL" in declared:
        return number % 2 if column in {"active", "on_duty"} else number + 1
    if "REAL" in declared or "FLOAT" in declared or "NUMERIC" in declared:
        return number + 0.5
    if "BLOB" in declared:
        return bytes([number]) * 4
    return f"{table}·{column}·{number}·[VIP]张三"


def fill_every_table(conn: sqlite3.Connection) -> dict[str, int]:
    """``ROWS`` rows in every table of the schema as it is, parents first; rows per table."""
    filled = {}
    for table in _in_dependency_order(conn, _tables(conn)):
        columns = conn.execute(f'PRAGMA table_info("{table}")').fetchall()
        foreign = {}
        for row in conn.execute(f'PRAGMA foreign_key_list("{table}")'):
            parent, column, to = row[2], row[3], row[4] or "rowid"
            foreign[column] = [v for (v,) in conn.execute(f'SELECT "{to}" FROM "{parent}"')]
        for number in range(ROWS):
            names, values = [], []
            for _, column, declared, _notnull, _default, primary in columns:
                if primary and "INT" in (declared or "").upper():
                    continue  # the rowid
                names.append(f'"{column}"')
                values.append(_value(table, column, declared or "", number, foreign))
            conn.execute(
                f'INSERT OR IGNORE INTO "{table}" ({", ".join(names)})'
                f" VALUES ({', '.join('?' * len(values))})",
                values,
            )
        filled[table] = conn.execute(f'SELECT COUNT(*) FROM "{table}"').fetchone()[0]
    return filled


def _snapshot(conn: sqlite3.Connection) -> dict[str, tuple[list[str], list[tuple]]]:
    """Every table's columns and rows (by rowid)."""
    snapshot = {}
    for table in _tables(conn):
        columns = [row[1] for row in conn.execute(f'PRAGMA table_info("{table}")')]
        quoted = ", ".join(f'"{c}"' for c in columns)
        rows = conn.execute(f'SELECT rowid, {quoted} FROM "{table}" ORDER BY rowid').fetchall()
        snapshot[table] = (columns, rows)
    return snapshot


# A column a migration moved to another table, and how a kept row finds it there: the
# desk PIN went from the store's member to the group's person (0023).
MOVED = {
    ("staff", "pin_hash"): '(SELECT "pin_hash" FROM "person" WHERE "id" = "staff"."person_id")'
}


def _kept_column(conn: sqlite3.Connection, table: str, column: str) -> str:
    """A column of the rows before, as the upgraded table gives it (or where it moved)."""
    now = [row[1] for row in conn.execute(f'PRAGMA table_info("{table}")')]
    return f'"{column}"' if column in now else MOVED[(table, column)]


@pytest.mark.parametrize("migration", _migrations()[1:])
def test_a_store_one_version_back_upgrades_keeping_every_row(migration, tmp_path):
    names = _migrations()
    previous = names[names.index(migration) - 1]
    path = tmp_path / f"at-{previous}.db"
    old = store.make_database(str(path))
    old.connect()
    Runner(old, str(store.MIGRATIONS_DIR), table_name=store.MIGRATIONS_TABLE).up(target=previous)
    assert store.schema_version(old) == int(previous[:4])
    old.close()
    with reliability.raw(path) as conn:
        conn.execute("PRAGMA foreign_keys = ON")
        with conn:
            filled = fill_every_table(conn)
        assert all(count >= 1 for count in filled.values()), filled
        before = _snapshot(conn)

    db = store.open_store(str(path))
    try:
        assert store.schema_version(db) == _latest()
        # The models read the upgraded rows: the day's log and a customer by phone.
        assert daylog.day_log(MOMENT.date())
        assert registration.lookup("13812340000") is not None
    finally:
        store.close_store()
    assert reliability.soundness_of_schema(path) == []

    with reliability.raw(path) as conn:
        after_tables = set(_tables(conn))
        for table, (columns, rows) in before.items():
            assert table in after_tables, f"{migration} dropped {table}"
            quoted = ", ".join(_kept_column(conn, table, c) for c in columns)
            kept = conn.execute(f'SELECT rowid, {quoted} FROM "{table}" ORDER BY rowid')
            kept_rows = {row[0]: row for row in kept}
            for row in rows:
                assert kept_rows.get(row[0]) == row, f"{migration}: {table} row {row[0]} changed"


def test_the_fixture_rows_are_real_rows(tmp_path):
    """The generic rows satisfy the schema's constraints (else the upgrade test proves less)."""
    path = tmp_path / "head.db"
    store.open_store(str(path))
    store.close_store()
    with reliability.raw(path) as conn:
        conn.execute("PRAGMA foreign_keys = ON")
        with conn:
            filled = fill_every_table(conn)
    assert all(count >= ROWS for table, count in filled.items()), filled
    assert reliability.soundness_of_schema(path) == []
    assert re.fullmatch(r"1381234\d{4}", _value("customer", "phone", "VARCHAR", 0, {}))


# ---------------------------------------------------------------- a store from a newer program


def upgrade_by_a_newer_program(path: str) -> int:
    """What a newer frontdesk leaves in the store: a migration this program does not know."""
    newer = _latest() + 1
    with reliability.raw(path) as conn, conn:
        conn.execute(
            f"INSERT INTO {store.MIGRATIONS_TABLE} (name, applied) VALUES (?, ?)",
            (f"{newer:04d}_from_a_newer_frontdesk", "2026-11-25 10:00:00"),
        )
    return newer


def test_every_command_refuses_to_save_into_a_newer_store_and_reading_goes_on(run_cli, cli_store):
    assert run_cli("staff", "add", "王磊", "--role", "consultant")[0] == 0
    walk_in = ("register", "--kind", "walkin", "--at", "09:00", "--phone", "13812345678")
    assert run_cli(*walk_in)[0] == 0
    newer = upgrade_by_a_newer_program(cli_store)
    with reliability.raw(cli_store) as conn:
        before = _snapshot(conn)
    both_versions = f"数据版本 {newer}，本程序只认识到 {_latest()}"
    for command in (
        ("register", "--kind", "walkin", "--at", "09:30", "--phone", "13900001111"),
        ("checkout", "1"),
        ("staff", "add", "李娜", "--role", "consultant"),
        ("contact", "--phone", "13812345678", "--at", "10:00", "--method", "call", "--level", "H"),
    ):
        status, out, err = run_cli(*command)
        assert (status, out) == (1, ""), command
        assert both_versions in err and "不能保存" in err, (command, err)
        assert "Traceback" not in err
    with reliability.raw(cli_store) as conn:
        assert _snapshot(conn) == before  # nothing written, not even an audit entry
    status, out, err = run_cli("--lang", "en", "register", "--kind", "phone", "--at", "09:40")
    assert status == 1
    assert f"schema version {newer}; this program knows up to {_latest()}" in err
    status, out, err = run_cli("stats", "--date", "2026-11-25", "--json")
    assert (status, err) == (0, "")
    assert json.loads(out)["walkin"]["parties"] == 1
    status, out, err = run_cli("followups", "--date", "2026-11-25")
    assert (status, err) == (0, "")


def test_a_desk_left_open_stops_saving_when_a_newer_program_upgrades_the_store(showroom, db_path):
    registration.register(RegistrationInput(time_in="10:00", phone="13812345678"), by=DESK)
    newer = upgrade_by_a_newer_program(db_path)  # beside this open store, by another program
    with pytest.raises(StoreTooNew) as refused:
        registration.register(RegistrationInput(time_in="10:05", phone="13900001111"), by=DESK)
    assert (refused.value.version, refused.value.known) == (newer, _latest())
    assert [r.phone for r in daylog.day_log(dt.date(2026, 11, 25))] == ["13812345678"]
    store.close_store()
    assert reliability.count(db_path, "SELECT COUNT(*) FROM registration") == 1
    store.open_store(db_path)  # opened again: refused from the start, not migrated
    try:
        with pytest.raises(StoreTooNew):
            registration.register(RegistrationInput(time_in="10:05", phone="13900001111"), by=DESK)
        assert store.schema_version(store.database.obj) == newer
    finally:
        store.close_store()


async def test_the_app_shows_the_refusal_and_keeps_the_form(showroom, make_app, db_path):
    from screens.desk.registration_form import RegistrationScreen

    newer = upgrade_by_a_newer_program(db_path)
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press("f2")
        await settle(pilot)
        await pilot.press(*"13812345678", "ctrl+s")
        await settle(pilot)
        assert isinstance(app.screen, RegistrationScreen)  # still there: try again later
        messages = [notification.message for notification in app._notifications]
        assert any(f"数据版本 {newer}，本程序只认识到 {_latest()}" in m for m in messages), messages
        assert not any("数据库错误" in m for m in messages), messages
    assert reliability.count(db_path, "SELECT COUNT(*) FROM registration") == 0
