"""F1: every key of every screen on one page, read from the bindings themselves."""

from __future__ import annotations

from rich.table import Table
from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.content import Content
from textual.screen import ModalScreen
from textual.widgets import Static

from frontdesk.i18n import t
from screens.bindings import key_label, translate_bindings, translated
from screens.widgets import FdFooter


def _sections():
    """(title, [(keys, description)]) for each screen, from the classes' BINDINGS."""
    from screens.app import FrontdeskApp
    from screens.day_log import DayLogScreen
    from screens.registration_form import RegistrationScreen
    from screens.welcome import WelcomeScreen
    from screens.widgets import FdChoice, FdCycle

    def rows(*bindings: Binding) -> list[tuple[str, str]]:
        return [
            (key_label(b.key), translated(b).tooltip or translated(b).description) for b in bindings
        ]

    form = rows(*RegistrationScreen.BINDINGS)
    form.insert(0, ("Enter", t("help.form_enter")))
    form.append(("Tab, Shift+Tab", t("help.form_tab")))
    form += rows(*FdChoice.BINDINGS, *FdCycle.BINDINGS)
    return [
        (t("help.global"), rows(*FrontdeskApp.BINDINGS)),
        (t("help.log"), [("Enter", t("help.checkout")), *rows(*DayLogScreen.BINDINGS)]),
        (t("help.form"), form),
        (t("help.welcome"), rows(*WelcomeScreen.BINDINGS)),
    ]


class HelpScreen(ModalScreen[None]):
    """Every key on one screen; Esc or F1 closes it."""

    BINDINGS = [Binding("escape,f1", "close", "key.back", id="close")]

    def __init__(self) -> None:
        super().__init__()
        translate_bindings(self)

    def compose(self) -> ComposeResult:
        with VerticalScroll(id="help-body", classes="dialog"):
            yield Static(Content.styled(t("help.title"), "bold"), id="help-title")
            for title, rows in _sections():
                table = Table(title=Text(title, style="bold"), show_header=False, expand=True)
                table.add_column(Text(t("help.key")), style="bold", no_wrap=True, width=16)
                table.add_column(Text(t("help.action")))
                for keys, description in rows:
                    table.add_row(Text(keys), Text(description))
                yield Static(table)
            yield Static(Content.styled(t("help.close"), "dim"))
        yield FdFooter()

    def action_close(self) -> None:
        self.dismiss(None)
