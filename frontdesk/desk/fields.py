"""The fields of the registration form (来店(电)客户登记表), each defined once.

One entry per column of the paper form, in its order as a file lists them (the importer's
columns, the command line's options): the field's name — the attribute of a
``RegistrationInput``, the model's column, the key of a ``ValidationError`` — its value
type, its limits, its catalogue keys (label, hint, refusal), its import headers (English
first, then Chinese), its command-line option, and the widget the form shows it with.
The model (``store.models``), the cleaning (``registration_input``), the form
(``screens.desk``), the importer and the command line read this table: adding a field is
one entry here plus a migration.

Pure data and small helpers: no Textual, no store.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from enum import StrEnum
from typing import TYPE_CHECKING, Any, Self

from frontdesk import rules
from frontdesk.i18n import t


class ValueType(StrEnum):
    """What a field holds, which says how it is cleaned and stored."""

    KIND = "kind"  # 来店 walkin / 来电 phone
    MOMENT = "moment"  # a time of day on the registration's day, or a date and time
    PHONE = "phone"  # a phone number, normalised (it identifies the customer)
    TEXT = "text"  # free text up to ``max_length``
    COUNT = "count"  # a whole number from 1 to ``most`` (人数)
    GENDER = "gender"  # "" | M | F, typed m / f / 男 / 女
    CODE = "code"  # a name on one of the store's code lists (车型, 信息来源)
    LEVEL = "level"  # an intent level H/A/B/C/O, or none
    SOURCE = "source"  # 来源区分 1–7, or none (blank: the customer's stays)
    STAFF = "staff"  # a consultant, by name or login
    YES_NO = "yes_no"  # 是 / 否


class Widget(StrEnum):
    """How the form shows a field."""

    TEXT = "text"  # a plain input
    PHONE = "phone"  # an input that looks the customer up as it is typed
    NUMBER = "number"  # an input of digits
    CHOICE = "choice"  # an input over a list: typing filters, ↑/↓ pick
    CYCLE = "cycle"  # a one-line choice of a few options
    YES_NO = "yes_no"  # a cycle of 否 / 是
    TIME = "time"  # HH:MM, stamped when the form opens


# The longest text the form takes in a short field (a number, a time).
SHORT_INPUT = 20
# Longer text is a TEXT column, not a VARCHAR(255) (peewee's CharField).
CHAR_COLUMN = 255


@dataclass(frozen=True)
class Option:
    """A field's command-line option of ``frontdesk register``: flag, help key, metavar."""

    flag: str
    help: str
    metavar: str = ""  # none: a yes/no field is a flag


@dataclass(frozen=True)
class RegistrationField:
    """One field of the registration: what it holds, how it is read, stored and shown."""

    name: str
    type: ValueType
    label: str  # catalogue key of its label on the form and in messages
    headers: tuple[str, ...]  # import headers: English first (an export's column), Chinese
    option: Option | None = None
    widget: Widget | None = None  # None: not on the form
    hint: str = ""  # catalogue key of the hint beside the widget
    phone_label: str = ""  # catalogue key of the label on a phone call's form, if another
    message: str = ""  # catalogue key of the sentence refusing a bad value ({value}, {max})
    kinds: tuple[str, ...] = rules.KINDS  # the forms that show it
    edit_only: bool = False  # shown only when correcting a saved registration
    max_length: int = SHORT_INPUT  # the most characters typed (and, for text, stored)
    most: int = 0  # COUNT: the largest number accepted (the smallest is 1)
    codes: str = ""  # CODE: the code list (``store.codes.MODEL`` / ``CHANNEL``)
    default: Any = ""  # the value when none is given
    required: bool = False  # an import must have the column, the command line the option
    null: bool = False  # no value is stored as NULL (else as ``default``)
    indexed: bool = False
    form_id: str = ""  # the widget's id, when not the name with "-" for "_"

    @property
    def widget_id(self) -> str:
        """The id of the form's widget (and of the field's key in a kept draft)."""
        return self.form_id or self.name.replace("_", "-")

    @property
    def column(self) -> str:
        """The column of an export: the English header, so that an exported file imports."""
        return self.headers[0]

    def label_key(self, kind: str | None = None) -> str:
        return self.phone_label if kind == "phone" and self.phone_label else self.label

    def label_text(self, kind: str | None = None) -> str:
        """The field's label as the user reads it (人数), in the current language."""
        return t(self.label_key(kind))


