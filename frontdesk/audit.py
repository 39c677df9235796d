"""The audit log: every change of the store, with staff, time and session."""

from __future__ import annotations

import json
import os

from frontdesk.models import AuditEntry, Staff


def this_session() -> str:
    """This process's session: ``FRONTDESK_SESSION`` (set by the SSH server), else
    ``local:PID``. Read at each call: a pre-forked app gets its environment after import."""
    return os.environ.get("FRONTDESK_SESSION") or f"local:{os.getpid()}"


def record(
    action: str,
    entity: str,
    entity_id: int | None,
    staff: Staff | None = None,
    *,
    session: str | None = None,
    **detail: object,
) -> None:
    """Write one audit entry (call inside the transaction of the change it records).

    ``session`` defaults to this process's (``FRONTDESK_SESSION``); the SSH server names
    the connection it speaks of.
    """
    AuditEntry.create(
        action=action,
        entity=entity,
        entity_id=entity_id,
        staff=staff,
        session=this_session() if session is None else session,
        detail=json.dumps(detail, ensure_ascii=False, default=str),
    )
