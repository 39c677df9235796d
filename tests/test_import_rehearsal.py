"""An import rehearses on private copies and stores each part of the file in one short
transaction: the same store as registering its rows one by one, nothing of a part visible
before its end, nothing left of a refused file, a file cut off between parts finished by
importing it again, and no desk's save held up while it rehearses. On SQLite and on
PostgreSQL.

Each test builds the same small store twice (memorable customers, on the frozen clock):
one imports a file, the other registers the file's rows one by one through ``register``
— the desk's own service — and the two stores must then hold the same rows, table by table
(two files; on PostgreSQL two databases made from the migrated template).
"""

from __future__ import annotations

import json
import random
import sqlite3
import threading

import pytest

from frontdesk import store
from frontdesk.desk import import_progress, import_rehearsal, importer, registration
from frontdesk.desk.registration import RegistrationInput
from frontdesk.followup import contacts
from frontdesk.followup.contact_input import ContactInput
from frontdesk.people import team
from frontdesk.people.actor import DESK, OPERATOR
from frontdesk.store import codes, dialect, settings
from frontdesk.store.models import Customer, Registration, database
from frontdesk.store.shadow import Shadow

pytestmark = pytest.mark.both_engines  # the rehearsal and the apply, on SQLite and PostgreSQL
# How each engine refuses a write to the store in a rehearsal.
REFUSED = r"not authorized|read-only transaction"

HEADER = "kind,time_in,phone,name,model,level,consultant,party_size"
# What the two stores are compared on: every row of every table a registration writes.
TABLES = ("customer", "registration", "level_change", "audit_entry", "staff", "contact")

# The file: 张三 comes back (and once before his first visit on file), 王芳 is new and
# comes back, 李四 walks in for the first time after calling, an anonymous party, a call.
ROWS = [
    ("walkin", "2026-11-19 09:30", "13800000001", "", "凯美瑞", "A", "", "2"),
    ("walkin", "2026-11-22 10:00", "13900000001", "王芳", "卡罗拉", "", "", "1"),
    ("phone", "2026-11-23 15:00", "13900000001", "", "", "B", "", ""),
    ("walkin", "2026-11-24 10:00", "13800000002", "李四先生", "汉兰达", "H", "", "3"),
    ("walkin", "2026-11-24 11:00", "", "", "", "", "", "2"),
    ("phone", "2026-11-24 16:00", "13700000003", "周七", "RAV4荣放", "C", "李娜", ""),
    ("walkin", "2026-11-25 09:00", "13800000001", "", "", "", "王磊", "2"),
]
# The same, every row naming its consultant: none takes the head of the rotation.
NAMED = [(*row[:6], row[6] or "王磊", row[7]) for row in ROWS]


def build(path) -> None:
    """The store before the import: 张三 walked in (level B, 李娜's), 李四 called, 孙九
    (not in the file) called with level C, and a contact recorded with 张三. ``path``: an
    SQLite file or a PostgreSQL URL."""
    target = str(path)
    store.open_store(target, "main" if store.is_postgres(target) else None)
    settings.put(settings.WELCOMED, "1")
    team.add_staff("王磊", "consultant", by=OPERATOR)
    team.add_staff("李娜", "consultant", by=OPERATOR)
    team.add_staff("赵敏", "receptionist", by=OPERATOR)
    codes.add(codes.MODEL, "凯美瑞", "卡罗拉", "汉兰达", "RAV4荣放")
    zhang = registration.register(
        RegistrationInput(
            time_in="2026-11-20 10:00",
            phone="13800000001",
            name="张三",
            level="B",
            consultant="李娜",
            model="凯美瑞",
        ),
        by=DESK,
    )
    registration.register(
        RegistrationInput(
            kind="phone", time_in="2026-11-21 14:00", phone="13800000002", name="李四"
        ),
        by=DESK,
    )
    registration.register(  # not in the file; the latest intent cycle is his
        RegistrationInput(
            kind="phone", time_in="2026-11-22 11:00", phone="13600000009", name="孙九", level="C"
        ),
        by=DESK,
    )
    contacts.record_contact(
        zhang.customer_id,
        ContactInput(method="call", at="2026-11-21 09:00", purpose="", account="回访", level="B"),
        by=OPERATOR,
    )


