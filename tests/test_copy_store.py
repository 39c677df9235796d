"""Moving a showroom's store file into the group's PostgreSQL database (``copy-store``):
every store-owned table copied with new ids, proved, in one transaction; refused to a
consultant, for a file at another schema, through a superuser; nothing left behind when it
fails.

The copy's own proof is not taken on trust: the checks here read both sides by their own
connections — counts by plain SQL, and ``stats --month`` / ``followups --all`` by the
command line on the file and on the new store after the commit. The PostgreSQL half needs
a server (``tests.postgres``); without one it is skipped.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import json
import shutil
import sqlite3

import asyncssh
import psycopg
import pytest
import time_machine
from peewee import ForeignKeyField

from frontdesk import cli, i18n, store
from frontdesk.desk import day_close, demo
from frontdesk.errors import Forbidden
from frontdesk.followup import close_review, contacts
from frontdesk.people import keys, pins, team
from frontdesk.people.actor import OPERATOR, Actor
from frontdesk.reports import daily_signoff, targets
from frontdesk.store import MIGRATIONS_TABLE, copy_store, drafts, settings
from frontdesk.store.models import (
    ALL_MODELS,
    Customer,
    Registration,
    Staff,
    StoreOwned,
)
from tests.conftest import FROZEN_NOW

DESK_ROLE = "frontdesk_desk"


# -- the file to move in ------------------------------------------------------------------


def _fill_the_rest() -> None:
    """Rows in every table the demo leaves empty, each by the service that writes it."""
    manager = Staff.get(Staff.role == "manager")
    as_manager = Actor.member(manager)
    today = FROZEN_NOW.date()
    open_customers = list(
        Customer.select()
        .where(Customer.level.is_null(False), Customer.consultant.is_null(False))
        .order_by(Customer.id)
        .limit(2)
    )
    approved, pending = open_customers
    application = close_review.apply(
        approved.id, "defeat", "价格", "本田雅阁", by=Actor.member(approved.consultant)
    )
    close_review.approve(application.id, by=as_manager)
    close_review.apply(pending.id, "lost", "联系不上", by=Actor.member(pending.consultant))
    settings.change("follow_up_days.H", "5", by=OPERATOR)  # an interval change
    consultant = approved.consultant
    yesterday = today - dt.timedelta(days=1)
    daily_signoff.sign(consultant.id, yesterday, "明天回访张先生", by=as_manager)
    targets.set_target(today.replace(day=1), consultant.name, walkins=30, orders=5, by=OPERATOR)
    day_close.close_day(yesterday, by=OPERATOR)
    edited = Registration.select().order_by(Registration.id.desc()).get()
    drafts.save_draft("", "walkin", {"phone": "13900001111"})
    drafts.save_draft(consultant.login, f"edit:{edited.id}", {"notes": "改一下"})
    key = asyncssh.generate_private_key("ssh-ed25519", comment="wanglei@laptop")
    keys.add_pasted_key(consultant.login, key.export_public_key().decode(), by=OPERATOR)
    pins.set_pin(consultant.login, "2468", by=OPERATOR)
    with contextlib.suppress(Exception):  # a wrong PIN: refused, and counted
        pins.check_pin(consultant, "1357", "desk:tty1")
    team.skip_head("busy", by=OPERATOR)
    other = Staff.get((Staff.role == "consultant") & (Staff.id != pending.consultant_id))
    contacts.reassign(pending.id, other, by=as_manager)  # its detail: from and to, by id


def _make_showroom(path: str, days: int, seed: int) -> str:
    with time_machine.travel(FROZEN_NOW, tick=False):
        store.open_store(path)
        try:
            demo.generate(days=days, seed=seed, by=OPERATOR)
            _fill_the_rest()
        finally:
            store.close_store()
        for at, phone, level in (
            ("2026-09-15 10:05", "13600136000", "A"),
            ("2026-10-08 15:30", "13600136001", "B"),
        ):
            assert cli.main(["--db", path, "register", "--kind", "walkin", "--at", at,
                             "--phone", phone, "--name", "早客", "--level", level,
                             "--consultant", "李娜", "--test-drive"]) == 0  # fmt: skip
    return path


@pytest.fixture(scope="module")
def showroom_file(tmp_path_factory) -> str:
    """A store file of 8 demo days and a row in every table (made once for the module)."""
    return _make_showroom(str(tmp_path_factory.mktemp("showroom") / "frontdesk.db"), 8, 3)


@pytest.fixture
def source(showroom_file, tmp_path) -> str:
    """A copy of the showroom's file for one test (``copy-store`` must not change it)."""
    path = str(tmp_path / "showroom.db")
    shutil.copyfile(showroom_file, path)
    return path


