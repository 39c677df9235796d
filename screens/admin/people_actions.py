"""The keys of the admin screen's staff and SSH keys pages (``AdminScreen`` holds them):
each opens a form or asks first, runs the core in a worker, and says what it did."""

from __future__ import annotations

from functools import partial

from frontdesk.i18n import t
from frontdesk.people import keys, roles, team
from frontdesk.store.models import Staff, StaffKey
from screens.admin.page import PageHost
from screens.admin.staff_forms import KeyForm, MemberForm, PinForm, RoleForm
from screens.dialogs import ConfirmScreen


class PeopleActions(PageHost):
    """The staff page (a member: add, role, left or back, PIN, duty) and the keys page (add a
    pasted key, remove one), on what the screen gives them (``PageHost``)."""

    def action_add_member(self) -> None:
        def added(member: Staff) -> str:
            role = roles.role_label(member.role)
            return t("cli.staff_added", name=member.name, login=member.login, role=role)

        self._open(MemberForm(), added)

    def action_role(self) -> None:
        member = self._current()
        if isinstance(member, Staff):
            self._open(RoleForm(member), _role_changed)

    def action_reactivate(self) -> None:
        member = self._current()
        if isinstance(member, Staff):
            change = partial(team.set_active, by=self.by)
            self._run(change, member.login, True, then=_left_or_back)

    def action_deactivate(self) -> None:
        member = self._current()
        if not isinstance(member, Staff):
            return

        def answered(yes: bool | None) -> None:
            if yes:
                change = partial(team.set_active, by=self.by)
                self._run(change, member.login, False, then=_left_or_back)

        question = t("admin.confirm_deactivate", name=member.name, login=member.login)
        self.app.push_screen(ConfirmScreen(question), answered)

    def action_pin(self) -> None:
        member = self._current()
        if isinstance(member, Staff):
            self._open(PinForm(member), lambda m: t("pin.set_done", name=m.name, login=m.login))

    def action_duty(self) -> None:
        member = self._current()
        if not isinstance(member, Staff):
            return
        on_duty = not member.on_duty
        message = t("admin.duty_on" if on_duty else "admin.duty_off", name=member.name)
        self._run(partial(team.set_on_duty, by=self.by), member, on_duty, then=lambda _: message)

    # -- the keys page ------------------------------------------------------------------

    def action_add_key(self) -> None:
        if self.data is None:
            return
        names = [member.name for member in self.data.staff if member.active]
        row = self._current()
        owner = row.staff.name if isinstance(row, StaffKey) else ""

        def added(key: StaffKey) -> str:
            return t(
                "cli_keys.added",
                name=key.staff.name,
                login=key.staff.login,
                fingerprint=key.fingerprint,
                id=key.id,
            )

        self._open(KeyForm(names, owner), added)

    def action_remove_key(self) -> None:
        row = self._current()
        if not isinstance(row, StaffKey):
            return
        name, login, fingerprint = row.staff.name, row.staff.login, row.fingerprint

        def answered(yes: bool | None) -> None:
            if yes:
                remove = partial(keys.remove_key, by=self.by)
                message = t("cli_keys.removed", fingerprint=fingerprint, name=name)
                self._run(remove, login, str(row.id), then=lambda _: message)

        question = t("admin.confirm_remove_key", name=name, fingerprint=fingerprint)
        self.app.push_screen(ConfirmScreen(question), answered)


def _role_changed(result: tuple[Staff, int]) -> str:
    member, still_open = result
    message = t("admin.role_changed", name=member.name, role=roles.role_label(member.role))
    if still_open:
        message += " " + t("admin.customers_left", name=member.name, count=still_open)
    return message


def _left_or_back(result: tuple[Staff, int]) -> str:
    member, still_open = result
    state = "deactivated" if not member.active else "reactivated"
    message = t(f"cli.staff_{state}", name=member.name, login=member.login)
    if not member.active and still_open:
        message += " " + t("admin.customers_left", name=member.name, count=still_open)
    return message