def as_input(row) -> RegistrationInput:
    kind, time_in, phone, name, model, level, consultant, party = row
    return RegistrationInput(
        kind=kind,
        time_in=time_in,
        phone=phone,
        name=name,
        model=model,
        level=level,
        consultant=consultant,
        party_size=party or 1,
    )


def write(path, rows) -> str:
    path.write_text("\n".join([HEADER, *(",".join(row) for row in rows)]) + "\n", encoding="utf-8")
    return str(path)


def connect(target):
    """A connection of its own to a store (an SQLite file or a PostgreSQL URL): what
    others see."""
    if str(target).startswith("postgresql://"):
        import psycopg

        return psycopg.connect(str(target), autocommit=True)
    return sqlite3.connect(str(target))


def query(target, sql: str) -> list[tuple]:
    conn = connect(target)
    try:
        return conn.execute(sql).fetchall()
    finally:
        conn.close()


def dump(path) -> dict[str, list[tuple]]:
    """Every row of the compared tables, from a connection of its own (what others see);
    the intent cycles and the open counts without their ids (the cycles are derived anew at
    each change)."""
    conn = connect(path)
    try:
        found = {t: conn.execute(f'SELECT * FROM "{t}" ORDER BY "id"').fetchall() for t in TABLES}
        # The cycles (with the figures their triggers keep) and the counts kept of the open
        # ones (migration 0020), whose ids follow the order of the writes.
        for table in ("intent_cycle", "open_by_met", "open_by_due"):
            rows = conn.execute(f'SELECT * FROM "{table}"').fetchall()
            found[table] = sorted((row[1:] for row in rows), key=repr)
        return found
    finally:
        conn.close()


def one_by_one(path, rows, before=()) -> dict:
    """The reference: ``before`` (desk saves) then each row through ``register``."""
    build(path)
    for data in before:
        registration.register(data, by=DESK)
    for row in rows:
        registration.register(as_input(row), by=DESK)
    store.close_store()
    return dump(path)


def imported(path, file, rows) -> importer.ImportResult:
    build(path)
    try:
        return importer.import_file(write(file, rows), by=DESK)
    finally:
        store.close_store()


@pytest.fixture
def stores(tmp_path, frozen_clock, engine, request):
    """Two empty migrated stores (the imported, the registered one by one) and the file's
    path. On PostgreSQL two databases copied from the migrated template."""
    if engine == "postgresql":
        cluster = request.getfixturevalue("pg_cluster")
        template = request.getfixturevalue("pg_template")
        imported_db, registered_db = (cluster.url(cluster.new_database(template)) for _ in range(2))
        return imported_db, registered_db, tmp_path / "log.csv"
    return tmp_path / "imported.db", tmp_path / "registered.db", tmp_path / "log.csv"


def random_rows(count: int, seed: int) -> list[tuple]:
    """Rows in time order over the week, on few phones (the store's and new ones)."""
    rng = random.Random(seed)
    phones = ["13800000001", "13800000002", *(f"1390000{n:04d}" for n in range(12)), ""]
    rows = []
    for number in range(count):
        day, minute = 18 + number * 7 // count, 9 * 60 + rng.randrange(8 * 60)
        rows.append(
            (
                rng.choice(["walkin", "walkin", "phone"]),
                f"2026-11-{day:02d} {minute // 60:02d}:{minute % 60:02d}",
                rng.choice(phones),
                rng.choice(["", "", "王芳", "陈先生"]),
                rng.choice(["", "凯美瑞", "卡罗拉"]),
                rng.choice(["", "", "H", "A", "B", "C"]),
                rng.choice(["", "", "王磊", "李娜"]),
                str(rng.randrange(1, 4)),
            )
        )
    return sorted(rows, key=lambda row: row[1])


