"""Who acts in a test: a staff member as the core's ``Actor`` (the desk and the operator are
``frontdesk.actor.DESK`` and ``OPERATOR``)."""

from __future__ import annotations

from frontdesk.actor import Actor
from frontdesk.models import Staff


def as_member(member: Staff | None) -> Actor:
    """``member`` signed in; None is the desk."""
    return Actor.signed_in(member)
