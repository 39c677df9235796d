"""``frontdesk doctor``: is the store sound? Plain answers on one screen.

Six questions, each answered ok or not, with what to do when not:

- integrity (``PRAGMA integrity_check``): the file is not damaged. Its answer is also the
  store's damage mark (``store_guard``): damage found sets it, so every program refuses
  saves; a sound file clears it, and saving resumes at the next open;
- foreign keys (``PRAGMA foreign_key_check``): no row points at a row that is gone;
- the WAL: the ``-wal`` file beside the store stays small; a large one means checkpoints
  cannot finish because some connection never stops reading;
- the schema version (``store.schema_version``): not newer than this program knows (a
  newer frontdesk wrote the store — upgrade this one before using it);
- the last backup (recorded by ``frontdesk backup``): there is one, and it is recent —
  once the store holds registrations, a store never backed up is a problem;
- the imports (``desk.import_progress``): none was cut off between two parts and left
  unfinished (a warning, saying to import the same file again, which stores the rest).

A dealer group's PostgreSQL database has no file of this program's to look at: its
integrity, foreign keys, write-ahead log, disk and backups (``pg_dump``) are the database
server's and its IT's. There doctor asks what this program can answer — the server is
reachable and runs PostgreSQL ``MIN_POSTGRES`` or newer, the schema is neither newer than
this program nor missing a migration, no import is left unfinished — and whether
row-level security keeps each store to its own rows (``row_security``): the connected
role is no superuser and has no BYPASSRLS (else every store's rows are visible: not ok),
owns none of the tables (a warning: FORCE binds an owner too, but the desks should
connect as a role that owns nothing), and every store-owned table has row-level security
enabled, forced, with 0022's policy (not ok, naming the tables). A line says that the
rest is the server's.

The command exits 1 when any answer is not ok, so cron or a monitoring script can run it;
a warning alone leaves it 0.
"""

from __future__ import annotations

import datetime as dt
import json
import sqlite3
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from peewee import DatabaseError, SqliteDatabase
from playhouse.migrations import Runner

from frontdesk import clock, store
from frontdesk.desk import import_progress
from frontdesk.errors import FrontdeskError
from frontdesk.i18n import t
from frontdesk.store import dialect, row_security, settings
from frontdesk.store import guard as store_guard
from frontdesk.store.models import Registration, database

LAST_BACKUP = "last_backup"  # setting: {"at": "YYYY-MM-DD HH:MM:SS", "path": "…"}
BACKUP_MAX_AGE_DAYS = 7
WAL_LIMIT_BYTES = 64 * 1024 * 1024
INTEGRITY_LINES = 5  # integrity_check stops after this many problems
FOREIGN_KEY_EXAMPLES = 3
MIB = 1024 * 1024
MIN_POSTGRES = 15  # the oldest PostgreSQL the store is built and tested on
OWNED_EXAMPLES = 3  # tables named when the connected role owns some


@dataclass(frozen=True)
class Finding:
    """The answer to one question: which, whether it is ok, and the plain sentence."""

    # integrity | foreign_keys | wal | schema | backup | imports; PostgreSQL: server | role |
    # owner | row_security | files
    check: str
    ok: bool
    answer: str
    warning: bool = False  # ok, yet worth reading: does not make the exit status 1

    @property
    def label(self) -> str:
        return t(f"doctor.{self.check}")


@dataclass(frozen=True)
class LastBackup:
    at: dt.datetime
    path: str


def record_backup(dest: str | Path) -> bool:
    """Note when and where the store was last backed up (``frontdesk backup`` calls this).

    A store that takes no saves (newer, damaged) is still worth a copy: the copy is made,
    only the note is not (False).
    """
    value = json.dumps(
        {"at": f"{clock.now():%Y-%m-%d %H:%M:%S}", "path": str(Path(dest).resolve())},
        ensure_ascii=False,
    )
    try:
        settings.put(LAST_BACKUP, value)
    except store_guard.WriteRefused:
        return False
    return True


