"""Staff: who works the desk, who receives customers, who manages.

The up rotation (接待顺序) is the queue of consultants on duty: the head is proposed for the
next first-visit party, and whoever takes one moves to the end.
"""

from __future__ import annotations

from collections.abc import Iterable

from peewee import fn

from frontdesk import rules
from frontdesk.errors import NotFound, ValidationError
from frontdesk.i18n import t
from frontdesk.people import roles
from frontdesk.people.actor import Actor
from frontdesk.store import audit
from frontdesk.store.models import Customer, Staff, database


def add_staff(name: str, role: str, login: str | None = None, *, by: Actor) -> Staff:
    """Add a staff member; the login defaults to the pinyin of the name (王磊 → wanglei).

    A name may not be another member's login, nor a login another's name: ``--as``, SSH
    user names and the staff commands look a member up by either, and must never find
    the wrong one (``find_staff``).
    """
    roles.require(by, roles.STAFF_MANAGE)
    errors: dict[str, str] = {}
    try:
        name = rules.clean_text(name, rules.MAX_NAME)
    except ValueError:
        errors["name"] = t("error.too_long", limit=rules.MAX_NAME)
    if not errors and not name:
        errors["name"] = t("error.required")
    if role not in rules.ROLES:
        errors["role"] = t("error.role", roles=", ".join(rules.ROLES))
    if login is not None and not (login.isascii() and login.isalnum()):
        errors["login"] = t("error.login")
    if errors:
        raise ValidationError(errors)
    with database.atomic():
        if Staff.select().where(Staff.name == name).exists():
            raise ValidationError({"name": t("error.staff_exists", name=name)})
        if Staff.select().where(Staff.login == name.lower()).exists():
            raise ValidationError({"name": t("error.name_is_login", name=name)})
        if login is None:
            login = _free_login(rules.login_for(name))
        elif (
            Staff.select()
            .where((Staff.login == login.lower()) | (fn.LOWER(Staff.name) == login.lower()))
            .exists()
        ):
            raise ValidationError({"login": t("error.login_taken", login=login)})
        order = (Staff.select(fn.MAX(Staff.rotation_order)).scalar() or 0) + 1
        member = Staff.create(name=name, login=login.lower(), role=role, rotation_order=order)
        audit.record("create", "staff", member.id, by, name=name, role=role)
    return member


def set_active(name_or_login: str, active: bool, *, by: Actor) -> tuple[Staff, int]:
    """A staff member leaves the store (``active=False``) or comes back.

    One who has left cannot sign in, at a terminal or over SSH (their keys stop working at
    once), is out of the up rotation, and an app they have open closes itself; their
    customers stay theirs until a manager reassigns them. Returns the member and how many
    open intent customers they still have.
    """
    roles.require(by, roles.STAFF_MANAGE)
    member = require_staff(name_or_login)
    if by.staff_id == member.id and not active:
        raise ValidationError({"name": t("error.staff_self")})
    with database.atomic():
        Staff.update(active=active).where(Staff.id == member.id).execute()
        member.active = active
        audit.record("activate" if active else "deactivate", "staff", member.id, by)
        still_open = (
            Customer.select()
            .where((Customer.consultant == member.id) & Customer.next_due.is_null(False))
            .count()
        )
    return member, still_open


def set_role(name_or_login: str, role: str, *, by: Actor) -> tuple[Staff, int]:
    """Give a staff member another role (岗位): a receptionist becomes a consultant, a
    consultant is made showroom manager, ….

    Their rights change at once, everywhere. Nobody changes their own role (an admin could
    otherwise take away the last admin's rights by mistake, from the only terminal they
    have). Returns the member and how many open intent customers they still have, to be
    reassigned when the new role no longer receives customers.
    """
    roles.require(by, roles.STAFF_MANAGE)
    if role not in rules.ROLES:
        raise ValidationError({"role": t("error.role", roles=", ".join(rules.ROLES))})
    with database.atomic():
        member = require_staff(name_or_login)
        if by.staff_id == member.id:
            raise ValidationError({"role": t("error.staff_self_role")})
        if member.role != role:
            audit.record("role", "staff", member.id, by, before=member.role, after=role)
            Staff.update(role=role).where(Staff.id == member.id).execute()
            member.role = role
        still_open = 0
        if role not in RECEIVING_ROLES:
            still_open = (
                Customer.select()
                .where((Customer.consultant == member.id) & Customer.next_due.is_null(False))
                .count()
            )
    return member, still_open


def is_active(staff_id: int) -> bool:
    """Whether this staff member may still work (an open app checks when the store changes)."""
    return Staff.select().where((Staff.id == staff_id) & Staff.active).exists()