@pytest.fixture
def group(pg_cluster, pg_url, frozen_clock):
    """A group's database, migrated by its owner, with a store ``north`` of its own rows
    already; the URL as the desks' role (which owns nothing: the policies bind it)."""
    with psycopg.connect(
        host=str(pg_cluster.socket), user="frontdesk", dbname="postgres", autocommit=True
    ) as admin:
        if (
            admin.execute("SELECT 1 FROM pg_roles WHERE rolname = %s", (DESK_ROLE,)).fetchone()
            is None
        ):
            admin.execute(f'CREATE ROLE "{DESK_ROLE}" LOGIN')
    db = store.open_store(pg_url, any_store=True)
    for grant in (
        f'GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA public TO "{DESK_ROLE}"',
        f'GRANT USAGE, SELECT ON ALL SEQUENCES IN SCHEMA public TO "{DESK_ROLE}"',
    ):
        db.execute_sql(grant)
    store.close_store()
    db.close_all()
    # Another store's rows already there: the copy must leave them as they are.
    assert cli.main(["--db", pg_url, "store", "add", "north", "--name", "北区店"]) == 0
    north = ["--db", pg_url, "--store", "north"]
    assert cli.main([*north, "staff", "add", "王磊", "--role", "consultant"]) == 0
    assert cli.main([*north, "register", "--kind", "walkin", "--at", "2026-11-25 09:00",
                     "--phone", "13800138000", "--name", "北区客", "--level", "H",
                     "--consultant", "王磊"]) == 0  # fmt: skip
    return pg_url.replace("postgresql://frontdesk@", f"postgresql://{DESK_ROLE}@")


def _run(*argv: str, capsys) -> tuple[int, str, str]:
    capsys.readouterr()
    status = cli.main(list(argv))
    out, err = capsys.readouterr()
    return status, out, err


def _copy(source: str, url: str, code: str, capsys, *more: str) -> dict:
    status, out, err = _run(
        "--lang", "en", "copy-store", "--from", source, "--to", url, "--store", code,
        "--json", *more, capsys=capsys,
    )  # fmt: skip
    assert status == 0, err
    return json.loads(out)


def _owned_tables() -> list[str]:
    return sorted(m._meta.table_name for m in ALL_MODELS if issubclass(m, StoreOwned))


def _file_counts(path: str) -> dict[str, int]:
    with contextlib.closing(sqlite3.connect(path)) as conn:
        return {
            table: conn.execute(f'SELECT COUNT(*) FROM "{table}"').fetchone()[0]
            for table in _owned_tables()
        }


def _superuser(pg_cluster, url: str):
    return psycopg.connect(
        host=str(pg_cluster.socket), user="frontdesk", dbname=url.split("@/", 1)[1].split("?")[0]
    )


def _group_counts(pg_cluster, url: str, code: str) -> dict[str, int]:
    with _superuser(pg_cluster, url) as conn:
        found = conn.execute('SELECT "id" FROM "store" WHERE "code" = %s', (code,)).fetchone()
        if found is None:
            return {}
        return {
            table: conn.execute(
                f'SELECT COUNT(*) FROM "{table}" WHERE "store_id" = %s', found
            ).fetchone()[0]
            for table in _owned_tables()
        }