def last_backup() -> LastBackup | None:
    """The last backup recorded, if any (an unreadable record counts as none)."""
    try:
        value = json.loads(settings.get(LAST_BACKUP) or "null")
        return LastBackup(dt.datetime.fromisoformat(value["at"]), str(value["path"]))
    except (TypeError, KeyError, ValueError):
        return None


def _size(count: int) -> str:
    return f"{count / MIB:.1f} MB"


def check_integrity() -> Finding:
    rows = database.execute_sql(f"PRAGMA integrity_check({INTEGRITY_LINES})").fetchall()
    problems = [row[0] for row in rows if row[0] != "ok"]
    if not problems:
        return Finding("integrity", True, t("doctor.integrity_ok"))
    return Finding("integrity", False, t("doctor.integrity_bad", detail="; ".join(problems)))


def check_foreign_keys() -> Finding:
    rows = database.execute_sql("PRAGMA foreign_key_check").fetchall()
    if not rows:
        return Finding("foreign_keys", True, t("doctor.foreign_keys_ok"))
    examples = ", ".join(
        f"{table} #{rowid} → {parent}" for table, rowid, parent, _ in rows[:FOREIGN_KEY_EXAMPLES]
    )
    return Finding(
        "foreign_keys", False, t("doctor.foreign_keys_bad", count=len(rows), examples=examples)
    )


def check_wal(path: Path) -> Finding:
    wal = Path(f"{path}-wal")
    size = wal.stat().st_size if wal.exists() else 0
    if size <= WAL_LIMIT_BYTES:
        return Finding("wal", True, t("doctor.wal_ok", size=_size(size)))
    return Finding(
        "wal", False, t("doctor.wal_big", size=_size(size), limit=_size(WAL_LIMIT_BYTES))
    )


def check_schema() -> Finding:
    runner = Runner(database.obj, str(store.MIGRATIONS_DIR), table_name=store.MIGRATIONS_TABLE)
    migrations = runner.status()  # the files, and the applied ones whose file is unknown here
    latest = max((m.idx for m in migrations if m.path is not None), default=0)
    version = store.schema_version(database.obj)
    if version > latest:  # applied by a newer program
        return Finding("schema", False, t("doctor.schema_newer", version=version, latest=latest))
    pending = [m.name for m in migrations if m.path is not None and not m.applied]
    if pending:
        return Finding(
            "schema", False, t("doctor.schema_pending", version=version, names=", ".join(pending))
        )
    return Finding("schema", True, t("doctor.schema_ok", version=version, latest=latest))


def check_backup(now: dt.datetime) -> Finding:
    last = last_backup()
    if last is None:
        if not Registration.select().exists():
            return Finding("backup", True, t("doctor.backup_not_needed"))
        return Finding("backup", False, t("doctor.backup_never"))
    days = (now - last.at).days
    when = f"{last.at:%Y-%m-%d %H:%M}"
    if days > BACKUP_MAX_AGE_DAYS:
        return Finding(
            "backup",
            False,
            t("doctor.backup_old", time=when, days=days, limit=BACKUP_MAX_AGE_DAYS, path=last.path),
        )
    return Finding("backup", True, t("doctor.backup_ok", time=when, days=days, path=last.path))


def check_imports() -> Finding:
    """No import cut off between two parts is left unfinished (a warning when one is)."""
    cut_off = import_progress.unfinished()
    if not cut_off:
        return Finding("imports", True, t("doctor.imports_ok"))
    imports = t("doctor.imports_sep").join(
        t("doctor.imports_one", time=f"{u.at:%Y-%m-%d %H:%M}", stored=u.stored, total=u.total)
        for u in cut_off
    )
    return Finding("imports", True, t("doctor.imports_cut_off", imports=imports), warning=True)