def _free_login(base: str) -> str:
    """``base``, or ``base2``, ``base3``…: the first that is no member's login nor name."""
    logins = Staff.select(Staff.login).where(Staff.login.startswith(base)).scalars()
    names = Staff.select(Staff.name).where(Staff.name.startswith(base)).scalars()
    taken = set(logins) | {name.lower() for name in names}
    if base not in taken:
        return base
    suffix = 2
    while f"{base}{suffix}" in taken:
        suffix += 1
    return f"{base}{suffix}"


RECEIVING_ROLES = ("consultant", "manager")  # who may receive a customer (接待 / 负责)


def list_staff(active_only: bool = False) -> list[Staff]:
    query = Staff.select().order_by(Staff.role, Staff.rotation_order, Staff.id)
    if active_only:
        query = query.where(Staff.active)
    return list(query)


def consultants() -> list[Staff]:
    """Active consultants (and managers, who may receive customers), in rotation order."""
    return list(
        Staff.select()
        .where(Staff.active & Staff.role.in_(RECEIVING_ROLES))
        .order_by(Staff.rotation_order, Staff.id)
    )


def find_staff(name_or_login: str) -> Staff | None:
    """A staff member by login (case-insensitive), exactly; else by name, if only one has it.

    A login is never confused with a name: ``--as lina`` is the member whose login is
    ``lina``, even beside a member named ``lina`` (which ``add_staff`` no longer allows).
    """
    key = (name_or_login or "").strip()
    if not key:
        return None
    member = Staff.get_or_none(Staff.login == key.lower())
    if member is not None:
        return member
    named = list(Staff.select().where(Staff.name == key).limit(2))
    return named[0] if len(named) == 1 else None


def require_staff(name_or_login: str) -> Staff:
    member = find_staff(name_or_login)
    if member is None:
        raise NotFound(t("error.no_staff", name=name_or_login))
    return member


def _rotation_query():
    return (
        Staff.select()
        .where(Staff.active & Staff.on_duty & (Staff.role == "consultant"))
        .order_by(Staff.rotation_order, Staff.id)
    )


def rotation() -> list[Staff]:
    """The up rotation: active consultants on duty, head first."""
    return list(_rotation_query())


def proposed_consultant() -> Staff | None:
    """The consultant at the head of the up rotation, if anyone is on duty."""
    return _rotation_query().first()


def move_to_end(member: Staff) -> None:
    """Send a consultant to the end of the up rotation (they took a party, or were skipped)."""
    with database.atomic():
        last = Staff.select(fn.MAX(Staff.rotation_order)).scalar() or 0
        Staff.update(rotation_order=last + 1).where(Staff.id == member.id).execute()
        member.rotation_order = last + 1


def skip_head(*, by: Actor) -> Staff | None:
    """Skip the head of the rotation (not available right now); returns the new head."""
    roles.require(by, roles.ROTATION_SKIP)
    with database.atomic():
        head = proposed_consultant()
        if head is not None:
            move_to_end(head)
            audit.record("skip", "rotation", head.id, by)
        return proposed_consultant()


def set_on_duty(member: Staff, on_duty: bool, *, by: Actor) -> None:
    """Put a consultant on duty (当班) or take them off: the desk's roster (``d``) or the
    admin's staff screen. Only consultants take turns in the up rotation."""
    if not roles.may(by, roles.STAFF_MANAGE):
        roles.require(by, roles.ROTATION_SKIP)
    if member.role != "consultant":
        raise ValidationError({"on_duty": t("error.duty_consultants", name=member.name)})
    with database.atomic():
        Staff.update(on_duty=on_duty).where(Staff.id == member.id).execute()
        member.on_duty = on_duty
        audit.record("duty", "staff", member.id, by, on_duty=on_duty)


def duty_roster() -> list[Staff]:
    """The active consultants in rotation order, each with whether they are on duty (当班)."""
    return list(
        Staff.select()
        .where(Staff.active & (Staff.role == "consultant"))
        .order_by(Staff.rotation_order, Staff.id)
    )


def set_roster(on_duty: Iterable[int], *, by: Actor) -> list[Staff]:
    """Who is on duty today: the consultants whose ids are in ``on_duty``, and no others.

    Only those who change are written (and audited), in one transaction; returns the up
    rotation as it now stands."""
    roles.require(by, roles.ROTATION_SKIP)
    wanted = set(on_duty)
    with database.atomic():
        for member in duty_roster():
            if member.on_duty != (member.id in wanted):
                set_on_duty(member, member.id in wanted, by=by)
    return rotation()
