"""Who acts in a test: a staff member as the core's ``Actor`` (the desk and the operator are
``frontdesk.people.actor.DESK`` and ``OPERATOR``)."""

from __future__ import annotations

from frontdesk.people.actor import Actor
from frontdesk.store.models import Staff


def as_member(member: Staff | None) -> Actor:
    """``member`` signed in; None is the desk."""
    return Actor.signed_in(member)