FieldTable = tuple[RegistrationField, ...]

FIELDS: FieldTable = (
    RegistrationField(
        "kind",
        ValueType.KIND,
        "form.kind",
        ("kind", "类别", "类型"),
        Option("--kind", "cli.reg_kind", "walkin|phone"),
        message="error.kind",
        default="walkin",
        required=True,
    ),
    RegistrationField(
        "time_in",
        ValueType.MOMENT,
        "form.time_in",
        ("time_in", "来店时间", "时间", "来店(电)时间", "来电时间"),
        Option("--at", "cli.reg_at", '"YYYY-MM-DD HH:MM"'),
        widget=Widget.TIME,
        hint="form.hint_time",
        phone_label="form.time_in_phone",
        default=None,
        required=True,
        indexed=True,
    ),
    RegistrationField(
        "time_out",
        ValueType.MOMENT,
        "form.time_out",
        ("time_out", "离店时间"),
        Option("--out", "cli.reg_out", '"YYYY-MM-DD HH:MM"|HH:MM'),
        widget=Widget.TIME,
        hint="form.hint_time",
        kinds=("walkin",),
        edit_only=True,
        default=None,
        null=True,
    ),
    RegistrationField(
        "phone",
        ValueType.PHONE,
        "form.phone",
        ("phone", "电话", "手机", "联系电话"),
        Option("--phone", "cli.reg_phone", "P"),
        widget=Widget.PHONE,
        hint="form.hint_phone",
        max_length=rules.MAX_PHONE_INPUT,
        null=True,
        indexed=True,
    ),
    RegistrationField(
        "name",
        ValueType.TEXT,
        "form.name",
        ("name", "姓名", "客户姓名"),
        Option("--name", "cli.reg_name", "N"),
        widget=Widget.TEXT,
        hint="form.hint_name",
        max_length=rules.MAX_NAME,
    ),
    RegistrationField(
        "gender",
        ValueType.GENDER,
        "form.gender",
        ("gender", "性别"),
        Option("--gender", "cli.reg_gender", "m|f"),
        widget=Widget.CYCLE,
        hint="form.hint_gender",
        message="error.gender",
    ),
    RegistrationField(
        "party_size",
        ValueType.COUNT,
        "form.party_size",
        ("party_size", "人数"),
        Option("--party", "cli.reg_party", "N"),
        widget=Widget.NUMBER,
        hint="form.hint_party",
        message="error.party_size",
        kinds=("walkin",),
        most=rules.MAX_PARTY,
        default=1,
    ),
    RegistrationField(
        "model",
        ValueType.CODE,
        "form.model",
        ("model", "意向车型", "车型"),
        Option("--model", "cli.reg_model", "M"),
        widget=Widget.CHOICE,
        hint="form.hint_choice",
        message="error.unknown_model",
        max_length=rules.MAX_TEXT,
        codes="model",
    ),
    RegistrationField(
        "colour",
        ValueType.TEXT,
        "form.colour",
        ("colour", "color", "颜色"),
        Option("--colour", "cli.reg_colour", "C"),
        max_length=rules.MAX_TEXT,
    ),
    RegistrationField(
        "channel",
        ValueType.CODE,
        "form.channel",
        ("channel", "信息来源", "来源"),
        Option("--channel", "cli.reg_channel", "C"),
        widget=Widget.CHOICE,
        hint="form.hint_choice",
        message="error.unknown_channel",
        max_length=rules.MAX_TEXT,
        codes="channel",
    ),
    RegistrationField(
        "source",
        ValueType.SOURCE,
        "form.source",
        ("source", "来源区分"),
        Option("--source", "cli.reg_source", "1-7"),
        widget=Widget.NUMBER,
        hint="form.hint_source",
        message="error.source",
        max_length=2,  # one digit; a second one typed is refused, not cut off
        null=True,
    ),
    RegistrationField(
        "level",
        ValueType.LEVEL,
        "form.level",
        ("level", "意向级别", "级别"),
        Option("--level", "cli.reg_level", "H|A|B|C|O"),
        widget=Widget.CYCLE,
        hint="form.hint_level",
        message="error.level",
        null=True,
    ),
    RegistrationField(
        "consultant",
        ValueType.STAFF,
        "form.consultant",
        ("consultant", "接待顾问", "顾问", "销售顾问"),
        Option("--consultant", "cli.reg_consultant", "NAME"),
        widget=Widget.CHOICE,
        hint="form.hint_choice",
        max_length=rules.MAX_TEXT,
        null=True,
    ),
    RegistrationField(
        "test_drive",
        ValueType.YES_NO,
        "form.test_drive",
        ("test_drive", "试乘试驾", "试驾"),
        Option("--test-drive", "cli.reg_test_drive"),
        widget=Widget.YES_NO,
        hint="form.hint_toggle",
        kinds=("walkin",),
        default=False,
    ),
    RegistrationField(
        "quote",
        ValueType.YES_NO,
        "form.quote",
        ("quote", "报价"),
        Option("--quote", "cli.reg_quote"),
        widget=Widget.YES_NO,
        hint="form.hint_toggle",
        default=False,
    ),
    RegistrationField(
        "ordered",
        ValueType.YES_NO,
        "form.order",
        ("order", "ordered", "订车"),
        Option("--order", "cli.reg_order"),
        widget=Widget.YES_NO,
        hint="form.hint_toggle",
        default=False,
        form_id="order",
    ),
    RegistrationField(
        "notes",
        ValueType.TEXT,
        "form.notes",
        ("notes", "备注"),
        Option("--notes", "cli.reg_notes", "TEXT"),
        widget=Widget.TEXT,
        max_length=rules.MAX_NOTES,
    ),
)


