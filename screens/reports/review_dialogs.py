"""The review page's dialog: reject an application with the manager's note (驳回)."""

from __future__ import annotations

from textual.binding import Binding

from frontdesk.people import roles
from screens import registry
from screens.dialogs import NoteScreen


@registry.screen(
    section="review.help.section_reject",
    order=107,
    right=roles.CLOSE_REVIEW,
    help=(registry.HelpRow("Enter", "review.page.reject_hint"), registry.OWN_KEYS),
)
class RejectScreen(NoteScreen):
    """Reject an application: the note typed, then Enter (or Ctrl+S). The core's refusal
    (no note, decided already) is said under the field, the typing kept."""

    BINDINGS = [
        Binding("ctrl+s", "reject", "review.key.reject", priority=True, id="reject-save"),
        Binding("escape", "cancel", "key.cancel", id="reject-cancel"),
    ]
    LABEL = "review.page.note"
    HINT = "review.page.reject_hint"
    FIELD_ID = "reject-note"
    HINT_ID = "reject-hint"

    def action_reject(self) -> None:
        self.submit()
