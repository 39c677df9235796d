"""Small modal dialogs: a yes/no question, a time to correct, and a note for a core call."""

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
from screens.bindings import translate_bindings
from screens.db import run_db
from screens.widgets import FdFooter, after_typing


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


class NoteScreen(ModalScreen[Any]):
    """One text field (a note, the manager's instructions) handed to ``save``, a core call
    run in a worker, by Enter or the subclass's save key (which calls ``submit``); the
    dialog closes with what ``save`` returned. A refusal is said under the field, the
    typing kept; Esc asks before it drops what was typed.

    A subclass names its field's label and hint (catalogue keys) and the ids of the field
    and the hint."""

    LABEL = ""
    HINT = ""
    FIELD_ID = "note"
    HINT_ID = "note-hint"

    def __init__(self, title: str, save: Callable[[str], Any]) -> None:
        super().__init__()
        translate_bindings(self)
        self.title_text = title
        self.save = save
        self.saving = False

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog wide-dialog"):
            yield Static(Content.styled(self.title_text, "bold"), classes="dialog-question")
            yield Static(Content(t(self.LABEL)), classes="field-label")
            yield Input(id=self.FIELD_ID, compact=True, max_length=rules.MAX_NOTES)
            yield Static(Content(t(self.HINT)), id=self.HINT_ID, classes="field-hint")
            yield FdFooter()

    def on_mount(self) -> None:
        self.query_one(f"#{self.FIELD_ID}", Input).focus()

    def on_input_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        self.submit()

    def submit(self) -> None:
        """Save, once the field has taken every key typed before."""
        after_typing(self, self._save)

    def _save(self) -> None:
        if self.saving:
            return
        self.saving = True
        text = self.query_one(f"#{self.FIELD_ID}", Input).value
        # On the app's workers: the dialog closing must not cancel the worker that closes it.
        run_db(self.app, self.save, text, on_done=self.dismiss, on_error=self._refused)

    def _refused(self, error: FrontdeskError) -> None:
        self.saving = False
        hint = self.query_one(f"#{self.HINT_ID}", Static)
        hint.update(Content.styled(error.beside_field(), "bold $error"))
        hint.add_class("-error")

    def action_cancel(self) -> None:
        if self.saving:
            return  # the save under way ends first, and closes the dialog itself
        if not self.query_one(f"#{self.FIELD_ID}", Input).value:
            self.dismiss(None)
            return

        def answered(leave: bool | None) -> None:
            if leave:
                self.dismiss(None)

        self.app.push_screen(ConfirmScreen(t("form.confirm_cancel")), answered)
