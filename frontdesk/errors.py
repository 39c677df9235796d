"""Errors a user can cause, each carrying a sentence they can act on."""

from __future__ import annotations


class FrontdeskError(Exception):
    """A refusal the user can understand and act on; ``str()`` is the translated sentence."""

    def beside_field(self) -> str:
        """The refusal as shown beside the field it is about (a dialog's one field)."""
        return str(self)


class ValidationError(FrontdeskError):
    """Input that cannot be stored. ``errors`` maps a field's name (``party_size``) to a
    message; ``labels`` maps it to the field's label as the user reads it (人数), where the
    service knows it. A screen shows each message beside its field; ``lines`` and ``str()``
    name the field by its label, or give the message alone: a field's name means nothing to
    the user."""

    def __init__(self, errors: dict[str, str], labels: dict[str, str] | None = None):
        self.errors = dict(errors)
        self.labels = dict(labels or {})
        super().__init__(" · ".join(self.lines()))

    def beside_field(self) -> str:
        """The messages alone: beside its field, a field's label would say it twice."""
        return " · ".join(self.errors.values())

    def lines(self) -> list[str]:
        """One line per bad field: its label, then the message (the message alone when the
        service gave no label)."""
        return [
            f"{self.labels[key]}: {message}" if key in self.labels else message
            for key, message in self.errors.items()
        ]


class NotFound(FrontdeskError):
    """The record asked for does not exist."""


class ConflictError(FrontdeskError):
    """Someone else saved the same record since it was read (optimistic locking)."""


class Forbidden(FrontdeskError):
    """The signed-in staff member's role does not allow this (see ``frontdesk.people.roles``)."""
