"""Two people editing the same registration: what the later saver is shown.

``registration.update`` refuses a save made on a stale version (``ConflictError``); the
form then asks ``stored_version`` for the registration as it is now — its version, its
values and who saved it last, when — and lists field by field what differs: theirs (saved)
against yours (typed). Nothing is overwritten unless the later saver says so.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from frontdesk.desk import registration
from frontdesk.errors import NotFound
from frontdesk.i18n import t
from frontdesk.store import dialect
from frontdesk.store.models import AuditEntry, Registration, Staff


@dataclass(frozen=True)
class StoredVersion:
    id: int
    version: int
    data: registration.RegistrationInput
    saved_by: str  # the staff member's name, "" when unknown (the desk, the command line)
    saved_at: dt.datetime


def stored_version(registration_id: int) -> StoredVersion:
    """The registration as saved now, and who saved it last."""
    saved = Registration.get_or_none(Registration.id == registration_id)
    if saved is None:
        raise NotFound(t("conflict.gone", id=registration_id))
    last = (
        AuditEntry.select()
        .where(
            dialect.seek_this_store(AuditEntry.store_id),  # (store, entity, id) on PostgreSQL
            (AuditEntry.entity == "registration") & (AuditEntry.entity_id == registration_id),
        )
        .order_by(AuditEntry.id.desc())
        .first()
    )
    member = Staff.get_or_none(Staff.id == last.staff_id) if last and last.staff_id else None
    saved_by = member.name if member else ""
    return StoredVersion(
        id=saved.id,
        version=saved.version,
        data=registration.to_input(saved),
        saved_by=saved_by,
        saved_at=saved.updated_at,
    )