def _every_count(pg_cluster, url: str) -> dict[str, int]:
    with _superuser(pg_cluster, url) as conn:
        return {
            table: conn.execute(f'SELECT COUNT(*) FROM "{table}"').fetchone()[0]
            for table in [*_owned_tables(), "store"]
        }


def _months(path: str) -> list[str]:
    with contextlib.closing(sqlite3.connect(path)) as conn:
        rows = conn.execute(
            "SELECT DISTINCT substr(time_in, 1, 7) FROM registration ORDER BY 1"
        ).fetchall()
    return [month for (month,) in rows]


def _what_the_commands_say(capsys, *where: str, months: list[str]) -> list[str]:
    said = []
    for command in [["stats", "--month", month, "--json"] for month in months] + [
        ["followups", "--all", "--json"],
        ["stats", "--json"],
    ]:
        status, out, err = _run(*where, *command, capsys=capsys)
        assert status == 0, err
        said.append(out)
    return said


# -- without a server ---------------------------------------------------------------------


def test_every_store_owned_table_is_copied_after_the_tables_it_references():
    order = [m._meta.table_name for m in copy_store.store_models()]
    assert sorted(order) == _owned_tables()  # every StoreOwned model, none twice
    for model in copy_store.store_models():
        for f in model._meta.fields.values():
            if isinstance(f, ForeignKeyField) and f.rel_model is not model:
                assert order.index(f.rel_model._meta.table_name) < order.index(
                    model._meta.table_name
                )
    assert order.index("intent_cycle") < order.index("open_by_met")  # the triggers' source first


def test_a_signed_reports_rows_are_told_apart_as_the_report_writes_them():
    from frontdesk.reports import daily_report

    assert copy_store.REPORT_CONTACT_ROW == daily_report.CONTACT


def test_every_id_column_of_a_store_is_mapped():
    """A column holding another row's id that the copy does not map would point at another
    store's row in the group's database: each one is a foreign key of the models, or listed
    in ``SOFT_REFERENCES`` (a new one fails here until it is)."""
    for model in copy_store.store_models():
        table = model._meta.table_name
        mapped = set(copy_store._references(model))
        for f in model._meta.sorted_fields:
            column = f.column_name
            if column.endswith("_id") and column not in ("store_id", "entity_id"):
                assert column in mapped, f"{table}.{column} holds an id the copy does not map"


def test_a_file_at_another_schema_or_no_store_is_refused(migrated_template, tmp_path, frozen_clock):
    i18n.set_language("en")
    older = str(tmp_path / "older.db")
    shutil.copyfile(migrated_template, older)
    with contextlib.closing(sqlite3.connect(older)) as conn, conn:
        conn.execute(f'DELETE FROM "{MIGRATIONS_TABLE}" WHERE name LIKE "0022%"')
    with pytest.raises(copy_store.CopyRefused, match="open it once with this frontdesk"):
        copy_store.open_source(older)
    newer = str(tmp_path / "newer.db")
    shutil.copyfile(migrated_template, newer)
    with contextlib.closing(sqlite3.connect(newer)) as conn, conn:
        conn.execute(
            f"INSERT INTO \"{MIGRATIONS_TABLE}\" (name, applied) VALUES ('9999_x', '2030-01-01')"
        )
    with pytest.raises(copy_store.CopyRefused, match="upgrade frontdesk"):
        copy_store.open_source(newer)
    plain = tmp_path / "notes.db"
    sqlite3.connect(plain).close()
    with pytest.raises(copy_store.CopyRefused, match="not a frontdesk store file"):
        copy_store.open_source(str(plain))
    with pytest.raises(copy_store.CopyRefused, match="no store file"):
        copy_store.open_source(str(tmp_path / "missing.db"))
    assert not (tmp_path / "missing.db").exists()  # not created by looking
    with pytest.raises(copy_store.CopyRefused, match="PostgreSQL"):
        copy_store.open_source("postgresql://someone@host/db")


