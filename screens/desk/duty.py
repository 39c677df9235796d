"""Who is on duty today (当班): the consultants who take turns in the up rotation.

A consultant off today (rest day, training, out on a test drive all morning) is taken out
here, rather than skipped with ``s`` each time their turn comes. Space or Enter marks the
highlighted consultant in or out, Ctrl+S keeps the roster, Esc backs out unchanged. Each
line says which it is in words (● 当班 / ○ 不当班), not by the colour of the box alone.
"""

from __future__ import annotations

from rich.cells import cell_len
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
            selections = [
                Selection(self._prompt(member, member.on_duty), member.id, member.on_duty)
                for member in self.roster
            ]
            yield SelectionList[int](*selections, id="duty-list")
            hint = t("duty.hint") if self.roster else t("duty.none")
            yield Static(Content(hint), classes="dialog-hint")
            yield FdFooter()

    def on_mount(self) -> None:
        self.query_one("#duty-list", SelectionList).focus()

    def _prompt(self, member: Staff, on_duty: bool) -> Content:
        """The consultant's name (user text: never markup), then on duty or not, in words;
        the words line up under one another."""
        width = max(cell_len(other.name) for other in self.roster)
        mark = t("duty.on") if on_duty else t("duty.off")
        padding = " " * (width - cell_len(member.name) + 2)
        return Content.assemble(Content(member.name), padding, (mark, "bold" if on_duty else ""))

    def on_selection_list_selected_changed(self, event: SelectionList.SelectedChanged) -> None:
        event.stop()
        duty_list = event.selection_list
        on_duty = set(duty_list.selected)
        for index, member in enumerate(self.roster):
            prompt = self._prompt(member, member.id in on_duty)
            duty_list.replace_option_prompt_at_index(index, prompt)

    def action_save(self) -> None:
        self.dismiss(set(self.query_one("#duty-list", SelectionList).selected))

    def action_back(self) -> None:
        self.dismiss(None)