def named(name: str, fields: FieldTable = FIELDS) -> RegistrationField:
    """The field called ``name``; KeyError if there is none."""
    for field in fields:
        if field.name == name:
            return field
    raise KeyError(name)


def form_fields(
    kind: str, *, editing: bool, fields: FieldTable = FIELDS
) -> list[RegistrationField]:
    """The fields a form of this kind shows, in tab order: the paper form's, phone first,
    and the times last (time in is stamped when the form opens, so it is rarely typed)."""
    shown = [
        field
        for field in fields
        if field.widget is not None and kind in field.kinds and (editing or not field.edit_only)
    ]
    return [f for f in shown if f.widget != Widget.TIME] + [
        f for f in shown if f.widget == Widget.TIME
    ]


def labels(
    names: Iterable[str], kind: str | None = None, fields: FieldTable = FIELDS
) -> dict[str, str]:
    """The label of each of these names that is a field, as the user reads it."""
    by_name = {field.name: field for field in fields}
    return {name: by_name[name].label_text(kind) for name in names if name in by_name}


class FieldValues:
    """One value per field of a field table, by name (``values.party_size``).

    Like a dataclass whose fields are the table's: built with keywords, each missing one
    at the field's default; an unknown name is refused (TypeError, AttributeError).
    """

    fields: FieldTable

    def __init__(self, fields: FieldTable, values: Mapping[str, Any]) -> None:
        unknown = sorted(set(values) - {field.name for field in fields})
        if unknown:
            raise TypeError(f"{type(self).__name__}: no field {', '.join(unknown)}")
        object.__setattr__(self, "fields", fields)
        for field in fields:
            object.__setattr__(self, field.name, values.get(field.name, field.default))

    @classmethod
    def with_fields(cls, fields: FieldTable, **values: Any) -> Self:
        """Values of another table than the registration's (a copy with one more field)."""
        made = cls.__new__(cls)
        FieldValues.__init__(made, fields, values)
        return made

    if TYPE_CHECKING:

        def __getattr__(self, name: str) -> Any: ...

    def __setattr__(self, name: str, value: Any) -> None:
        if name not in {field.name for field in self.fields}:
            raise AttributeError(f"{type(self).__name__} has no field {name}")
        object.__setattr__(self, name, value)

    def as_dict(self) -> dict[str, Any]:
        return {field.name: getattr(self, field.name) for field in self.fields}

    def replace(self, **changes: Any) -> Self:
        """A copy with these values changed (as ``dataclasses.replace``)."""
        return self.with_fields(self.fields, **{**self.as_dict(), **changes})

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, FieldValues) or type(other) is not type(self):
            return NotImplemented
        return self.fields == other.fields and self.as_dict() == other.as_dict()

    __hash__ = None  # type: ignore[assignment]  # mutable, as a dataclass

    def __repr__(self) -> str:
        shown = ", ".join(f"{name}={value!r}" for name, value in self.as_dict().items())
        return f"{type(self).__name__}({shown})"
