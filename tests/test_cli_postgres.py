"""The command line, the app and their exports on a dealer group's PostgreSQL database.

The same day at the desk, typed on the command line into an SQLite file and into a
PostgreSQL database, prints the same figures, the same day, the same follow-ups and writes
the same export files (formula-like names as text cells). What only a file store does
(``backup``, doctor's file checks) has its PostgreSQL answer; an import is all or nothing
on both engines; the app opens on a PostgreSQL store and shows what the CLI saved.
"""

from __future__ import annotations

import contextlib
import csv
import io
import json
import re
import shutil

import pytest
from openpyxl import load_workbook

from frontdesk import cli, i18n, store
from frontdesk.store import doctor, row_security
from frontdesk.store.models import Registration
from frontdesk.store.watch import ChangeWatcher, PostgresChangeWatcher
from tests.conftest import FROZEN_NOW, screen_text, settle

pytestmark = pytest.mark.both_engines

HOSTILE_NAME = '=HYPERLINK("http://x","y")'


@pytest.fixture
def target(engine, tmp_path, migrated_template, frozen_clock, monkeypatch, request):
    """A migrated, empty store for the command line: a file, or a new PostgreSQL database
    copied from the migrated template; every pooled connection closed after."""
    yield from _cli_store(engine, tmp_path, migrated_template, monkeypatch, request)


def _cli_store(engine: str, tmp_path, migrated_template: str, monkeypatch, request):
    for name in ("FRONTDESK_DB", "FRONTDESK_LANG", "FRONTDESK_AS"):
        monkeypatch.delenv(name, raising=False)
    if engine == "postgresql":  # the group's database: its store main
        monkeypatch.setenv("FRONTDESK_STORE", "main")
    yield _new_store(engine, tmp_path, migrated_template, request)
    store.close_store()


def _new_store(engine: str, tmp_path, migrated_template: str, request) -> str:
    if engine == "postgresql":
        cluster = request.getfixturevalue("pg_cluster")
        return cluster.url(cluster.new_database(request.getfixturevalue("pg_template")))
    path = tmp_path / f"store-{len(list(tmp_path.glob('store-*')))}.db"
    shutil.copyfile(migrated_template, path)
    return str(path)


def run(target: str, *args: str) -> tuple[int, str, str]:
    """``frontdesk --db TARGET ARGS…`` in-process: (exit status, stdout, stderr)."""
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        status = cli.main(["--db", target, *args])
    return status, out.getvalue(), err.getvalue()


def ok(target: str, *args: str) -> str:
    status, out, err = run(target, *args)
    assert (status, err) == (0, ""), (args, err)
    return out


def a_day_at_the_desk(target: str, folder) -> dict[str, object]:
    """Staff, codes, three registrations (one a formula-like name), a departure and a
    contact, all typed on the command line; then what the reports print and export."""
    ok(target, "staff", "add", "王磊", "--role", "consultant")
    ok(target, "staff", "add", "赵敏", "--role", "receptionist")
    ok(target, "staff", "add", "陈静", "--role", "manager")
    ok(target, "codes", "add", "model", "凯美瑞", "卡罗拉")
    desk = ("--as", "zhaomin", "register")
    first = ok(target, *desk, "--kind", "walkin", "--at", "2026-11-25 09:15", "--party", "2",
               "--phone", "13812345678", "--name", "张三", "--level", "H", "--model", "凯美瑞",
               "--test-drive")  # fmt: skip
    ok(target, *desk, "--kind", "walkin", "--at", "2026-11-25 10:00", "--out", "10:20",
       "--phone", "13900000001", "--name", HOSTILE_NAME, "--level", "A",
       "--model", "卡罗拉")  # fmt: skip
    ok(target, *desk, "--kind", "phone", "--at", "2026-11-24 16:00", "--phone", "13700000002",
       "--name", "李四", "--level", "B")  # fmt: skip
    ok(target, "checkout", first.strip(), "--at", "10:05")
    ok(target, "contact", "--phone", "13700000002", "--at", "2026-11-25 10:10",
       "--method", "call", "--level", "A", "--notes", "约周末来店")  # fmt: skip
    manager = ("--as", "chenjing")
    printed = {
        "stats_month": json.loads(ok(target, *manager, "stats", "--month", "2026-11", "--json")),
        "stats_day": ok(target, *manager, "stats", "--date", "2026-11-25"),
        "day": ok(target, *manager, "day", "show", "--date", "2026-11-25"),
        "followups": ok(target, *manager, "followups", "--all"),
        "followups_json": json.loads(ok(target, *manager, "followups", "--all", "--json")),
        "reconcile": json.loads(
            ok(target, *manager, "report", "reconcile", "--date", "2026-11-25", "--json")
        ),
    }
    for what in ("contacts", "stats"):
        for suffix in ("csv", "xlsx"):
            path = folder / f"{what}.{suffix}"
            ok(target, *manager, "export", what, "--month", "2026-11", "--out", str(path))
            printed[f"{what}.{suffix}"] = _cells(path)
    return printed


