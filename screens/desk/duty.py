"""Who is on duty today (当班): the consultants who take turns in the up rotation.

A consultant off today (rest day, training, out on a test drive all morning) is taken out
here, rather than skipped with ``s`` each time their turn comes. Space or Enter marks the
highlighted consultant in or out, Ctrl+S keeps the roster, Esc backs out unchanged.
"""

from __future__ import annotations

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.content import Content
from textual.screen import ModalScreen
from textual.widgets import SelectionList, Static
from textual.widgets.selection_list import Selection

from frontdesk.i18n import t
from frontdesk.people import roles
from frontdesk.store.models import Staff
from screens import registry
from screens.bindings import translate_bindings
from screens.widgets import FdFooter


@registry.screen(
    section="duty.title",
    order=40,
    right=roles.ROTATION_SKIP,
    help=(registry.HelpRow("Space, Enter", "duty.help_toggle"), registry.OWN_KEYS),
)
class DutyScreen(ModalScreen[set[int] | None]):
    """The duty roster: the consultants, each marked on duty or not."""

    BINDINGS = [
        Binding("ctrl+s", "save", "key.save", tooltip="duty.help_save", id="save"),
        Binding("escape", "back", "key.cancel", tooltip="duty.help_back", id="cancel"),
    ]

    def __init__(self, roster: list[Staff]) -> None:
        super().__init__()
        translate_bindings(self)
        self.roster = roster

    def compose(self) -> ComposeResult:
        with Vertical(id="duty-body", classes="dialog"):
            yield Static(Content.styled(t("duty.title"), "bold"), classes="dialog-question")
            selections = [  # names are user text: never markup
                Selection(Text(member.name), member.id, member.on_duty) for member in self.roster
            ]
            yield SelectionList[int](*selections, id="duty-list")
            hint = t("duty.hint") if self.roster else t("duty.none")
            yield Static(Content(hint), classes="dialog-hint")
            yield FdFooter()

    def on_mount(self) -> None:
        self.query_one("#duty-list", SelectionList).focus()

    def action_save(self) -> None:
        self.dismiss(set(self.query_one("#duty-list", SelectionList).selected))

    def action_back(self) -> None:
        self.dismiss(None)