def test_the_older_file_is_refused_on_the_command_line_in_both_languages(
    migrated_template, tmp_path, frozen_clock, capsys
):
    older = str(tmp_path / "older.db")
    shutil.copyfile(migrated_template, older)
    with contextlib.closing(sqlite3.connect(older)) as conn, conn:
        conn.execute(f'DELETE FROM "{MIGRATIONS_TABLE}" WHERE name LIKE "0022%"')
    url = "postgresql://nobody@/nowhere"
    for lang, words in (
        ("en", "open it once with this frontdesk"),
        ("zh_CN", "请先用本程序打开一次"),
    ):
        status, out, err = _run(
            "--lang", lang, "copy-store", "--from", older, "--to", url, "--store", "B",
            capsys=capsys,
        )  # fmt: skip
        assert (status, out) == (1, "")
        assert words in err and "Traceback" not in err
    with contextlib.closing(sqlite3.connect(older)) as conn:  # read, never upgraded
        assert not conn.execute(
            f'SELECT 1 FROM "{MIGRATIONS_TABLE}" WHERE name LIKE "0022%"'
        ).fetchall()


# -- on a server --------------------------------------------------------------------------


def test_a_demo_store_is_copied_whole_and_says_the_same_on_both_sides(
    source, group, pg_cluster, capsys
):
    before = _file_counts(source)
    assert all(before.values()), f"fill every table of the file: {before}"  # a new table too
    north = _group_counts(pg_cluster, group, "north")
    result = _copy(source, group, "east", capsys)
    assert result["proved"] is True
    assert sorted(row["table"] for row in result["tables"]) == sorted([*_owned_tables(), "person"])
    # The file's 王磊 is another person than north's: his login is the first free one.
    assert result["renamed"] == [{"login": "wanglei", "now": "wanglei2"}]
    with _superuser(pg_cluster, group) as conn:
        people = conn.execute("SELECT login, name FROM person ORDER BY login").fetchall()
    with contextlib.closing(sqlite3.connect(source)) as conn:
        on_file = conn.execute("SELECT login, name FROM person").fetchall()
    assert [row for row in people if row[0] == "wanglei"] == [("wanglei", "王磊")]  # north's
    assert sorted(people) == sorted(
        [("wanglei", "王磊"), *(("wanglei2" if a == "wanglei" else a, b) for a, b in on_file)]
    )
    with _superuser(pg_cluster, group) as conn:  # every table of the group with a store
        with_store = {
            name
            for (name,) in conn.execute(
                "SELECT table_name FROM information_schema.columns"
                " WHERE table_schema = 'public' AND column_name = 'store_id'"
            ).fetchall()
        }
    assert with_store == set(_owned_tables())
    # Counts by plain SQL on each side; the copy's own audit entry is the one more.
    copied = _group_counts(pg_cluster, group, "east")
    assert copied == {**before, "audit_entry": before["audit_entry"] + 1}
    assert _group_counts(pg_cluster, group, "north") == north  # the other store untouched
    assert _file_counts(source) == before  # the file only read
    # The commands, each on its own connection after the commit, say the same.
    months = _months(source)
    assert len(months) >= 3
    on_file = _what_the_commands_say(capsys, "--db", source, months=months)
    in_group = _what_the_commands_say(capsys, "--db", group, "--store", "east", months=months)
    assert in_group == on_file
    assert json.loads(on_file[-2]), "some follow-ups to compare"


def test_every_reference_points_at_the_copy_of_its_row(source, group, pg_cluster, capsys):
    _copy(source, group, "east", capsys)
    with contextlib.closing(sqlite3.connect(source)) as conn:
        on_file = _references_by_content(conn, "?")
    with _superuser(pg_cluster, group) as conn:
        east = conn.execute("SELECT id FROM store WHERE code = 'east'").fetchone()[0]
        conn.execute(f"SET frontdesk.store_id = {east}")
        conn.execute("SET ROLE frontdesk_desk")  # the policies: this store's rows alone
        in_group = _references_by_content(conn, "%s")
    # North's 王磊 had the login first: the file's signs in as wanglei2 in the group.
    said = json.dumps(on_file, ensure_ascii=False, default=str, sort_keys=True)
    assert json.dumps(in_group, ensure_ascii=False, default=str, sort_keys=True) == said.replace(
        '"wanglei"', '"wanglei2"'
    )


