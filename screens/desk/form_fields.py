"""The fields of the registration form, in the order of the paper form, and their widgets."""

from __future__ import annotations

from dataclasses import dataclass

from textual.widget import Widget
from textual.widgets import Input

from frontdesk import rules
from frontdesk.i18n import t
from screens.widgets import FdChoice, FdCycle, yes_no


@dataclass(frozen=True)
class Field:
    """One line of the paper form: widget id, label key, hint key, which kinds show it."""

    id: str
    label: str
    hint: str
    kinds: tuple[str, ...] = ("walkin", "phone")
    edit_only: bool = False


# Tab order follows the paper form, phone first; time in is stamped and comes last.
FIELDS = (
    Field("phone", "form.phone", "form.hint_phone"),
    Field("name", "form.name", "form.hint_name"),
    Field("gender", "form.gender", "form.hint_gender"),
    Field("party-size", "form.party_size", "form.hint_party", kinds=("walkin",)),
    Field("model", "form.model", "form.hint_choice"),
    Field("channel", "form.channel", "form.hint_choice"),
    Field("level", "form.level", "form.hint_level"),
    Field("consultant", "form.consultant", "form.hint_choice"),
    Field("test-drive", "form.test_drive", "form.hint_toggle", kinds=("walkin",)),
    Field("quote", "form.quote", "form.hint_toggle"),
    Field("order", "form.order", "form.hint_toggle"),
    Field("notes", "form.notes", ""),
    Field("time-in", "form.time_in", "form.hint_time"),
    Field("time-out", "form.time_out", "form.hint_time", kinds=("walkin",), edit_only=True),
)


def make_widget(field: Field) -> Widget:
    """The widget of one field: a choice over a code list, a cycle, or a plain input."""
    if field.id == "gender":
        options = [
            ("", t("gender.none"), " -"),
            ("M", t("gender.M"), "m"),
            ("F", t("gender.F"), "f"),
        ]
        return FdCycle(options, id="gender")
    if field.id == "level":
        options = [(None, "—", "-0")] + [(lv, lv, lv.lower()) for lv in rules.LEVELS]
        return FdCycle(options, id="level")
    if field.id in ("test-drive", "quote", "order"):
        return FdCycle(yes_no(), id=field.id)
    if field.id in ("model", "channel", "consultant"):
        return FdChoice(id=field.id, compact=True, max_length=rules.MAX_TEXT)
    limits = {"phone": rules.MAX_PHONE_INPUT, "name": rules.MAX_NAME, "notes": rules.MAX_NOTES}
    widget = Input(id=field.id, compact=True, max_length=limits.get(field.id, 20))
    if field.id == "party-size":
        widget.restrict = r"[0-9]*"
        widget.placeholder = "1"
    return widget
