"""The later of two savers of one registration: theirs against yours, field by field.

``r`` takes theirs (the form is refilled as saved), ``w`` saves yours over theirs
(knowingly: the list shows what will be replaced), Esc goes back to the form with
nothing saved and nothing lost.
"""

from __future__ import annotations

from rich.table import Table
from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.content import Content
from textual.screen import ModalScreen
from textual.widgets import Static

from frontdesk import rules
from frontdesk.desk.fields import RegistrationField, ValueType
from frontdesk.i18n import t
from frontdesk.people import roles
from screens import registry
from screens.bindings import translate_bindings
from screens.widgets import FdFooter

THEIRS = "theirs"
MINE = "mine"


def _comparable(field: RegistrationField, value) -> object:
    """A value as the comparison sees it: the same phone typed two ways is the same."""
    if value is None:
        return ""
    if field.type is ValueType.PHONE and value:
        return rules.normalise_phone(str(value)) or str(value).strip()
    if field.type is ValueType.COUNT:
        return str(value).strip() or str(field.default)
    if isinstance(value, str):
        return value.strip()
    return value


def shown(field: RegistrationField, value) -> str:
    """A form value as the user reads it (gender, yes/no, level, blank as —)."""
    if field.type is ValueType.GENDER:
        return t(f"gender.{value}") if value else "—"
    if isinstance(value, bool):
        return t("key.yes") if value else t("key.no")
    text = "" if value is None else str(value)
    return text.strip() or "—"


def differences(
    fields: list[RegistrationField], theirs: dict[str, object], yours: dict[str, object]
) -> list[tuple[RegistrationField, str, str]]:
    """(field, theirs, yours) for every field of the form whose values differ, both as
    the form's widgets hold them (by widget id)."""
    rows = []
    for field in fields:
        a, b = theirs.get(field.widget_id), yours.get(field.widget_id)
        if _comparable(field, a) != _comparable(field, b):
            rows.append((field, shown(field, a), shown(field, b)))
    return rows


@registry.screen(section="conflict.help", order=30, right=roles.REGISTRATION_UPDATE)
class ConflictScreen(ModalScreen[str | None]):
    """Dismisses with THEIRS, MINE, or None (back to the form)."""

    BINDINGS = [
        Binding("r", "answer('theirs')", "conflict.key_reload", id="take-theirs"),
        Binding("w", "answer('mine')", "conflict.key_overwrite", id="save-mine"),
        Binding("escape", "answer(None)", "conflict.key_back", id="back"),
    ]

    def __init__(
        self, registration_id: int, who: str, rows: list[tuple[RegistrationField, str, str]]
    ):
        super().__init__()
        translate_bindings(self)
        self.registration_id = registration_id
        self.who = who
        self.rows = rows

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog wide-dialog", id="conflict"):
            yield Static(
                Content.styled(t("conflict.title", id=self.registration_id), "bold"),
                classes="dialog-question",
            )
            yield Static(Content(self.who), id="conflict-who")
            if self.rows:
                table = Table(expand=True, show_edge=False, pad_edge=False)
                table.add_column(Text(t("conflict.field")), no_wrap=True)
                table.add_column(Text(t("conflict.theirs")))
                table.add_column(Text(t("conflict.yours")))
                for field, theirs, yours in self.rows:  # user text: Text, never markup
                    table.add_row(Text(t(field.label)), Text(theirs), Text(yours, style="bold"))
                yield Static(table, id="conflict-table")
            else:
                yield Static(Content(t("conflict.same")), id="conflict-table")
            choices = "   ".join(
                f"{key}: {t(label)}"
                for key, label in (
                    ("r", "conflict.key_reload"),
                    ("w", "conflict.key_overwrite"),
                    ("Esc", "conflict.key_back"),
                )
            )
            yield Static(Content.styled(choices, "bold"), classes="dialog-choices")
            yield FdFooter()

    def action_answer(self, answer: str | None) -> None:
        self.dismiss(answer)
