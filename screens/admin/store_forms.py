"""The admin's forms about the store: change a setting, add a code, correct a code's name."""

from __future__ import annotations

from functools import partial

from textual.widget import Widget
from textual.widgets import Input

from frontdesk import rules
from frontdesk.i18n import t
from frontdesk.store import codes, settings
from screens import access
from screens.admin.form import AdminForm
from screens.widgets import FdCycle

MAX_SETTING_INPUT = 100


class SettingForm(AdminForm):
    """Change one setting; an empty value puts it back to its default: the group's, if it
    has one (``group``), else the built-in one."""

    FIELDS = (("value", "admin.form.value", "admin.form.hint_setting"),)

    def __init__(self, entry: settings.Known, stored: str | None, group: str | None = None) -> None:
        super().__init__()
        self.entry = entry
        self.stored = stored
        self.group = group
        # The core names a refused value by the setting's key.
        self.CORE_FIELDS = {"value": entry.key}

    def title_text(self) -> str:
        return self.entry.description

    def hint_text(self, field_id: str, hint_key: str) -> str:
        if self.group is not None:
            return t("admin.form.hint_setting_group", value=self.group)
        return t(hint_key, default=self.entry.default or t("admin.empty_value"))

    def make_widget(self, field_id: str) -> Widget:
        return Input(self.stored or "", id="value", compact=True, max_length=MAX_SETTING_INPUT)

    def job(self):
        typed = self.value("value")
        change = partial(settings.change, by=access.actor_of(self))
        return change, (self.entry.key, typed if typed.strip() else None)


def kind_options() -> list[tuple[object, str, str]]:
    return [
        (kind, codes.kind_label(kind), str(number))
        for number, kind in enumerate(codes.KINDS, start=1)
    ]


class CodeForm(AdminForm):
    """Add a name to a code list (a retired name comes back)."""

    FIELDS = (
        ("kind", "admin.form.kind", "admin.form.hint_kind"),
        ("name", "admin.form.code_name", "admin.form.hint_code_name"),
    )

    def __init__(self, kind: str = codes.MODEL) -> None:
        super().__init__()
        self.kind = kind

    def title_text(self) -> str:
        return t("admin.form.code_title")

    def make_widget(self, field_id: str) -> Widget:
        if field_id == "kind":
            return FdCycle(kind_options(), value=self.kind, id="kind")
        return Input(id="name", compact=True, max_length=rules.MAX_TEXT)

    def job(self):
        add = partial(codes.add_code, by=access.actor_of(self))
        return add, (str(self.value("kind")), self.value("name"))


class RenameForm(AdminForm):
    """Correct a code's name: on every row that carries it too."""

    FIELDS = (("name", "admin.form.code_name", "admin.form.hint_rename"),)
    NOT_FOUND_FIELD = "name"

    def __init__(self, code: codes.Code) -> None:
        super().__init__()
        self.code = code

    def title_text(self) -> str:
        return t(
            "admin.form.rename_title", kind=codes.kind_label(self.code.kind), name=self.code.name
        )

    def make_widget(self, field_id: str) -> Widget:
        return Input(self.code.name, id="name", compact=True, max_length=rules.MAX_TEXT)

    def job(self):
        rename = partial(codes.rename_code, by=access.actor_of(self))
        return rename, (self.code.kind, self.code.name, self.value("name"))
