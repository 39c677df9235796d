"""Drafts: the form being typed, saved as the receptionist types.

After a crash or a dropped SSH connection, the same staff member (``owner``, their login)
is offered the draft back the next time they open that form.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Callable
from typing import TypeVar

from frontdesk import clock
from frontdesk.store.models import Draft, database

T = TypeVar("T")


def save_draft(owner: str, form: str, payload: dict) -> None:
    """Keep (or replace) the draft of ``form`` for ``owner``."""
    text = json.dumps(payload, ensure_ascii=False, default=str)
    with database.atomic():
        (
            Draft.insert(owner=owner, form=form, payload=text, updated_at=clock.now())
            .on_conflict(
                conflict_target=(Draft.store_id, Draft.owner, Draft.form),
                update={Draft.payload: text, Draft.updated_at: clock.now()},
            )
            .execute()
        )


def load_draft(owner: str, form: str) -> tuple[dict, dt.datetime] | None:
    """The kept draft and when it was saved, or None."""
    draft = Draft.get_or_none((Draft.owner == owner) & (Draft.form == form))
    if draft is None:
        return None
    try:
        return json.loads(draft.payload), draft.updated_at
    except ValueError:
        return None


def discard_draft(owner: str, form: str) -> None:
    with database.atomic():
        Draft.delete().where((Draft.owner == owner) & (Draft.form == form)).execute()


def save_then_discard(save: Callable[[], T], owner: str, form: str) -> T:
    """Run ``save`` and discard the form's draft in one transaction.

    A failure after the save but before the draft went would otherwise be reported as not
    saved, and saving again would save it twice."""
    with database.atomic():
        saved = save()
        discard_draft(owner, form)
    return saved
