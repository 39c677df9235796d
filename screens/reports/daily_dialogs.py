"""The daily report's dialogs: sign it with the manager's instructions (签核, 主管指示事项), and
choose whose report to read."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.content import Content
from textual.screen import ModalScreen
from textual.widgets import OptionList, Static
from textual.widgets.option_list import Option

from frontdesk.i18n import t
from frontdesk.people import roles
from screens import registry
from screens.bindings import translate_bindings
from screens.dialogs import NoteScreen
from screens.widgets import FdFooter


@registry.screen(
    section="daily.help.section_sign",
    order=106,
    right=roles.REPORT_SIGN,
    help=(registry.HelpRow("Enter", "daily.sign.hint"), registry.OWN_KEYS),
)
class SignReportScreen(NoteScreen):
    """Sign a daily report: the instructions typed, then Enter (or Ctrl+S). A refusal
    (signed already, no right) is said under the field, the typing kept."""

    BINDINGS = [
        Binding("ctrl+s", "sign", "daily.key.sign", priority=True, id="sign-save"),
        Binding("escape", "cancel", "key.cancel", id="sign-cancel"),
    ]
    LABEL = "daily.sign.instructions"
    HINT = "daily.sign.hint"
    FIELD_ID = "instructions"
    HINT_ID = "sign-hint"

    def action_sign(self) -> None:
        self.submit()


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
