"""The review page's dialog: reject an application with the manager's note (驳回)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.content import Content
from textual.screen import ModalScreen
from textual.widgets import Input, Static

from frontdesk import rules
from frontdesk.errors import FrontdeskError
from frontdesk.i18n import t
from frontdesk.people import roles
from screens import registry
from screens.bindings import translate_bindings
from screens.db import run_db
from screens.dialogs import ConfirmScreen
from screens.widgets import FdFooter, after_typing


@registry.screen(
    section="review.help.section_reject",
    order=107,
    right=roles.CLOSE_REVIEW,
    help=(registry.HelpRow("Enter", "review.page.reject_hint"), registry.OWN_KEYS),
)
class RejectScreen(ModalScreen[Any]):
    """Reject an application: the note typed, then Enter (or Ctrl+S) hands it to ``save``,
    a core call run in a worker; the dialog closes with what it returned. The core's
    refusal (no note, decided already) is said under the field, the typing kept."""

    BINDINGS = [
        Binding("ctrl+s", "reject", "review.key.reject", priority=True, id="reject-save"),
        Binding("escape", "cancel", "key.cancel", id="reject-cancel"),
    ]

    def __init__(self, title: str, save: Callable[[str], Any]) -> None:
        super().__init__()
        translate_bindings(self)
        self.title_text = title
        self.save = save
        self.saving = False

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog wide-dialog"):
            yield Static(Content.styled(self.title_text, "bold"), classes="dialog-question")
            yield Static(Content(t("review.page.note")), classes="field-label")
            yield Input(id="reject-note", compact=True, max_length=rules.MAX_NOTES)
            yield Static(Content(t("review.page.reject_hint")), id="reject-hint",
                         classes="field-hint")  # fmt: skip
            yield FdFooter()

    def on_mount(self) -> None:
        self.query_one("#reject-note", Input).focus()

    def on_input_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        self.action_reject()

    def action_reject(self) -> None:
        """Reject, once the field has taken every key typed before."""
        after_typing(self, self._reject)

    def _reject(self) -> None:
        if self.saving:
            return
        self.saving = True
        note = self.query_one("#reject-note", Input).value
        # On the app's workers: the dialog closing must not cancel the worker that closes it.
        run_db(self.app, self.save, note, on_done=self.dismiss, on_error=self._refused)

    def _refused(self, error: FrontdeskError) -> None:
        self.saving = False
        hint = self.query_one("#reject-hint", Static)
        hint.update(Content.styled(error.beside_field(), "bold $error"))
        hint.add_class("-error")

    def action_cancel(self) -> None:
        if self.saving:
            return
        if not self.query_one("#reject-note", Input).value:
            self.dismiss(None)
            return

        def answered(leave: bool | None) -> None:
            if leave:
                self.dismiss(None)

        self.app.push_screen(ConfirmScreen(t("form.confirm_cancel")), answered)
