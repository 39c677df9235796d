"""Small modal dialogs: a yes/no question, and a time to correct."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.content import Content
from textual.screen import ModalScreen
from textual.widgets import Input, Static

from frontdesk import rules
from frontdesk.i18n import t
from screens.bindings import translate_bindings
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


class TimeScreen(ModalScreen[str | None]):
    """Ask for a time (HH:MM or YYYY-MM-DD HH:MM); Enter confirms, Esc backs out."""

    BINDINGS = [Binding("escape", "back", "key.cancel", id="cancel")]

    def __init__(self, title: str, value: str, day) -> None:
        super().__init__()
        translate_bindings(self)
        self.title_text = title
        self.value = value
        self.day = day

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog"):
            yield Static(Content(self.title_text), classes="dialog-question")
            yield Input(self.value, id="time", compact=True, max_length=19)
            yield Static(Content(t("form.hint_time")), id="time-hint", classes="field-hint")
            yield FdFooter()

    def on_input_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        try:
            rules.parse_time_of_day(event.value, self.day)
        except ValueError:
            self.query_one("#time-hint", Static).update(
                Content.styled(t("error.time"), "bold $error")
            )
            return
        self.dismiss(event.value)

    def action_back(self) -> None:
        self.dismiss(None)
