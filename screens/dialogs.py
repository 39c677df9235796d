"""Small modal dialogs: a yes/no question, and a time to correct."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.content import Content
from textual.screen import ModalScreen
from textual.widgets import Input, Static

from frontdesk.errors import FrontdeskError
from frontdesk.i18n import t
from screens.bindings import translate_bindings
from screens.db import run_db
from screens.widgets import FdFooter


class ConfirmScreen(ModalScreen[bool]):
    """A yes/no question: y or Enter answers yes, n or Esc answers no."""

    BINDINGS = [
        Binding("y,enter", "answer(True)", "key.yes", id="yes"),
        Binding("n,escape", "answer(False)", "key.no", id="no"),
    ]

    def __init__(self, question: str, yes_label: str = "key.yes", no_label: str = "key.no"):
        super().__init__()
        translate_bindings(self)
        self.question = question
        self.choices = f"y / Enter: {t(yes_label)}    n / Esc: {t(no_label)}"

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog"):
            yield Static(Content(self.question), classes="dialog-question")
            yield Static(Content.styled(self.choices, "bold"), classes="dialog-choices")
            yield FdFooter()

    def action_answer(self, answer: bool) -> None:
        self.dismiss(answer)


class TimeScreen(ModalScreen[Any]):
    """Ask for a time (HH:MM or YYYY-MM-DD HH:MM) and hand it to ``save``, a core call run
    in a worker; Enter saves, Esc backs out (dismissing with None).

    The dialog closes with what ``save`` returned. What is a valid time is the core's to
    say: its refusal ("time out is before time in") is shown beside the field, in the
    user's words, and what was typed stays to be corrected.
    """

    BINDINGS = [Binding("escape", "back", "key.cancel", id="cancel")]

    def __init__(self, title: str, value: str, save: Callable[[str], Any]) -> None:
        super().__init__()
        translate_bindings(self)
        self.title_text = title
        self.value = value
        self.save = save
        self.saving = False

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog"):
            yield Static(Content(self.title_text), classes="dialog-question")
            yield Input(self.value, id="time", compact=True, max_length=19)
            yield Static(Content(t("form.hint_time")), id="time-hint", classes="field-hint")
            yield FdFooter()

    def on_input_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        if self.saving:
            return
        self.saving = True
        # On the app's workers: the dialog closing with the result must not cancel the
        # worker that is handing it over.
        run_db(self.app, self.save, event.value, on_done=self.dismiss, on_error=self._refused)

    def _refused(self, error: FrontdeskError) -> None:
        self.saving = False
        hint = self.query_one("#time-hint", Static)
        hint.update(Content.styled(error.beside_field(), "bold $error"))
        hint.add_class("-error")

    def action_back(self) -> None:
        if not self.saving:  # a save under way ends first, and closes the dialog itself
            self.dismiss(None)
