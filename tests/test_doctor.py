"""``frontdesk doctor``: plain answers on one screen, exit 1 when something is wrong."""

from __future__ import annotations

import datetime as dt
import sqlite3
from pathlib import Path

import pytest

from frontdesk import i18n, store
from frontdesk.store import doctor
from tests.conftest import FROZEN_NOW

SCREEN_LINES = 24


@pytest.fixture
def busy(run_cli):
    """A store with registrations (so it needs a backup)."""
    assert run_cli("staff", "add", "王磊", "--role", "consultant")[0] == 0
    for at in ("09:00", "09:10"):
        assert run_cli("register", "--kind", "walkin", "--at", at, "--phone", "13812345678")[0] == 0
    return run_cli


def line_of(out: str, label_key: str) -> str:
    label = i18n.t(f"doctor.{label_key}")
    return next(line for line in out.splitlines() if label in line)


def test_a_sound_store_backed_up_today_is_all_well(busy, tmp_path):
    assert busy("backup", str(tmp_path / "backups" / "today.db"))[0] == 0
    status, out, err = busy("doctor")
    assert (status, err) == (0, "")
    lines = out.splitlines()
    assert len(lines) <= SCREEN_LINES
    assert str(tmp_path / "store.db") in lines[0]
    for key in ("integrity", "foreign_keys", "wal", "schema", "backup", "imports"):
        assert line_of(out, key).lstrip().startswith("✓"), key
    latest = max(int(p.name[:4]) for p in store.MIGRATIONS_DIR.glob("[0-9]*.py"))
    assert f"{latest}（本程序所知最新：{latest}）" in line_of(out, "schema")
    assert "2026-11-25 10:30（0 天前）" in line_of(out, "backup")
    assert str(tmp_path / "backups" / "today.db") in line_of(out, "backup")
    assert lines[-1] == "一切正常。"


def test_in_english(busy, tmp_path):
    busy("backup", str(tmp_path / "b.db"))
    status, out, _ = busy("--lang", "en", "doctor")
    assert status == 0
    assert "Integrity" in out and "Last backup" in out and out.splitlines()[-1] == "All is well."


def test_an_empty_store_needs_no_backup_yet(run_cli):
    status, out, _ = run_cli("doctor")
    assert status == 0
    assert "尚未备份" in line_of(out, "backup")


def test_a_store_never_backed_up_is_a_problem(busy):
    status, out, _ = busy("doctor")
    assert status == 1
    assert line_of(out, "backup").lstrip().startswith("✗")
    assert "从未备份" in out and "frontdesk backup" in out
    assert out.splitlines()[-1] == "有 1 项需要处理（退出码 1）。"


def test_an_old_backup_is_a_problem(busy, tmp_path, frozen_clock):
    frozen_clock.move_to(FROZEN_NOW - dt.timedelta(days=doctor.BACKUP_MAX_AGE_DAYS + 1))
    busy("backup", str(tmp_path / "old.db"))
    frozen_clock.move_to(FROZEN_NOW)
    status, out, _ = busy("doctor")
    assert status == 1
    assert "8 天" in line_of(out, "backup") and "超过 7 天" in line_of(out, "backup")


def test_a_row_pointing_at_nothing_is_found(busy, cli_store):
    conn = sqlite3.connect(cli_store)
    with conn:  # foreign keys are off on this connection: the damage a bad tool could do
        conn.execute("UPDATE registration SET customer_id = 999 WHERE id = 1")
    conn.close()
    status, out, _ = busy("doctor")
    assert status == 1
    assert line_of(out, "foreign_keys").lstrip().startswith("✗")
    assert "registration #1 → customer" in out


def test_an_index_that_disagrees_with_its_table_is_found(busy, cli_store):
    conn = sqlite3.connect(cli_store)
    with conn:  # the index's entries no longer match its definition: integrity_check says so
        conn.execute("PRAGMA writable_schema = ON")
        conn.execute(
            'UPDATE sqlite_master SET sql = \'CREATE INDEX "registration_phone" ON'
            ' "registration" ("name")\' WHERE name = \'registration_phone\''
        )
    conn.close()
    status, out, _ = busy("doctor")
    assert status == 1
    assert line_of(out, "integrity").lstrip().startswith("✗")
    assert "registration_phone" in line_of(out, "integrity") and "已损坏" in out


