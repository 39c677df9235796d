"""Shared fixtures: a throwaway store per test, a frozen clock, both languages."""

from __future__ import annotations

import datetime as dt
import shutil

import pytest
import time_machine

from frontdesk import i18n, store
from frontdesk.people.actor import OPERATOR

# Wednesday 25 November 2026, 10:30 local time: a weekday morning in the showroom.
FROZEN_NOW = dt.datetime(2026, 11, 25, 10, 30, 0)


@pytest.fixture
def frozen_clock():
    """Freeze the one clock at FROZEN_NOW (tick=False: time stands still)."""
    with time_machine.travel(FROZEN_NOW, tick=False) as traveller:
        yield traveller


@pytest.fixture
def db_path(tmp_path):
    return str(tmp_path / "frontdesk.db")


@pytest.fixture(scope="session")
def migrated_template(tmp_path_factory) -> str:
    """One empty store with every migration applied, made once per test process at the
    frozen clock (the migrations stamp the time), closed so its WAL is folded back into
    the file. Running the migrations took 30–60 ms; copying the file takes well under 5."""
    path = str(tmp_path_factory.mktemp("template") / "frontdesk.db")
    with time_machine.travel(FROZEN_NOW, tick=False):
        store.open_store(path)
        store.close_store()
    return path


ENGINES = ("sqlite", "postgresql")


def pytest_generate_tests(metafunc):
    """A ``both_engines`` module's tests of the store run once on each engine."""
    definition = metafunc.definition
    if (
        "engine" in metafunc.fixturenames
        and definition.get_closest_marker("both_engines")
        and not definition.get_closest_marker("sqlite_only")
    ):
        metafunc.parametrize("engine", ENGINES, indirect=True)


@pytest.fixture
def engine(request) -> str:
    """The store's engine: SQLite; in a ``both_engines`` module, each in turn."""
    return getattr(request, "param", "sqlite")


@pytest.fixture
def db(db_path, migrated_template, frozen_clock, engine, request):
    """An empty, migrated store on a file (WAL needs a file), closed after the test.

    The file is a copy of the session's migrated template; opening it sets the pragmas
    (WAL among them) and finds no migration pending, as the desk's every later start does.
    Tests of the migrations themselves open stores of their own. On PostgreSQL: the test
    process's one database, holding again only the migrated template's rows (``pg_shared``)."""
    if engine == "postgresql":
        target = request.getfixturevalue("pg_shared").fresh()
    else:
        shutil.copyfile(migrated_template, db_path)
        target = db_path
    database = store.open_store(target, "main" if engine == "postgresql" else None)
    yield database
    store.close_store()
    if hasattr(database, "close_all"):  # a pool of PostgreSQL connections
        database.close_all()


@pytest.fixture(autouse=True)
def chinese_by_default():
    """Each test starts in the default language, zh-CN."""
    i18n.set_language(None)
    yield
    i18n.set_language(None)


@pytest.fixture
def showroom(db):
    """A store with two consultants on duty, a receptionist, a manager and two models.

    Memorable names: 王磊 is at the head of the up rotation, 李娜 next.
    """
    from frontdesk.people import team
    from frontdesk.store import codes, settings

    settings.put(settings.STORE_NAME, "丰田4S店")
    settings.put(settings.WELCOMED, "1")
    members = {
        "wanglei": team.add_staff("王磊", "consultant", by=OPERATOR),
        "lina": team.add_staff("李娜", "consultant", by=OPERATOR),
        "zhaomin": team.add_staff("赵敏", "receptionist", by=OPERATOR),
        "chenjing": team.add_staff("陈静", "manager", by=OPERATOR),
    }
    codes.add(codes.MODEL, "凯美瑞", "卡罗拉", "汉兰达", "RAV4荣放")
    return members


@pytest.fixture(autouse=True)
def steady_cursor(monkeypatch):
    """A cursor that does not blink, so snapshots and screens never flake."""
    from textual.widgets import Input

    monkeypatch.setattr(Input, "cursor_blink", False)


@pytest.fixture
def make_app(db):
    """Build the real app on the test's store, without the change watcher unless asked."""
    from frontdesk.store import settings
    from screens.app import FrontdeskApp

    def build(staff=None, show_welcome=False, watch_interval=None):
        return FrontdeskApp(
            staff=staff,
            store_name=settings.store_name(),
            show_welcome=show_welcome,
            watch_interval=watch_interval,
        )

    return build


