"""Errors a user can cause, each carrying a sentence they can act on."""

from __future__ import annotations


class FrontdeskError(Exception):
    """A refusal the user can understand and act on; ``str()`` is the translated sentence."""


class ValidationError(FrontdeskError):
    """Input that cannot be stored. ``errors`` maps a field id (``party-size``) to a message.

    A screen shows each message beside its field; ``str()`` is the messages alone, for a
    place that has no field to show them by: a field id means nothing to the user."""

    def __init__(self, errors: dict[str, str]):
        self.errors = dict(errors)
        super().__init__(" · ".join(self.errors.values()))


class NotFound(FrontdeskError):
    """The record asked for does not exist."""


class ConflictError(FrontdeskError):
    """Someone else saved the same record since it was read (optimistic locking)."""


class Forbidden(FrontdeskError):
    """The signed-in staff member's role does not allow this (see ``frontdesk.people.roles``)."""