def _plain(rows: list) -> list:
    """Rows with moments as the file keeps them (text), to compare with PostgreSQL's."""
    return [tuple(str(v) if isinstance(v, dt.date) else v for v in row) for row in rows]


def _references_by_content(conn, mark: str) -> dict[str, list]:
    """The references of the file and of the copy, each told by what it points at."""
    seen = {}
    seen["registration"] = sorted(
        conn.execute(
            "SELECT r.time_in, r.phone, s.name, c.phone, rb.name FROM registration r"
            " LEFT JOIN staff s ON s.id = r.consultant_id"
            " LEFT JOIN customer c ON c.id = r.customer_id"
            " LEFT JOIN staff rb ON rb.id = r.registered_by_id"
        ).fetchall(),
        key=repr,
    )
    seen["level_change"] = sorted(
        conn.execute(
            "SELECT l.at, c.phone, k.at, r.time_in FROM level_change l"
            " JOIN customer c ON c.id = l.customer_id LEFT JOIN contact k ON k.id = l.contact_id"
            " LEFT JOIN registration r ON r.id = l.registration_id"
        ).fetchall(),
        key=repr,
    )
    seen["close"] = sorted(
        conn.execute(
            "SELECT a.applied_at, c.phone, l.at, d.name FROM close_application a"
            " JOIN customer c ON c.id = a.customer_id LEFT JOIN level_change l ON l.id = a.close_id"
            " LEFT JOIN staff d ON d.id = a.decided_by_id"
        ).fetchall(),
        key=repr,
    )
    seen["counts"] = sorted(
        conn.execute(
            "SELECT COALESCE(s.name, ''), o.level, o.next_due, o.number FROM open_by_due o"
            " LEFT JOIN staff s ON s.id = o.consultant_id"
        ).fetchall(),
        key=repr,
    )
    audit = []
    for entity, entity_id, detail in conn.execute(
        "SELECT entity, entity_id, detail FROM audit_entry WHERE action <> 'store.copy' ORDER BY id"
    ).fetchall():
        told = {"customer": "phone", "staff": "login", "registration": "time_in"}.get(entity)
        what = None
        if told and entity_id is not None:
            found = conn.execute(
                f"SELECT {told} FROM {entity} WHERE id = {mark}", (entity_id,)
            ).fetchone()
            what = str(found[0]) if found else None
        moved = {}
        for key in ("from_consultant", "to_consultant"):
            value = json.loads(detail).get(key)
            if isinstance(value, int):
                found = conn.execute(
                    f"SELECT name FROM staff WHERE id = {mark}", (value,)
                ).fetchone()
                moved[key] = found[0] if found else None
        audit.append((entity, what, moved))
    seen["audit"] = audit
    for key in ("registration", "level_change", "close", "counts"):
        seen[key] = sorted(_plain(seen[key]), key=repr)
    frozen = []
    for (snapshot,) in conn.execute("SELECT snapshot FROM day_close").fetchall():
        for record in json.loads(snapshot):
            found = conn.execute(
                f"SELECT phone FROM registration WHERE id = {mark}", (record["id"],)
            ).fetchone()
            frozen.append((found[0] if found else "gone", record["phone"] or None))
    seen["day_close"] = frozen
    (form,) = conn.execute("SELECT form FROM draft WHERE form LIKE 'edit:%'").fetchone()
    seen["draft"] = _plain(
        conn.execute(
            f"SELECT time_in, phone FROM registration WHERE id = {mark}", (int(form[5:]),)
        ).fetchall()
    )
    return seen