async def settle(pilot, delay: float = 0.0) -> None:
    """Let timers fire and thread workers finish, then let the screen catch up."""
    if delay:
        await pilot.pause(delay)
    await _workers_done(pilot)
    await pilot.pause()
    await _workers_done(pilot)
    await pilot.pause()
    await _tables_laid_out(pilot)


def _messages_waiting(app) -> bool:
    """Whether the app or a widget of a screen shown has a message not yet handled.

    A key the pilot pressed is in the app's queue until the app hands it on: on a loaded
    machine that can be after the pilot's pause, and a snapshot then caught the review
    queue's rows added (the key's read done) but not yet measured. Textual has no public
    way to ask; the queues are read here only."""
    nodes = [app, *(node for screen in app.screen_stack for node in screen.walk_children())]
    nodes.extend(app.screen_stack)
    return any(not node._message_queue.empty() for node in nodes)


async def _workers_done(pilot) -> None:
    """Wait for the app's workers. A worker of an exclusive group (the change watcher's poll,
    every 50 ms in some tests) can be cancelled by its successor while it is waited for:
    Textual then raises WorkerCancelled (seen on a loaded CI machine); wait for the rest."""
    from textual.worker import WorkerCancelled

    for _ in range(100):
        try:
            await pilot.app.workers.wait_for_complete()
            return
        except WorkerCancelled:
            continue


async def _tables_laid_out(pilot, timeout: float = 5.0) -> None:
    """Wait until every DataTable (of every screen, under a dialog too) has measured the
    rows it was given.

    A DataTable sizes its columns to new rows on its own idle event, which a loaded
    machine can deliver after the pilot's pause: a snapshot then caught the month sheet
    with narrower columns. Textual has no public flag for it; the private one is read
    here only, and the wait gives up quietly after ``timeout`` (the snapshot then tells).
    Two checks in a row must find them measured, a frame apart: on a loaded machine
    a snapshot of F9 once caught its staff table between a check and the rows' measuring."""
    import time

    from textual.widgets import DataTable

    deadline = time.monotonic() + timeout
    once = False  # the last check found every table measured and no message waiting
    while time.monotonic() < deadline:
        await _workers_done(pilot)
        tables = [t for screen in pilot.app.screen_stack for t in screen.query(DataTable)]
        measured = not any(table._require_update_dimensions for table in tables)
        if measured and not _messages_waiting(pilot.app) and not pilot.app.workers:
            if once:
                return
            once = True
            await pilot.pause()  # a frame, and look again
            continue
        once = False
        await pilot.pause(0.02)


def screen_text(app) -> str:
    """What the terminal shows, as plain text (from the SVG screenshot)."""
    import html
    import re

    svg = app.export_screenshot()
    return html.unescape(re.sub(r"<[^>]+>", "", svg)).replace("\xa0", " ")


async def settle_until(pilot, condition, timeout: float = 10.0) -> None:
    """Settle until ``condition()`` holds: for what another thread or process causes (a
    commit seen by the change watcher), however loaded the machine; fails after ``timeout``."""
    import time

    deadline = time.monotonic() + timeout
    while True:
        await settle(pilot, 0.05)
        if condition():
            return
        assert time.monotonic() < deadline, f"not within {timeout} s: {condition.__doc__ or ''}"


def screen_lines(app) -> list[str]:
    """The terminal's lines as drawn, one string a row (a wide character is one string
    character but two columns)."""
    return [strip.text for strip in app.screen._compositor.render_strips()]


SNAPSHOT_SIZES = [pytest.param((80, 24), id="80x24"), pytest.param((120, 36), id="120x36")]


def shoot(snap_compare, app, size, *keys, pause: float = 0.4) -> bool:
    """Compare a snapshot of ``app`` at ``size`` after pressing ``keys``, one at a time.

    Each key's work (screens opening, thread workers) settles before the next key; at the
    end ``pause`` lets the debounced lookups and drafts fire.
    """

    async def steps(pilot):
        await settle(pilot)
        for key in keys:
            await pilot.press(key)
            await settle(pilot)
        await settle(pilot, pause)

    return snap_compare(app, terminal_size=size, run_before=steps)


