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
from frontdesk.i18n import t
from frontdesk.people import roles
from screens import registry
from screens.bindings import translate_bindings
from screens.desk.form_fields import Field
from screens.widgets import FdFooter

THEIRS = "theirs"
MINE = "mine"


def _comparable(field_id: str, value) -> object:
    """A value as the comparison sees it: the same phone typed two ways is the same."""
    if value is None:
        return ""
    if field_id == "phone" and value:
        return rules.normalise_phone(str(value)) or str(value).strip()
    if field_id == "party-size":
        return str(value).strip() or "1"
    if isinstance(value, str):
        return value.strip()
    return value


def shown(field_id: str, value) -> str:
    """A form value as the user reads it (gender, yes/no, level, blank as —)."""
    if field_id == "gender":
        return t(f"gender.{value}") if value else "—"
    if isinstance(value, bool):
        return t("key.yes") if value else t("key.no")
    text = "" if value is None else str(value)
    return text.strip() or "—"


def differences(
    fields: list[Field], theirs: dict[str, object], yours: dict[str, object]
) -> list[tuple[Field, str, str]]:
    """(field, theirs, yours) for every field of the form whose values differ."""
    rows = []
    for field in fields:
        a, b = theirs.get(field.id), yours.get(field.id)
        if _comparable(field.id, a) != _comparable(field.id, b):
            rows.append((field, shown(field.id, a), shown(field.id, b)))
    return rows


@registry.screen(section="conflict.help", order=30, right=roles.REGISTRATION_UPDATE)
class ConflictScreen(ModalScreen[str | None]):
    """Dismisses with THEIRS, MINE, or None (back to the form)."""

    BINDINGS = [
        Binding("r", "answer('theirs')", "conflict.key_reload", id="take-theirs"),
        Binding("w", "answer('mine')", "conflict.key_overwrite", id="save-mine"),
        Binding("escape", "answer(None)", "conflict.key_back", id="back"),
    ]

    def __init__(self, registration_id: int, who: str, rows: list[tuple[Field, str, str]]):
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