@pytest.mark.parametrize("rows", [ROWS, random_rows(60, seed=1), random_rows(60, seed=2)])
def test_an_import_stores_what_registering_each_row_stores(stores, rows):
    imported_db, registered_db, file = stores
    assert imported(imported_db, file, rows) == importer.ImportResult(imported=len(rows))
    reference = one_by_one(registered_db, rows)
    assert reference["open_by_met"] and reference["open_by_due"]  # F6's foot counts some
    assert dump(imported_db) == reference


def test_a_file_rehearsed_a_few_rows_per_read_stores_the_same(stores, monkeypatch):
    """The rehearsal reads in several transactions (the WAL is checkpointed between)."""
    imported_db, registered_db, file = stores
    monkeypatch.setattr(importer, "ROWS_PER_READ", 7)
    rows = random_rows(60, seed=3)
    assert imported(imported_db, file, rows).imported == len(rows)
    assert dump(imported_db) == one_by_one(registered_db, rows)


def test_the_file_changes_customers_levels_and_the_rotation(stores):
    """What the differential test compares is not empty: the named effects are there."""
    imported_db, _, file = stores
    imported(imported_db, file, ROWS)
    visits = query(
        imported_db, "SELECT visit FROM registration WHERE phone = '13800000001' ORDER BY time_in"
    )
    assert visits == [("first",), ("returning",), ("returning",)]  # back-dated: first now
    assert query(
        imported_db,
        "SELECT level, CAST(first_contact AS TEXT) FROM customer WHERE phone = '13800000001'",
    ) == [("A", "2026-11-19")]
    wang = query(
        imported_db,
        "SELECT s.name FROM customer c JOIN staff s ON s.id = c.consultant_id"
        " WHERE c.phone = '13900000001'",
    )
    assert wang == [("王磊",)]  # the head of the rotation, who then went to the end
    order = query(
        imported_db, "SELECT name FROM staff WHERE role = 'consultant' ORDER BY rotation_order, id"
    )
    # 李娜 took 张三's back-dated first visit, 王磊 王芳's and 李四's, then 李娜 the
    # anonymous party: each went to the end.
    assert order == [("王磊",), ("李娜",)]
    # B→A (张三), →B (王芳's call), →H (李四), →C (周七); 张三's B, 孙九's C before the file.
    assert query(imported_db, "SELECT COUNT(*) FROM level_change") == [(6,)]


def test_a_file_refused_on_its_last_row_stores_nothing(stores):
    imported_db, registered_db, file = stores
    rows = [*ROWS, ("walkin", "2026-11-25 09:30", "12345", "", "", "", "", "1")]
    build(imported_db)
    try:
        result = importer.import_file(write(file, rows), by=DESK)
        assert_no_copies_left()
    finally:
        store.close_store()
    assert result.imported == 0 and [e[:2] for e in result.errors] == [(9, "phone")]
    assert dump(imported_db) == one_by_one(registered_db, [])


def assert_no_copies_left() -> None:
    """No private copy of a table outlives the import on its connection (this thread's)."""
    assert database.execute_sql(dialect.temp_tables_sql(database)).fetchall() == []


def test_a_crash_in_the_apply_stores_nothing_and_the_next_import_works(stores, monkeypatch):
    imported_db, registered_db, file = stores
    real = Shadow._apply_table

    def crash_at_level_changes(self, table, moved):
        if table == "level_change":  # customers and registrations written already
            raise RuntimeError("power cut")
        real(self, table, moved)

    build(imported_db)
    before = dump(imported_db)
    monkeypatch.setattr(Shadow, "_apply_table", crash_at_level_changes)
    with pytest.raises(RuntimeError):
        importer.import_file(write(file, ROWS), by=DESK)
    assert_no_copies_left()
    assert dump(imported_db) == before
    monkeypatch.setattr(Shadow, "_apply_table", real)
    assert importer.import_file(str(file), by=DESK).imported == len(ROWS)
    store.close_store()
    assert dump(imported_db) == one_by_one(registered_db, ROWS)