def _cells(path) -> list:
    """A CSV's rows, or an XLSX's cells of every sheet: (value, type, quote prefix)."""
    if path.suffix == ".csv":
        with open(path, encoding="utf-8-sig", newline="") as handle:
            return list(csv.reader(handle))
    workbook = load_workbook(path)
    return [
        [(cell.value, cell.data_type, bool(cell.quotePrefix)) for cell in row]
        for sheet in workbook.worksheets
        for row in sheet.iter_rows()
    ]


def test_a_day_on_the_command_line_prints_and_exports_the_same_on_both_engines(
    tmp_path, migrated_template, frozen_clock, monkeypatch, request
):
    for name in ("FRONTDESK_DB", "FRONTDESK_LANG", "FRONTDESK_AS"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("FRONTDESK_STORE", "main")  # the file's own store, the group's first
    pg_url = _new_store("postgresql", tmp_path, migrated_template, request)
    (tmp_path / "sqlite").mkdir()
    (tmp_path / "postgresql").mkdir()
    sqlite_file = _new_store("sqlite", tmp_path, migrated_template, request)
    on_sqlite = a_day_at_the_desk(sqlite_file, tmp_path / "sqlite")
    on_postgres = a_day_at_the_desk(pg_url, tmp_path / "postgresql")
    store.close_store()
    for what, printed in on_sqlite.items():
        assert on_postgres[what] == printed, what

    month = on_postgres["stats_month"]
    day = next(d for d in month["days"] if d["date"] == "2026-11-25")
    assert (day["walkin"]["parties"], day["walkin"]["people"]) == (2, 3)
    assert (day["walkin"]["test_drives"], day["walkin"]["avg_stay_min"]) == (1, 35)
    assert month["days"][23]["phone"]["calls"] == 1  # the 24th
    assert "张三" in on_postgres["followups"] and "李四" in on_postgres["followups"]
    contacts_csv = on_postgres["contacts.csv"]
    assert "'" + HOSTILE_NAME in {cell for row in contacts_csv for cell in row}
    hostile = [
        cell
        for what in ("contacts.xlsx", "stats.xlsx")
        for row in on_postgres[what]
        for cell in row
        if cell[0] == HOSTILE_NAME
    ]
    assert hostile and all(cell[1:] == ("s", True) for cell in hostile)  # text, never a formula


def test_an_import_with_one_bad_row_stores_nothing(target, tmp_path):
    ok(target, "staff", "add", "王磊", "--role", "consultant")
    bad = tmp_path / "bad.csv"
    bad.write_text(
        "kind,time_in,phone,name\n"
        "walkin,2026-11-21 10:00,13812345679,张三\n"
        "phone,2026-11-21 11:00,13812345670,\n"
        "walkin,2026-11-21 12:00,42,李四\n",
        encoding="utf-8",
    )
    status, out, err = run(target, "import", str(bad))
    assert (status, out) == (1, "")
    assert err.splitlines() == [
        "导入失败，未保存任何数据：共 1 处错误",
        "第 4 行 phone：不是有效的电话号码",
    ]
    store.open_store(target, "main")
    assert Registration.select().count() == 0
    store.close_store()

    good = tmp_path / "good.csv"
    good.write_text(bad.read_text(encoding="utf-8").replace(",42,", ",13812345671,"), "utf-8")
    assert ok(target, "import", str(good)).strip() == "已导入 3 条登记"
    store.open_store(target, "main")
    assert Registration.select().count() == 3


# -- what a file store does and a PostgreSQL one leaves to its server ------------------------


@pytest.fixture
def pg_target(tmp_path, migrated_template, frozen_clock, monkeypatch, request):
    """A migrated, empty PostgreSQL database for what only PostgreSQL answers this way
    (SQLite's answers: tests/test_doctor.py, tests/test_cli.py)."""
    yield from _cli_store("postgresql", tmp_path, migrated_template, monkeypatch, request)


def doctor_lines(out: str) -> dict[str, str]:
    """doctor's answers by label, each "✓ answer" or "✗ answer" (the cells of its table
    are two spaces or more apart)."""
    found = {}
    for line in out.splitlines()[1:-1]:
        mark, label, answer = re.split(r"\s{2,}", line.strip(), maxsplit=2)
        found[label] = f"{mark} {answer}"
    return found


@pytest.fixture
def pg_desk(pg_target, pg_cluster):
    """``pg_target`` as the desks' role: no superuser, owns no table (README, "Stores")."""
    return pg_cluster.as_desk(pg_target)


@contextlib.contextmanager
def superuser(url: str):
    """The database of ``url`` as the tests' superuser, for a block (autocommit)."""
    import psycopg

    with psycopg.connect(url, autocommit=True) as conn:
        yield conn


DOCTOR_LABELS = [
    "Database server",
    "Schema version",
    "Database role",
    "Table owner",
    "Row-level security",
    "Imports",
    "File checks",
    "Last backup",
]


def test_doctor_checks_the_server_the_schema_the_role_and_leaves_the_files_to_it(
    pg_target, pg_desk
):
    ok(pg_target, "register", "--kind", "walkin", "--at", "2026-11-25 09:00")
    out = ok(pg_desk, "--lang", "en", "doctor")
    assert out.splitlines()[0] == f"Store: {pg_desk}"
    lines = doctor_lines(out)
    assert list(lines) == DOCTOR_LABELS
    assert lines["Database server"].startswith("✓ reachable: PostgreSQL 1")
    latest = doctor.store_guard.newest_known()
    assert lines["Schema version"] == f"✓ {latest} (the newest this program knows: {latest})"
    assert lines["Database role"] == (
        "✓ frontdesk_desk: bound by the stores' row-level security (no superuser, no BYPASSRLS)"
    )
    assert (
        lines["Table owner"]
        == "✓ frontdesk_desk owns none of the tables, as the desks' role should"
    )
    count = len(row_security.store_owned_tables())
    assert lines["Row-level security"] == (
        f"✓ enabled, forced and with its store policy on all {count} store tables"
    )
    assert lines["Imports"] == "✓ none cut off and left unfinished"
    assert "free disk are the PostgreSQL server's" in lines["File checks"]
    backup = lines["Last backup"]  # a registration, yet no "never backed up": pg_dump's
    assert backup.startswith("✓") and "pg_dump" in backup and "pg_restore" in backup
    assert out.splitlines()[-1] == "All is well."
    zh = ok(pg_desk, "doctor")
    assert "数据库服务器" in zh and "由 PostgreSQL 服务器负责" in zh and "一切正常" in zh
    assert "受门店行级安全策略约束" in zh and f"全部 {count} 张门店数据表" in zh


def test_doctor_reports_a_superuser_connection_and_the_tables_it_owns(pg_target):
    status, out, _ = run(pg_target, "--lang", "en", "doctor")  # the tests' own superuser
    assert status == 1
    lines = doctor_lines(out)
    assert lines["Database role"].startswith("✗ frontdesk is a superuser or has BYPASSRLS")
    assert "sees every store's rows" in lines["Database role"]
    assert lines["Table owner"].startswith("! frontdesk owns 26 table(s) (")  # all, and the ledger
    assert lines["Row-level security"].startswith("✓")
    assert out.splitlines()[-1] == "1 answer(s) need attention (exit status 1)."
    status, zh, _ = run(pg_target, "doctor")
    assert status == 1 and "frontdesk 是超级用户或带 BYPASSRLS" in zh


def test_doctor_warns_of_a_desk_role_that_owns_a_table_and_still_exits_0(pg_target, pg_desk):
    with superuser(pg_target) as conn:
        conn.execute('ALTER TABLE "code_item" OWNER TO "frontdesk_desk"')
    try:
        out = ok(pg_desk, "--lang", "en", "doctor")
    finally:
        with superuser(pg_target) as conn:
            conn.execute('ALTER TABLE "code_item" OWNER TO "frontdesk"')
    lines = doctor_lines(out)
    assert lines["Table owner"].startswith("! frontdesk_desk owns 1 table(s) (code_item): ")
    assert lines["Database role"].startswith("✓") and lines["Row-level security"].startswith("✓")
    assert out.splitlines()[-1] == "No problem; 1 warning(s), marked !, to read (exit status 0)."


def test_doctor_names_the_tables_whose_row_level_security_is_off(pg_target, pg_desk):
    with superuser(pg_target) as conn:
        conn.execute('ALTER TABLE "customer" NO FORCE ROW LEVEL SECURITY')
        conn.execute('ALTER TABLE "contact" DISABLE ROW LEVEL SECURITY')
    try:
        status, out, _ = run(pg_desk, "--lang", "en", "doctor")
        status_zh, zh, _ = run(pg_desk, "doctor")
    finally:
        with superuser(pg_target) as conn:
            conn.execute('ALTER TABLE "customer" FORCE ROW LEVEL SECURITY')
            conn.execute('ALTER TABLE "contact" ENABLE ROW LEVEL SECURITY')
    assert (status, status_zh) == (1, 1)
    answer = doctor_lines(out)["Row-level security"]
    assert answer.startswith("✗ NOT in force on contact, customer: there every store's rows")
    assert "FORCE ROW LEVEL SECURITY" in answer
    assert "以下数据表的行级安全未生效：contact, customer" in zh
    assert ok(pg_desk, "doctor").splitlines()[-1] == "一切正常。"  # put back: sound again


def test_doctor_finds_a_schema_newer_than_the_program(pg_target, pg_desk):
    store.open_store(pg_target, "main")
    store.database.execute_sql(
        f'INSERT INTO "{store.MIGRATIONS_TABLE}" ("name", "applied") VALUES (?, ?)',
        ("9999_from_a_newer_program", FROZEN_NOW),
    )
    store.close_store()
    status, out, _ = run(pg_desk, "doctor")
    assert status == 1 and "有 1 项需要处理" in out
    schema = next(line for line in out.splitlines() if "结构版本" in line)
    assert "✗" in schema and "9999" in schema and "请先升级本程序" in schema


def test_doctor_finds_a_server_older_than_the_program_needs(pg_desk, monkeypatch):
    monkeypatch.setattr(doctor, "MIN_POSTGRES", 99)
    status, out, _ = run(pg_desk, "--lang", "en", "doctor")
    assert status == 1 and out.splitlines()[-1].startswith("1 answer(s)")
    assert "too old: frontdesk needs 99 or newer" in doctor_lines(out)["Database server"]


@pytest.mark.parametrize("language", ["zh_CN", "en"])
def test_backup_is_refused_naming_pg_dump_and_writes_nothing(pg_target, tmp_path, language):
    dest = tmp_path / "usb" / "backups"
    status, out, err = run(pg_target, "--lang", language, "backup", f"{dest}/")
    assert (status, out) == (1, "")
    assert "pg_dump" in err and "pg_restore" in err and len(err.splitlines()) == 1
    expected = "No file was written" if language == "en" else "没有写入任何文件"
    assert expected in err
    assert not (tmp_path / "usb").exists()


@pytest.mark.parametrize("language", ["zh_CN", "en"])
def test_a_server_that_cannot_be_reached_is_one_sentence_without_the_password(
    tmp_path, frozen_clock, language
):
    url = f"postgresql://frontdesk:secret@/group?host={tmp_path}"  # no server on that socket
    status, out, err = run(url, "--lang", language, "stats")
    i18n.set_language(language)
    assert (status, out) == (1, "")
    assert err.strip() == i18n.t(
        "cli.open_failed",
        target=f"postgresql://frontdesk:***@/group?host={tmp_path}",
        error=i18n.t("failure.server"),
    )


# -- the app --------------------------------------------------------------------------------


async def test_the_app_opens_on_the_store_and_shows_what_the_cli_saved(target, engine):
    from frontdesk.desk import onboarding
    from frontdesk.people import team
    from frontdesk.store import settings
    from screens.app import FrontdeskApp
    from screens.desk.day_log import DayLogScreen

    ok(target, "staff", "add", "王磊", "--role", "consultant")
    ok(target, "staff", "add", "赵敏", "--role", "receptionist")
    ok(target, "settings", "set", "store_name", "丰田4S店")
    ok(target, "--as", "zhaomin", "register", "--kind", "walkin", "--at", "2026-11-25 10:00",
       "--phone", "13812345678", "--name", "张三", "--level", "H")  # fmt: skip
    store.open_store(target, "main")  # as ``cli.prepare`` opens it for the app
    assert not onboarding.needs_welcome()
    app = FrontdeskApp(  # as ``screens.main.run_tui`` builds it, its change watcher too
        staff=team.find_staff("zhaomin"), store_name=settings.store_name()
    )
    async with app.run_test(size=(120, 36)) as pilot:
        await settle(pilot)
        assert isinstance(app.screen, DayLogScreen)
        shown = screen_text(app)
        assert "丰田4S店" in shown and "张三" in shown and "王磊" in shown
        # SQLite's watcher reads the file's data_version; PostgreSQL's listens for notices
        expected = PostgresChangeWatcher if engine == "postgresql" else ChangeWatcher
        assert type(app.watcher) is expected


# -- serve ----------------------------------------------------------------------------------


def test_serve_keeps_its_host_key_in_this_machines_data_folder(pg_target, tmp_path, monkeypatch):
    from frontdesk.cli import serve

    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "data"))
    args = cli.build_parser(("serve",))[0].parse_args(["--db", pg_target, "serve"])
    store.open_store(pg_target, "main")
    options = serve.options_from(args)
    assert options.host_key == tmp_path / "data" / "frontdesk" / "ssh_host_ed25519_key"
    assert options.db == pg_target


