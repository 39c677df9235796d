"""The daily report's dialogs: sign it with the manager's instructions (签核, 主管指示事项), and
choose whose report to read."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.content import Content
from textual.screen import ModalScreen
from textual.widgets import Input, OptionList, Static
from textual.widgets.option_list import Option

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
    section="daily.help.section_sign",
    order=106,
    right=roles.REPORT_SIGN,
    help=(registry.HelpRow("Enter", "daily.sign.hint"), registry.OWN_KEYS),
)
class SignReportScreen(ModalScreen[Any]):
    """Sign a daily report: the instructions typed, then Enter (or Ctrl+S) hands them to
    ``save``, a core call run in a worker; the dialog closes with what it returned. A
    refusal (signed already, no right) is said under the field, the typing kept."""

    BINDINGS = [
        Binding("ctrl+s", "sign", "daily.key.sign", priority=True, id="sign-save"),
        Binding("escape", "cancel", "key.cancel", id="sign-cancel"),
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
            yield Static(Content(t("daily.sign.instructions")), classes="field-label")
            yield Input(id="instructions", compact=True, max_length=rules.MAX_NOTES)
            yield Static(Content(t("daily.sign.hint")), id="sign-hint", classes="field-hint")
            yield FdFooter()

    def on_mount(self) -> None:
        self.query_one("#instructions", Input).focus()

    def on_input_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        self.action_sign()

    def action_sign(self) -> None:
        """Sign, once the field has taken every key typed before."""
        after_typing(self, self._sign)

    def _sign(self) -> None:
        if self.saving:
            return
        self.saving = True
        text = self.query_one("#instructions", Input).value
        # On the app's workers: the dialog closing must not cancel the worker that closes it.
        run_db(self.app, self.save, text, on_done=self.dismiss, on_error=self._refused)

    def _refused(self, error: FrontdeskError) -> None:
        self.saving = False
        hint = self.query_one("#sign-hint", Static)
        hint.update(Content.styled(error.beside_field(), "bold $error"))
        hint.add_class("-error")

    def action_cancel(self) -> None:
        if self.saving:
            return  # the signature under way ends first, and closes the dialog itself
        if not self.query_one("#instructions", Input).value:
            self.dismiss(None)
            return

        def answered(leave: bool | None) -> None:
            if leave:
                self.dismiss(None)

        self.app.push_screen(ConfirmScreen(t("form.confirm_cancel")), answered)


class ReportChoiceScreen(ModalScreen["int | None"]):
    """Choose whose daily report to read: ↑ ↓ and Enter; Esc backs out (None)."""

    BINDINGS = [Binding("escape", "back", "key.cancel", id="report-choice-cancel")]

    def __init__(self, members: list[tuple[int, str]], current: int | None) -> None:
        super().__init__()
        translate_bindings(self)
        self.members = members
        self.current = current

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog"):
            yield Static(Content.styled(t("daily.choose.title"), "bold"), classes="dialog-question")
            yield OptionList(
                *(Option(Content(name), id=str(ident)) for ident, name in self.members),
                id="report-choice",
                compact=True,
            )
            yield Static(Content(t("daily.help.choose")), classes="dialog-hint")
            yield FdFooter()

    def on_mount(self) -> None:
        choice = self.query_one(OptionList)
        ids = [ident for ident, _ in self.members]
        if self.current in ids:
            choice.highlighted = ids.index(self.current)
        choice.focus()

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        self.dismiss(int(event.option.id or 0))

    def action_back(self) -> None:
        self.dismiss(None)