def desk_save_before_apply(monkeypatch, data: RegistrationInput, times: int = 1) -> list[int]:
    """Let another terminal save ``data`` after the rehearsal, before the first ``times``
    applies; returns the list of applies made (one per rehearsal)."""
    real = Shadow.apply
    applies: list[int] = []

    def apply(self, check):
        applies.append(1)
        if len(applies) <= times:

            def save():
                try:
                    return registration.register(data, by=DESK).id
                finally:
                    database.close()

            in_another_connection(save)
        return real(self, check)

    monkeypatch.setattr(Shadow, "apply", apply)
    return applies


def in_another_connection(job):
    """Run ``job`` on a thread of its own: its own connection, as another terminal."""
    found: list = []

    def run() -> None:
        try:
            found.append(job())
        except BaseException as error:  # raised again on the caller's thread
            found.append(error)

    thread = threading.Thread(target=run)
    thread.start()
    thread.join()
    if isinstance(found[0], BaseException):
        raise found[0]
    return found[0]


def test_a_desk_save_of_the_same_phone_before_the_apply_counts_as_before_the_import(
    stores, monkeypatch
):
    imported_db, registered_db, file = stores
    desk = RegistrationInput(time_in="2026-11-21 10:00", phone="13900000001", name="王芳")
    build(imported_db)
    applies = desk_save_before_apply(monkeypatch, desk)
    assert importer.import_file(write(file, ROWS), by=DESK).imported == len(ROWS)
    store.close_store()
    assert len(applies) == 2  # the first rehearsal was stale: rehearsed again
    assert dump(imported_db) == one_by_one(registered_db, ROWS, before=[desk])


@pytest.mark.parametrize(
    ("kind", "rows", "rehearsals"),
    [
        ("phone", ROWS, 1),  # nothing the rehearsal read changed: the new ids only move up
        # A first walk-in sends 李娜 to the end: the rows that took the head of the
        # rotation are rehearsed again; rows that only sent consultants to the end after her.
        ("walkin", ROWS, 2),
        ("walkin", NAMED, 1),
    ],
)
def test_a_desk_save_of_another_customer_before_the_apply(
    stores, monkeypatch, kind, rows, rehearsals
):
    imported_db, registered_db, file = stores
    desk = RegistrationInput(
        kind=kind, time_in="2026-11-25 10:00", phone="13600000009", name="孙九", consultant="李娜"
    )
    build(imported_db)
    applies = desk_save_before_apply(monkeypatch, desk)
    assert importer.import_file(write(file, rows), by=DESK).imported == len(rows)
    store.close_store()
    assert len(applies) == rehearsals
    assert dump(imported_db) == one_by_one(registered_db, rows, before=[desk])


def test_an_import_kept_stale_is_refused_and_stores_nothing(stores, monkeypatch):
    imported_db, _, file = stores
    build(imported_db)
    before = dump(imported_db)
    monkeypatch.setattr(import_rehearsal.Watched, "unchanged", lambda self, shadow: False)
    with pytest.raises(importer.ImportBusy):
        importer.import_file(write(file, ROWS), by=DESK)
    store.close_store()
    assert dump(imported_db) == before


def test_nobody_sees_a_half_import(stores, monkeypatch):
    """Half-way through the rows, another connection still sees the store as it was: the
    log, the customers, the contact table's due dates, the audit log."""
    imported_db, _, file = stores
    build(imported_db)
    before = dump(imported_db)
    real = registration.register
    seen = []

    def register(data, *, by):
        saved = real(data, by=by)
        if len(seen) == 0 and Registration.select().count() > 3:  # in the copies: more rows
            seen.append(dump(imported_db))
        return saved

    monkeypatch.setattr(registration, "register", register)
    assert importer.import_file(write(file, ROWS), by=DESK).imported == len(ROWS)
    store.close_store()
    assert seen == [before]
    assert dump(imported_db) != before