def test_a_scribbled_page_is_found(busy, cli_store):
    conn = sqlite3.connect(cli_store)
    conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    (page_size,) = conn.execute("PRAGMA page_size").fetchone()
    (root,) = conn.execute(
        "SELECT rootpage FROM sqlite_master WHERE name = 'registration_phone'"
    ).fetchone()
    conn.close()
    with open(cli_store, "r+b") as handle:  # scribble over the index's entries, as a bad disk would
        handle.seek((root - 1) * page_size + page_size - 64)
        handle.write(b"\xff" * 64)
    status, out, _ = busy("doctor")
    assert status == 1
    assert line_of(out, "integrity").lstrip().startswith("✗")
    assert "malformed" in line_of(out, "integrity")
    # What doctor found, every program now knows: no saves, even into sound tables.
    status, out, err = busy("staff", "add", "李娜", "--role", "consultant")
    assert (status, out) == (1, "")
    assert "数据库文件已损坏" in err and "frontdesk doctor" in err


def test_a_store_written_by_a_newer_program_is_found(busy, cli_store):
    conn = sqlite3.connect(cli_store)
    with conn:
        conn.execute(
            f"INSERT INTO {store.MIGRATIONS_TABLE} (name, applied) VALUES ('9999_future', ?)",
            (FROZEN_NOW.isoformat(" "),),
        )
    conn.close()
    status, out, _ = busy("doctor")
    assert status == 1
    assert "9999" in line_of(out, "schema") and "请先升级本程序" in out


def test_a_large_wal_is_found(busy, monkeypatch):
    monkeypatch.setattr(doctor, "WAL_LIMIT_BYTES", -1)
    status, out, _ = busy("doctor")
    assert status == 1
    assert line_of(out, "wal").lstrip().startswith("✗") and "关闭不用的终端" in out


def test_only_a_sqlite_file_can_be_checked(db, monkeypatch):
    from peewee import SqliteDatabase

    from frontdesk.errors import FrontdeskError
    from frontdesk.store.models import database

    monkeypatch.setattr(database, "obj", SqliteDatabase(":memory:"))
    with pytest.raises(FrontdeskError):
        doctor.examine()


def _scribble_over_the_table(store_file: str, table: str) -> None:
    """Overwrite the start of a table's first page (not the file's header), as a bad disk
    or a backup written onto the live store's files would."""
    conn = sqlite3.connect(store_file)
    conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    (page_size,) = conn.execute("PRAGMA page_size").fetchone()
    (root,) = conn.execute("SELECT rootpage FROM sqlite_master WHERE name = ?", (table,)).fetchone()
    conn.close()
    assert root > 1
    with open(store_file, "r+b") as handle:
        handle.seek((root - 1) * page_size)
        handle.write(b"\x0d\xff\xff\xff" * 16)


def test_a_damaged_store_refuses_saves_until_doctor_passes(busy, cli_store, tmp_path):
    good = tmp_path / "good.db"
    assert busy("backup", str(good))[0] == 0
    _scribble_over_the_table(cli_store, "registration")

    walk_in = ("register", "--kind", "walkin", "--at", "09:20", "--phone", "13900001111")
    status, out, err = busy(*walk_in)
    assert (status, out) == (1, "")
    assert "数据库文件已损坏" in err and "不能保存" in err and "Traceback" not in err
    # The next program on the store refuses at once, whatever it would write.
    status, _, err = busy("staff", "add", "李娜", "--role", "consultant")
    assert status == 1 and "数据库文件已损坏" in err
    status, out, _ = busy("doctor")
    assert status == 1
    assert line_of(out, "integrity").lstrip().startswith("✗")
    assert busy("staff", "add", "李娜", "--role", "consultant")[0] == 1  # doctor did not pass

    for leftover in ("-wal", "-shm"):  # the store put back from the backup
        Path(f"{cli_store}{leftover}").unlink(missing_ok=True)
    Path(cli_store).write_bytes(good.read_bytes())
    status, out, _ = busy("doctor")
    assert line_of(out, "integrity").lstrip().startswith("✓")
    assert "可以再保存" in line_of(out, "integrity")
    assert busy("staff", "add", "李娜", "--role", "consultant")[0] == 0
    assert busy(*walk_in)[0] == 0


def test_an_import_cut_off_between_parts_is_a_warning_until_finished(
    busy, tmp_path, import_cut_off
):
    """Other saves keep the second part of a three-row import (parts of two) stale: doctor
    warns, naming when and how far, and exits 0; importing the same file again clears it."""
    log, let_it_through = import_cut_off
    assert busy("import", log)[0] == 1
    busy("backup", str(tmp_path / "b.db"))
    status, out, _ = busy("doctor")
    assert status == 0
    assert line_of(out, "imports").split(None, 2) == [
        "!",
        "导入",
        "2026-11-25 10:30 中断的导入（已保存 2 / 3 条）：再导入同一文件，会接着保存其余各条",
    ]
    assert out.splitlines()[-1] == "没有问题；有 1 条提醒（标 !），请阅读（退出码 0）。"
    let_it_through()
    assert busy("import", log)[0] == 0
    status, out, _ = busy("doctor")
    assert line_of(out, "imports").split(None, 2) == ["✓", "导入", "没有中断未完的导入"]