def test_ids_are_new_and_the_counters_stand_past_them(source, group, pg_cluster, capsys):
    _copy(source, group, "east", capsys)
    east = ["--db", group, "--store", "east"]
    status, out, err = _run(
        *east, "register", "--kind", "walkin", "--at", "2026-11-25 10:00", "--phone",
        "13700137000", "--name", "新客", capsys=capsys,
    )  # fmt: skip
    assert status == 0, err
    new_id = int(out.strip())
    with _superuser(pg_cluster, group) as conn:
        assert new_id == conn.execute("SELECT MAX(id) FROM registration").fetchone()[0]
        for table in _owned_tables():
            if table == "setting":
                continue
            last, largest = conn.execute(
                f"SELECT pg_sequence_last_value(pg_get_serial_sequence('{table}', 'id')),"
                f' (SELECT MAX(id) FROM "{table}")'
            ).fetchone()
            assert largest is None or last >= largest, table


def test_a_second_store_copied_beside_the_first_keeps_each_to_itself(
    source, group, pg_cluster, capsys, tmp_path
):
    other = _make_showroom(str(tmp_path / "west.db"), 4, 9)
    _copy(source, group, "east", capsys)
    _copy(other, group, "west", capsys)
    assert _group_counts(pg_cluster, group, "east")["customer"] == _file_counts(source)["customer"]
    assert _group_counts(pg_cluster, group, "west")["customer"] == _file_counts(other)["customer"]
    for path, code in ((source, "east"), (other, "west")):
        months = _months(path)
        assert _what_the_commands_say(
            capsys, "--db", group, "--store", code, months=months
        ) == _what_the_commands_say(capsys, "--db", path, months=months)
    with _superuser(pg_cluster, group) as conn:  # no id of one store's rows is the other's
        shared = conn.execute(
            "SELECT COUNT(*) FROM customer a JOIN customer b ON a.id = b.id"
            " WHERE a.store_id <> b.store_id"
        ).fetchone()[0]
    assert shared == 0


@pytest.mark.parametrize("failure", ["error", "rows", "statistics"])
def test_a_copy_that_fails_midway_leaves_nothing(
    source, group, pg_cluster, capsys, monkeypatch, failure
):
    before = _every_count(pg_cluster, group)
    insert, figures = copy_store._insert, copy_store.figures
    if failure == "error":  # the server refuses a row, after half the tables are written

        def failing(target, table, rows):
            if table.name == "contact":
                at = table.columns.index("at")
                rows = [[*row[:at], "not a moment", *row[at + 1 :]] for row in rows]
            insert(target, table, rows)

        monkeypatch.setattr(copy_store, "_insert", failing)
    elif failure == "rows":  # a registration written other than the file has it

        def altered(target, table, rows):
            if table.name == "registration":
                at = table.columns.index("party_size")
                rows = [[*row[:at], row[at] + 1, *row[at + 1 :]] for row in rows]
            insert(target, table, rows)

        monkeypatch.setattr(copy_store, "_insert", altered)
    else:  # the statistics of the copy differ from the file's
        calls = []

        def differing(months):
            sheets, due = figures(months)
            calls.append(months)
            if len(calls) == 2:
                sheets[months[0]] = {"differs": True}
            return sheets, due

        monkeypatch.setattr(copy_store, "figures", differing)
    status, _, err = _run(
        "--lang", "en", "copy-store", "--from", source, "--to", group, "--store", "east",
        capsys=capsys,
    )  # fmt: skip
    assert status == 1 and "Traceback" not in err
    assert "rolled back, nothing was left" in err
    assert _every_count(pg_cluster, group) == before
    assert _group_counts(pg_cluster, group, "east") == {}  # not even the store
    monkeypatch.undo()
    assert _copy(source, group, "east", capsys)["proved"]  # and the copy can be made again