def test_a_rehearsal_cannot_write_the_store_itself(db):
    """SQLite's authorizer refuses it; PostgreSQL's transaction is read only."""
    main = dialect.store_schema(database)
    with (
        Shadow(
            database,
            import_rehearsal.copied_tables(database, all_customers=False),
            scratch=import_rehearsal.SCRATCH,
        ) as shadow,
        pytest.raises(Exception, match=REFUSED),
        shadow.rehearsal(),
    ):
        import_rehearsal.copy(shadow, {"13800000001"})
        database.execute_sql(f"INSERT INTO {main}.setting (key, value) VALUES ('x', 'y')")
    assert database.execute_sql("SELECT COUNT(*) FROM setting WHERE key = 'x'").fetchone() == (0,)


def test_a_later_rehearsal_cannot_write_the_store_either(db):
    """Each rehearsal transaction after the copy's refuses it too."""
    main = dialect.store_schema(database)
    tables = import_rehearsal.copied_tables(database, all_customers=False)
    with Shadow(database, tables, scratch=import_rehearsal.SCRATCH) as shadow:
        with shadow.rehearsal():
            import_rehearsal.copy(shadow, {"13800000001"})
        with (
            pytest.raises(Exception, match=REFUSED),
            shadow.rehearsal(),
        ):
            database.execute_sql(f"INSERT INTO {main}.setting (key, value) VALUES ('x', 'y')")
    assert database.execute_sql("SELECT COUNT(*) FROM setting WHERE key = 'x'").fetchone() == (0,)


def desk_save_mid_rehearsal(monkeypatch, data: RegistrationInput, at_row: int) -> list[int]:
    """Hold the import at its ``at_row``-th registration in the first rehearsal while
    another terminal saves ``data`` on a connection of its own; returns [the desk's
    registration id] once it saved. With the write lock held by the import the desk's
    save would wait for it (and fail after the lock timeout): it completes here, before
    the import goes on."""
    real = registration.register
    calls: list[int] = []
    saved: list[int] = []

    def register(row, *, by):
        calls.append(1)
        if len(calls) == at_row:
            assert database.in_transaction()  # in the middle of a rehearsal transaction

            def save():
                try:
                    return real(data, by=DESK).id
                finally:
                    database.close()

            saved.append(in_another_connection(save))
        return real(row, by=by)

    monkeypatch.setattr(registration, "register", register)
    return saved


@pytest.mark.parametrize(
    ("phone", "rehearsals"),
    [
        ("13600000009", 1),  # 孙九, not in the file: the import's new ids only move up
        ("13800000001", 2),  # 张三, in the file: the rehearsal read him; rehearsed again
    ],
)
def test_a_desk_saves_while_a_long_import_rehearses(stores, monkeypatch, phone, rehearsals):
    """A few hundred rows: the desk's save in the middle of the rehearsal completes at
    once, and the import then stores every row, after the desk's (ids past its row)."""
    imported_db, registered_db, file = stores
    rows = random_rows(300, seed=4)
    desk = RegistrationInput(
        kind="phone", time_in="2026-11-25 10:00", phone=phone, name="", consultant="李娜"
    )
    build(imported_db)
    real_apply = Shadow.apply
    applies: list[int] = []

    def apply(self, check):
        applies.append(1)
        return real_apply(self, check)

    monkeypatch.setattr(Shadow, "apply", apply)
    saved = desk_save_mid_rehearsal(monkeypatch, desk, at_row=150)
    try:
        assert importer.import_file(write(file, rows), by=DESK).imported == len(rows)
    finally:
        store.close_store()
    assert len(saved) == 1 and len(applies) == rehearsals
    ids = [row[0] for row in query(imported_db, 'SELECT "id" FROM registration ORDER BY "id"')]
    assert ids[-len(rows) :] == list(range(saved[0] + 1, saved[0] + 1 + len(rows)))
    monkeypatch.undo()  # the reference registers with the real services
    assert dump(imported_db) == one_by_one(registered_db, rows, before=[desk])


