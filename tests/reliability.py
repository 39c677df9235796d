"""What the reliability tests share: worker processes, acknowledgements, and the checks
that a store is sound and every registration in it complete.

The checks read the file with a plain ``sqlite3`` connection of their own, as a separate
program would after a crash: nothing of the test's process state is trusted.
"""

from __future__ import annotations

import contextlib
import os
import signal
import sqlite3
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
READY_TIMEOUT_S = 30


@dataclass(frozen=True)
class Ack:
    """A save the user saw succeed: the id printed after the commit."""

    id: int
    note: str
    phone: str | None
    party: int
    ms: float = 0.0  # how long the save took, waiting for the write lock included


def spawn(
    role: str, store: str | Path, *options: str, output: Path, hold: bool = False
) -> subprocess.Popen:
    """Start ``python -m tests.workers ROLE STORE OPTIONS`` writing its lines to ``output``.

    ``hold``: the worker gets a pipe as stdin, on which it waits at its ``--hold-at`` point.
    """
    env = {k: v for k, v in os.environ.items() if not k.startswith("FRONTDESK_")}
    env["PYTHONPATH"] = str(ROOT)
    handle = output.open("w")
    try:
        return subprocess.Popen(
            [sys.executable, "-m", "tests.workers", role, str(store), *options],
            cwd=ROOT,
            env=env,
            stdin=subprocess.PIPE if hold else None,
            stdout=handle,
            stderr=subprocess.STDOUT,
        )
    finally:
        handle.close()  # the child has its own copy


def lines(output: Path) -> list[str]:
    """The complete lines a worker wrote (a line cut by a kill is not one)."""
    text = output.read_text(encoding="utf-8", errors="replace")
    complete = text if text.endswith("\n") else text.rsplit("\n", 1)[0]
    return [line for line in complete.split("\n") if line]


def wait_for_line(output: Path, prefix: str, process: subprocess.Popen) -> None:
    deadline = time.monotonic() + READY_TIMEOUT_S
    while time.monotonic() < deadline:
        if any(line.startswith(prefix) for line in lines(output)):
            return
        if process.poll() is not None:
            raise AssertionError(f"worker exited {process.returncode}:\n{output.read_text()}")
        time.sleep(0.01)
    raise AssertionError(f"worker never printed {prefix!r}:\n{output.read_text()}")


def kill(process: subprocess.Popen) -> None:
    """SIGKILL: no clean-up, no flush, as a power cut or ``kill -9`` would."""
    process.send_signal(signal.SIGKILL)
    process.wait(timeout=30)
    if process.stdin is not None:
        process.stdin.close()


# Where a writer was when it died, from the last line it printed (``tests.workers``).
STARTING = "starting"  # Python starting and importing: the store not touched yet
OPENING = "opening"  # opening (or creating) the store file, migrations not begun
MIGRATING = "migrating"  # inside the one transaction of the migrations
OPENED = "opened"  # migrations committed, warming up
READY = "ready"  # ready, before the first acknowledgement
SAVING = "saving"  # saving, at least one save acknowledged


def landing(output: Path) -> str:
    """Where the writer that wrote ``output`` was when it was killed (one of the above)."""
    phases = {
        "opening": OPENING,
        "migrating": MIGRATING,
        "migrated": MIGRATING,
        "holding migration:": MIGRATING,
        "opened": OPENED,
        "ready": READY,
        "ack ": SAVING,
        "holding ack:": SAVING,
    }
    where = STARTING
    for line in lines(output):
        where = next((p for prefix, p in phases.items() if line.startswith(prefix)), where)
    return where


# What a killed brand-new store holds, read from the file itself.
ABSENT = "absent"  # no file: killed before the store was opened
EMPTY = "empty"  # a file without a single table: nothing of the migrations committed
MIGRATED = "migrated"  # every migration and every table


def store_state(path: str | Path) -> str:
    """``ABSENT``, ``EMPTY``, ``MIGRATED``, or what is half there ("half: …")."""
    from frontdesk.store import MIGRATIONS_DIR, MIGRATIONS_TABLE
    from frontdesk.store.models import ALL_MODELS

    if not Path(path).exists():
        return ABSENT
    with raw(path) as conn:
        tables = {
            name
            for (name,) in conn.execute(
                "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'"
            )
        }
        applied = (
            {name for (name,) in conn.execute(f"SELECT name FROM {MIGRATIONS_TABLE}")}
            if MIGRATIONS_TABLE in tables
            else set()
        )
    if not tables:
        return EMPTY
    migrations = {p.stem for p in MIGRATIONS_DIR.glob("[0-9]*.py")}
    expected = {model._meta.table_name for model in ALL_MODELS} | {MIGRATIONS_TABLE}
    if applied == migrations and expected <= tables:
        return MIGRATED
    return f"half: migrations {sorted(applied)}, tables {sorted(tables)}"