def check_server() -> Finding:
    """The PostgreSQL server answers, and is recent enough."""
    (number,) = database.execute_sql("SHOW server_version_num").fetchone()
    (version,) = database.execute_sql("SHOW server_version").fetchone()
    version = str(version).split()[0]  # "15.4 (Debian 15.4-1)": the number
    if int(number) // 10000 < MIN_POSTGRES:
        return Finding(
            "server", False, t("doctor.server_old", version=version, needed=MIN_POSTGRES)
        )
    return Finding("server", True, t("doctor.server_ok", version=version, needed=MIN_POSTGRES))


def check_role() -> Finding:
    """Row-level security binds the connected role: no superuser, no BYPASSRLS."""
    user = row_security.bypassing_role(database.obj)
    if user is not None:
        return Finding("role", False, t("doctor.role_bypasses", user=user))
    return Finding("role", True, t("doctor.role_ok", user=row_security.current_role(database.obj)))


def check_owner() -> Finding:
    """The connected role owns none of the tables (a warning when it does)."""
    user = row_security.current_role(database.obj)
    owned = row_security.owned(database.obj)
    if owned:
        names = ", ".join(owned[:OWNED_EXAMPLES]) + (", …" if len(owned) > OWNED_EXAMPLES else "")
        answer = t("doctor.owner_owns", user=user, count=len(owned), names=names)
        return Finding("owner", True, answer, warning=True)
    return Finding("owner", True, t("doctor.owner_none", user=user))


def check_row_security() -> Finding:
    """Every store-owned table has row-level security enabled, forced, and its policy."""
    missing = row_security.unguarded(database.obj)
    if missing:
        return Finding("row_security", False, t("doctor.rls_missing", names=", ".join(missing)))
    count = len(row_security.store_owned_tables())
    return Finding("row_security", True, t("doctor.rls_ok", count=count))


def store_name() -> str:
    """The open store as the report's title names it: its file, or its database's URL
    (without a password)."""
    if dialect.is_postgres(database):
        return store.shown(database.obj.database)
    return str(store_path())


def store_path() -> Path:
    """The file of the open store; only a SQLite file can be examined."""
    obj = database.obj
    if not isinstance(obj, SqliteDatabase) or obj.database == ":memory:":
        raise FrontdeskError(t("doctor.sqlite_only"))
    return Path(obj.database).resolve()


def _answer(check: str, ask: Callable[[], Finding]) -> Finding:
    """One answer; a store too damaged to answer the question is the answer."""
    try:
        return ask()
    except (DatabaseError, sqlite3.DatabaseError) as error:
        return Finding(check, False, t("doctor.integrity_bad", detail=error))
    except store_guard.StoreDamaged as error:  # SQLite's words went to the log and the mark
        return Finding(check, False, t("doctor.integrity_bad", detail=error.__cause__ or error))


def _keep_damage_mark(path: Path, integrity: Finding) -> Finding:
    """Damage found: every program refuses saves. A sound file: they may save again."""
    if not integrity.ok:
        store_guard.mark_damaged(path, integrity.answer)
        return integrity
    if store_guard.clear_damage(path):
        return Finding("integrity", True, t("doctor.integrity_ok_again"))
    return integrity


def examine(now: dt.datetime | None = None) -> list[Finding]:
    """Every answer about the open store, in the order they are shown."""
    if dialect.is_postgres(database):
        return [
            _answer("server", check_server),
            _answer("schema", check_schema),
            _answer("role", check_role),
            _answer("owner", check_owner),
            _answer("row_security", check_row_security),
            _answer("imports", check_imports),
            Finding("files", True, t("doctor.files_on_server")),
            Finding("backup", True, t("doctor.backup_on_server")),
        ]
    path = store_path()
    return [
        _keep_damage_mark(path, _answer("integrity", check_integrity)),
        _answer("foreign_keys", check_foreign_keys),
        _answer("wal", lambda: check_wal(path)),
        _answer("schema", check_schema),
        _answer("backup", lambda: check_backup(now or clock.now())),
        _answer("imports", check_imports),
    ]