def test_a_statement_prepared_before_the_copies_reads_the_copies(stores, tmp_path):
    """A second import on the same connection (an app's worker imports twice), after
    looking customers up by phone often enough for psycopg to prepare the statement, still
    reads the copies, not the store: on PostgreSQL a plan prepared once the connection's
    temporary schema exists names the store's table, even after a copy of that name."""
    imported_db, registered_db, file = stores
    rows = random_rows(60, seed=5)
    build(imported_db)
    try:
        first = write(tmp_path / "first.csv", rows[:5])
        assert importer.import_file(first, by=DESK).imported == 5
        for _ in range(8):
            Customer.get_or_none(Customer.phone == "13900000001")
        assert importer.import_file(write(file, rows[5:]), by=DESK).imported == len(rows) - 5
    finally:
        store.close_store()
    assert dump(imported_db) == one_by_one(registered_db, rows)


def test_the_apply_sets_only_the_columns_the_rehearsal_changed(db):
    """Rows changed in different columns are stored each with its own changes; a column
    another terminal changed meanwhile in the same row keeps the other terminal's value,
    and so does a row the rehearsal did not change."""
    from frontdesk.store.models import Staff
    from frontdesk.store.shadow import Copied

    for name in ("王磊", "李娜", "赵强"):
        team.add_staff(name, "consultant", by=OPERATOR)
    ids = {row.name: row.id for row in Staff.select()}
    with Shadow(database, [Copied("staff")]) as shadow:
        with shadow.rehearsal():
            shadow.copy()
            temp = dialect.temp_schema(database)
            shadow.run(
                f"UPDATE {temp}.staff SET role = 'manager', on_duty = ? WHERE id = ?",
                (False, ids["王磊"]),
            )
            shadow.run(f"UPDATE {temp}.staff SET name = '李娜娜' WHERE id = ?", (ids["李娜"],))

        def other_terminal():
            try:
                Staff.update(login="wanglei2").where(Staff.id == ids["王磊"]).execute()
                Staff.update(login="zhaoqiang2").where(Staff.id == ids["赵强"]).execute()
            finally:
                database.close()

        in_another_connection(other_terminal)
        assert shadow.apply(lambda _: True)
    rows = {
        row.id: (row.name, row.login, row.role, row.on_duty)
        for row in Staff.select().order_by(Staff.id)
    }
    assert rows[ids["王磊"]] == ("王磊", "wanglei2", "manager", False)
    assert rows[ids["李娜"]][0] == "李娜娜" and rows[ids["李娜"]][2] == "consultant"
    assert rows[ids["赵强"]][:3] == ("赵强", "zhaoqiang2", "consultant")


# -- a file of several parts ------------------------------------------------------------------


def progress_notes(target) -> list[tuple[int, int]]:
    """The import's progress notes (``desk.import_progress``): (stored, total) of each."""
    notes = query(target, "SELECT detail FROM audit_entry WHERE entity = 'import_file' ORDER BY id")
    return [(json.loads(d)["stored"], json.loads(d)["total"]) for (d,) in notes]


def without_notes(found: dict) -> dict:
    """A dump without the progress notes, the audit log compared without its ids (the
    notes took some)."""
    audit = [row[1:] for row in found["audit_entry"] if "import_file" not in row]
    return {**found, "audit_entry": audit}


@pytest.fixture
def parts_of(monkeypatch):
    def parts(rows: int) -> None:
        monkeypatch.setattr(importer, "PART_ROWS", rows)

    return parts


def test_a_file_of_several_parts_stores_what_registering_each_row_stores(stores, parts_of):
    """Each part in its own write transaction: the rows, ids and counts the same as one by
    one, and a note of the rows stored with each part."""
    imported_db, registered_db, file = stores
    parts_of(7)
    rows = random_rows(60, seed=6)
    assert imported(imported_db, file, rows) == importer.ImportResult(imported=60)
    assert progress_notes(imported_db) == [(n, 60) for n in (7, 14, 21, 28, 35, 42, 49, 56, 60)]
    assert without_notes(dump(imported_db)) == without_notes(one_by_one(registered_db, rows))


