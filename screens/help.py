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
from frontdesk.people import roles
from screens import access
from screens.bindings import key_label, translate_bindings, translated
from screens.widgets import FdFooter


def _sections(app=None):
    """(title, [(keys, description)]) for each screen, from the classes' BINDINGS.

    Given the app, only what its signed-in staff member may use (``screens.access``).
    """
    from screens.admin.administration import AdminScreen
    from screens.admin.form import HELP_ROWS as ADMIN_FORM_ROWS
    from screens.app import FrontdeskApp
    from screens.desk.conflict import ConflictScreen
    from screens.desk.day_log import DayLogScreen
    from screens.desk.duty import DutyScreen
    from screens.desk.registration_form import RegistrationScreen
    from screens.desk.welcome import WelcomeScreen
    from screens.followup.contacts import form_help_rows, help_rows
    from screens.sign_in import SignInScreen
    from screens.stats.month_sheet import MonthSheetScreen
    from screens.stats.statistics import StatisticsScreen
    from screens.widgets import FdChoice, FdCycle

    def rows(*bindings: Binding, owner: type | None = None) -> list[tuple[str, str]]:
        return [
            (key_label(b.key), translated(b).tooltip or translated(b).description)
            for b in bindings
            if app is None or owner is None or access.allowed(app, b.action.split("(")[0], owner)
        ]

    def may(right: str) -> bool:
        return app is None or access.may(app, right)

    form = rows(*RegistrationScreen.BINDINGS)
    form.insert(0, ("Enter", t("help.form_enter")))
    form.append(("Tab, Shift+Tab", t("help.form_tab")))
    form += rows(*FdChoice.BINDINGS, *FdCycle.BINDINGS)
    log = rows(*DayLogScreen.BINDINGS, owner=DayLogScreen)
    if may(roles.REGISTRATION_CHECKOUT):
        log.insert(0, ("Enter", t("help.checkout")))
    sections = [
        (t("help.global"), rows(*FrontdeskApp.BINDINGS, owner=FrontdeskApp)),
        (t("help.log"), log),
        (t("help.form"), form, roles.REGISTRATION_CREATE),
        (t("conflict.help"), rows(*ConflictScreen.BINDINGS), roles.REGISTRATION_UPDATE),
        (
            t("duty.title"),
            [("Space, Enter", t("duty.help_toggle")), *rows(*DutyScreen.BINDINGS)],
            roles.ROTATION_SKIP,
        ),
        (t("help.welcome"), rows(*WelcomeScreen.BINDINGS)),
        (t("signin.help"), rows(*SignInScreen.BINDINGS)),
        (
            t("stats.help.day"),
            [*rows(*StatisticsScreen.BINDINGS), ("↑ ↓ PgUp PgDn", t("stats.help.scroll"))],
            roles.STATISTICS_VIEW,
        ),
        (
            t("stats.help.month"),
            [*rows(*MonthSheetScreen.BINDINGS), ("← →", t("stats.help.scroll_columns"))],
            roles.STATISTICS_VIEW,
        ),
        (t("contacts.help.section"), help_rows(app), roles.CONTACTS_VIEW),
        (t("contacts.help.section_form"), form_help_rows(), roles.CONTACTS_VIEW),
        (
            t("admin.help.section"),
            [
                ("↑ ↓ PgUp PgDn", t("admin.help.move")),
                ("Enter", t("admin.help.enter")),
                *rows(*AdminScreen.BINDINGS, owner=AdminScreen),
            ],
            roles.STAFF_MANAGE,
        ),
        (
            t("admin.help.forms"),
            [(keys, t(key)) for keys, key in ADMIN_FORM_ROWS],
            roles.STAFF_MANAGE,
        ),
    ]
    return [
        (section[0], section[1]) for section in sections if len(section) == 2 or may(section[2])
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
            for title, rows in _sections(self.app):
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