def acks(output: Path) -> list[Ack]:
    found = []
    for line in lines(output):
        if line.startswith("ack "):
            _, ident, note, phone, party, ms = line.split()
            found.append(
                Ack(int(ident), note, None if phone == "-" else phone, int(party), float(ms))
            )
    return found


def errors(output: Path) -> list[str]:
    return [line for line in lines(output) if line.startswith(("error", "Traceback"))]


@contextlib.contextmanager
def raw(path: str | Path):
    conn = sqlite3.connect(str(path), timeout=30)
    try:
        yield conn
    finally:
        conn.close()


def soundness_of_schema(path: str | Path) -> list[str]:
    """What ``integrity_check`` and ``foreign_key_check`` find wrong with the file (none: [])."""
    problems = []
    with raw(path) as conn:
        integrity = conn.execute("PRAGMA integrity_check").fetchall()
        if integrity != [("ok",)]:
            problems.append(f"integrity_check: {integrity[:5]}")
        orphans = conn.execute("PRAGMA foreign_key_check").fetchall()
        if orphans:
            problems.append(f"foreign_key_check: {orphans[:5]}")
    return problems


def soundness(path: str | Path) -> list[str]:
    """Every way the store is not sound or a registration in it is half-written (none: [])."""
    problems = soundness_of_schema(path)
    with raw(path) as conn:
        checks = {
            "a registration without its audit entry": """
                SELECT r.id FROM registration r WHERE NOT EXISTS (
                    SELECT 1 FROM audit_entry a WHERE a.entity = 'registration'
                    AND a.action = 'create' AND a.entity_id = r.id)""",
            "an audit entry of a registration that is not there": """
                SELECT a.entity_id FROM audit_entry a WHERE a.entity = 'registration'
                AND NOT EXISTS (SELECT 1 FROM registration r WHERE r.id = a.entity_id)""",
            "a registration with a phone but no customer": """
                SELECT r.id FROM registration r LEFT JOIN customer c ON c.id = r.customer_id
                WHERE r.phone IS NOT NULL AND (c.id IS NULL OR c.phone != r.phone)""",
            "a customer without the audit entry of its creation": """
                SELECT c.id FROM customer c WHERE NOT EXISTS (
                    SELECT 1 FROM audit_entry a WHERE a.entity = 'customer'
                    AND a.action = 'create' AND a.entity_id = c.id)""",
            "a customer without a registration": """
                SELECT c.id FROM customer c WHERE NOT EXISTS (
                    SELECT 1 FROM registration r WHERE r.customer_id = c.id)""",
            "a level set on a registration but never recorded as a change": """
                SELECT r.id FROM registration r WHERE r.level IS NOT NULL
                AND r.customer_id IS NOT NULL AND NOT EXISTS (
                    SELECT 1 FROM level_change l WHERE l.customer_id = r.customer_id)""",
            "a level change of a registration that is not there": """
                SELECT l.id FROM level_change l WHERE l.registration_id IS NOT NULL
                AND NOT EXISTS (SELECT 1 FROM registration r WHERE r.id = l.registration_id)""",
        }
        for what, sql in checks.items():
            rows = conn.execute(sql).fetchall()
            if rows:
                problems.append(f"{what}: {[row[0] for row in rows[:5]]}")
    return problems


def missing_acks(path: str | Path, acknowledged: list[Ack]) -> list[str]:
    """Acknowledged saves that are not in the store exactly as acknowledged."""
    problems = []
    with raw(path) as conn:
        stored = {
            ident: (notes, phone, party)
            for ident, notes, phone, party in conn.execute(
                "SELECT id, notes, phone, party_size FROM registration"
            )
        }
    for ack in acknowledged:
        row = stored.get(ack.id)
        if row is None:
            problems.append(f"#{ack.id} ({ack.note}) acknowledged but lost")
        elif row != (ack.note, ack.phone, ack.party):  # ``ms`` is not stored
            problems.append(f"#{ack.id} stored as {row}, acknowledged as {ack}")
    return problems


def count(path: str | Path, sql: str) -> int:
    with raw(path) as conn:
        return conn.execute(sql).fetchone()[0]
