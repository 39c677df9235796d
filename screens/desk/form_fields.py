"""The registration form's widgets, as the field table (``frontdesk.desk.fields``) says.

Each field's widget kind picks its widget, its limits and options come from the entry; a
value goes between the core's input (``RegistrationInput``) and the widget through
``widget_value`` and ``input_value``, by the field's type. Beside each field its hint
(``FieldHint``) says as much as fits whole; the form shows the focused field's whole hint
on a line of its own.
"""

from __future__ import annotations

import datetime as dt

from textual.content import Content
from textual.widget import Widget
from textual.widgets import Static

from frontdesk import rules
from frontdesk.desk.fields import RegistrationField, ValueType
from frontdesk.desk.fields import Widget as Kind
from frontdesk.i18n import t
from screens.widgets import FdChoice, FdCycle, FdInput, yes_no

TIME_FORMAT = "%H:%M"
# Where a hint may end early and still read whole: before a clause's punctuation.
CLAUSE_ENDS = frozenset("，,；;：:·（(")
# ``widget_value`` of a value the widget keeps as it is (time in, stamped at opening).
KEEP = object()


def cycle_options(field: RegistrationField) -> list[tuple[object, str, str]]:
    """The (value, label, hot keys) of a cycle: gender, level, or yes / no."""
    if field.type is ValueType.GENDER:
        return [
            ("", t("gender.none"), " -"),
            ("M", t("gender.M"), "m"),
            ("F", t("gender.F"), "f"),
        ]
    if field.type is ValueType.LEVEL:
        return [(None, "—", "-0")] + [(lv, lv, lv.lower()) for lv in rules.LEVELS]
    return yes_no()


def make_widget(field: RegistrationField) -> Widget:
    """The widget of one field: a cycle, a choice over a list, or a plain input."""
    if field.widget in (Kind.CYCLE, Kind.YES_NO):
        return FdCycle(cycle_options(field), id=field.widget_id)
    if field.widget is Kind.CHOICE:
        return FdChoice(id=field.widget_id, compact=True, max_length=field.max_length)
    widget = FdInput(id=field.widget_id, compact=True, max_length=field.max_length)
    if field.widget is Kind.NUMBER:
        widget.restrict = r"\d*"  # ASCII or full-width digits (２ from a Chinese IME)
        widget.placeholder = str(field.default)
    return widget


def widget_value(field: RegistrationField, value: object) -> object:
    """An input's value as the field's widget holds it (``KEEP``: leave the widget be)."""
    if field.widget is Kind.TIME:
        if isinstance(value, dt.datetime):
            return value.strftime(TIME_FORMAT)
        # Blank: no time, except time in, whose blank means the stamp already shown.
        return "" if value in (None, "") and not field.required else KEEP
    if field.widget is Kind.PHONE:
        return rules.format_phone(str(value)) if value else ""
    if field.widget is Kind.NUMBER:
        return str(value or field.default)
    if field.widget is Kind.YES_NO:
        return bool(value)
    if field.widget is Kind.CYCLE:
        return value or cycle_options(field)[0][0]
    return value


def input_value(field: RegistrationField, value: object) -> object:
    """A widget's value as the core's input takes it: blank is the field's default."""
    if field.widget is Kind.YES_NO:
        return bool(value)
    return field.default if value is None or value == "" else value


def short_hint(hint: Content, width: int) -> Content:
    """As much of ``hint`` as fits ``width`` cells whole: all of it, else its leading
    clauses (``输入筛选（支持拼音首字母），↑/↓ 选择`` → ``输入筛选（支持拼音首字母）``), else
    nothing — never a word cut, never an ellipsis."""
    if hint.cell_length <= width:
        return hint
    plain = hint.plain
    for end in range(len(plain) - 1, 0, -1):
        if plain[end] in CLAUSE_ENDS and plain[end - 1] not in CLAUSE_ENDS:
            start = hint[:end].rstrip()
            if start.cell_length <= width and start.plain:
                return start
    return Content("")


class FieldHint(Static):
    """The hint beside a field (or its error, its matches): as much as fits whole.

    ``content`` keeps the whole hint, for the form's line of the focused field's hint."""

    def render(self) -> Content:
        visual = self.visual
        whole = visual if isinstance(visual, Content) else Content(str(self.content))
        return short_hint(whole, self.content_size.width)
