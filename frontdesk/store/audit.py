"""The audit log: every change of the store, with staff, time and session."""

from __future__ import annotations

import json
import os

from frontdesk.people.actor import Actor
from frontdesk.store.models import AuditEntry


def this_session() -> str:
    """This process's session: ``FRONTDESK_SESSION`` (set by the SSH server), else
    ``local:PID``. Read at each call: a pre-forked app gets its environment after import."""
    return os.environ.get("FRONTDESK_SESSION") or f"local:{os.getpid()}"


def record(
    action: str,
    entity: str,
    entity_id: int | None,
    by: Actor | None,
    *,
    session: str | None = None,
    **detail: object,
) -> None:
    """Write one audit entry (call inside the transaction of the change it records).

    ``by`` is who acted; a change by the desk or the store machine's operator names that
    kind in the detail (``actor``). None is the SSH server itself, noting a connection that
    has no member (an unknown key). ``session`` defaults to this process's
    (``FRONTDESK_SESSION``); the SSH server names the connection it speaks of.
    """
    if by is not None and not by.is_staff:
        detail = {"actor": str(by.kind), **detail}
    AuditEntry.create(
        action=action,
        entity=entity,
        entity_id=entity_id,
        staff=by.staff if by is not None else None,
        session=this_session() if session is None else session,
        detail=json.dumps(detail, ensure_ascii=False, default=str),
    )