def test_the_copy_is_refused_to_a_consultant_and_an_existing_store(
    source, group, pg_cluster, capsys
):
    before = _every_count(pg_cluster, group)
    status, out, err = _run(
        "--lang", "en", "--as", "王磊", "copy-store", "--from", source, "--to", group,
        "--store", "east", capsys=capsys,
    )  # fmt: skip
    assert status == 1 and err.strip() and "Traceback" not in err
    with contextlib.closing(copy_store.open_source(source)) as db:
        consultant = Staff.select().where(Staff.role == "consultant").bind(db).first()
        with pytest.raises(Forbidden):
            copy_store.copy_store(db, db, "east", by=Actor.member(consultant))
    status, out, err = _run(
        "--lang", "en", "copy-store", "--from", source, "--to", group, "--store", "north",
        capsys=capsys,
    )  # fmt: skip
    assert status == 1 and "already has a store north" in err
    assert _every_count(pg_cluster, group) == before
    admin = ["--as", "周杰"]  # the file's admin may
    status, out, err = _run(
        *admin, "copy-store", "--from", source, "--to", group, "--store", "east", capsys=capsys
    )
    assert status == 0, err
    assert "校验通过" in out


def test_a_superuser_connection_is_refused(source, pg_url, capsys, frozen_clock):
    status, _, err = _run(
        "--lang", "en", "copy-store", "--from", source, "--to", pg_url, "--store", "east",
        capsys=capsys,
    )  # fmt: skip
    assert status == 1 and "superuser" in err


def test_a_login_given_to_a_renamed_person_is_taken_for_the_next(source, group, pg_cluster, capsys):
    """North has wanglei; the file has wanglei and wanglei2. The file's wanglei takes the
    first free login, wanglei2, so the file's own wanglei2 takes the next one: no two people
    of the group share a login, and the copy says each change."""
    status, _, err = _run(
        "--db", source, "staff", "add", "王二磊", "--role", "consultant", "--login", "wanglei2",
        capsys=capsys,
    )  # fmt: skip
    assert status == 0, err
    result = _copy(source, group, "east", capsys)
    assert result["renamed"] == [
        {"login": "wanglei", "now": "wanglei2"},
        {"login": "wanglei2", "now": "wanglei22"},
    ]
    with _superuser(pg_cluster, group) as conn:
        people = dict(conn.execute("SELECT login, name FROM person").fetchall())
    assert {k: v for k, v in people.items() if k.startswith("wanglei")} == {
        "wanglei": "王磊",  # north's
        "wanglei2": "王磊",  # the file's
        "wanglei22": "王二磊",
    }


def test_a_store_moved_in_keeps_the_settings_it_used_where_the_group_says_otherwise(
    source, group, pg_cluster, capsys
):
    # The group's defaults: rates over all parties, out of the rotation at 3 overdue. The
    # file's store has neither of its own (the built-in first visits and 0), and its own
    # store name, which the group has no default of.
    north = ["--db", group, "--store", "north"]
    for key, value in (("stats.rate_base", "all"), ("rotation.overdue_out", "3")):
        assert _run(*north, "settings", "set", "--group", key, value, capsys=capsys)[0] == 0
    result = _copy(source, group, "east", capsys)
    assert result["proved"]  # the month sheets say first visits, as the file's do
    assert result["kept_settings"] == [
        {"key": "rotation.overdue_out", "value": "0", "group": "3"},
        {"key": "stats.rate_base", "value": "first", "group": "all"},
    ]
    status, out, _ = _run(
        "--lang", "en", "--db", group, "--store", "east", "settings", capsys=capsys
    )  # fmt: skip
    assert status == 0
    rows = {line.split()[0]: line.split()[1:3] for line in out.splitlines()[1:]}
    assert rows["stats.rate_base"] == ["first", "store"]
    assert rows["rotation.overdue_out"] == ["0", "store"]
    assert rows["ssh.max_sessions"] == ["20", "built-in"]
    status, out, _ = _run("--lang", "en", *north, "settings", capsys=capsys)
    rows = {line.split()[0]: line.split()[1:3] for line in out.splitlines()[1:]}
    assert status == 0 and rows["stats.rate_base"] == ["all", "group"]  # north: the group's