def test_a_desk_save_between_two_parts_comes_between_their_rows(stores, parts_of, monkeypatch):
    """李四 walks in at the desk after the first part is stored: the second part is
    rehearsed on the store with his walk-in, as if the desk had registered the first rows,
    then his, then the rest."""
    imported_db, registered_db, file = stores
    parts_of(20)
    rows = random_rows(40, seed=7)
    assert "13800000002" in {row[2] for row in rows[20:]}  # he is in the second part
    desk = RegistrationInput(time_in="2026-11-25 10:00", phone="13800000002", level="H")
    real = Shadow.apply
    applies: list[bool] = []

    def apply(self, check):
        applies.append(real(self, check))
        if len(applies) == 1:
            in_another_connection(lambda: save_and_close(desk))
        return applies[-1]

    monkeypatch.setattr(Shadow, "apply", apply)
    assert imported(imported_db, file, rows).imported == 40
    monkeypatch.undo()
    assert applies == [True, True]
    build(registered_db)
    for row in rows[:20]:
        registration.register(as_input(row), by=DESK)
    registration.register(desk, by=DESK)
    for row in rows[20:]:
        registration.register(as_input(row), by=DESK)
    store.close_store()
    assert without_notes(dump(imported_db)) == without_notes(dump(registered_db))


def save_and_close(data: RegistrationInput) -> int:
    try:
        return registration.register(data, by=DESK).id
    finally:
        database.close()


@pytest.mark.parametrize("cut_off", ["crash", "stale"])
def test_an_import_cut_off_between_parts_goes_on_when_imported_again(
    stores, parts_of, monkeypatch, cut_off
):
    """The power fails in the second part's apply, or other saves keep it stale: the first
    part is stored whole (the store as registering its rows left it), the rest not; the
    same file imported again stores only the rest. Imported once more after that, it is a
    new import."""
    imported_db, registered_db, file = stores
    parts_of(20)
    rows = random_rows(50, seed=8)
    build(imported_db)
    real = Shadow.apply
    applies: list[int] = []

    def apply(self, check):
        applies.append(1)
        if len(applies) > 1:
            if cut_off == "crash":
                raise RuntimeError("power cut")
            return False  # others' saves made the part stale
        return real(self, check)

    monkeypatch.setattr(Shadow, "apply", apply)
    refused = RuntimeError if cut_off == "crash" else importer.ImportBusy
    with pytest.raises(refused) as raised:
        importer.import_file(write(file, rows), by=DESK)
    if cut_off == "stale":
        assert "最早的 20 条已保存" in str(raised.value) and "共 50 条" in str(raised.value)
    assert_no_copies_left()
    store.close_store()
    assert progress_notes(imported_db) == [(20, 50)]
    assert without_notes(dump(imported_db)) == without_notes(one_by_one(registered_db, rows[:20]))

    monkeypatch.setattr(Shadow, "apply", real)
    reopen(imported_db)
    try:
        cut_off_at = [(u.stored, u.total) for u in import_progress.unfinished()]
        again = importer.import_file(str(file), by=DESK)
        assert import_progress.unfinished() == []
    finally:
        store.close_store()
    assert cut_off_at == [(20, 50)]  # what doctor warns of
    assert (again.resumed, again.imported) == (20, 30)
    assert progress_notes(imported_db) == [(20, 50), (40, 50), (50, 50)]
    reopen(registered_db)
    for row in rows[20:]:
        registration.register(as_input(row), by=DESK)
    store.close_store()
    assert without_notes(dump(imported_db)) == without_notes(dump(registered_db))

    reopen(imported_db)
    try:
        assert importer.import_file(str(file), by=DESK) == importer.ImportResult(imported=50)
    finally:
        store.close_store()


def reopen(target) -> None:
    store.open_store(str(target), "main" if store.is_postgres(str(target)) else None)
