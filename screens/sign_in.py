"""Who is at this terminal? Asked once, at start, when the desk terminal has no ``--as``.

The front desk itself (no name) comes first, so Enter keeps the terminal as it always
was; choosing a name signs in with that staff member's role (``frontdesk.roles``): what
they register is recorded as theirs, and their drafts come back to them.
"""

from __future__ import annotations

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.content import Content
from textual.screen import Screen
from textual.widgets import OptionList, Static
from textual.widgets.option_list import Option

from frontdesk.i18n import t
from frontdesk.models import Staff
from frontdesk.roles import role_label
from screens.bindings import translate_bindings
from screens.widgets import FdFooter

DESK_OPTION = "-desk-"


class SignInScreen(Screen[Staff | None]):
    """Dismisses with the staff member chosen, or None for the front desk."""

    BINDINGS = [
        Binding("enter", "choose", "signin.key_choose", show=True, id="sign-in"),
        Binding("escape", "desk", "signin.key_desk", id="desk"),
    ]

    def __init__(self, staff: list[Staff]) -> None:
        super().__init__()
        translate_bindings(self)
        self.staff = {member.login: member for member in staff}

    def compose(self) -> ComposeResult:
        with Vertical(id="sign-in-body", classes="dialog"):
            yield Static(Content.styled(t("signin.title"), "bold"), id="sign-in-title")
            yield Static(Content(t("signin.intro")), id="sign-in-intro")
            options = [Option(Text(t("signin.desk"), style="bold"), id=DESK_OPTION)]
            for member in self.staff.values():
                label = Text.assemble(  # names are user text: never markup
                    (member.name, "bold"), "  ", role_label(member.role), f"  ({member.login})"
                )
                options.append(Option(label, id=member.login))
            yield OptionList(*options, id="sign-in-list")
        yield FdFooter()

    def on_mount(self) -> None:
        self.query_one("#sign-in-list", OptionList).focus()

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        self._choose(event.option.id)

    def action_choose(self) -> None:
        options = self.query_one("#sign-in-list", OptionList)
        if options.highlighted is not None:
            self._choose(options.get_option_at_index(options.highlighted).id)

    def _choose(self, login: str | None) -> None:
        self.dismiss(self.staff.get(login or "") if login != DESK_OPTION else None)

    def action_desk(self) -> None:
        self.dismiss(None)
