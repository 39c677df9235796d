"""Backups of the store (备份): SQLite's online backup, never onto the store's own files.

A dealer group's PostgreSQL database is backed up by the group's IT with ``pg_dump`` (and
put back with ``pg_restore``): ``backup`` refuses it, writing nothing.

An admin's, or the store machine's operator's (``roles.BACKUP``): the copy holds every
customer. Consistent while others write; refused when its destination is the store, its
``-wal``, ``-shm``, ``-journal`` or damage mark, by any name or link.
"""

from __future__ import annotations

import contextlib
import os
import sqlite3
from pathlib import Path

from peewee import SqliteDatabase

from frontdesk import clock
from frontdesk.errors import FrontdeskError
from frontdesk.i18n import t
from frontdesk.people import roles
from frontdesk.people.actor import Actor
from frontdesk.store import dialect
from frontdesk.store.guard import DAMAGE_SUFFIX
from frontdesk.store.models import database


class BackupError(FrontdeskError):
    """A backup that must not be taken (onto the store's own files, or of a non-file store)."""


# The files SQLite (and the write gate) keep beside a store: a backup written onto one of
# them destroys saved rows (the WAL holds the newest saves) or the store itself.
STORE_FILE_SUFFIXES = ("", "-wal", "-shm", "-journal", DAMAGE_SUFFIX)


def _store_files(source_path: str) -> list[Path]:
    """The store's own files, under the name it was opened by and its real name."""
    given = Path(source_path).expanduser().absolute()
    return [
        Path(f"{base}{suffix}")
        for base in dict.fromkeys((given, given.resolve()))
        for suffix in STORE_FILE_SUFFIXES
    ]


def _is_store_file(path: Path, store_files: list[Path]) -> bool:
    """Is ``path`` (after links, relative parts, hard links) one of the store's files?"""
    real = path.absolute().resolve()
    for own in store_files:
        if real == own.resolve():
            return True
        with contextlib.suppress(OSError):  # a hard link, or the same file under a mount
            if real.exists() and own.exists() and os.path.samefile(real, own):
                return True
    return False


def backup(dest: str | Path, *, by: Actor) -> Path:
    """Copy the store to ``dest`` with SQLite's online backup: safe while others write.

    An admin's, or the store machine's operator's (``roles.BACKUP``).

    A folder as ``dest`` (an existing one, or a path ending in ``/``) gets a file named after
    the moment (``frontdesk-YYYYMMDD-HHMMSS.db``);
    an older backup at ``dest`` is replaced, with any WAL it left behind. A ``dest`` that is,
    or whose leftovers would be, one of the store's own files (the store, its ``-wal``,
    ``-shm`` or ``-journal``, by any name or link) is refused before anything is touched.
    """
    roles.require(by, roles.BACKUP)
    if dialect.is_postgres(database):  # the group's database: its IT's pg_dump backs it up
        raise BackupError(t("error.backup_postgres"))
    source_path = getattr(database.obj, "database", ":memory:")
    if not isinstance(database.obj, SqliteDatabase) or source_path == ":memory:":
        raise BackupError(t("error.backup_sqlite_only"))
    named_folder = str(dest).endswith(("/", os.sep))  # "usb/": a folder, even if not there yet
    dest = Path(dest).expanduser()
    if dest.is_dir() or named_folder:
        dest = dest / f"frontdesk-{clock.now():%Y%m%d-%H%M%S}.db"
    replaced = (dest, Path(f"{dest}-wal"), Path(f"{dest}-shm"))
    own = _store_files(source_path)
    if any(_is_store_file(path, own) for path in replaced):
        raise BackupError(t("error.backup_same", path=dest))
    dest.parent.mkdir(parents=True, exist_ok=True)
    for stale in replaced:
        stale.unlink(missing_ok=True)
    target = sqlite3.connect(str(dest))
    try:
        database.connection().backup(target)
    finally:
        target.close()
    return dest
