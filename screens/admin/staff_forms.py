"""The admin's forms about people: add a member, change a role, set a PIN, add an SSH key."""

from __future__ import annotations

from functools import partial

from textual.widget import Widget
from textual.widgets import Input

from frontdesk import rules
from frontdesk.i18n import t
from frontdesk.people import keys, pins, roles, team
from frontdesk.store.models import Staff
from screens import access
from screens.admin.form import AdminForm
from screens.widgets import FdChoice, FdCycle

ROLE_HOT_KEYS = {
    "receptionist": "r1",
    "consultant": "c2",
    "manager": "m3",
    "admin": "a4",
    "group_manager": "g5",
}


def role_options() -> list[tuple[object, str, str]]:
    return [(role, roles.role_label(role), ROLE_HOT_KEYS[role]) for role in rules.ROLES]


class MemberForm(AdminForm):
    """Add a staff member: name, role, and a login (the pinyin of the name if left empty)."""

    FIELDS = (
        ("name", "admin.form.name", "admin.form.hint_name"),
        ("role", "admin.form.role", "admin.form.hint_role"),
        ("login", "admin.form.login", "admin.form.hint_login"),
    )

    def title_text(self) -> str:
        return t("admin.form.add_title")

    def make_widget(self, field_id: str) -> Widget:
        if field_id == "role":
            return FdCycle(role_options(), value="consultant", id="role")
        limit = rules.MAX_NAME if field_id == "name" else rules.MAX_TEXT
        return Input(id=field_id, compact=True, max_length=limit)

    def job(self):
        login = self.value("login").strip() or None
        add = partial(team.add_staff, login=login, by=access.actor_of(self))
        return add, (self.value("name"), str(self.value("role")))


class RoleForm(AdminForm):
    """Give a member another role."""

    FIELDS = (("role", "admin.form.role", "admin.form.hint_role"),)

    def __init__(self, member: Staff) -> None:
        super().__init__()
        self.member = member

    def title_text(self) -> str:
        return t("admin.form.role_title", name=self.member.name, login=self.member.login)

    def make_widget(self, field_id: str) -> Widget:
        return FdCycle(role_options(), value=self.member.role, id="role")

    def job(self):
        change = partial(team.set_role, by=access.actor_of(self))
        return change, (self.member.login, str(self.value("role")))


class PinForm(AdminForm):
    """Set the PIN a member signs in with at the desk: typed twice, never shown."""

    FIELDS = (
        ("pin", "admin.form.pin", "admin.form.hint_pin"),
        ("again", "admin.form.again", "admin.form.hint_again"),
    )

    def __init__(self, member: Staff) -> None:
        super().__init__()
        self.member = member

    def title_text(self) -> str:
        return t("admin.form.pin_title", name=self.member.name, login=self.member.login)

    def make_widget(self, field_id: str) -> Widget:
        return Input(id=field_id, compact=True, password=True, max_length=rules.MAX_PHONE_INPUT)

    def job(self):
        if self.value("again") != self.value("pin"):
            self.refuse("again", t("pin.mismatch"))
            return None
        return partial(pins.set_pin, by=access.actor_of(self)), (
            self.member.login,
            self.value("pin"),
        )


class KeyForm(AdminForm):
    """Give a member an SSH key: the member (by name, login or pinyin initials) and the
    public key's line, pasted."""

    FIELDS = (
        ("member", "admin.form.member", "admin.form.hint_member"),
        ("key", "admin.form.key", "admin.form.hint_key"),
    )
    CORE_FIELDS = {"key": keys.FIELD}
    NOT_FOUND_FIELD = "member"

    def __init__(self, names: list[str], member: str = "") -> None:
        super().__init__()
        self.names = names
        self.member = member

    def title_text(self) -> str:
        return t("admin.form.key_title")

    def make_widget(self, field_id: str) -> Widget:
        if field_id == "member":
            return FdChoice(
                self.names, value=self.member, id="member", compact=True, max_length=rules.MAX_NAME
            )
        return Input(id="key", compact=True, max_length=keys.MAX_KEY_FILE)

    def first_field(self) -> str:
        return "key" if self.member else "member"

    def job(self):
        add = partial(keys.add_pasted_key, by=access.actor_of(self))
        return add, (self.value("member"), self.value("key"))