@pytest.mark.e2e
@pytest.mark.skipif(
    shutil.which("tmux") is None or shutil.which("ssh") is None,
    reason="tmux and the OpenSSH client are needed",
)
def test_serve_gives_a_manager_the_app_on_the_postgresql_store(
    pg_cluster, pg_template, tmp_path, monkeypatch
):
    import datetime as dt
    import subprocess

    from tests.test_ssh_e2e import LOG_TITLE, START_WAIT_S, Showroom

    for name in ("FRONTDESK_DB", "FRONTDESK_LANG", "FRONTDESK_AS"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("FRONTDESK_STORE", "main")  # the server's and its sessions' store
    url = pg_cluster.url(pg_cluster.new_database(pg_template))  # the real clock: today's log
    ok(url, "staff", "add", "陈静", "--role", "manager", "--login", "chenjing")
    key = tmp_path / "id_chenjing"
    subprocess.run(
        ["ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-C", "chenjing", "-f", str(key)],
        check=True,
    )
    ok(url, "staff", "key", "add", "chenjing", f"{key}.pub")
    now = f"{dt.datetime.now():%Y-%m-%d %H:%M}"
    ok(url, "register", "--kind", "walkin", "--at", now, "--phone", "13812345678",
       "--name", "张三", "--level", "H")  # fmt: skip
    store.close_store()
    server = Showroom(tmp_path)
    server.store, server.keys["chenjing"] = url, key
    try:
        server.start("--host-key", str(tmp_path / "ssh_host_ed25519_key"))
        term = server.open("chenjing", size=(120, 30))
        term.wait_for(LOG_TITLE, START_WAIT_S)
        screen = term.wait_for("张三")
        assert "陈静" in screen.split("\n")[0]  # signed in as the key's owner
        term.keys("C-q")
        term.wait_for("SSH-EXIT=0")
    finally:
        server.stop()


def test_a_hang_up_keeps_the_open_forms_draft(target):
    from frontdesk.store import drafts
    from screens import hangup

    store.open_store(target, "main")
    draft = ("desk", "walkin", {"phone": "13812345678", "name": "张三"})
    hangup.keep_drafts([draft], lock_wait_s=0.5)  # its own short wait for a lock, either engine
    assert drafts.load_draft("desk", "walkin")[0] == draft[2]
