"""What start-up imports: the first screen alone, and the SSH preload everything after it.

Both run in a fresh interpreter (this one has imported every test's modules already).
"""

from __future__ import annotations

import ast
import json
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

# Never on today's log: the spreadsheet, phone and pinyin libraries (the warm-up loads the
# last two a second after the first frame), the SSH server, the command line's areas, the
# other screens and the core they sit on; PostgreSQL's driver (Peewee is kept from loading
# it for an SQLite store: ``frontdesk/__init__.py``); Textual's DataTable (the log is a
# grid of its own: ``screens.desk.log_table``; the other screens' tables are
# ``screens.tables``).
NOT_AT_START = (
    "textual.widgets._data_table",
    "screens.tables",
    "psycopg",
    "openpyxl",
    "phonenumbers",
    "pypinyin",
    "asyncssh",
    "frontdesk.cli.desk",
    "frontdesk.cli.reports",
    "frontdesk.cli.serve",
    "frontdesk.desk.importer",
    "frontdesk.desk.demo",
    "frontdesk.desk.registration",
    "frontdesk.followup.contact_table",
    "frontdesk.followup.customer_search",
    "frontdesk.reports",
    "frontdesk.stats",
    "screens.desk.registration_form",
    "screens.desk.day_close",
    "screens.desk.welcome",
    "screens.help",
    "screens.sign_in",
    "screens.followup",
    "screens.stats",
    "screens.reports",
    "screens.admin",
)

# The ``frontdesk`` command on a new store, headless, quit at its first frame: which of
# NOT_AT_START it imported.
FIRST_FRAME = """
import json, sys
from textual.app import App
real_run = App.run

async def quit_at_first_frame(pilot):
    await pilot.pause()
    pilot.app.exit()

def run(self, *args, **kwargs):
    return real_run(self, headless=True, size=(80, 24), auto_pilot=quit_at_first_frame)

App.run = run
from screens import main
status = main.main(["--db", sys.argv[1]])
print(json.dumps([status, sorted(m for m in sys.modules)]))
"""


def _python(code: str, *args: str) -> list:
    env = {k: v for k, v in os.environ.items() if not k.startswith("FRONTDESK_")}
    done = subprocess.run(
        [sys.executable, "-c", code, *args],
        capture_output=True,
        text=True,
        cwd=ROOT,
        env={**env, "PYTHONPATH": str(ROOT), "FRONTDESK_LANG": "zh_CN"},
        timeout=120,
        check=True,
    )
    return json.loads(done.stdout.strip().splitlines()[-1])


# A store set up already (a new one shows the welcome), with no staff (no sign-in).
SET_UP = """
import json, sys
from frontdesk import store
from frontdesk.desk import onboarding
store.open_store(sys.argv[1])
onboarding.skip_welcome()
store.close_store()
print(json.dumps([]))
"""


def test_the_first_frame_imports_neither_the_other_screens_nor_their_libraries(tmp_path):
    _python(SET_UP, str(tmp_path / "store.db"))
    status, modules = _python(FIRST_FRAME, str(tmp_path / "store.db"))
    assert status == 0
    assert "screens.desk.day_log" in modules  # the first screen was shown
    unwanted = [m for m in modules if m in NOT_AT_START or m.startswith(NOT_AT_START_PACKAGES)]
    assert unwanted == []


NOT_AT_START_PACKAGES = tuple(f"{name}." for name in NOT_AT_START)

# The same command, the collector's state at its first frame, after the warm-up (run at once
# rather than a second later) and once the app has ended.
COLLECTOR = """
import gc, json, sys
from textual.app import App
real_run = App.run
seen = {}

async def first_frame_then_warm_up(pilot):
    await pilot.pause()
    seen["first frame"] = gc.isenabled()
    pilot.app._warm_up()
    await pilot.app.workers.wait_for_complete()
    seen["warmed up"] = gc.isenabled()
    pilot.app.exit()

def run(self, *args, **kwargs):
    return real_run(self, headless=True, size=(80, 24), auto_pilot=first_frame_then_warm_up)

App.run = run
from screens import main
status = main.main(["--db", sys.argv[1]])
seen["ended"] = gc.isenabled()
print(json.dumps([status, seen]))
"""


def test_start_up_runs_without_the_collector_until_the_warm_up(tmp_path):
    """A full collection before the first frame walked every object start-up made (all of
    them alive); the collector is off until the warm-up has frozen them, and on after."""
    _python(SET_UP, str(tmp_path / "store.db"))
    status, seen = _python(COLLECTOR, str(tmp_path / "store.db"))
    assert status == 0
    assert seen == {"first frame": False, "warmed up": True, "ended": True}


def _imported_inside_functions() -> set[str]:
    """Every module a function under ``screens/`` imports when it runs (``from a.b import c``
    gives ``a.b`` and, when ``c`` is a module, ``a.b.c``)."""
    found: set[str] = set()
    for path in (ROOT / "screens").rglob("*.py"):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        top = {id(node) for node in tree.body}
        for node in ast.walk(tree):
            if isinstance(node, ast.ImportFrom) and id(node) not in top and node.module:
                found.add(node.module)
                found.update(f"{node.module}.{alias.name}" for alias in node.names)
            elif isinstance(node, ast.Import) and id(node) not in top:
                found.update(alias.name for alias in node.names)
    return found


PRELOADED = """
import importlib.util, json, sys
from screens import main
main.preload()
wanted = json.loads(sys.argv[1])
def is_module(name):
    try:
        return importlib.util.find_spec(name) is not None
    except ModuleNotFoundError:  # a class in a module (``from a.b import C``)
        return False
modules = [name for name in wanted if is_module(name)]
print(json.dumps(sorted(set(modules) - set(sys.modules))))
"""


def test_the_ssh_preload_imports_every_module_the_screens_import_late():
    late = sorted(_imported_inside_functions())
    assert "screens.desk.registration_form" in late  # the form is one of them
    assert _python(PRELOADED, json.dumps(late)) == []
