"""How far an import of several parts got (导入进度), noted in the audit log with each part.

A file of more rows than one part (``importer.PART_ROWS``) is stored part by part, in
order of time in, each part in a short write transaction of its own: no desk's save waits
for more than one part. With each part the audit log notes how many of the file's rows
are stored (action ``import``, entity ``import_file``, the file's SHA-256): the note is
written on the part's rehearsal copies, so it is stored with the part's rows or not at
all. A store between two parts is the store as registering the file's rows up to there
would have left it.

An import cut off between two parts (the power, the process killed, other saves keeping
a part stale) has stored its first parts whole. Importing the same file again finds the
note and stores only the rest: no row is stored twice. The last part's note says every
row is stored, so the same file imported after that is a new import.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from dataclasses import dataclass
from pathlib import Path

from peewee import OP, Expression, fn

from frontdesk.people.actor import Actor
from frontdesk.store import audit, dialect, rows
from frontdesk.store.models import AuditEntry

ACTION = "import"
ENTITY = "import_file"
KEY_HEX_DIGITS = 7  # the note's entity id: the digest's first digits (fits an INTEGER)


@dataclass(frozen=True)
class Progress:
    """One file's import: its digest, and its rows (their numbers in the file) in the
    order they are stored."""

    digest: str
    rows: tuple[int, ...]

    @classmethod
    def of_file(cls, path: Path, prepared: list[tuple]) -> Progress:
        digest = hashlib.sha256(path.read_bytes()).hexdigest()
        return cls(digest, tuple(number for number, _, _ in prepared))

    @property
    def key(self) -> int:
        return int(self.digest[:KEY_HEX_DIGITS], 16)

    def stored_before(self) -> int:
        """How many of the rows an interrupted import of this file stored (0: none, or
        the last import of it finished)."""
        detail = (
            AuditEntry.select(AuditEntry.detail)
            .where(
                dialect.seek_this_store(AuditEntry.store_id),
                AuditEntry.entity == ENTITY,
                AuditEntry.entity_id == self.key,
            )
            .order_by(AuditEntry.id.desc())
            .scalar()
        )
        if detail is None:
            return 0
        noted = json.loads(detail)
        stored = noted.get("stored")
        if (
            noted.get("sha256") != self.digest
            or noted.get("total") != len(self.rows)
            or not isinstance(stored, int)
            or not 0 < stored < len(self.rows)
            or self.rows[stored - 1] != noted.get("last_row")  # the same order of rows
        ):
            return 0
        return stored

    def note(self, stored: int, by: Actor) -> None:
        """Note that the first ``stored`` rows are stored (in the transaction storing them)."""
        audit.record(
            ACTION,
            ENTITY,
            self.key,
            by,
            sha256=self.digest,
            stored=stored,
            total=len(self.rows),
            last_row=self.rows[stored - 1],
        )


@dataclass(frozen=True)
class Unfinished:
    """An import cut off between two parts: when its last part was stored, how many of
    the file's rows were, of how many."""

    at: dt.datetime
    stored: int
    total: int


def unfinished() -> list[Unfinished]:
    """The imports cut off and not yet finished (by importing the same file again): each
    file's last note says fewer rows stored than it has; oldest first."""
    last_notes = (
        AuditEntry.select(fn.MAX(AuditEntry.id))
        .where(dialect.seek_this_store(AuditEntry.store_id), AuditEntry.entity == ENTITY)
        .group_by(AuditEntry.entity_id)
    )
    stored = dialect.json_number(AuditEntry.detail, "stored")
    total = dialect.json_number(AuditEntry.detail, "total")
    query = (
        AuditEntry.select(AuditEntry.at, stored, total)
        .where(AuditEntry.id.in_(last_notes), Expression(stored, OP.LT, total))
        .order_by(AuditEntry.id)
    )
    # int(): Peewee reads a function of the text column back as text on SQLite.
    return [Unfinished(at, int(done), int(of)) for at, done, of in rows.tuples(query)]