@pytest.fixture
def cli_store(tmp_path, frozen_clock, monkeypatch):
    """A store path for the command line, free of FRONTDESK_* settings; closed after."""
    for name in ("FRONTDESK_DB", "FRONTDESK_LANG", "FRONTDESK_AS"):
        monkeypatch.delenv(name, raising=False)
    yield str(tmp_path / "store.db")
    store.close_store()


@pytest.fixture
def run_cli(cli_store, capsys):
    """Run ``frontdesk --db STORE ARGS…`` in-process; returns (exit status, stdout, stderr)."""
    from frontdesk import cli

    def run(*args: str, tui=None) -> tuple[int, str, str]:
        capsys.readouterr()
        status = cli.main(["--db", cli_store, *args], tui=tui)
        out, err = capsys.readouterr()
        return status, out, err

    return run


async def type_as_a_terminal(pilot, text: str) -> None:
    """Type ``text`` one character at a time, as a terminal sends it: each key with its
    character. (``pilot.press`` loses full-width punctuation such as ``＋``: it cannot turn
    the key's name back into the character.)"""
    from textual import events
    from textual.keys import _character_to_key

    for character in text:
        pilot.app._driver.send_message(events.Key(_character_to_key(character), character))
        await pilot.pause()


# -- PostgreSQL: one throwaway server per test process, a database per test ------------------

_PG_SKIP = "PostgreSQL not available (no initdb on PATH or in /usr/lib/postgresql)"


@pytest.fixture(scope="session")
def pg_cluster():
    """A PostgreSQL server for this test process (``tests.postgres``); skips without one."""
    from tests import postgres

    found = postgres.binaries()
    if found is None:
        pytest.skip(_PG_SKIP)
    cluster = postgres.Cluster(found).start()
    yield cluster
    cluster.stop()


@pytest.fixture
def pg_url(pg_cluster):
    """The URL of a new, empty PostgreSQL database."""
    return pg_cluster.url(pg_cluster.new_database())


@pytest.fixture(scope="session")
def pg_template(pg_cluster) -> str:
    """A PostgreSQL database with every migration applied at the frozen clock, nobody
    connected: the template of each test's (as ``migrated_template`` is on SQLite)."""
    name = pg_cluster.new_database()
    with time_machine.travel(FROZEN_NOW, tick=False):
        database = store.open_store(pg_cluster.url(name), "main")
        store.close_store()
        database.close_all()
    return name


@pytest.fixture(scope="session")
def pg_shared(pg_cluster, pg_template):
    """The test process's one PostgreSQL database for the ``db`` fixture, emptied back to
    the template's rows before each test (``tests.postgres.Reusable``)."""
    return pg_cluster.reusable(pg_template)


def pytest_terminal_summary(terminalreporter):
    skipped = [
        report
        for report in terminalreporter.stats.get("skipped", [])
        if _PG_SKIP in str(getattr(report, "longrepr", ""))
    ]
    if skipped:
        terminalreporter.write_line(
            f"{len(skipped)} PostgreSQL tests skipped: {_PG_SKIP}", yellow=True
        )


@pytest.fixture
def import_cut_off(tmp_path, monkeypatch):
    """A three-row log imported in parts of two, whose second part other saves keep stale
    (every apply after the first refused): ``(log path, let_it_through)``, the second
    putting the real apply back, so that importing the log again finishes it."""
    from frontdesk.desk import importer
    from frontdesk.store.shadow import Shadow

    monkeypatch.setattr(importer, "PART_ROWS", 2)
    log = tmp_path / "cut-off.csv"
    log.write_text(
        "kind,time_in,phone\nwalkin,2026-11-20 10:00,13812345601\n"
        "walkin,2026-11-20 11:00,13812345602\nphone,2026-11-21 09:00,13812345603\n",
        encoding="utf-8",
    )
    real = Shadow.apply
    applies: list[int] = []

    def apply(self, check):
        applies.append(1)
        return real(self, check) if len(applies) == 1 else False

    monkeypatch.setattr(Shadow, "apply", apply)
    return str(log), lambda: monkeypatch.setattr(Shadow, "apply", real)
